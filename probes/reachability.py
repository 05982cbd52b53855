"""Reachability: is a device or server answering, and how fast?

TCP connect to the target port (or the first of ``ports`` that answers; a refusal
counts as an answer: the host is up). As root, ICMP echo as well. Reports up/down,
RTT p50/p95 and loss. The raw evidence is a JSON list of every attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import struct
import time
from collections.abc import Mapping
from typing import ClassVar

from probes.base import (
    ProbeParamError,
    ProbeParseError,
    ProbeResult,
    RawArtifact,
    RawOutput,
    Target,
    param_float,
    param_int,
    reading_evidence,
)
from probes.stats import percentile

DEFAULT_PORTS = (443, 80, 22, 23)


class ReachabilityProbe:
    name: ClassVar[str] = "reachability"
    summary: ClassVar[str] = "TCP connect (and ICMP echo as root): up/down, RTT p50/p95, loss"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 16
    default_timeout_s: ClassVar[float] = 60.0

    def check(self) -> None:
        """Nothing to install: plain sockets. ICMP is added only when running as root."""

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        if not target.host:
            raise ProbeParamError("reachability needs --target HOST[:PORT]")
        count = param_int(params, "count", 5)
        timeout_s = param_float(params, "timeout_s", 1.0)
        interval_s = param_float(params, "interval_s", 0.05)
        if count < 1 or count > 1000:
            raise ProbeParamError("--param count must be between 1 and 1000")
        host = await _resolve(target.host)
        target.scope.check_resolved(target.host, host)
        ports = [target.port] if target.port else _ports(params)
        port, tcp_attempts = await _tcp_series(host, ports, count, timeout_s, interval_s)
        icmp_attempts: list[dict[str, object]] | None = None
        if os.geteuid() == 0 and params.get("icmp", "true").lower() != "false":
            icmp_attempts = await asyncio.to_thread(
                _icmp_series, host, count, timeout_s, interval_s
            )
        evidence = {
            "host": target.host,
            "address": host,
            "port": port,
            "tcp": tcp_attempts,
            "icmp": icmp_attempts,
        }
        return RawOutput(
            artifacts=(
                RawArtifact(
                    "attempts.json", json.dumps(evidence, indent=1).encode(), "application/json"
                ),
            ),
            tool="netsurvey-reachability",
            tool_version="1",
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        with reading_evidence("attempts.json"):
            return self._parse(raw)

    def _parse(self, raw: RawOutput) -> ProbeResult:
        try:
            evidence = json.loads(raw.artifact("attempts.json").data)
            tcp = evidence["tcp"]
            icmp = evidence.get("icmp")
        except (ValueError, KeyError, TypeError) as exc:
            raise ProbeParseError(f"reachability evidence unreadable: {exc}") from None
        series = icmp if icmp else tcp
        rtts = [a["rtt_s"] for a in series if a.get("rtt_s") is not None]
        tcp_answered = any(a.get("rtt_s") is not None for a in tcp)
        up = bool(rtts) or tcp_answered
        loss_ratio = 1.0 - len(rtts) / len(series) if series else None
        warnings: list[str] = []
        if not up:
            warnings.append(
                f"{evidence['host']} did not answer (TCP ports {evidence['port'] or 'tried'}, ICMP)"
            )
        return ProbeResult(
            metrics={
                "up": 1.0 if up else 0.0,
                "rtt_p50_s": percentile(rtts, 50),
                "rtt_p95_s": percentile(rtts, 95),
                "loss_ratio": loss_ratio,
            },
            details={
                "method": "icmp" if icmp else "tcp",
                "address": evidence["address"],
                "port": evidence["port"],
                "tcp_port_open": any(a.get("outcome") == "open" for a in tcp),
                "samples_s": rtts,
            },
            warnings=tuple(warnings),
        )


def _ports(params: Mapping[str, str]) -> list[int]:
    text = params.get("ports")
    if not text:
        return list(DEFAULT_PORTS)
    try:
        ports = [int(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise ProbeParamError(
            f"--param ports={text!r}: expected numbers separated by commas"
        ) from None
    if not ports or any(not 0 < p < 65536 for p in ports):
        raise ProbeParamError(f"--param ports={text!r}: ports are 1-65535")
    return ports


async def _resolve(host: str) -> str:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        from probes.base import ProbeRefused

        raise ProbeRefused(f"cannot resolve {host}: {exc.strerror}") from None
    return str(infos[0][4][0])


async def _tcp_once(host: str, port: int, timeout_s: float) -> dict[str, object]:
    start = time.perf_counter()
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
    except ConnectionRefusedError:
        return {"port": port, "outcome": "refused", "rtt_s": time.perf_counter() - start}
    except (TimeoutError, OSError) as exc:
        return {
            "port": port,
            "outcome": "timeout" if isinstance(exc, TimeoutError) else "error",
            "error": str(exc) or type(exc).__name__,
            "rtt_s": None,
        }
    rtt_s = time.perf_counter() - start
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return {"port": port, "outcome": "open", "rtt_s": rtt_s}


async def _tcp_series(
    host: str, ports: list[int], count: int, timeout_s: float, interval_s: float
) -> tuple[int | None, list[dict[str, object]]]:
    """Find the first port that answers, then measure ``count`` connects to it."""
    chosen: int | None = None
    probes: list[dict[str, object]] = []
    for port in ports:
        first = await _tcp_once(host, port, timeout_s)
        probes.append(first)
        if first["rtt_s"] is not None:
            chosen = port
            break
    if chosen is None:
        return None, probes
    attempts = [probes[-1]]
    for _ in range(count - 1):
        await asyncio.sleep(interval_s)
        attempts.append(await _tcp_once(host, chosen, timeout_s))
    return chosen, attempts


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return int(~total & 0xFFFF)


def _icmp_series(
    host: str, count: int, timeout_s: float, interval_s: float
) -> list[dict[str, object]]:
    """ICMP echo over a raw socket (root only). IPv4."""
    attempts: list[dict[str, object]] = []
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    except (PermissionError, OSError) as exc:
        return [{"outcome": "unavailable", "error": str(exc), "rtt_s": None}]
    identifier = os.getpid() & 0xFFFF
    with sock:
        sock.settimeout(timeout_s)
        for sequence in range(count):
            payload = struct.pack("!d", time.perf_counter()) + b"netsurvey"
            header = struct.pack("!BBHHH", 8, 0, 0, identifier, sequence)
            packet = (
                struct.pack("!BBHHH", 8, 0, _checksum(header + payload), identifier, sequence)
                + payload
            )
            start = time.perf_counter()
            sock.sendto(packet, (host, 0))
            rtt_s = _await_reply(sock, identifier, sequence, start, timeout_s)
            attempts.append(
                {
                    "seq": sequence,
                    "outcome": "reply" if rtt_s is not None else "timeout",
                    "rtt_s": rtt_s,
                }
            )
            time.sleep(interval_s)
    return attempts


def _await_reply(
    sock: socket.socket, identifier: int, sequence: int, start: float, timeout_s: float
) -> float | None:
    deadline = start + timeout_s
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None
        sock.settimeout(remaining)
        try:
            data, _ = sock.recvfrom(2048)
        except (TimeoutError, OSError):
            return None
        header_len = (data[0] & 0x0F) * 4
        icmp_type, _, _, reply_id, reply_seq = struct.unpack(
            "!BBHHH", data[header_len : header_len + 8]
        )
        if icmp_type == 0 and reply_id == identifier and reply_seq == sequence:
            return time.perf_counter() - start
