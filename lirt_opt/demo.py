"""`make demo`'s last step: what a scenario moved compared with the base proposal.

    python -m lirt_opt.demo BASE_DIR SCENARIO_DIR [--lang nl|en]

Reads the two proposal directories (plain CSV and JSON, as any user could) and
prints, per region, what is exchanged between which target groups before and after,
then, per municipality whose places changed, places and load before and after.
Words in Dutch by default (the catalogue's ``demo.*`` texts), English with --lang en.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

from .base.i18n import DEFAULT_LANGUAGE, LANGUAGES, fmt_number, t
from .proposal.reader import ProposalData, read_proposal_dir


def _totals(data: ProposalData) -> dict[str, dict[str, str | int]]:
    rows: dict[str, dict[str, str | int]] = {}
    for r in data.rows or []:
        row = rows.setdefault(r.municipality, {"name": r.name, "region": r.region, "places": 0})
        row["places"] = int(row["places"]) + r.places
    return rows


def _flows(data: ProposalData) -> dict[tuple[str, str, str], Fraction]:
    """(pool, from, to) -> places exchanged for the task due by the deadline."""
    out: dict[tuple[str, str, str], Fraction] = {}
    for e in data.exchanges:
        if not e.get("date"):
            key = (str(e.get("pool")), str(e.get("from")), str(e.get("to")))
            out[key] = out.get(key, Fraction(0)) + Fraction(str(e.get("places") or 0))
    return out


def lines(base: ProposalData, other: ProposalData, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    name = (other.scenario or {}).get("name") or other.path.name
    label = {g: text for d in (base.group_labels, other.group_labels) for g, text in d.items()
             if text != g}  # labels of either (an older result may have none)
    out = [t("demo.exchanges", lang, scenario=name)]
    before, after = _flows(base), _flows(other)
    keys = sorted(set(before) | set(after))
    if not keys:
        out.append("  " + t("demo.exchanges.none", lang))
    for pool, source, target in keys:
        b, a = before.get((pool, source, target), 0), after.get((pool, source, target), 0)
        out.append("  " + t("demo.exchange", lang, pool=pool,
                            source=label.get(source, source), to=label.get(target, target),
                            before=fmt_number(b, lang), after=fmt_number(a, lang)))
    out.append("")
    tb, ta = _totals(base), _totals(other)
    lb, la = base.loads, other.loads
    out.append(t("demo.changes", lang, scenario=name))
    header = (f"{t('demo.col.municipality', lang):24} {t('demo.col.region', lang):8} "
              f"{t('demo.col.places', lang):>8} {'':2} {t('demo.col.now', lang):>6} "
              f"{t('demo.col.load', lang):>10} {'':2} {t('demo.col.now', lang):>6}")
    out += [header, "-" * len(header)]
    changed = [c for c in sorted(tb, key=lambda c: (str(tb[c]["region"]), c))
               if c in ta and tb[c]["places"] != ta[c]["places"]]
    for c in changed:
        out.append(f"{tb[c]['name']!s:24} {tb[c]['region']!s:8} "
                   f"{fmt_number(int(tb[c]['places']), lang):>8} {'->':>2} "
                   f"{fmt_number(int(ta[c]['places']), lang):>6} "
                   f"{fmt_number(lb.get(c, 0), lang, 3):>10} {'->':>2} "
                   f"{fmt_number(la.get(c, 0), lang, 3):>6}")
    out.append(t("demo.changed", lang, n=fmt_number(len(changed), lang)))
    return out


def main(argv: list[str]) -> int:
    lang = DEFAULT_LANGUAGE
    if "--lang" in argv:
        i = argv.index("--lang")
        lang = argv[i + 1] if i + 1 < len(argv) else ""
        argv = argv[:i] + argv[i + 2:]
    if len(argv) != 2 or lang not in LANGUAGES:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    base, other = (read_proposal_dir(Path(a)) for a in argv)
    print("\n".join(lines(base, other, lang)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
