"""Evidence coverage: how much of the school the evidence covers, and whether that is
enough for a letter grade.

A grade means "measured, and it holds". A dimension that a must-pass scenario needs
is *blocking* when it has no evidence at all or covers less of the school than the
profile's ``coverage`` rules ask for (every classroom surveyed or skipped with a
reason, three speedtests, every switch that feeds a classroom AP read, ...). A school
with a blocking dimension is an *incomplete* assessment: everything known is still
shown, but it gets no overall score and no grade (``overall.status: incomplete``).

The counts come from where the evidence was gathered, as ``CoverageFacts``: a visit
(``from_visit``) counts records, a planner's features file counts what it states
(``SchoolFeatures.coverage_facts``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypedDict

Measure = Literal["classrooms_surveyed", "switches_read", "speedtests", "carts_on_known_circuits"]

MEASURES: dict[str, Measure] = {
    "wifi": "classrooms_surveyed",
    "lan": "switches_read",
    "poe": "switches_read",
    "wan": "speedtests",
    "power": "carts_on_known_circuits",
}


@dataclass(frozen=True)
class CoverageRule:
    """The least evidence for a grade in one dimension (a profile's ``coverage`` entry)."""

    min_ratio: float | None = None  # of the items the school has (rooms, switches, carts)
    min_count: int | None = None  # absolute (speedtests)
    optional: bool = False  # an optional dimension never blocks the grade

    def required(self, expected: int | None) -> int | None:
        if self.min_count is not None:
            return self.min_count
        if expected is None or self.min_ratio is None:
            return None
        return math.ceil(self.min_ratio * expected - 1e-9)


DEFAULT_RULES: dict[str, CoverageRule] = {
    "wifi": CoverageRule(min_ratio=1.0),
    "lan": CoverageRule(min_ratio=1.0),
    "poe": CoverageRule(min_ratio=1.0),
    "wan": CoverageRule(min_count=3),
    "power": CoverageRule(min_ratio=1.0),
}


@dataclass(frozen=True)
class CoverageFacts:
    """What the evidence covers, counted where it was gathered."""

    classrooms: tuple[str, ...]
    surveyed: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (room id, the technician's reason)
    speedtests: int  # successful runs, each at its own time of the visit
    speedtest_span_s: float | None  # first to last run
    feeding_switches: tuple[str, ...]  # switches between a classroom AP and the core
    access_switches: tuple[str, ...]  # switches an AP is plugged into (PoE)
    switches_read: tuple[str, ...]  # read over SNMP or SSH
    carts: tuple[str, ...]
    carts_on_known_circuits: tuple[str, ...]


class CoverageEntry(TypedDict):
    """One dimension's coverage as scores.json writes it (a contract: docs/contracts.md)."""

    measure: Measure
    measured: int
    expected: int | None
    required: int | None
    complete: bool
    optional: bool
    missing_items: list[str]


def _entry(
    measure: Measure,
    expected_items: Sequence[str] | None,
    covered: Sequence[str] | int,
    rule: CoverageRule,
) -> CoverageEntry:
    if isinstance(covered, int):
        measured = covered
        missing: list[str] = []
    else:
        done = set(covered)
        measured = len([item for item in expected_items or () if item in done])
        missing = [item for item in expected_items or () if item not in done]
    expected = len(expected_items) if expected_items is not None else None
    required = rule.required(expected)
    return {
        "measure": measure,
        "measured": measured,
        "expected": expected,
        "required": required,
        "complete": required is None or measured >= required,
        "optional": rule.optional,
        "missing_items": missing,
    }


def coverage_entries(
    facts: CoverageFacts, rules: Mapping[str, CoverageRule]
) -> dict[str, CoverageEntry]:
    def rule(name: str) -> CoverageRule:
        return rules.get(name, DEFAULT_RULES[name])

    surveyed_or_skipped = (*facts.surveyed, *(room for room, _ in facts.skipped))
    return {
        "wifi": _entry("classrooms_surveyed", facts.classrooms, surveyed_or_skipped, rule("wifi")),
        "lan": _entry("switches_read", facts.feeding_switches, facts.switches_read, rule("lan")),
        "wan": _entry("speedtests", None, facts.speedtests, rule("wan")),
        "poe": _entry("switches_read", facts.access_switches, facts.switches_read, rule("poe")),
        "power": _entry(
            "carts_on_known_circuits", facts.carts, facts.carts_on_known_circuits, rule("power")
        ),
    }


def applicable(name: str, entry: CoverageEntry) -> bool:
    """A school without the items a dimension is about (no carts, no classrooms, no switch
    feeding an AP) has nothing to measure there; WAN and LAN always apply."""
    return name in ("wan", "lan") or entry["expected"] != 0


def blocking_dimensions(
    needed: Sequence[str],
    present: Mapping[str, bool],
    coverage: Mapping[str, CoverageEntry],
) -> list[str]:
    """The dimensions that keep a school from a grade, in the order given."""
    blocking = []
    for name in needed:
        entry = coverage[name]
        if entry["optional"] or not applicable(name, entry):
            continue
        if not entry["complete"] or not present.get(name, False):
            blocking.append(name)
    return blocking
