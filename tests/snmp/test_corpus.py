"""Every real walk in the corpus, served by snmpsim and read by the probe, checked
against values read straight from the .snmprec text by the tiny reader below."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import pytest

from probes.snmp_vendors import load_vendor_data

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("NETSURVEY_CORPUS", REPO.parent / "shared" / "corpus"))
WALKS = sorted(p.stem for p in (CORPUS / "snmprec").glob("*.snmprec")) if CORPUS.is_dir() else []

IF = "1.3.6.1.2.1.2.2.1"
IFX = "1.3.6.1.2.1.31.1.1.1"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
CDP_CACHE = "1.3.6.1.4.1.9.9.23.1.2.1.1"
PSE_MAIN = "1.3.6.1.2.1.105.1.3.1.1"
# PoE port tables (standard and vendor) -> (power column, scale to W), joined on index.
POE_PORT_TABLES = {
    "1.3.6.1.2.1.105.1.1.1": None,
    "1.3.6.1.4.1.9.9.402.1.2.1": (9, 0.001),
    "1.3.6.1.4.1.9.6.1.101.108.1.1": (5, 0.001),
    "1.3.6.1.4.1.3955.1000.201.108.1.1": (5, 0.001),
    "1.3.6.1.4.1.14988.1.1.15.1.1": (6, 0.1),
    "1.3.6.1.4.1.11863.6.56.1.1.2.1.1": (7, 0.1),
    "1.3.6.1.4.1.89.108.1.1": (5, 0.001),
}
# Radio tables -> client column (None: not exposed).
RADIO_TABLES = {
    "1.2.840.10036.4.5.1": None,
    "1.3.6.1.4.1.14823.2.3.3.1.2.2.1": 21,
    "1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1": 7,
    "1.3.6.1.4.1.14988.1.1.1.3.1": 6,
}
UNIFI_RADIO_NAME = "1.3.6.1.4.1.41112.1.6.1.1.1.3"
CLIENT_TOTAL_SCALARS = {"1.3.6.1.4.1.25053.1.15.1.1.1.15.14.0"}
CLIENT_ROW_TABLES = {"1.3.6.1.4.1.2356.11.1.3.44.1.1", "1.3.6.1.4.1.14988.1.1.1.2.1.3"}


ENTERPRISES = load_vendor_data().enterprises


class Walk:
    """The tiny independent reader: {oid: (tag, value)} from .snmprec text."""

    def __init__(self, path: Path) -> None:
        self.rows: dict[str, tuple[str, str]] = {}
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip():
                oid, tag, value = line.split("|", 2)
                self.rows[oid] = (tag, value)

    def text(self, oid: str) -> str | None:
        if oid not in self.rows:
            return None
        tag, value = self.rows[oid]
        if tag == "4x":
            value = bytes.fromhex(value).decode("utf-8", errors="replace")
        return value.strip() or None

    def number(self, oid: str) -> int | None:
        return int(self.rows[oid][1]) if oid in self.rows else None

    def column(self, column_oid: str) -> dict[str, tuple[str, str]]:
        prefix = column_oid + "."
        return {o[len(prefix) :]: v for o, v in self.rows.items() if o.startswith(prefix)}

    def indexes(self, entry: str, columns: int | None = None) -> list[str]:
        """Distinct row indexes under a table entry (every column, or the first N arcs)."""
        prefix = entry + "."
        found: dict[str, None] = {}
        for oid in self.rows:
            if oid.startswith(prefix):
                arcs = oid[len(prefix) :].split(".")
                found.setdefault(".".join(arcs[1:] if columns is None else arcs[1 : 1 + columns]))
        return list(found)

    def has(self, prefix: str) -> bool:
        return any(o.startswith(prefix + ".") for o in self.rows)


@pytest.fixture(scope="module")
def polled(corpus_polled: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return corpus_polled


@functools.cache
def walk_of(name: str) -> Walk:
    return Walk(CORPUS / "snmprec" / f"{name}.snmprec")


@pytest.mark.parametrize("name", WALKS)
def test_system_group(name: str, polled: dict[str, dict[str, Any]]) -> None:
    walk = walk_of(name)
    system = polled[name]["device"]["system"]
    assert polled[name]["partial"] is False
    assert system["sys_name"] == walk.text("1.3.6.1.2.1.1.5.0")
    # An OID value is an OID whether the recording wrote it with a leading dot or not.
    assert system["sys_object_id"] == (walk.text("1.3.6.1.2.1.1.2.0") or "").lstrip(".") or None
    descr = walk.text("1.3.6.1.2.1.1.1.0")
    assert system["sys_descr"] == descr
    ticks = walk.number("1.3.6.1.2.1.1.3.0")
    assert system["uptime_s"] == (None if ticks is None else ticks / 100)
    sys_object_id = (walk.text("1.3.6.1.2.1.1.2.0") or "").strip(".").split(".")
    if len(sys_object_id) > 6 and int(sys_object_id[6]) in ENTERPRISES:
        assert system["vendor"], "vendor from sysObjectID"


@pytest.mark.parametrize("name", WALKS)
def test_interfaces_with_speeds(name: str, polled: dict[str, dict[str, Any]]) -> None:
    walk = walk_of(name)
    interfaces = {i["if_index"]: i for i in polled[name]["device"]["interfaces"]}
    expected = sorted({int(i) for i in (*walk.indexes(IF), *walk.indexes(IFX))})
    assert sorted(interfaces) == expected
    for if_index in expected:
        high = walk.number(f"{IFX}.15.{if_index}")
        speed = walk.number(f"{IF}.5.{if_index}")
        if high:
            want = high * 1e6
        elif speed and speed != 2**32 - 1:
            want = float(speed)
        else:
            want = None
        got = interfaces[if_index]
        assert got["speed_bps"] == want, f"ifIndex {if_index}"
        name_ = walk.text(f"{IFX}.1.{if_index}") or walk.text(f"{IF}.2.{if_index}")
        if name_ is not None and name_.isprintable():
            assert got["name"] == name_


@pytest.mark.parametrize("name", WALKS)
def test_lldp_and_cdp(name: str, polled: dict[str, dict[str, Any]]) -> None:
    walk = walk_of(name)
    neighbors = polled[name]["device"]["lldp"]
    lldp = walk.indexes(LLDP_REM)
    cdp = walk.indexes(CDP_CACHE)
    assert len(neighbors) == len(lldp) + len(cdp)
    want_names = {walk.text(f"{LLDP_REM}.9.{i}") for i in lldp} | {
        walk.text(f"{CDP_CACHE}.6.{i}") for i in cdp
    }
    assert {n["remote_sys_name"] for n in neighbors} == want_names
    for neighbor in neighbors:
        assert neighbor["local_port"]


@pytest.mark.parametrize("name", WALKS)
def test_poe(name: str, polled: dict[str, dict[str, Any]]) -> None:
    walk = walk_of(name)
    poe = polled[name]["device"]["poe"]
    groups = walk.indexes(PSE_MAIN)
    tables = [t for t in POE_PORT_TABLES if walk.has(t)]
    if not groups and not tables and not walk.has("1.3.6.1.4.1.11863.6.56.1.1.1"):
        assert poe is None
        return
    assert poe is not None
    if groups:
        budgets = [float(walk.number(f"{PSE_MAIN}.2.{g}") or 0) for g in groups]
        assert [g["budget_w"] for g in poe["groups"]][: len(groups)] == budgets
        consumption = [float(walk.number(f"{PSE_MAIN}.4.{g}") or 0) for g in groups]
        assert [g["consumption_w"] for g in poe["groups"]][: len(groups)] == consumption
    ports = {i for t in tables for i in walk.indexes(t)}
    assert len(poe["ports"]) == len(ports)
    if_names = {int(i): walk.text(f"{IFX}.1.{i}") for i in walk.indexes(IFX, columns=1)}
    for port in poe["ports"]:
        if port["if_index"] is not None:
            assert port["port"] == if_names.get(port["if_index"]) or walk.text(
                f"{IF}.2.{port['if_index']}"
            )
    cisco = "1.3.6.1.4.1.9.9.402.1.2.1"
    for index, (_, entity) in walk.column(f"{cisco}.11").items():  # entPhysicalIndex
        alias = walk.text(f"1.3.6.1.2.1.47.1.3.2.1.2.{entity}.0") or ""
        if_index = alias.removeprefix("1.3.6.1.2.1.2.2.1.1.")
        if if_index.isdigit() and if_names.get(int(if_index)):
            assert if_names[int(if_index)] in {p["port"] for p in poe["ports"]}, index
    for table in tables:
        power = POE_PORT_TABLES[table]
        if power is None:
            continue
        column, scale = power
        want = sum(int(v) for _, v in walk.column(f"{table}.{column}").values()) * scale
        got = sum(p["power_w"] or 0 for p in poe["ports"])
        assert got == pytest.approx(want)


@pytest.mark.parametrize("name", WALKS)
def test_wireless(name: str, polled: dict[str, dict[str, Any]]) -> None:
    walk = walk_of(name)
    wireless = polled[name]["device"]["wireless"]
    radio_tables = [t for t in RADIO_TABLES if walk.has(t)]
    unifi = walk.column(UNIFI_RADIO_NAME)
    scalars = [s for s in CLIENT_TOTAL_SCALARS if s in walk.rows]
    client_rows = [t for t in CLIENT_ROW_TABLES if walk.has(t)]
    if not (radio_tables or unifi or scalars or client_rows):
        return  # other vendors' wireless tables: see test_conformance.py
    assert wireless is not None
    want_radios = sum(len(walk.indexes(t)) for t in radio_tables) + len(unifi)
    assert len(wireless["radios"]) >= want_radios
    for table in radio_tables:
        column = RADIO_TABLES[table]
        if column is not None:
            want = sum(int(v) for _, v in walk.column(f"{table}.{column}").values())
            assert sum(r["clients"] or 0 for r in wireless["radios"]) == want
    if scalars:
        assert wireless["clients_total"] == walk.number(scalars[0])
    elif client_rows:
        assert wireless["clients_total"] == len(walk.column(client_rows[0]))
    if unifi:
        assert {r["band"] for r in wireless["radios"]} <= {"2.4GHz", "5GHz", "6GHz"}


@pytest.mark.parametrize("name", WALKS)
def test_power(name: str, polled: dict[str, dict[str, Any]]) -> None:
    walk = walk_of(name)
    power = polled[name]["device"]["power"]
    ups_w = walk.number("1.3.6.1.2.1.33.1.4.4.1.4.1")
    apc_ups = walk.number("1.3.6.1.4.1.318.1.1.1.4.3.3.0")
    apc_pdu = walk.number("1.3.6.1.4.1.318.1.1.12.2.3.1.1.2.1")
    if ups_w is None and apc_ups is None and apc_pdu is None:
        return  # other vendors' power tables: see test_conformance.py
    assert power is not None
    if ups_w is not None:
        assert power["kind"] == "ups"
        assert power["load_w"] == ups_w
        assert power["load_ratio"] == pytest.approx(walk.number("1.3.6.1.2.1.33.1.4.4.1.5.1") / 100)
    if apc_ups is not None:
        assert power["kind"] == "ups"
        assert power["load_ratio"] == pytest.approx(apc_ups / 1000)
    if apc_pdu is not None:
        assert power["kind"] == "pdu"
        assert power["load_a"] == pytest.approx(apc_pdu / 10)


def test_hex_typed_sysdescr_is_decoded(polled: dict[str, dict[str, Any]]) -> None:
    system = polled["ios_2960x"]["device"]["system"]
    assert system["sys_descr"].startswith("Cisco IOS Software, C2960X Software")
    assert (system["vendor"], system["model"]) == ("Cisco", "WS-C2960X-48FPS-L")


def test_empty_sysdescr_identified_by_sysobjectid_and_entity(
    polled: dict[str, dict[str, Any]],
) -> None:
    system = polled["fortigate_60f"]["device"]["system"]
    assert system["sys_descr"] is None
    assert (system["vendor"], system["model"]) == ("Fortinet", "FGT_60F")
    assert system["serial"] == "FGT60FTK00000000"
