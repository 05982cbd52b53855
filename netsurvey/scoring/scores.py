"""Model arrays -> per-school results: scores, grades, bottleneck, figures, benchmarks."""

from __future__ import annotations

import math
from typing import Any

from netsurvey.errors import NetsurveyError
from netsurvey.power import model as power_model
from netsurvey.scoring.batch import channel_span_mhz, poe_restricted
from netsurvey.scoring.coverage import CoverageEntry, blocking_dimensions, coverage_entries
from netsurvey.scoring.features import AccessPoint, SchoolFeatures
from netsurvey.scoring.model import ChunkResult, DimensionResult, ScenarioResult
from netsurvey.scoring.notes import DIMENSION_NONE, Note, listed
from netsurvey.scoring.profile import DIMENSIONS, Benchmark, Profile

MBPS = 1e6


def _round(value: float | None, digits: int = 3) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


INFINITE = "inf"  # docs/contracts.md: a load the element cannot carry at any share


def _rho(value: float) -> float | str | None:
    """rho for JSON: finite values rounded; an infinite rho (no usable airtime, the element
    cannot carry this load at all) is the string "inf"; NaN (no evidence) is None."""
    if math.isinf(value) and value > 0:
        return INFINITE
    return _round(value, 3)


def band_label(channel: int) -> str:
    return "2.4 GHz" if channel <= 14 else "5 GHz"


# English rendering of an element reference; the report renders the same reference from
# its locale catalogue (report_templates/locales/*.yaml, ``elements.<kind>``).
ELEMENT_TEXT_EN = {
    "radio": "AP {ap} radio {band} ch {channel}/{width_mhz} MHz",
    "room_no_ap": "room {room} (no AP)",
    "port": "switch port of AP {ap}",
    "uplink": "uplink of switch {switch}",
    "wan": "WAN link",
    "poe": "PoE budget of switch {switch}",
    "circuit": "circuit {circuit}",
    "rcd": "RCD of circuit {circuit}",
    "unknown": "unknown element",
}


def element_label(
    school: SchoolFeatures, dim: DimensionResult, index: int
) -> tuple[str, str | None]:
    """Plain-words element name and room for an element index of a dimension."""
    ref, room = element_ref(school, dim, index)
    return element_text_en(ref), room


def element_text_en(ref: dict[str, Any]) -> str:
    kind = str(ref.get("kind", "unknown"))
    template = ELEMENT_TEXT_EN.get(kind)
    if template is None:
        return kind
    return template.format(**{k: v for k, v in ref.items() if k != "kind"})


def element_ref(
    school: SchoolFeatures, dim: DimensionResult, index: int
) -> tuple[dict[str, Any], str | None]:
    """The element as a message reference ``{"kind": ..., params...}`` and its room."""
    offset = 0
    for kind, count in dim.segments:
        if index < offset + count:
            return _ref(school, kind, index - offset)
        offset += count
    return {"kind": "unknown"}, None


def element_kind(dim: DimensionResult, index: int) -> str:
    offset = 0
    for kind, count in dim.segments:
        if index < offset + count:
            return kind
        offset += count
    return "unknown"


def _radio_ref(ap: AccessPoint) -> dict[str, Any]:
    return {
        "kind": "radio",
        "ap": ap.id,
        "band": band_label(ap.channel),
        "channel": ap.channel,
        "width_mhz": ap.width_mhz,
    }


def _room_ap(school: SchoolFeatures, room_index: int) -> tuple[dict[str, Any], str | None]:
    room = school.rooms[room_index]
    ap = next((a for a in school.aps if a.id == room.ap), None)
    if ap is None:
        return {"kind": "room_no_ap", "room": room.id}, room.id
    return _radio_ref(ap), room.id


