"""The explorer (``lirt-opt serve``) through its HTTP API: a server on port 0 in a thread,
what-ifs posted as JSON, the state read back. Limburg without its sites solves in well
under a second, so most tests use that copy; site what-ifs use instances/small/late-site."""

from __future__ import annotations

import csv
import json
import shutil
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lirt_opt.explore import tiles
from lirt_opt.explore.server import start
from lirt_opt.explore.session import Explorer
from lirt_opt.explore.view import site_reason

from conftest import INSTANCES, LIMBURG

GENNEP, VENLO = "GM0907", "GM0983"
NOORD = {"GM0889", "GM0893", "GM0907", "GM0944", "GM0983", "GM0984", "GM1507", "GM1894"}


def limburg_without_sites(root: Path) -> Path:
    dst = root / "limburg-no-sites"
    shutil.copytree(LIMBURG, dst, ignore=shutil.ignore_patterns("locations.csv", "*.py"))
    return dst


class Client:
    def __init__(self, url: str):
        self.url = url
        self.session = self.post("api/session", {})[1]["session"]
        self.version = -1

    def post(self, path: str, body: dict, raw: bytes | None = None) -> tuple[int, dict]:
        data = raw if raw is not None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def whatif(self, **body) -> tuple[int, dict]:
        return self.post("api/whatif", {"session": getattr(self, "session", ""), **body})

    def state(self, wait: bool = False) -> dict:
        q = f"api/state?session={self.session}&after={self.version if wait else -1}"
        with urllib.request.urlopen(self.url + q + ("&wait=20" if wait else ""), timeout=60) as r:
            return json.loads(r.read())

    def settled(self, timeout: float = 120) -> dict:
        """The state once the last step's result is shown and nothing runs."""
        end = time.monotonic() + timeout
        st = self.state()
        while time.monotonic() < end:
            if st["job"] is None and st["shown"] == len(st["steps"]) - 1 and st["view"]:
                return st
            self.version = st["version"]
            st = self.state(wait=True)
        raise AssertionError(f"no result within {timeout} s: {st['steps']}")

    def text(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=60) as r:
            return r.read().decode()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    inst = limburg_without_sites(tmp_path_factory.mktemp("explore"))
    explorer = Explorer(inst, lang="en")
    explorer.warm()
    server, _ = start(explorer, port=0)
    yield inst, server
    server.shutdown()
    server.server_close()
    explorer.close()


def places(view: dict) -> dict[tuple[str, str], int]:
    return {(m["code"], g): v["places"] for m in view["municipalities"] for g, v in m["groups"].items()}


def solved_and_checked(run_cli, inst: Path, text: str, tmp_path: Path) -> dict[tuple[str, str], int]:
    """`lirt-opt solve --scenario` on a saved scenario text, then `check`: the places written."""
    file = tmp_path / "saved.toml"
    file.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("solve", inst, "--scenario", file, "--out", out)
    assert result.exit_code == 0, result.output
    assert run_cli("check", inst, out).exit_code == 0
    with open(out / "proposal.csv", newline="", encoding="utf-8") as fh:
        return {(r["municipality"], r["group"]): int(r["places"]) for r in csv.DictReader(fh)}


def test_cap_resolves_and_moves_places_within_the_pool(served):
    _, server = served
    c = Client(server.url)
    base = c.settled()["view"]
    assert base["status"] == "optimal" and places(base)[GENNEP, "asylum"] > 40
    code, reply = c.whatif(kind="bound", municipality=GENNEP, group="asylum", op="cap", value="40")
    assert code == 200 and reply["step"] == 1
    st = c.settled()
    after = places(st["view"])
    assert after[GENNEP, "asylum"] == 40
    assert st["base"] == base  # the base stays what the deltas are taken against
    moved = {k for k in after if after[k] != places(base)[k]}
    assert moved and {m for m, _ in moved} <= NOORD  # pool = region: only Noord takes over
    assert sum(after.values()) >= sum(places(base).values()) - 1  # the task is still covered
    assert [s["n"] for s in st["steps"]] == [0, 1]
    assert "Gennep" in st["steps"][1]["words"] and GENNEP not in st["steps"][1]["words"]


@pytest.mark.parametrize("body, field, words", [
    ({"op": "cap", "value": "-4"}, "value", "At least 0"),
    ({"op": "cap", "value": "abc"}, "value", "not a whole number"),
    ({"op": "cap", "value": ""}, "value", "Enter a value"),
    ({"op": "fix", "value": "4.5"}, "value", "not a whole number"),
    ({"op": "sometimes", "value": "4"}, "op", "Choose one"),
    ({"op": "cap", "value": "4", "municipality": "GM9999"}, "municipality", "Choose one"),
])
def test_bad_input_gets_a_message_for_its_field_and_changes_nothing(served, body, field, words):
    _, server = served
    c = Client(server.url)
    before = c.settled()
    code, reply = c.whatif(**{"kind": "bound", "municipality": GENNEP, "group": "asylum", **body})
    assert code == 200 and reply["ok"] is False
    assert reply["field"] == field and words in reply["message"]
    after = c.state()
    assert after["steps"] == before["steps"] and after["job"] is None


