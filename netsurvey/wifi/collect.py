"""Take one survey point: N scans averaged, the connected link, optionally an iperf3
test (invalid if the laptop roamed meanwhile); append it as a ``wifi_point`` record."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from netsurvey.jsontypes import JsonObject
from netsurvey.records import Measurement, VisitWriter, iso, new_id, utc_now
from netsurvey.wifi.averaging import AveragedBss, average_scans
from netsurvey.wifi.pointiperf import PointIperf
from netsurvey.wifi.points import POINT_PROBE, WITHDRAWS
from netsurvey.wifi.sources import PointSource, Reading
from probes.base import ProbeError, RawArtifact, Scope, Status, Target
from probes.registry import load_probe
from probes.wifi_parsers import Bss

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IperfPlan:
    host: str
    port: int
    scope: Scope
    seconds: float = 5.0
    direction: str = "download"


@dataclass(frozen=True)
class PointRequest:
    room: str
    x_m: float | None = None
    y_m: float | None = None
    scans: int = 3
    scan_interval_s: float = 1.0
    iperf: IperfPlan | None = None
    replaces: str | None = None  # id of the point this one repeats


def _bssid(reading: Reading | None) -> str | None:
    if reading is None or not reading.result.details.get("connected"):
        return None
    value = reading.result.details.get("bssid")
    return str(value) if value else None


async def _link(source: PointSource, moment: str, problems: list[str]) -> Reading | None:
    try:
        return await source.link(moment)
    except ProbeError as exc:
        problems.append(f"link reading {moment} failed: {exc}")
        return None


async def _run_iperf(plan: IperfPlan) -> tuple[str, float | None, tuple[str, ...], str | None]:
    """(status, throughput in bit/s, warnings, error) of one iperf3 test."""
    try:
        plan.scope.check(plan.host)
        probe = load_probe("iperf3")
        params = {"seconds": f"{plan.seconds:g}", "samples": "1", "direction": plan.direction}
        raw = await probe.collect(Target(host=plan.host, port=plan.port, scope=plan.scope), params)
        parsed = probe.parse(raw)
    except ProbeError as exc:
        return "failed", None, (), str(exc)
    return parsed.status, parsed.metrics.get("throughput_bps"), tuple(parsed.warnings), None


async def _iperf(plan: IperfPlan, source: PointSource, before: Reading | None) -> PointIperf:
    """Run iperf3 while watching the link; roaming makes the result invalid."""
    problems: list[str] = []
    seen: list[str | None] = [_bssid(before)]
    stop = asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            reading = await _link(source, "during", problems)
            seen.append(_bssid(reading))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)

    watcher = asyncio.create_task(watch())
    try:
        status, throughput_bps, warnings, error = await _run_iperf(plan)
    finally:
        stop.set()
        await watcher
    after = await _link(source, "after", problems)
    seen.append(_bssid(after))
    connected = [b for b in seen if b is not None]
    roamed = len(set(connected)) > 1 or (bool(connected) and None in seen[1:])
    bssids_seen = tuple(dict.fromkeys(b or "disconnected" for b in seen))
    return PointIperf(
        server=f"{plan.host}:{plan.port}",
        direction=plan.direction,
        status="invalid" if roamed else status,
        valid=status == "ok" and not roamed,
        throughput_bps=throughput_bps,
        warnings=warnings,
        error=error,
        bssids_seen=bssids_seen,
        reason="the laptop roamed or lost the link during the test: " + " -> ".join(bssids_seen)
        if roamed
        else None,
        link_problems=tuple(problems),
    )


@dataclass
class _Scans:
    """What a point's scans gave: per-scan notes for the record, the parsed BSS lists,
    the raw evidence and the warnings worth telling the technician."""

    notes: list[JsonObject]
    parsed: list[list[Bss]]
    artifacts: list[RawArtifact]
    warnings: list[str]
    last_error: str | None = None


async def _take_scans(source: PointSource, request: PointRequest) -> _Scans:
    scans = _Scans([], [], [], [])
    scan_warnings: list[str] = []
    for index in range(request.scans):
        if index:
            await asyncio.sleep(request.scan_interval_s)
        try:
            reading = await source.scan(index)
        except ProbeError as exc:
            scans.notes.append({"index": index, "error": str(exc), "type": type(exc).__name__})
            scans.warnings.append(f"scan {index + 1}: {exc}")
            scans.last_error = str(exc)
            continue
        scans.artifacts.extend(
            RawArtifact(f"scan{index + 1}-{artifact.name}", artifact.data, artifact.media_type)
            for artifact in reading.raw.artifacts
        )
        bss_json = reading.result.details.get("bss")
        entries = bss_json if isinstance(bss_json, list) else []
        bss = [Bss.from_json(b) for b in entries if isinstance(b, dict)]
        scans.parsed.append(bss)
        scans.notes.append(
            {
                "index": index,
                "format": reading.result.details.get("format"),
                "bss_count": len(bss),
                "warnings": list(reading.result.warnings),
            }
        )
        scan_warnings.extend(reading.result.warnings)
    # The same problem in every scan is said once, with how often it was seen.
    counts = Counter(scan_warnings)
    scans.warnings.extend(
        text if count == 1 else f"{text} (in {count} of {request.scans} scans)"
        for text, count in counts.items()
    )
    return scans


def _point_details(
    source: PointSource,
    request: PointRequest,
    scans: _Scans,
    averaged: Sequence[AveragedBss],
    link: Reading | None,
    iperf: PointIperf | None,
) -> JsonObject:
    """The record writer's side of ``SurveyPoint.from_details``."""
    details: JsonObject = {
        "room": request.room,
        "x_m": request.x_m,
        "y_m": request.y_m,
        "source": source.describe(),
        "scans": list(scans.notes),
        "bss": [a.to_json() for a in averaged],
        "link": dict(link.result.details) if link is not None else None,
        "iperf": iperf.to_json() if iperf is not None else None,
    }
    if request.replaces:
        details["replaces"] = request.replaces
    return details