def _ref(school: SchoolFeatures, kind: str, local: int) -> tuple[dict[str, Any], str | None]:
    if kind == "radio":
        radio = school.aps[local]
        rooms = [room.id for room in school.rooms if room.ap == radio.id]
        return _radio_ref(radio), ", ".join(rooms) if rooms else None
    if kind == "room":
        return _room_ap(school, local)
    if kind == "port":
        return {"kind": "port", "ap": school.aps[local].id}, None
    if kind == "uplink":
        return {"kind": "uplink", "switch": school.switches[local].id}, None
    if kind == "room_port":
        room = school.rooms[local]
        return {"kind": "port", "ap": room.ap}, room.id
    if kind == "room_uplink":
        room = school.rooms[local]
        ap = next((a for a in school.aps if a.id == room.ap), None)
        return {"kind": "uplink", "switch": ap.switch if ap is not None else None}, room.id
    if kind == "wan":
        return {"kind": "wan"}, None
    if kind == "room_wan":
        return {"kind": "wan"}, school.rooms[local].id
    if kind == "poe":
        return {"kind": "poe", "switch": school.switches[local].id}, None
    if kind == "circuit":
        return {"kind": "circuit", "circuit": school.circuits[local].id}, None
    if kind == "rcd":
        return {"kind": "rcd", "circuit": school.circuits[local].id}, None
    return {"kind": "unknown"}, None


def _dimension_entry(dim: DimensionResult, index: int, profile: Profile) -> dict[str, Any]:
    score = float(dim.score[index])
    return {
        "score": round(score, 1),
        "grade": profile.grade(score),
        "rho_p10": _rho(dim.rho_p10[index]),
        "rho_p50": _rho(dim.rho_p50[index]),
        "rho_p90": _rho(dim.rho_q[index]),
        "p_pass": round(float(dim.p_pass[index]), 3),
    }


def _scenario_entries(chunk: ChunkResult, index: int, profile: Profile) -> list[dict[str, Any]]:
    school = chunk.batch.schools[index]
    entries = []
    for result in chunk.scenarios:
        dims: dict[str, Any] = {}
        for name, dim in result.dimensions.items():
            if not dim.present[index]:
                dims[name] = {"score": None, "grade": None, "missing": True}
                continue
            entry = _dimension_entry(dim, index, profile)
            element, room = element_label(school, dim, int(dim.element[index]))
            entry["element"] = element
            entry["room"] = room
            dims[name] = entry
        entries.append(
            {
                "id": result.scenario.id,
                "title": result.scenario.title,
                "title_id": result.scenario.title_id,
                "must_pass": result.scenario.must_pass,
                "application": result.scenario.application,
                "dimensions": dims,
            }
        )
    return entries


def _dimension_summary(
    chunk: ChunkResult, index: int, profile: Profile
) -> dict[str, dict[str, Any]]:
    summary: dict[str, dict[str, Any]] = {}
    for name in DIMENSIONS:
        candidates = [
            (r, r.dimensions[name])
            for r in chunk.scenarios
            if name in r.dimensions and r.dimensions[name].present[index]
        ]
        binding = [(r, d) for r, d in candidates if r.scenario.must_pass] or candidates
        if not binding:
            summary[name] = {"score": None, "grade": None, "worst_scenario": None, "rho_p90": None}
            continue
        worst_result, worst = min(
            binding, key=lambda item: (float(item[1].score[index]), -float(item[1].rho_q[index]))
        )
        score = float(worst.score[index])
        summary[name] = {
            "score": round(score, 1),
            "grade": profile.grade(score),
            "worst_scenario": worst_result.scenario.id,
            "rho_p90": _rho(worst.rho_q[index]),
            "p_pass": round(float(worst.p_pass[index]), 3),
        }
    return summary


BOTTLENECK_TEXT_EN = {
    "bottleneck.no_capacity": "{where} has no usable capacity left at all in {scenario} ({title}).",
    "bottleneck.saturated": "{where} is saturated: at the p90 the demand is {severity} of what it "
    "can carry in {scenario} ({title}).",
    "bottleneck.busiest": "{where} is the busiest element: at the p90 it carries {severity} of "
    "its capacity in {scenario} ({title}).",
}


def _where_en(element: str, room: str | None, placement: str | None) -> str:
    if placement == "class_online":
        return f"{element} (with the class in room {room} online)"
    if placement == "room":
        return f"{element} (room {room})"
    return element


