"""WAN and LAN bandwidth tests, and latency runs, read from a visit's records."""

from __future__ import annotations

from dataclasses import dataclass

from netsurvey.numbers import finite_float, positive_float
from netsurvey.records import Measurement


@dataclass(frozen=True, slots=True)
class SpeedTest:
    """One ``speedtest`` run against the school's test server (the WAN)."""

    measurement_id: str
    started_at: str
    download_bps: float | None
    upload_bps: float | None
    rtt_s: float | None
    server: str | None


@dataclass(frozen=True, slots=True)
class LatencyRun:
    measurement_id: str
    started_at: str
    rtt_p50_s: float | None
    jitter_s: float | None
    loss_ratio: float | None


@dataclass(frozen=True, slots=True)
class LanTest:
    """One ``iperf3`` run from the laptop to a server inside the school's network."""

    measurement_id: str
    started_at: str
    host: str | None
    direction: str | None
    throughput_bps: float | None
    retransmit_ratio: float | None


def speed_test(record: Measurement) -> SpeedTest:
    rtt_s = finite_float(record.metrics.get("rtt_s"))
    rtt_ms = finite_float(record.metrics.get("rtt_ms"))
    if rtt_s is None and rtt_ms is not None:
        rtt_s = rtt_ms / 1000.0
    server = record.details.get("server")
    name = server.get("name") if isinstance(server, dict) else None
    return SpeedTest(
        measurement_id=record.id,
        started_at=record.started_at,
        download_bps=positive_float(record.metrics.get("download_bps")),
        upload_bps=positive_float(record.metrics.get("upload_bps")),
        rtt_s=rtt_s,
        server=name if isinstance(name, str) else None,
    )


def latency_run(record: Measurement) -> LatencyRun:
    return LatencyRun(
        measurement_id=record.id,
        started_at=record.started_at,
        rtt_p50_s=finite_float(record.metrics.get("rtt_p50_s")),
        jitter_s=finite_float(record.metrics.get("jitter_s")),
        loss_ratio=finite_float(record.metrics.get("loss_ratio")),
    )


def lan_test(record: Measurement) -> LanTest:
    host = record.target.get("host")
    direction = record.details.get("direction")
    return LanTest(
        measurement_id=record.id,
        started_at=record.started_at,
        host=host if isinstance(host, str) else None,
        direction=direction if isinstance(direction, str) else None,
        throughput_bps=positive_float(record.metrics.get("throughput_bps")),
        retransmit_ratio=finite_float(record.metrics.get("retransmit_ratio")),
    )
