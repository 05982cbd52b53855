"""The model for a room against the class's own measurement (pure data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netsurvey.classtest.compare import class_test_summary, compare_room

SCORES = Path(__file__).resolve().parents[1] / "fixtures" / "report" / "scores.json"


@pytest.fixture
def school() -> dict[str, Any]:
    """The report fixture's school; scores.py now also writes each scenario's
    ``application`` (the fixture predates that), so it is added here."""
    entry: dict[str, Any] = json.loads(SCORES.read_text())["schools"][0]
    for scenario in entry["scenarios"]:
        scenario.setdefault("application", {"S1": "video_720p"}.get(scenario["id"]))
    return entry


def measured(room: str, full: int, sustained: int, *, laptop: bool = False) -> dict[str, Any]:
    return {
        "room": room,
        "seats_joined": full + 1,
        "seats_full": full,
        "video_sustained_count": sustained,
        "video_rate_bps": 2.5e6,
        "aggregate_download_bps": 90e6,
        "aggregate_upload_bps": 60e6,
        "jain_fairness": 0.97,
        "laptop_link": {"limited_by_laptop": laptop},
        "test_started_at": "2026-12-04T10:00:00+00:00",
    }


def test_room_that_passes_in_the_model_and_in_the_class(school: dict[str, Any]) -> None:
    # Room 101: the model carries 30 pupils at 720p in S1.
    comparison = compare_room(school, measured("101", 25, 25))
    assert comparison is not None
    assert comparison.modelled.scenario_id == "S1"
    assert comparison.modelled.max_pupils == 30
    assert (comparison.modelled.rung, comparison.modelled.target_rung) == ("720p", "720p")
    assert comparison.modelled.passes is True
    assert comparison.modelled.rho_p90 == pytest.approx(1.05)
    assert comparison.predicted_sustained == 25
    assert comparison.agreement == "agree"


def test_model_optimistic_and_pessimistic(school: dict[str, Any]) -> None:
    # Room 207: 21 pupils at 480p only (fails 720p).
    optimistic = compare_room(school, measured("207", 25, 15))
    assert optimistic is not None
    assert optimistic.modelled.passes is False
    assert optimistic.predicted_sustained == 21
    assert optimistic.agreement == "model_optimistic"
    pessimistic = compare_room(school, measured("207", 25, 25))
    assert pessimistic is not None and pessimistic.agreement == "model_pessimistic"
    close = compare_room(school, measured("207", 25, 20))
    assert close is not None and close.agreement == "agree"  # within one seat


def test_inconclusive_without_full_seats_or_with_the_laptop_as_the_limit(
    school: dict[str, Any],
) -> None:
    empty = compare_room(school, measured("101", 0, 0))
    assert empty is not None and empty.inconclusive_reason == "no_full_seats"
    laptop = compare_room(school, measured("101", 25, 25, laptop=True))
    assert laptop is not None and laptop.agreement == "inconclusive"
    assert laptop.inconclusive_reason == "laptop_limited"


def test_without_the_application_the_pass_is_unknown(school: dict[str, Any]) -> None:
    for scenario in school["scenarios"]:
        scenario.pop("application")
    comparison = compare_room(school, measured("207", 25, 21))
    assert comparison is not None
    assert comparison.modelled.passes is None and comparison.agreement == "agree"


def test_unknown_scenario_gives_none(school: dict[str, Any]) -> None:
    assert compare_room(school, measured("101", 25, 25), scenario_id="S9") is None


def test_reads_a_class_test_record(school: dict[str, Any]) -> None:
    record = {
        "probe": "class_test",
        "target": {"room": "101"},
        "started_at": "2026-12-04T10:00:00+00:00",
        "metrics": {"seats_full": 24.0, "video_sustained_count": 24.0, "video_rate_bps": 2.5e6,
                    "seats_joined": 25.0},
        "details": {"room": "101", "laptop_link": {"limited_by_laptop": False}},
    }  # fmt: skip
    comparison = compare_room(school, class_test_summary(record))
    assert comparison is not None
    assert comparison.measured.seats_full == 24
    assert comparison.agreement == "agree"