def bottleneck(chunk: ChunkResult, index: int) -> dict[str, Any] | None:
    """The element with the largest p90 demand / physical capacity in a must-pass scenario.

    ``message`` and ``params`` are what the report renders from its locale catalogue;
    ``text`` is the English rendering of the same message (kept for older readers).
    """
    school = chunk.batch.schools[index]
    best: tuple[float, ScenarioResult, str, DimensionResult] | None = None
    for result in chunk.scenarios:
        if not result.scenario.must_pass:
            continue
        for name, dim in result.dimensions.items():
            if not dim.present[index]:
                continue
            severity = float(dim.severity_q[index])
            if best is None or severity > best[0]:
                best = (severity, result, name, dim)
    if best is None:
        return None
    severity, result, name, dim = best
    element_index = int(dim.severity_element[index])
    ref, room = element_ref(school, dim, element_index)
    element = element_text_en(ref)
    placement = None
    if room and element_kind(dim, element_index).startswith("room_"):
        placement = "class_online"
    elif room:
        placement = "room"
    if not math.isfinite(severity):
        message = "bottleneck.no_capacity"
    elif severity >= 1.0:
        message = "bottleneck.saturated"
    else:
        message = "bottleneck.busiest"
    text = BOTTLENECK_TEXT_EN[message].format(
        where=_where_en(element, room, placement),
        severity=f"{severity:.0%}" if math.isfinite(severity) else "",
        scenario=result.scenario.id,
        title=result.scenario.title,
    )
    return {
        "dimension": name,
        "element": element,
        "room": room,
        "scenario": result.scenario.id,
        "severity": _round(severity, 3) if math.isfinite(severity) else "inf",
        "text": text,
        "message": message,
        "params": {
            "dimension": name,
            "element": ref,
            "room": room,
            "placement": placement,
            "scenario": result.scenario.id,
            "scenario_title_id": result.scenario.title_id,
            "severity_ratio": _round(severity, 3) if math.isfinite(severity) else "inf",
        },
    }


WIFI_GENERATION_RANK = {"HT": 4, "VHT": 5, "HE": 6}  # Wi-Fi 4, 5, 6


def _p10(samples: tuple[float, ...]) -> float | None:
    """The 10th percentile of speedtest samples (nearest rank), None without samples."""
    ordered = sorted(samples)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(0.1 * len(ordered)) - 1)]


def _wifi_standard_row(benchmark: Benchmark, school: SchoolFeatures) -> dict[str, Any]:
    need = WIFI_GENERATION_RANK[benchmark.min_standard or "HE"]
    total = len(school.aps)
    meeting = sum(1 for ap in school.aps if WIFI_GENERATION_RANK.get(ap.standard, 0) >= need)
    return {
        "id": benchmark.id,
        "body": benchmark.body,
        "source": benchmark.source,
        "metric": benchmark.metric,
        "min_standard": benchmark.min_standard,
        "aps_count": total,
        "aps_meeting_count": meeting if total else None,
        "aps_meeting_ratio": _round(meeting / total, 3) if total else None,
        "ratio": None,  # the WAN ratio (measured / target); a Wi-Fi check has none
        "met": None if not total else meeting == total,
    }


def _benchmarks(chunk: ChunkResult, index: int, profile: Profile) -> list[dict[str, Any]]:
    school = chunk.batch.schools[index]
    down_bps = float(chunk.wan_down_p10_mbps[index]) * MBPS
    up_p10 = _p10(school.wan.up_mbps) if school.wan is not None else None
    measured_by_metric = {
        "wan_down": down_bps if math.isfinite(down_bps) else None,
        "wan_up": up_p10 * MBPS if up_p10 is not None else None,
    }
    rows = []
    for benchmark in profile.benchmarks:
        if benchmark.metric == "wifi_standard":
            rows.append(_wifi_standard_row(benchmark, school))
            continue
        target = benchmark.target_bps(school.users, school.students)
        measured = measured_by_metric.get(benchmark.metric)
        ratio = measured / target if measured is not None and target > 0 else None
        rows.append(
            {
                "id": benchmark.id,
                "body": benchmark.body,
                "source": benchmark.source,
                "metric": benchmark.metric,
                "per_user_mbps": benchmark.per_user_mbps,
                "min_mbps": benchmark.min_mbps,
                "fixed_mbps": benchmark.fixed_mbps,
                "basis": benchmark.basis,
                "target_bps": round(target),
                "measured_p10_bps": round(measured) if measured is not None else None,
                "ratio": _round(ratio, 3),
                "met": None if ratio is None else ratio >= 1.0,
            }
        )
    return rows


