"""Model arrays -> per-school results: scores, grades, bottleneck, figures, benchmarks."""

from __future__ import annotations

import math
from typing import Any

from netsurvey.errors import NetsurveyError
from netsurvey.power import model as power_model
from netsurvey.scoring.batch import channel_span_mhz, poe_restricted
from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.model import ChunkResult, DimensionResult, ScenarioResult
from netsurvey.scoring.profile import DIMENSIONS, Profile

MBPS = 1e6
MISSING_REASONS = {
    "wifi": "wifi: no room has a Wi-Fi survey (RSSI) and a serving AP",
    "lan": "lan: no AP port or switch uplink speed is known",
    "wan": "wan: no speedtest samples",
    "poe": "poe: no switch reports a PoE budget and AP allocations",
    "power": "power: no charging cart is on a known circuit",
}


def _round(value: float | None, digits: int = 3) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _rho(value: float) -> float | None:
    """rho for JSON: finite values rounded; an infinite rho (no usable airtime) becomes None."""
    return _round(value, 3)


def band_label(channel: int) -> str:
    return "2.4 GHz" if channel <= 14 else "5 GHz"


def element_label(
    school: SchoolFeatures, dim: DimensionResult, index: int
) -> tuple[str, str | None]:
    """Plain-words element name and room for an element index of a dimension."""
    offset = 0
    for kind, count in dim.segments:
        if index < offset + count:
            return _label(school, kind, index - offset)
        offset += count
    return "unknown element", None


def element_kind(dim: DimensionResult, index: int) -> str:
    offset = 0
    for kind, count in dim.segments:
        if index < offset + count:
            return kind
        offset += count
    return "unknown"


def _room_ap(school: SchoolFeatures, room_index: int) -> tuple[str, str | None]:
    room = school.rooms[room_index]
    ap = next((a for a in school.aps if a.id == room.ap), None)
    if ap is None:
        return f"room {room.id} (no AP)", room.id
    return f"AP {ap.id} radio {band_label(ap.channel)} ch {ap.channel}/{ap.width_mhz} MHz", room.id


def _label(school: SchoolFeatures, kind: str, local: int) -> tuple[str, str | None]:
    if kind == "radio":
        radio = school.aps[local]
        rooms = [room.id for room in school.rooms if room.ap == radio.id]
        label = f"AP {radio.id} radio {band_label(radio.channel)} ch {radio.channel}/{radio.width_mhz} MHz"
        return label, ", ".join(rooms) if rooms else None
    if kind == "room":
        return _room_ap(school, local)
    if kind == "port":
        return f"switch port of AP {school.aps[local].id}", None
    if kind == "uplink":
        return f"uplink of switch {school.switches[local].id}", None
    if kind == "room_port":
        room = school.rooms[local]
        return f"switch port of AP {room.ap}", room.id
    if kind == "room_uplink":
        room = school.rooms[local]
        ap = next((a for a in school.aps if a.id == room.ap), None)
        switch = ap.switch if ap is not None else None
        return f"uplink of switch {switch}", room.id
    if kind == "wan":
        return "WAN link", None
    if kind == "room_wan":
        return "WAN link", school.rooms[local].id
    if kind == "poe":
        return f"PoE budget of switch {school.switches[local].id}", None
    if kind == "circuit":
        return f"circuit {school.circuits[local].id}", None
    if kind == "rcd":
        return f"RCD of circuit {school.circuits[local].id}", None
    return kind, None


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


def bottleneck(chunk: ChunkResult, index: int) -> dict[str, Any] | None:
    """The element with the largest p90 demand / physical capacity in a must-pass scenario."""
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
    element, room = element_label(school, dim, element_index)
    if room and element_kind(dim, element_index).startswith("room_"):
        where = f"{element} (with the class in room {room} online)"
    elif room:
        where = f"{element} (room {room})"
    else:
        where = element
    if not math.isfinite(severity):
        verdict = "has no usable capacity left at all"
    elif severity >= 1.0:
        verdict = f"is saturated: at the p90 the demand is {severity:.0%} of what it can carry"
    else:
        verdict = f"is the busiest element: at the p90 it carries {severity:.0%} of its capacity"
    return {
        "dimension": name,
        "element": element,
        "room": room,
        "scenario": result.scenario.id,
        "severity": _round(severity, 3),
        "text": f"{where} {verdict} in {result.scenario.id} ({result.scenario.title}).",
    }


def _benchmarks(chunk: ChunkResult, index: int, profile: Profile) -> list[dict[str, Any]]:
    school = chunk.batch.schools[index]
    measured = float(chunk.wan_down_p10_mbps[index]) * MBPS
    rows = []
    for benchmark in profile.benchmarks:
        target = benchmark.target_bps(school.users, school.students)
        ratio = measured / target if math.isfinite(measured) and target > 0 else None
        rows.append(
            {
                "id": benchmark.id,
                "body": benchmark.body,
                "target_bps": round(target),
                "measured_p10_bps": round(measured) if math.isfinite(measured) else None,
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


def _missing(school: SchoolFeatures, summary: dict[str, dict[str, Any]]) -> list[str]:
    notes = list(school.missing)
    for name in DIMENSIONS:
        if summary[name]["score"] is None:
            reason = MISSING_REASONS[name]
            if not any(note.startswith(f"{name}:") for note in notes):
                notes.append(reason)
    unsurveyed = [room.id for room in school.rooms if room.ap is not None and room.rssi_dbm is None]
    if unsurveyed and summary["wifi"]["score"] is not None:
        notes.append(f"wifi: rooms without a survey are left out: {', '.join(unsurveyed)}")
    if school.wan is not None and not school.wan.up_mbps:
        notes.append("wan: no upload samples, only the download direction is scored")
    unknown_ports = [ap.id for ap in school.aps if ap.port_speed_mbps is None]
    if unknown_ports and summary["lan"]["score"] is not None:
        notes.append(f"lan: port speed unknown for {', '.join(unknown_ports)}")
    return sorted(set(notes), key=notes.index)


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


def school_result(chunk: ChunkResult, index: int, profile: Profile) -> dict[str, Any]:
    """The scores.json entry of one school (recommendations are added by whatif)."""
    school = chunk.batch.schools[index]
    summary = _dimension_summary(chunk, index, profile)
    scored = [entry["score"] for entry in summary.values() if entry["score"] is not None]
    overall = min(scored) if scored else None
    return {
        "school_id": school.id,
        "name": school.name,
        "municipality": school.municipality,
        "visit": school.visit,
        "visit_manifest_sha256": visit_manifest_sha256(school.visit),
        "overall": {
            "score": overall,
            "grade": profile.grade(overall) if overall is not None else None,
        },
        "dimensions": summary,
        "scenarios": _scenario_entries(chunk, index, profile),
        "bottleneck": bottleneck(chunk, index),
        "figures": _figures(chunk, index, profile),
        "recommendations": [],
        "missing": _missing(school, summary),
        "evidence": [
            {"figure": figure, "measurement_ids": list(ids)} for figure, ids in school.evidence
        ],
    }


def dimension_scores(chunk: ChunkResult, index: int, profile: Profile) -> dict[str, float | None]:
    """Score per dimension (None where missing), as in the school's ``dimensions``."""
    return {
        name: entry["score"] for name, entry in _dimension_summary(chunk, index, profile).items()
    }
