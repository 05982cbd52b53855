"""Latency, jitter and loss to a list of hosts.

Each host is pinged ``count`` times, all hosts at once: ICMP echo with scapy when
running as root (``method=icmp``), else the time to open a TCP connection
(``method=tcp``, ``host:port``; a refusal is an answer too). Jitter is the mean
absolute difference of consecutive RTTs (RFC 3550's idea, without smoothing).

Params: ``hosts`` (``host[:port]``, comma-separated; default ``target.host``),
``count`` (10), ``interval_s`` (0.2), ``timeout_s`` (1), ``method`` (icmp|tcp),
``port`` (TCP default 443). The metrics are those of the worst host; every host's
figures are in ``details.hosts``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from probes.base import (
    ProbeParamError,
    ProbeParseError,
    ProbeResult,
    ProbeUnavailable,
    RawArtifact,
    RawOutput,
    Target,
    param_float,
    param_int,
    reading_evidence,
)
from probes.stats import percentile


def _split_host(item: str, default_port: int) -> tuple[str, int]:
    if item.startswith("["):  # [v6]:port
        host, _, rest = item[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default_port
    if item.count(":") == 1:
        host, port = item.split(":")
        try:
            return host, int(port)
        except ValueError:
            raise ProbeParamError(f"--param hosts: bad port in {item!r}") from None
    return item, default_port


async def _tcp_rtts(
    host: str, port: int, count: int, interval_s: float, timeout_s: float
) -> list[float | None]:
    rtts: list[float | None] = []
    for _ in range(count):
        started = time.perf_counter()
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
        except ConnectionRefusedError:
            rtts.append(time.perf_counter() - started)  # the RST came back: the host answered
        except (TimeoutError, OSError):
            rtts.append(None)
        else:
            rtts.append(time.perf_counter() - started)
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        await asyncio.sleep(interval_s)
    return rtts


def _icmp_rtts(host: str, count: int, interval_s: float, timeout_s: float) -> list[float | None]:
    from scapy.layers.inet import ICMP, IP
    from scapy.sendrecv import sr1

    rtts: list[float | None] = []
    for seq in range(count):
        request = IP(dst=host) / ICMP(id=os.getpid() & 0xFFFF, seq=seq)
        reply = sr1(request, timeout=timeout_s, verbose=False)
        if reply is None or ICMP not in reply or reply[ICMP].type != 0:
            rtts.append(None)
        else:
            sent = request.sent_time if request.sent_time is not None else request.time
            rtts.append(float(reply.time) - float(sent))
        time.sleep(interval_s)
    return rtts


def host_figures(rtts: Sequence[float | None]) -> dict[str, float | None]:
    answered = [r for r in rtts if r is not None]
    if not rtts:
        return {"rtt_p50_s": None, "rtt_p95_s": None, "jitter_s": None, "loss_ratio": None}
    steps = [abs(b - a) for a, b in itertools.pairwise(answered)]
    return {
        "rtt_p50_s": percentile(answered, 50),
        "rtt_p95_s": percentile(answered, 95),
        "jitter_s": sum(steps) / len(steps) if steps else None,
        "loss_ratio": 1 - len(answered) / len(rtts),
    }


def _worst(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


class LatencyProbe:
    name: ClassVar[str] = "latency"
    summary: ClassVar[str] = "latency, jitter and loss to a list of hosts (ICMP or TCP connect)"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 2
    default_timeout_s: ClassVar[float] = 120.0

    def check(self) -> None:
        """TCP needs nothing; ICMP needs scapy and root, checked when asked for."""

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        method = params.get("method") or ("icmp" if os.geteuid() == 0 else "tcp")
        if method not in ("icmp", "tcp"):
            raise ProbeParamError(f"--param method={method!r}: use icmp or tcp")
        if method == "icmp" and os.geteuid() != 0:
            raise ProbeUnavailable("ICMP latency needs root; run with sudo or use method=tcp")
        default_port = param_int(params, "port", 443)
        items = [h.strip() for h in (params.get("hosts") or "").split(",") if h.strip()]
        if not items and target.host:
            items = [target.host if target.port is None else f"{target.host}:{target.port}"]
        if not items:
            raise ProbeParamError("name the hosts: --param hosts=HOST[:PORT][,HOST...]")
        endpoints = [_split_host(item, default_port) for item in items]
        for host, _ in endpoints:
            target.scope.check(host)
        count = param_int(params, "count", 10)
        interval_s = param_float(params, "interval_s", 0.2)
        timeout_s = param_float(params, "timeout_s", 1.0)
        if method == "tcp":
            runs = [_tcp_rtts(h, p, count, interval_s, timeout_s) for h, p in endpoints]
        else:
            runs = [
                asyncio.to_thread(_icmp_rtts, h, count, interval_s, timeout_s) for h, _ in endpoints
            ]
        results = await asyncio.gather(*runs)
        document = [
            {
                "host": host,
                "port": port if method == "tcp" else None,
                "method": method,
                "rtts_s": rtts,
            }
            for (host, port), rtts in zip(endpoints, results, strict=True)
        ]
        return RawOutput(
            artifacts=(
                RawArtifact("latency.json", json.dumps(document).encode(), "application/json"),
            ),
            tool="scapy" if method == "icmp" else "asyncio",
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        with reading_evidence("latency.json"):
            return self._parse(raw)

    def _parse(self, raw: RawOutput) -> ProbeResult:
        try:
            document: list[dict[str, Any]] = json.loads(raw.text("latency.json"))
        except (json.JSONDecodeError, TypeError) as exc:
            raise ProbeParseError(f"latency.json: not JSON ({exc})") from None
        hosts = [{**entry, **host_figures(entry["rtts_s"])} for entry in document]
        warnings = [
            f"{h['host']} did not answer {h['method']} at all"
            for h in hosts
            if h["loss_ratio"] == 1.0
        ]
        warnings += [
            f"{h['host']}: {h['loss_ratio']:.0%} loss"
            for h in hosts
            if h["loss_ratio"] is not None and 0 < h["loss_ratio"] < 1
        ]
        return ProbeResult(
            metrics={
                "rtt_p50_s": _worst([h["rtt_p50_s"] for h in hosts]),
                "jitter_s": _worst([h["jitter_s"] for h in hosts]),
                "loss_ratio": _worst([h["loss_ratio"] for h in hosts]),
            },
            details={"hosts": list(hosts)},
            warnings=tuple(warnings),
        )
