"""The dossier as one HTML document with a print style (issue 12, item 4).

Made from a ``SolveResult``: per region whether it closes, its heaviest load and (when
short) its shortfall per group; the cover per pool and group; the heaviest loads; when
short, the bottlenecks in sentences with the certificate as a sum, and the repairs.
Words come from the catalogue (``messages/dossier.toml``, ``diagnose.toml``) through
``diagnose_words``; no rule ids, no true/false. A fraction that is not a short decimal is
shown as a decimal with the exact value in a footnote (:class:`Notes`). Nothing is
fetched: inline CSS only, the report's Content-Security-Policy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from html import escape
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..base.i18n import t
from ..diagnosis.words import certificate_lines, change_words, num, num_load, rules_lines, with_labels
from ..report.html import CSP, CSS
from .words import joined, pool_names, verdict

if TYPE_CHECKING:
    from ..instance import Instance
    from ..pipeline import SolveResult
    from .fair import FairRepair

TOP_LOADS = 10
FRACTION = re.compile(r"(?<![\w/.,])(\d+)/(\d+)(?![\w/])")

EXTRA_CSS = """
h3 { font-size: 15px; margin: 18px 0 4px; }
p.verdict-line { font-size: 16px; font-weight: 600; }
pre.cert { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap;
           background: #f6f8fa; padding: 8px 10px; border-left: 3px solid var(--line); }
section.region { break-inside: avoid; }
ol.footnotes { font-size: 12px; color: var(--muted); }
sup { font-size: 10px; }
"""


class Notes:
    """Footnotes for exact values: ``decimal(text)`` replaces every p/q by a decimal with a
    footnote mark; ``html()`` lists the footnotes."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.items: list[str] = []

    def mark(self, what: str, exact: Fraction) -> str:
        text = t("dossier.footnote", self.lang, what=what, exact=f"{exact.numerator}/{exact.denominator}")
        if text not in self.items:
            self.items.append(text)
        return f"<sup>{self.items.index(text) + 1}</sup>"

    def load(self, value: Any) -> str:
        """A load with three decimals, the exact fraction in a footnote when it is not one."""
        q = Fraction(str(value))
        shown = num_load(q, self.lang)
        if (q * 1000).denominator == 1:
            return escape(shown)
        return escape(shown) + self.mark(shown, q)

    def text(self, text: str) -> str:
        """``text`` escaped, every p/q written as a decimal with its exact value in a footnote."""
        out, last = [], 0
        for m in FRACTION.finditer(text):
            q = Fraction(int(m.group(1)), int(m.group(2)))
            shown = num(q, self.lang)
            out.append(escape(text[last:m.start()]) + escape(shown)
                       + ("" if q.denominator == 1 or str(float(q)) == shown
                          else self.mark(shown, q)))
            last = m.end()
        return "".join(out) + escape(text[last:])

    def html(self) -> str:
        if not self.items:
            return ""
        return (f"<h2>{escape(t('dossier.footnotes', self.lang))}</h2><ol class=\"footnotes\">"
                + "".join(f"<li>{escape(i)}</li>" for i in self.items) + "</ol>")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    """Cells are HTML already (escaped by the caller)."""
    head = "".join(f"<th class=\"{'n' if n else ''}\">{escape(h)}</th>"
                   for h, n in zip(header, numeric))
    body = "".join("<tr>" + "".join(f"<td class=\"{'n' if n else ''}\">{c}</td>"
                                    for c, n in zip(r, numeric)) + "</tr>" for r in rows)
    return f"<div class=\"scroll\"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _regions(inst: Instance) -> dict[str, list[str]]:
    regions: dict[str, list[str]] = {}
    for m in inst.municipalities:
        regions.setdefault(m.region, []).append(m.code)
    return dict(sorted(regions.items()))


def dossier_html(result: SolveResult, lang: str = "nl",
                 fair: Mapping[str, FairRepair | None] | None = None) -> str:
    """The whole dossier as one HTML document (``fair``: short pool -> its fair repair)."""
    inst = result.instance
    notes = Notes(lang)
    labels = {g.id: g.label or g.id for g in inst.groups}
    names = pool_names(inst)
    if result.proposal is not None and result.check is not None:
        shown_inst, check, closing_pools = inst, result.check, {p.id for p in inst.pools()}
    elif result.pools is not None:
        shown_inst, check = result.pools.instance, result.pools.check
        closing_pools = set(result.pools.closing)
    else:
        shown_inst, check, closing_pools = None, None, set()
    loads = dict(check.loads) if check is not None else {}
    shortfall: dict[str, dict[str, Fraction]] = {}
    for part in result.diagnosis.parts if result.diagnosis is not None else ():
        shortfall.setdefault(part.pool, {})[part.group] = part.places

    title = (f"{inst.name} — {inst.scenario.name}" if inst.scenario else inst.name)
    body: list[str] = [f"<h1>{escape(t('dossier.title', lang, title=title))}</h1>",
                       f"<p class=\"sub\">{escape(t('dossier.subtitle', lang, version=__version__))}</p>"]
    if inst.scenario is not None and inst.scenario.description:
        line = t("dossier.scenario", lang, name=inst.scenario.name,
                 description=inst.scenario.description)
        body.append(f"<p class=\"sub\">{escape(line)}</p>")
    if result.closing:
        body.append("<p class=\"verdict-line\"><span class=\"verdict yes\">"
                    f"{escape(t('dossier.verdict.closing', lang))}</span></p>")
    else:
        short = [{"pool": p, "places": sum(parts.values(), Fraction(0))}
                 for p, parts in sorted(shortfall.items())]
        words = verdict({"closing": sorted(closing_pools), "short": short}, lang, names)
        text = (t("dossier.verdict.short", lang, words=words) if words
                else t("dossier.verdict.none", lang))
        body.append(f"<p class=\"verdict-line\"><span class=\"verdict no\">{notes.text(text)}</span></p>")

    # ---- per region
    body.append(f"<h2>{escape(t('dossier.regions', lang))}</h2>")
    for region, codes in _regions(inst).items():
        body.append(f"<section class=\"region\"><h3>{escape(region)}</h3>")
        pools = {inst.pool_of(c) for c in codes}
        region_short = {g: n for p in pools for g, n in shortfall.get(p, {}).items()}
        if pools <= closing_pools:
            body.append(f"<p>{escape(t('dossier.region.closes', lang))}</p>")
        elif inst.pool == "province" or not region_short:
            body.append(f"<p>{escape(t('dossier.region.unknown', lang))}</p>")
        else:
            total = sum(region_short.values(), Fraction(0))
            key = "dossier.region.short.one" if total == 1 else "dossier.region.short"
            body.append(f"<p>{notes.text(t(key, lang, places=num(total, lang)))}</p>")
        region_loads = {c: loads[c] for c in codes if c in loads}
        if region_loads:
            top = max(region_loads, key=lambda c: (region_loads[c], c))
            sentence = t("dossier.region.heaviest", lang, load="\0",
                         municipality=inst.municipality(top).name)
            body.append("<p>" + escape(sentence).replace("\0", notes.load(region_loads[top]))
                        + "</p>")
        if region_short and inst.pool != "province":
            body.append(f"<p>{escape(t('dossier.region.shortfall', lang))}</p>")
            rows = []
            for p in sorted(pools):
                for g, n in sorted(shortfall.get(p, {}).items()):
                    members = [c for c in codes if inst.pool_of(c) == p]
                    task = sum(inst.target(c, g) for c in members)
                    rows.append([escape(labels.get(g, g)), escape(num(task, lang)),
                                 notes.text(num(n, lang))])
            body.append(_table([t("dossier.col.group", lang), t("dossier.col.target", lang),
                                t("dossier.col.short", lang)], rows, [False, True, True]))
        body.append("</section>")

    # ---- cover per pool and group, heaviest loads
    body.append(f"<h2>{escape(t('dossier.pools', lang))}</h2>")
    if check is None or shown_inst is None:
        body.append(f"<p>{escape(t('dossier.pools.none', lang))}</p>")
    else:
        rows = [[escape(names.get(c.pool, c.pool)), escape(labels.get(c.group, c.group)),
                 escape(num(c.target, lang)), notes.text(num(c.places, lang)),
                 notes.text(num(c.covered, lang)), notes.text(num(c.margin, lang))]
                for c in check.covers]
        body.append(_table([t("solve.col.region", lang), t("dossier.col.group", lang),
                            t("dossier.col.target", lang), t("dossier.col.places", lang),
                            t("dossier.col.covered", lang), t("dossier.col.margin", lang)],
                           rows, [False, False, True, True, True, True]))
        body.append(f"<h2>{escape(t('dossier.loads', lang))}</h2>")
        heaviest = sorted(loads, key=lambda c: (-loads[c], c))[:TOP_LOADS]
        body.append(_table([t("dossier.col.municipality", lang), t("solve.col.region", lang),
                            t("dossier.col.load", lang)],
                           [[escape(shown_inst.municipality(c).name),
                             escape(shown_inst.municipality(c).region), notes.load(loads[c])]
                            for c in heaviest], [False, False, True]))
        proven = all(o.status == "optimal" for o in result.outcomes
                     if o.pool.id in closing_pools)
        key = "dossier.balanced" if proven else "dossier.balanced.not_proven"
        body.append(f"<p>{escape(t(key, lang))}</p>")
        body.append(f"<p>{escape(t('dossier.checked', lang))}</p>")

    # ---- why not, and what would close it
    if result.diagnosis is not None and not result.closing:
        body += _diagnosis(result.diagnosis.as_dict(), lang, notes, labels, names, fair or {})
    body.append(notes.html())
    made = t("dossier.generated", lang, files=", ".join(inst.files_read),
             sha=inst.input_sha256[:12])
    body.append(f"<footer>{escape(made)}</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"" + lang + "\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            f"<title>{escape(t('dossier.title', lang, title=title))}</title>"
            f"<style>{CSS}{EXTRA_CSS}</style></head><body>\n" + "\n".join(body)
            + "\n</body></html>\n")


def _fair(pool: str, repair: FairRepair | None, short: Fraction, lang: str, notes: Notes,
          labels: Mapping[str, str]) -> list[str]:
    out = [f"<h3>{escape(t('dossier.fair.title', lang, pool=pool))}</h3>"]
    if repair is None or not repair.verified:
        return [*out, f"<p>{escape(t('dossier.fair.none', lang, pool=pool))}</p>"]
    text = t("dossier.fair.text", lang, pool=pool, total=num(repair.total, lang),
             n=len({a.municipality for a in repair.above}), load="\0", short=num(short, lang))
    load = notes.load(repair.max_load) if repair.max_load is not None else "-"
    out.append("<p>" + escape(text).replace("\0", load) + "</p>")
    rows = [[escape(a.name), escape(labels.get(a.group, a.group)), escape(num(a.cap, lang)),
             escape(num(a.places, lang)), escape(num(a.above, lang))]
            for a in sorted(repair.above, key=lambda a: (-a.above, a.name))]
    out.append(_table([t("dossier.col.municipality", lang), t("dossier.col.group", lang),
                       t("dossier.col.cap", lang), t("dossier.col.places", lang),
                       t("dossier.col.above", lang)], rows, [False, False, True, True, True]))
    return out


def _diagnosis(data: Mapping[str, Any], lang: str, notes: Notes, labels: Mapping[str, str],
               names: Mapping[str, str], fair: Mapping[str, FairRepair | None]) -> list[str]:
    data = with_labels(data, labels, {**(data.get("pool_names") or {}), **names})
    rules = data.get("rules", {})
    out = [f"<h2>{escape(t('dossier.diagnosis', lang))}</h2>"]
    short = data.get("shortfall") or {}
    if short.get("by_pool"):
        total = Fraction(str(short["total"]))
        out.append("<p>" + notes.text(t("shortfall.total_one" if total == 1 else "shortfall.total",
                                        lang, total=num(total, lang))) + "</p>")
    for n, b in enumerate(data.get("bottlenecks", []), start=1):
        out.append(f"<h3>{notes.text(t('bottleneck.title', lang, n=n, pool=b['pool']))}</h3>")
        out.append("<ul>" + "".join(f"<li>{notes.text(line)}</li>"
                                    for line in rules_lines(b["rules"], rules, lang, bullet=""))
                   + "</ul>")
        if b.get("certificate") is not None:
            cert = certificate_lines(b["certificate"], rules, lang, indent="")
            out.append(f"<p>{notes.text(cert[0])}</p>")
            out.append("<pre class=\"cert\">" + "\n".join(notes.text(line) for line in cert[1:])
                       + "</pre>")
        else:
            out.append(f"<p>{notes.text(t('cert.none', lang))}</p>")
    rep = data.get("repairs")
    if fair or (rep is not None):
        out.append(f"<h2>{escape(t('dossier.repairs', lang))}</h2>")
    for pool, repair in sorted(fair.items()):
        pool_short = sum((Fraction(str(x["places"])) for x in (short.get("by_pool") or [])
                          if x["pool"] == names.get(pool, pool)), Fraction(0))
        out += _fair(names.get(pool, pool), repair, pool_short, lang, notes, labels)
    if rep is not None and rep.get("found"):
        out.append(f"<h3>{escape(t('dossier.cheapest', lang))}</h3>")
        penalties = {k: num(v, lang) for k, v in (rep.get("penalties") or {}).items()}
        if set(penalties) >= {"cap", "site", "exchange", "import_share", "pool"}:
            out.append(f"<p>{escape(t('dossier.penalty', lang, **penalties))}</p>")
        out.append(f"<p>{notes.text(t('repairs.title', lang))}</p><ol>")
        for r in rep["found"]:
            words = f" {t('change.and', lang)} ".join(change_words(ch, lang) for ch in r["changes"])
            item = notes.text(words) + f" ({notes.text(num(r['penalty'], lang))})"
            if r.get("max_load") is not None:
                item += "<br>" + escape(t("repairs.load", lang, file=r["scenario"],
                                          load=num_load(r["max_load"], lang)))
            out.append(f"<li>{item}</li>")
        out.append("</ol>")
    elif rep is not None:
        unrepairable = [str(i + 1) for i in rep.get("unrepairable_conflicts") or []]
        text = (t("repairs.unrepairable", lang, conflicts=joined(unrepairable, lang))
                if unrepairable else t("repairs.none", lang))
        out.append(f"<p>{escape(text)}</p>")
    return out