async def take_point(
    source: PointSource, request: PointRequest
) -> tuple[Measurement, list[RawArtifact]]:
    """Measure; never raises for a failed scan (the record says what failed)."""
    started = utc_now()
    clock = time.monotonic()
    scans = await _take_scans(source, request)
    artifacts, warnings = scans.artifacts, scans.warnings
    link_problems: list[str] = []
    link = await _link(source, "before", link_problems)
    warnings.extend(link_problems)
    if link is not None:
        artifacts.extend(
            RawArtifact(f"link-{a.name}", a.data, a.media_type) for a in link.raw.artifacts
        )
    iperf = await _iperf(request.iperf, source, link) if request.iperf else None
    if iperf is not None and not iperf.valid:
        warnings.append(f"iperf3 at this point: {iperf.problem}")
    averaged = average_scans(scans.parsed)
    signals = [a.bss.signal_dbm for a in averaged if a.bss.signal_dbm is not None]
    link_metrics: Mapping[str, float | None] = link.result.metrics if link is not None else {}
    metrics: dict[str, float | None] = {
        "bss_count": float(len(averaged)) if scans.parsed else None,
        "strongest_signal_dbm": max(signals) if signals else None,
        "link_signal_dbm": link_metrics.get("signal_dbm"),
        "link_tx_bitrate_bps": link_metrics.get("tx_bitrate_bps"),
        "iperf_throughput_bps": iperf.valid_throughput_bps if iperf is not None else None,
    }
    failed = not scans.parsed
    measurement = Measurement(
        id=new_id(),
        job_id=f"{POINT_PROBE}:{request.room}",
        probe=POINT_PROBE,
        status="failed" if failed else "ok",
        started_at=iso(started),
        finished_at=iso(utc_now()),
        duration_s=round(time.monotonic() - clock, 3),
        target={"host": None, "port": None, "device_id": None, "room": request.room},
        params={"scans": str(request.scans)},
        tool="netsurvey.wifi",
        metrics=metrics,
        details=_point_details(source, request, scans, averaged, link, iperf),
        warnings=tuple(warnings),
        error={"type": "ScanFailed", "message": scans.last_error}
        if failed and scans.last_error is not None
        else None,
    )
    return measurement, artifacts


def record_point(
    writer: VisitWriter, measurement: Measurement, artifacts: Sequence[RawArtifact]
) -> Measurement:
    """Write raw evidence, then the record (fsynced): after this the point is safe."""
    refs = writer.write_raw(measurement.id, artifacts) if artifacts else ()
    final = replace(measurement, raw=refs)
    writer.append(final)
    return final


def _room_record(room: str, status: Status, details: JsonObject) -> Measurement:
    """A walk record about a whole room (a skip or an undo), written at once."""
    now = iso(utc_now())
    return Measurement(
        id=new_id(),
        job_id=f"{POINT_PROBE}:{room}",
        probe=POINT_PROBE,
        status=status,
        started_at=now,
        finished_at=now,
        duration_s=0.0,
        target={"host": None, "port": None, "device_id": None, "room": room},
        details=details,
    )


def skipped_room(room: str, reason: str) -> Measurement:
    return _room_record(room, "skipped", {"room": room, "skipped": reason})


def withdrawn_point(
    point_id: str, room: str, reason: str = "undone by the technician"
) -> Measurement:
    """The undo of a point: a new record that takes it back (records stay append-only;
    readers drop the point, see ``store.current_point_records``)."""
    return _room_record(room, "invalid", {"room": room, WITHDRAWS: point_id, "reason": reason})