def test_an_impossible_pair_of_bounds_is_refused(served):
    _, server = served
    c = Client(server.url)
    c.settled()
    assert c.whatif(kind="bound", municipality=VENLO, group="asylum", op="min", value="500")[0] == 200
    _, reply = c.whatif(kind="bound", municipality=VENLO, group="asylum", op="cap", value="400")
    assert reply["ok"] is False and reply["field"] == "value" and "500" in reply["message"]
    assert len(c.state()["steps"]) == 2


def test_requests_that_are_not_json_or_name_no_session_get_4xx_not_500(served):
    _, server = served
    c = Client(server.url)
    assert c.post("api/whatif", {}, raw=b"{not json")[0] == 400
    assert c.post("api/whatif", {}, raw=b"[1, 2]")[0] == 400
    code, reply = c.post("api/whatif", {"session": "nope", "kind": "pool", "pool": "province"})
    assert code == 404 and reply["field"] == "session"
    assert c.post("api/undo", {"session": c.session, "to": "x"})[0] == 400
    # refused, with a message: nothing to undo, no diagnosis, not TOML, not a pool
    assert c.post("api/undo", {"session": c.session})[1]["ok"] is False
    assert c.post("api/repair", {"session": c.session, "rank": 1})[1]["ok"] is False
    assert c.post("api/load", {"session": c.session, "text": "pool = "})[1]["ok"] is False
    code, reply = c.post("api/load", {"session": c.session, "text": 'pool = "county"'})
    assert code == 200 and reply["ok"] is False and "county" in reply["message"]
    with pytest.raises(urllib.error.HTTPError) as e:
        c.text("api/nothing")
    assert e.value.code == 404
    assert c.settled()["steps"][-1]["n"] == 0


def test_undo_goes_back_to_the_base_at_once(served):
    _, server = served
    c = Client(server.url)
    base = c.settled()["view"]
    c.whatif(kind="pool", pool="municipality")
    c.whatif(kind="bound", municipality=GENNEP, group="amv", op="fix", value="8")
    st = c.settled()
    assert st["view"]["pool"] == "municipality" and places(st["view"])[GENNEP, "amv"] == 8
    assert c.post("api/undo", {"session": c.session, "to": 0})[0] == 200
    st = c.state()  # kept results: no solve needed
    assert len(st["steps"]) == 1 and st["shown"] == 0 and st["view"] == base


def test_a_newer_change_supersedes_and_cancel_takes_a_change_back(served):
    _, server = served
    c = Client(server.url)
    c.settled()
    for value in ("60", "50", "45"):
        assert c.whatif(kind="bound", municipality=GENNEP, group="asylum", op="cap",
                        value=value)[0] == 200
    st = c.settled()
    assert len(st["steps"]) == 4 and places(st["view"])[GENNEP, "asylum"] == 45
    assert c.whatif(kind="exchange", **{"from": "amv", "to": "asylum", "on": False})[0] == 200
    c.post("api/cancel", {"session": c.session})
    st = c.settled()
    assert len(st["steps"]) == 4 and st["notice"]  # back where it was, and says so


def test_saved_scenario_solves_to_the_proposal_shown(served, run_cli, tmp_path):
    inst, server = served
    c = Client(server.url)
    c.settled()
    c.whatif(kind="bound", municipality=GENNEP, group="asylum", op="cap", value="40")
    c.whatif(kind="bound", municipality=VENLO, group="asylum", op="min", value="600")
    c.whatif(kind="import_share", group="asylum", on=True, share="2,5")
    c.whatif(kind="exchange", **{"from": "asylum", "to": "amv", "on": True, "rate": "0.5"})
    shown = c.settled()["view"]
    text = c.text(f"api/scenario?session={c.session}")
    data = tomllib.loads(text)
    assert data["groups"]["asylum"]["max_import_share"] == 0.025
    assert solved_and_checked(run_cli, inst, text, tmp_path) == places(shown)
    # and loading the saved file in a new session gives the same proposal
    d = Client(server.url)
    d.settled()
    assert d.post("api/load", {"session": d.session, "text": text})[0] == 200
    assert places(d.settled()["view"]) == places(shown)


