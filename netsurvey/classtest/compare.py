"""The scorer's model for a room against what the class measured there (pure data).

``compare_room(school_entry, class_test)`` takes one school entry of scores.json (as
``netsurvey score`` writes it: ``scenarios`` with ``dimensions``, ``figures.
max_pupils_per_radio``, ``figures.sustainable_video``) and one class test of a room
(``ClassResult.to_json()`` or a ``class_test`` record through ``class_test_summary``)
and returns a typed comparison. Wording belongs to the report's locale strings.

How they are set side by side:
- the scenario is the lesson-video one (``figures.sustainable_video.scenario``, S1 in
  lv-2024) unless one is named;
- the model's pupils are ``max_pupils_per_radio[scenario][room]`` (pupils the room's
  radio carries at the scenario's video rung), its rung is ``sustainable_video.by_room``
  and it passes when that rung is the scenario's own (720p for S1);
- the measurement is the count of full seats that sustained the profile's video rate;
- the model predicts ``min(max_pupils, full seats)`` sustaining seats; within one seat
  of the measured count they agree, above it the model was optimistic, below it
  pessimistic. Without full seats, or when the laptop's link was the limit, the
  comparison is inconclusive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from netsurvey.numbers import finite_float

Agreement = Literal["agree", "model_optimistic", "model_pessimistic", "inconclusive"]
COUNT_TOLERANCE = 1


@dataclass(frozen=True)
class ModelledRoom:
    scenario_id: str
    scenario_title: str | None
    application: str | None  # e.g. video_720p
    target_rung: str | None  # the rung the scenario asks for, e.g. 720p
    rung: str | None  # the best rung the model says this room sustains
    max_pupils: int | None  # pupils the room's radio carries at the scenario's rung
    passes: bool | None  # rung == target_rung
    rho_p50: float | None  # of the scenario's Wi-Fi dimension (its worst element)
    rho_p90: float | None
    rho_room: str | None  # the room that worst element serves (None: not a room)
    p_pass: float | None


@dataclass(frozen=True)
class MeasuredRoom:
    seats_joined: int
    seats_full: int
    video_sustained_count: int
    video_rate_bps: float | None
    aggregate_download_bps: float | None
    aggregate_upload_bps: float | None
    jain_fairness: float | None
    limited_by_laptop: bool
    test_started_at: str | None


@dataclass(frozen=True)
class RoomComparison:
    school_id: str | None
    room: str
    modelled: ModelledRoom
    measured: MeasuredRoom
    predicted_sustained: int | None  # min(max_pupils, full seats)
    agreement: Agreement
    inconclusive_reason: str | None  # "no_full_seats" | "laptop_limited" | "no_model"


def _scenario(entry: Mapping[str, Any], scenario_id: str | None) -> Mapping[str, Any] | None:
    scenarios = entry.get("scenarios") or []
    if scenario_id is None:
        video = (entry.get("figures") or {}).get("sustainable_video") or {}
        scenario_id = video.get("scenario")
    if scenario_id is None:
        scenario_id = next(
            (s.get("id") for s in scenarios if str(s.get("application", "")).startswith("video_")),
            None,
        )
    return next((s for s in scenarios if s.get("id") == scenario_id), None)


def modelled_room(
    entry: Mapping[str, Any], room: str, scenario_id: str | None = None
) -> ModelledRoom | None:
    """What the model says about ``room`` in the (lesson-video) scenario; None if the
    school entry has no such scenario."""
    scenario = _scenario(entry, scenario_id)
    if scenario is None:
        return None
    sid = str(scenario.get("id"))
    figures = entry.get("figures") or {}
    pupils = (figures.get("max_pupils_per_radio") or {}).get(sid) or {}
    video = figures.get("sustainable_video") or {}
    by_room = video.get("by_room") or {} if video.get("scenario") in (None, sid) else {}
    application = scenario.get("application")
    target = str(application).removeprefix("video_") if application else None
    rung = by_room.get(room)
    wifi = (scenario.get("dimensions") or {}).get("wifi") or {}
    max_pupils = pupils.get(room)
    return ModelledRoom(
        scenario_id=sid,
        scenario_title=scenario.get("title"),
        application=application,
        target_rung=target,
        rung=rung,
        max_pupils=int(max_pupils) if isinstance(max_pupils, (int, float)) else None,
        passes=None if room not in by_room or target is None else rung == target,
        rho_p50=finite_float(wifi.get("rho_p50")),
        rho_p90=finite_float(wifi.get("rho_p90")),
        rho_room=wifi.get("room"),
        p_pass=finite_float(wifi.get("p_pass")),
    )


def measured_room(class_test: Mapping[str, Any]) -> MeasuredRoom:
    link = class_test.get("laptop_link") or {}
    return MeasuredRoom(
        seats_joined=int(class_test.get("seats_joined") or 0),
        seats_full=int(class_test.get("seats_full") or 0),
        video_sustained_count=int(class_test.get("video_sustained_count") or 0),
        video_rate_bps=finite_float(class_test.get("video_rate_bps")),
        aggregate_download_bps=finite_float(class_test.get("aggregate_download_bps")),
        aggregate_upload_bps=finite_float(class_test.get("aggregate_upload_bps")),
        jain_fairness=finite_float(class_test.get("jain_fairness")),
        limited_by_laptop=bool(link.get("limited_by_laptop")),
        test_started_at=class_test.get("test_started_at"),
    )


def class_test_summary(record: Mapping[str, Any]) -> dict[str, Any]:
    """A ``class_test`` record (its JSON line) in the shape ``compare_room`` reads."""
    summary = dict(record.get("details") or {})
    summary.update({k: v for k, v in (record.get("metrics") or {}).items() if v is not None})
    summary.setdefault("room", (record.get("target") or {}).get("room"))
    summary.setdefault("test_started_at", record.get("started_at"))
    return summary


def compare_room(
    school_entry: Mapping[str, Any],
    class_test: Mapping[str, Any],
    *,
    scenario_id: str | None = None,
) -> RoomComparison | None:
    """Model against measurement for the class test's room; None when the school entry
    has no scenario to compare with."""
    room = str(class_test.get("room"))
    modelled = modelled_room(school_entry, room, scenario_id)
    if modelled is None:
        return None
    measured = measured_room(class_test)
    predicted = (
        None if modelled.max_pupils is None else min(modelled.max_pupils, measured.seats_full)
    )
    agreement: Agreement
    reason: str | None = None
    if measured.seats_full == 0:
        agreement, reason = "inconclusive", "no_full_seats"
    elif measured.limited_by_laptop:
        agreement, reason = "inconclusive", "laptop_limited"
    elif predicted is not None:
        difference = predicted - measured.video_sustained_count
        agreement = (
            "agree" if abs(difference) <= COUNT_TOLERANCE
            else "model_optimistic" if difference > 0 else "model_pessimistic"
        )  # fmt: skip
    elif modelled.passes is not None:
        all_sustained = measured.video_sustained_count == measured.seats_full
        agreement = (
            "agree" if modelled.passes == all_sustained
            else "model_optimistic" if modelled.passes else "model_pessimistic"
        )  # fmt: skip
    else:
        agreement, reason = "inconclusive", "no_model"
    return RoomComparison(
        school_id=school_entry.get("school_id"),
        room=room,
        modelled=modelled,
        measured=measured,
        predicted_sustained=predicted,
        agreement=agreement,
        inconclusive_reason=reason,
    )


def comparisons_json(
    school_entry: Mapping[str, Any], class_tests: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """scores.json's ``class_tests`` for one school: each ok ``class_test`` record (its
    JSON line) set beside the model, newest last; the record id cites the evidence."""
    entries = []
    for record in class_tests:
        if record.get("probe") != "class_test" or record.get("status") != "ok":
            continue
        comparison = compare_room(school_entry, class_test_summary(record))
        if comparison is not None:
            entries.append({"measurement_id": record.get("id"), **asdict(comparison)})
    return entries