def _video(result: ScenarioResult, school: SchoolFeatures, index: int) -> dict[str, Any]:
    by_room: dict[str, str | None] = {}
    for r, room in enumerate(school.rooms):
        if room.pupils <= 0:
            continue
        best = None
        for rung, ok in result.room_pass.items():
            if ok[index, r]:
                best = rung.removeprefix("video_")
        by_room[room.id] = best
    rank = {rung.removeprefix("video_"): i for i, rung in enumerate(result.room_pass)}
    worst_room = min(by_room, key=lambda rid: rank.get(by_room[rid] or "", -1), default=None)
    return {
        "scenario": result.scenario.id,
        "rung": by_room.get(worst_room) if worst_room is not None else None,
        "worst_room": worst_room,
        "by_room": by_room,
    }


def _figures(chunk: ChunkResult, index: int, profile: Profile) -> dict[str, Any]:
    school = chunk.batch.schools[index]
    max_pupils: dict[str, dict[str, int]] = {}
    video: dict[str, Any] | None = None
    test_start: float | None = None
    for result in chunk.scenarios:
        if result.max_pupils is not None:
            max_pupils[result.scenario.id] = {
                room.id: int(result.max_pupils[index, r])
                for r, room in enumerate(school.rooms)
                if math.isfinite(result.max_pupils[index, r])
            }
        if result.room_pass and video is None:
            video = _video(result, school, index)
        if result.test_start_s is not None and test_start is None:
            test_start = _round(float(result.test_start_s[index]), 1)
    headroom = {
        sw.id: int(chunk.poe_headroom_aps[index, w])
        for w, sw in enumerate(school.switches)
        if sw.poe_budget_w is not None and math.isfinite(chunk.poe_headroom_aps[index, w])
    }
    carts_per_circuit = {
        circuit.id: int(chunk.carts_per_circuit[index, k])
        for k, circuit in enumerate(school.circuits)
        if math.isfinite(chunk.carts_per_circuit[index, k])
    }
    power = profile.power
    per_device_s = float(
        power_model.charge_time_s(
            power.battery_wh, power.soc_start, 1.0, power.battery_charge_w, power.taper_factor
        )
    )
    cycle_h = {
        cart.id: _round(
            float(
                power_model.cart_cycle_s(
                    cart.slots,
                    cart.slots_at_once,
                    per_device_s * (cart.battery_wh or power.battery_wh) / power.battery_wh,
                )
            )
            / 3600.0,
            2,
        )
        for cart in school.carts
    }
    return {
        "max_pupils_per_radio": max_pupils,
        "sustainable_video": video,
        "test_start_load_s": test_start,
        "test_start_target_s": profile.test_target_s,
        "poe_headroom_aps": sum(headroom.values()) if headroom else None,
        "poe_headroom_aps_by_switch": headroom,
        "poe_restricted_aps": [ap.id for ap in school.aps if poe_restricted(ap)],
        "carts_per_circuit": carts_per_circuit,
        "cart_cycle_h": cycle_h,
        "benchmarks": _benchmarks(chunk, index, profile),
    }


