"""A visit's power facts: inventory school, walk entries on top, readings, gaps named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from netsurvey.inventory import load_inventory
from netsurvey.power.recordio import walk_entry_record
from netsurvey.power.settings import PowerSettings
from netsurvey.power.sources import site_from_school, site_from_visit
from netsurvey.records import VisitWriter, read_visit


def test_inventory_adapter(power_inventory: Path) -> None:
    site = site_from_school(load_inventory(power_inventory).school("test-power"))
    assert [c.id for c in site.circuits] == ["c-101", "c-102", "c-103"]
    cart = next(c for c in site.carts if c.id == "cart-103")
    assert cart.sequencing == "sequenced" and cart.concurrent_slots == 10
    assert site.circuit("c-103") is not None and site.circuit("c-103").pdu == "pdu-103"  # type: ignore[union-attr]


def test_walk_entries_replace_and_extend_the_inventory(make_visit: Callable[..., Path]) -> None:
    visit = make_visit()
    writer = VisitWriter.open(visit)
    writer.append(
        walk_entry_record(
            "circuit", "c-101", "101", {"breaker_a": 16, "curve": "B", "rcd_ma": 30}, complete=True
        )
    )
    writer.append(
        walk_entry_record("cart", "cart-9", "102", {"slots": 12, "circuit": "c-102"}, complete=True)
    )
    writer.append(walk_entry_record("cart", "cart-half", "102", {"slots": 5}, complete=False))
    site = site_from_visit(read_visit(visit), PowerSettings())
    assert site.circuit("c-101").breaker_a == 16  # type: ignore[union-attr]  # was B10
    assert [c.id for c in site.carts_on("c-102")] == ["cart-9"]
    assert all(c.id != "cart-half" for c in site.carts)
    assert any(n.startswith("cart cart-half: the walk entry is unfinished") for n in site.notes)


def test_rcd_zero_from_the_walk_means_no_rcd(make_visit: Callable[..., Path]) -> None:
    visit = make_visit()
    VisitWriter.open(visit).append(
        walk_entry_record("circuit", "c-7", "101", {"breaker_a": 16, "rcd_ma": None}, complete=True)
    )
    site = site_from_visit(read_visit(visit), PowerSettings())
    assert site.circuit("c-7").rcd_ma is None  # type: ignore[union-attr]


def test_records_read_back_as_typed_facts(make_visit: Callable[..., Path]) -> None:
    """The assessment, walk answers and the school's own entries leave recordio typed."""
    from netsurvey.jsontypes import JsonValue
    from netsurvey.power.recordio import (
        assessment_record,
        cart_from_json,
        circuit_from_json,
        latest_assessment,
        walk_entries,
    )

    visit = make_visit()
    writer = VisitWriter.open(visit)
    writer.append(
        walk_entry_record(
            "circuit", "c-7", "101", {"breaker_a": 16, "curve": "B", "rcd_ma": None}, complete=True
        )
    )
    circuits: list[JsonValue] = [
        {"circuit_id": "c-101", "used_a": 9.5, "measured_a": 9.5, "verdict": "pass"},
        {"circuit_id": "c-102", "used_a": 4.0, "measured_a": None, "verdict": "pass"},
        "not a circuit",
    ]
    writer.append(assessment_record("test-power", {}, {"circuits": circuits}, ["m-1"]))
    writer.seal()
    read = read_visit(visit)
    stored = latest_assessment(read)
    assert stored is not None and [c.circuit_id for c in stored.circuits] == ["c-101", "c-102"]
    assert stored.measured_circuit_a == {"c-101": 9.5}
    (entry,) = [e for e in walk_entries(read) if e.entry_id == "c-7"]
    assert entry.fields == {"breaker_a": 16, "curve": "B", "rcd_ma": None}
    circuit = circuit_from_json({**entry.fields, "id": "c-7"}, "here")
    assert circuit.other_loads_w is None and circuit.rcd_ma is None  # missing stays None
    cart = cart_from_json({"id": "k", "slots": 30.0, "circuit": "c-7"}, "here")
    assert cart.slots == 30 and cart.sequencing == "all" and cart.concurrent_slots == 30
