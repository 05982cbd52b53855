"""No silent loss: a table, row or value the device gave that cannot be mapped makes
the record ``partial`` with a warning naming what was dropped.

The agents serve real corpus walks with one of their tables left out, as a device
that does not implement that table answers (every remaining line is the real
recording's); the parse-level cases read real walk values with a field they do not fit.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from netsurvey.lab.snmprec import error_row
from netsurvey.lab.snmpsim import SnmpsimAgent
from probes.snmp_sample import Sample, Value
from probes.snmp_vendors import TableSource, table_rows
from tests.snmp.test_corpus import CORPUS, walk_of

MTXR_NEIGHBOR = "1.3.6.1.4.1.14988.1.1.11.1.1"  # MikroTik's neighbour table
ENT_ALIAS_MAPPING = "1.3.6.1.2.1.47.1.3.2"  # ENTITY-MIB entAliasMappingTable
APC_ACTIVE_POWER = "1.3.6.1.4.1.318.1.1.1.4.2.8.0"  # PowerNet upsAdvOutputActivePower
# served name -> (corpus walk, subtree left out)
WITHOUT = {
    "routeros-no-neighbor-table": ("routeros", MTXR_NEIGHBOR),
    "ios_2960x-no-alias-mapping": ("ios_2960x", ENT_ALIAS_MAPPING),
}


def _without(source: Path, target: Path, subtree: str) -> None:
    lines = source.read_text(encoding="utf-8", errors="surrogateescape").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(subtree + ".")]
    assert len(kept) < len(lines), f"{source.name} has no {subtree}"
    target.write_text("".join(kept), encoding="utf-8", errors="surrogateescape")


@pytest.fixture(scope="module")
def trimmed_agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnmpsimAgent]:
    if not CORPUS.is_dir():
        pytest.skip(f"real-device corpus not found at {CORPUS}")
    data = tmp_path_factory.mktemp("snmprec-trimmed")
    for name, (walk, subtree) in WITHOUT.items():
        _without(CORPUS / "snmprec" / f"{walk}.snmprec", data / f"{name}.snmprec", subtree)
    shutil.copy(CORPUS / "snmprec" / "routeros.snmprec", data / "routeros.snmprec")
    # apc_smart1500 with its active-power scalar answering every GET with genError.
    lines = (CORPUS / "snmprec" / "apc_smart1500.snmprec").read_text().splitlines(keepends=True)
    faulted = [
        error_row(APC_ACTIVE_POWER, "2").line() + "\n"
        if x.startswith(APC_ACTIVE_POWER + "|")
        else x
        for x in lines
    ]
    assert faulted != lines
    (data / "apc_smart1500-get-error.snmprec").write_text("".join(faulted))
    with SnmpsimAgent(data) as agent:
        yield agent


def test_lldp_local_port_from_vendor_table(trimmed_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    """RouterOS indexes lldpRemTable by one arc; mtxrNeighborTable names the port."""
    _, result = run_probe(trimmed_agent, "routeros")
    neighbors = result.details["device"]["lldp"]
    lldp = [n for n in neighbors if n["protocol"] == "lldp"]
    assert lldp and all(n["local_port"] != "unknown" for n in lldp)
    assert result.details["partial"] is False


def test_lldp_neighbour_without_local_port_is_kept_and_named(
    trimmed_agent: SnmpsimAgent,
    run_probe,  # type: ignore[no-untyped-def]
) -> None:
    _, result = run_probe(trimmed_agent, "routeros-no-neighbor-table")
    walk = walk_of("routeros")
    lldp_rows = walk.indexes("1.0.8802.1.1.2.1.4.1.1")
    neighbors = [n for n in result.details["device"]["lldp"] if n["protocol"] == "lldp"]
    assert len(neighbors) == len(lldp_rows)  # none dropped
    unknown = [n for n in neighbors if n["local_port"] == "unknown"]
    assert unknown
    assert result.details["partial"] is True
    warnings = [w for w in result.warnings if w.startswith("LLDP neighbour")]
    assert len(warnings) == len(unknown)
    assert any("S5120-Tech" in w and "local port unknown" in w for w in warnings)


def test_poe_port_without_interface_is_kept_and_named(
    trimmed_agent: SnmpsimAgent,
    run_probe,  # type: ignore[no-untyped-def]
) -> None:
    """cpeExtPsePortTable names ports by entPhysicalIndex; without entAliasMapping the
    interface is unknown: the port is kept under its table index, with a warning."""
    _, result = run_probe(trimmed_agent, "ios_2960x-no-alias-mapping")
    ports = result.details["device"]["poe"]["ports"]
    cisco_rows = walk_of("ios_2960x").column("1.3.6.1.4.1.9.9.402.1.2.1.11")
    assert len(ports) == len(cisco_rows)
    assert all(p["if_index"] is None for p in ports)
    assert result.details["partial"] is True
    (warning,) = [w for w in result.warnings if w.startswith("PoE ports")]
    assert warning.startswith(f"PoE ports: {len(ports)} with no interface in IF-MIB")
    assert "has no entAliasMapping" in warning


def test_failed_vendor_get_keeps_the_walks_and_says_so(
    trimmed_agent: SnmpsimAgent,
    run_probe,  # type: ignore[no-untyped-def]
) -> None:
    _, result = run_probe(trimmed_agent, "apc_smart1500-get-error", retries="0")
    power = result.details["device"]["power"]
    assert power["load_w"] is None
    assert power["load_ratio"] == pytest.approx(0.176)  # the other scalars are kept
    assert result.details["partial"] is True
    (warning,) = [w for w in result.warnings if w.startswith("GET of vendor scalars")]
    assert APC_ACTIVE_POWER in warning


def _sample_of(walk_name: str, prefix: str) -> Sample:
    rows = {
        oid: Value(tag.split(":")[0], value)
        for oid, (tag, value) in walk_of(walk_name).rows.items()
        if oid.startswith(prefix)
    }
    return Sample(1, rows, sorted_oids=tuple(sorted(rows)))


def test_unreadable_value_is_named() -> None:
    """LCOS reports radio power as text ("18 dBm"): read as a number it is unreadable,
    and the value is named, not silently unknown."""
    entry = "1.3.6.1.4.1.2356.11.1.3.57.1"
    sample = _sample_of("lcos_oap-321", entry)
    problems: list[str] = []
    rows = table_rows(
        sample, [TableSource(entry, {"power": {"column": 7, "type": "int"}})], problems
    )
    assert [row["power"] for row in rows.values()] == [None]
    assert problems == [
        f"power: {entry}.7.6.87.76.65.78.45.49 = '18 dBm' cannot be read, kept as unknown"
    ]


def test_value_marked_not_supported_is_not_a_problem() -> None:
    """APC rPDU2 reports -1 for readings the unit lacks: listed as `missing`, quietly None."""
    entry = "1.3.6.1.4.1.318.1.1.26.6.3.1"
    sample = _sample_of("apc_ap7900b", entry)
    problems: list[str] = []
    source = TableSource(entry, {"voltage_v": {"column": 6, "missing": [-1]}})
    rows = table_rows(sample, [source], problems)
    assert [row["voltage_v"] for row in rows.values()] == [None]
    assert problems == []