def test_short_scenario_shows_the_shortfall_and_a_repair_closes_it(served):
    inst, server = served
    c = Client(server.url)
    c.settled()
    text = (inst / "scenarios" / "zuid-short.toml").read_text(encoding="utf-8")
    assert c.post("api/load", {"session": c.session, "text": text})[0] == 200
    view = c.settled()["view"]
    assert view["status"] == "infeasible" and not view["closing"]
    diag = view["diagnosis"]
    assert diag["shortfall_total"] > 0 and diag["shortfall"][0]["pool"] == "Zuid"
    assert diag["bottlenecks"] and all(isinstance(w, str) for b in diag["bottlenecks"] for w in b)
    assert diag["repairs"] and "Maastricht" in " ".join(diag["repairs"][0]["words"])
    assert c.post("api/repair", {"session": c.session, "rank": 1})[0] == 200
    st = c.settled()
    assert st["view"]["closing"] and len(st["steps"]) == 3
    assert st["view"]["max_load"] == pytest.approx(diag["repairs"][0]["max_load"])


def test_page_and_assets_are_served_with_a_strict_policy(served):
    _, server = served
    with urllib.request.urlopen(server.url, timeout=10) as r:
        page = r.read().decode()
        policy = r.headers["Content-Security-Policy"]
    assert 'lang="en"' in page and "/static/app.js" in page
    assert "default-src 'none'" in policy and "http" not in policy
    for name in ("app.js", "app.css"):
        with urllib.request.urlopen(server.url + "static/" + name, timeout=10) as r:
            body = r.read().decode()
        assert "http://" not in body.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in body
    meta = json.loads(Client(server.url).text("api/meta"))
    assert len(meta["municipalities"]) == 31 and meta["texts"]["title"] == "Explorer"


def test_site_what_ifs_on_late_site(tmp_path):
    """late-site: 6 places short (A-hall 6 and B-hotel 8 count, the task is 20). B-barracks
    moved before the deadline closes it: A keeps its 6 counting places, B hosts 14 (by hand:
    the heaviest load B 14/10 is as low as A's cap of 6 allows)."""
    explorer = Explorer(INSTANCES / "small" / "late-site", lang="en")
    server, _ = start(explorer, port=0)
    try:
        c = Client(server.url)
        view = c.settled()["view"]
        assert view["status"] == "infeasible"
        late = {s["id"]: s for s in view["sites"]}["B-barracks"]
        assert not late["counts"] and "2025-09-01" in late["reason"] and "after" in late["reason"]
        code, reply = c.whatif(kind="site", site="B-barracks", op="set", capacity="30",
                               available_from="2025-06-01", available_until="")
        assert code == 200, reply
        view = c.settled()["view"]
        assert view["closing"] and places(view) == {("A", "asylum"): 6, ("B", "asylum"): 14}
        assert c.whatif(kind="site", site="B-barracks", op="set", capacity="0")[1]["field"] \
            == "capacity"  # refused
        assert c.whatif(kind="site", site="B-barracks", op="set", available_from="2025-06-01",
                        available_until="2025-01-01")[1]["field"] == "available_until"
        assert c.whatif(kind="site", site="A-hall", op="exclude")[0] == 200
        assert places(c.settled()["view"]) == {("A", "asylum"): 0, ("B", "asylum"): 20}
        assert c.whatif(kind="site", site="A-hall", op="include")[0] == 200
        assert places(c.settled()["view"]) == {("A", "asylum"): 6, ("B", "asylum"): 14}
        saved = tomllib.loads(c.text(f"api/scenario?session={c.session}"))
        assert "exclude_locations" not in saved and saved["locations"][0]["id"] == "B-barracks"
    finally:
        server.shutdown()
        server.server_close()
        explorer.close()


def test_limburg_tiles_are_one_per_municipality():
    layout = tiles.read_layout("tiles-limburg.csv")
    with open(LIMBURG / "municipalities.csv", newline="", encoding="utf-8") as fh:
        codes = {r["code"] for r in csv.DictReader(fh)}
    assert set(layout) == codes and len(set(layout.values())) == 31


def test_every_site_that_does_not_count_has_its_reason_in_words():
    from lirt_opt import api

    for scenario in (None, LIMBURG / "scenarios" / "lasting-only.toml"):
        inst = api.load_instance(LIMBURG, scenario=scenario)
        for loc in inst.locations:
            counts, _ = inst.site_counts(loc)
            if not counts:
                words = site_reason(inst, loc, "nl")
                assert words and "{" not in words


def test_serve_refuses_bad_input_and_a_taken_port_with_exit_2(run_cli, tmp_path):
    import socket

    result = run_cli("serve", tmp_path / "nothing", "--no-browser")
    assert result.exit_code == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_cli("serve", INSTANCES / "small" / "late-site", "--port", port, "--no-browser",
                         "--lang", "en")
    assert result.exit_code == 2 and f"Port {port} is already in use" in result.output
