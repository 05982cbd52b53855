"""LibreNMS conformance: every corpus walk served by snmpsim and read by the snmp
probe (the path of ``netsurvey probe snmp``), compared with LibreNMS's own reading of
the same walk (``librenms-expected/<name>.json``).

Compared: every port's ifIndex and speed, every radio frequency, the wireless client
total, a controller's connected/total APs, on UPSes and PDUs the load %, output power
and current; and where LibreNMS reads them too, per-port PoE watts, a radio's transmit
power, channel and total channel utilisation. What only netsurvey reads is counted in the summary. Where the two disagree the walk decides: each difference kept in
``EXPLAINED`` says why netsurvey is right, and ``test_explained_difference`` proves it
from the walk's OIDs. Run with ``-s`` to see the summary (it is also printed at the
end of the session).
"""

from __future__ import annotations

import csv
from typing import Any

import pytest

from tests.conftest import CORPUS
from tests.snmp.conformance import REPORT_KEY, Explanation, Fact, Report, compare
from tests.snmp.librenms_facts import read_facts
from tests.snmp.test_corpus import Walk, walk_of

EXPECTED = CORPUS / "librenms-expected"
MANIFEST = CORPUS / "MANIFEST_LIBRENMS.tsv"
ALL_WALKS = (
    sorted(p.stem for p in (CORPUS / "snmprec").glob("*.snmprec")) if CORPUS.is_dir() else []
)
MIN_AGREEMENT = 0.95


def _manifest() -> dict[str, dict[str, str]]:
    if not MANIFEST.is_file():
        return {}
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["file"].removesuffix(".snmprec"): row for row in rows}


LIBRENMS = _manifest()
DEV_WITH_EXPECTED = sorted(
    name
    for name, row in LIBRENMS.items()
    if row.get("split") == "dev" and (EXPECTED / f"{name}.json").is_file()
)


# --------------------------------------------------------------------------- differences
# Each explanation says why netsurvey's reading is the right one; its proof checks the
# walk itself for every fact it covers (test_explained_difference).

IF, IFX = "1.3.6.1.2.1.2.2.1", "1.3.6.1.2.1.31.1.1.1"


def _speed_is_zero(walk: Walk, fact: Fact) -> None:
    # IF-MIB: "For a sub-layer which has no concept of bandwidth, this object should be
    # zero." 0 is not a speed; netsurvey keeps unknown as None, never 0.
    assert walk.number(f"{IF}.5.{fact.key}") == 0
    assert walk.number(f"{IFX}.15.{fact.key}") in (0, None)


def _fortiap_radio_off(walk: Walk, fact: Fact) -> None:
    # fapRadio channel (column 14) of radio 2 is 0: the radio is on no channel, so it
    # has no frequency. LibreNMS converts channel 0 into "0 MHz".
    assert walk.number("1.3.6.1.4.1.12356.120.4.1.1.14.2") == 0
    assert {walk.number(f"1.3.6.1.4.1.12356.120.4.1.1.14.{r}") for r in (0, 1)} == {1, 136}


EXPLAINED: tuple[Explanation, ...] = (
    Explanation(
        "*", "port_speed", 0, None,
        "ifSpeed 0 (and no ifHighSpeed) means 'no concept of bandwidth' in IF-MIB: the "
        "speed is unknown, not 0 bit/s",
        _speed_is_zero,
    ),
    Explanation(
        "fortiap_fap231g", "frequency", 0, None,
        "radio 2 reports channel 0 (not on a channel): it has no frequency, not 0 MHz",
        _fortiap_radio_off, keys=("Frequency (Radio 2)",),
    ),
)  # fmt: skip


# --------------------------------------------------------------------------- the suite


@pytest.fixture(scope="session")
def conformance(corpus_polled: dict[str, dict[str, Any]], pytestconfig: pytest.Config) -> Report:
    report = Report()
    for name in DEV_WITH_EXPECTED:
        kind = LIBRENMS[name].get("kind", "")
        facts = read_facts(EXPECTED / f"{name}.json", kind)
        compare(name, facts, corpus_polled[name]["device"], EXPLAINED, report)
    pytestconfig.stash[REPORT_KEY] = report
    return report


@pytest.mark.parametrize("name", ALL_WALKS)
def test_every_walk_parses(name: str, corpus_polled: dict[str, dict[str, Any]]) -> None:
    details = corpus_polled[name]
    assert details["device"]["system"]["sys_object_id"] or details["device"]["system"]["sys_descr"]
    assert isinstance(details["partial"], bool)


def test_agreement_with_librenms(conformance: Report) -> None:
    print("\n" + "\n".join(conformance.lines()))
    unexplained = [f for f in conformance.facts if f.verdict == "differs"]
    assert conformance.agreement >= MIN_AGREEMENT, conformance.summary()
    assert not unexplained, "\n".join(conformance.lines())


def test_every_explanation_is_used(conformance: Report) -> None:
    explained = [f for f in conformance.facts if f.verdict == "explained"]
    stale = [e for e in EXPLAINED if not any(e.covers(f) for f in explained)]
    assert not stale, f"explanations that no longer match a difference: {stale}"


def test_explained_difference(conformance: Report) -> None:
    """Every explained difference, proven from its walk."""
    explained = [f for f in conformance.facts if f.verdict == "explained"]
    assert explained
    for fact in explained:
        explanation = next(e for e in EXPLAINED if e.covers(fact))
        explanation.proof(walk_of(fact.device), fact)


def test_table_listed_row_by_row_is_read_whole(corpus_polled: dict[str, dict[str, Any]]) -> None:
    """zyxelnwa lists its radio table row by row (radio 1's columns, then radio 2's),
    so a column walk would stop after radio 1: the profile walks the whole entry and
    the walker accepts the smaller, unseen OIDs."""
    walk = walk_of("zyxelnwa")
    lines = list(walk.rows)
    radio_1_channel = lines.index("1.3.6.1.4.1.890.1.15.3.5.1.1.6.1")
    radio_2_first = lines.index("1.3.6.1.4.1.890.1.15.3.5.1.1.1.2")
    assert radio_2_first == radio_1_channel + 1  # out of OID order in the recording
    radios = corpus_polled["zyxelnwa"]["device"]["wireless"]["radios"]
    assert [(r["band"], r["channel"], r["clients"]) for r in radios] == [
        ("2.4GHz", 4, 11),
        ("5GHz", 124, 54),
    ]
    assert corpus_polled["zyxelnwa"]["partial"] is False
