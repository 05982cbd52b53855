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
from typing import Any

from netsurvey.records import Measurement, VisitWriter, iso, new_id, utc_now
from netsurvey.wifi.points import POINT_PROBE, WITHDRAWS, average_scans
from netsurvey.wifi.sources import PointSource, Reading
from probes.base import ProbeError, RawArtifact, Scope, Target
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


async def _iperf(plan: IperfPlan, source: PointSource, before: Reading | None) -> dict[str, Any]:
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
    result: dict[str, Any] = {"server": f"{plan.host}:{plan.port}", "direction": plan.direction}
    try:
        plan.scope.check(plan.host)
        probe = load_probe("iperf3")
        params = {"seconds": f"{plan.seconds:g}", "samples": "1", "direction": plan.direction}
        raw = await probe.collect(Target(host=plan.host, port=plan.port, scope=plan.scope), params)
        parsed = probe.parse(raw)
        result.update(
            status=parsed.status,
            throughput_bps=parsed.metrics.get("throughput_bps"),
            warnings=list(parsed.warnings),
        )
    except ProbeError as exc:
        result.update(status="failed", throughput_bps=None, error=str(exc))
    finally:
        stop.set()
        await watcher
    after = await _link(source, "after", problems)
    seen.append(_bssid(after))
    connected = [b for b in seen if b is not None]
    roamed = len(set(connected)) > 1 or (bool(connected) and None in seen[1:])
    result["bssids_seen"] = list(dict.fromkeys(b or "disconnected" for b in seen))
    result["valid"] = result.get("status") == "ok" and not roamed
    if roamed:
        result["status"] = "invalid"
        result["reason"] = "the laptop roamed or lost the link during the test: " + " -> ".join(
            result["bssids_seen"]
        )
    if problems:
        result["link_problems"] = problems
    return result


async def take_point(
    source: PointSource, request: PointRequest
) -> tuple[Measurement, list[RawArtifact]]:
    """Measure; never raises for a failed scan (the record says what failed)."""
    started = utc_now()
    clock = time.monotonic()
    artifacts: list[RawArtifact] = []
    scans: list[dict[str, Any]] = []
    parsed: list[list[Bss]] = []
    warnings: list[str] = []
    scan_warnings: list[str] = []
    for index in range(request.scans):
        if index:
            await asyncio.sleep(request.scan_interval_s)
        try:
            reading = await source.scan(index)
        except ProbeError as exc:
            scans.append({"index": index, "error": str(exc), "type": type(exc).__name__})
            warnings.append(f"scan {index + 1}: {exc}")
            continue
        for artifact in reading.raw.artifacts:
            artifacts.append(
                RawArtifact(f"scan{index + 1}-{artifact.name}", artifact.data, artifact.media_type)
            )
        bss = [Bss.from_json(b) for b in reading.result.details.get("bss", ())]
        parsed.append(bss)
        scans.append(
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
    warnings.extend(
        text if count == 1 else f"{text} (in {count} of {request.scans} scans)"
        for text, count in counts.items()
    )
    link_problems: list[str] = []
    link = await _link(source, "before", link_problems)
    warnings.extend(link_problems)
    if link is not None:
        artifacts.extend(
            RawArtifact(f"link-{a.name}", a.data, a.media_type) for a in link.raw.artifacts
        )
    iperf = await _iperf(request.iperf, source, link) if request.iperf else None
    if iperf is not None and not iperf["valid"]:
        warnings.append(
            f"iperf3 at this point: {iperf.get('reason') or iperf.get('error') or iperf['status']}"
        )
    averaged = average_scans(parsed)
    details: dict[str, Any] = {
        "room": request.room,
        "x_m": request.x_m,
        "y_m": request.y_m,
        "source": source.describe(),
        "scans": scans,
        "bss": averaged,
        "link": dict(link.result.details) if link is not None else None,
        "iperf": iperf,
    }
    if request.replaces:
        details["replaces"] = request.replaces
    signals = [b["signal_dbm"] for b in averaged if b.get("signal_dbm") is not None]
    link_metrics: Mapping[str, Any] = link.result.metrics if link is not None else {}
    metrics: dict[str, float | None] = {
        "bss_count": float(len(averaged)) if parsed else None,
        "strongest_signal_dbm": max(signals) if signals else None,
        "link_signal_dbm": link_metrics.get("signal_dbm"),
        "link_tx_bitrate_bps": link_metrics.get("tx_bitrate_bps"),
        "iperf_throughput_bps": iperf.get("throughput_bps") if iperf and iperf["valid"] else None,
    }
    failed = not parsed
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
        details=details,
        warnings=tuple(warnings),
        error={"type": "ScanFailed", "message": scans[-1]["error"]} if failed and scans else None,
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


def skipped_room(room: str, reason: str) -> Measurement:
    now = iso(utc_now())
    return Measurement(
        id=new_id(),
        job_id=f"{POINT_PROBE}:{room}",
        probe=POINT_PROBE,
        status="skipped",
        started_at=now,
        finished_at=now,
        duration_s=0.0,
        target={"host": None, "port": None, "device_id": None, "room": room},
        details={"room": room, "skipped": reason},
    )


def withdrawn_point(
    point_id: str, room: str, reason: str = "undone by the technician"
) -> Measurement:
    """The undo of a point: a new record that takes it back (records stay append-only;
    readers drop the point, see ``store.current_point_records``)."""
    now = iso(utc_now())
    return Measurement(
        id=new_id(),
        job_id=f"{POINT_PROBE}:{room}",
        probe=POINT_PROBE,
        status="invalid",
        started_at=now,
        finished_at=now,
        duration_s=0.0,
        target={"host": None, "port": None, "device_id": None, "room": room},
        details={"room": room, WITHDRAWS: point_id, "reason": reason},
    )