def _missing(school: SchoolFeatures, summary: dict[str, dict[str, Any]]) -> list[Note]:
    notes = list(school.missing)
    for name in DIMENSIONS:
        if summary[name]["score"] is None and not any(n.dimension == name for n in notes):
            notes.append(Note.of(DIMENSION_NONE[name]))
    unsurveyed = [room.id for room in school.rooms if room.ap is not None and room.rssi_dbm is None]
    if unsurveyed and summary["wifi"]["score"] is not None:
        notes.append(Note.of("wifi_rooms_unsurveyed", items=listed(unsurveyed)))
    if school.wan is not None and not school.wan.up_mbps:
        notes.append(Note.of("wan_no_upload"))
    unknown_ports = [ap.id for ap in school.aps if ap.port_speed_mbps is None]
    if unknown_ports and summary["lan"]["score"] is not None:
        notes.append(Note.of("lan_port_speed_unknown", items=listed(unknown_ports)))
    return list(dict.fromkeys(notes))


def co_channel_pairs(school: SchoolFeatures) -> int:
    """How many AP pairs overlap in frequency (a channel-plan hint for upgrades)."""
    count = 0
    for i, first in enumerate(school.aps):
        for second in school.aps[i + 1 :]:
            low_a, high_a = channel_span_mhz(first.channel, first.width_mhz)
            low_b, high_b = channel_span_mhz(second.channel, second.width_mhz)
            if high_a > low_b and high_b > low_a:
                count += 1
    return count


def visit_manifest_sha256(visit: str | None) -> str | None:
    """The digest of the visit's manifest as scored (the report compares it with now)."""
    if visit is None:
        return None
    from pathlib import Path

    from netsurvey.records import manifest_digest, read_manifest

    try:
        manifest = read_manifest(Path(visit))
    except NetsurveyError:
        return None
    return manifest_digest(manifest) if manifest is not None else None


def needed_dimensions(profile: Profile) -> list[str]:
    """Dimensions some must-pass scenario needs, in the profile's dimension order."""
    needed = {name for s in profile.scenarios if s.must_pass for name in s.dimensions}
    return [name for name in DIMENSIONS if name in needed]


def overall_entry(
    summary: dict[str, dict[str, Any]], coverage: dict[str, CoverageEntry], profile: Profile
) -> dict[str, Any]:
    """The overall score and grade, or none of them when evidence is missing: a grade
    means every dimension a must-pass scenario needs was measured well enough."""
    present = {name: entry["score"] is not None for name, entry in summary.items()}
    blocking = blocking_dimensions(needed_dimensions(profile), present, coverage)
    scored = [entry["score"] for entry in summary.values() if entry["score"] is not None]
    overall = min(scored) if scored and not blocking else None
    return {
        "score": overall,
        "grade": profile.grade(overall) if overall is not None else None,
        "status": "incomplete" if blocking else "complete",
        "missing_dimensions": blocking,
    }


def school_result(chunk: ChunkResult, index: int, profile: Profile) -> dict[str, Any]:
    """The scores.json entry of one school (recommendations are added by whatif)."""
    school = chunk.batch.schools[index]
    summary = _dimension_summary(chunk, index, profile)
    coverage = coverage_entries(school.coverage_facts(), profile.coverage)
    missing = _missing(school, summary)
    return {
        "school_id": school.id,
        "name": school.name,
        "municipality": school.municipality,
        "visit": school.visit,
        "visit_manifest_sha256": visit_manifest_sha256(school.visit),
        "overall": overall_entry(summary, coverage, profile),
        "coverage": coverage,
        "dimensions": summary,
        "scenarios": _scenario_entries(chunk, index, profile),
        "bottleneck": bottleneck(chunk, index),
        "figures": _figures(chunk, index, profile),
        "recommendations": [],
        "missing": [note.english for note in missing],
        "missing_notes": [note.to_json() for note in missing],
        "evidence": [
            {"figure": figure, "measurement_ids": list(ids)} for figure, ids in school.evidence
        ],
    }


def dimension_scores(chunk: ChunkResult, index: int, profile: Profile) -> dict[str, float | None]:
    """Score per dimension (None where missing), as in the school's ``dimensions``."""
    return {
        name: entry["score"] for name, entry in _dimension_summary(chunk, index, profile).items()
    }
