"""LAN throughput with iperf3 (``iperf3 -J``), and a classroom load test.

``Iperf3Probe`` runs repeated samples of one direction (download = ``-R``, the server
sends) over TCP with N streams or over UDP at a target rate, and reports the p10/p50/
p90 of the receiver's throughput; UDP adds jitter and loss. A server busy with
someone else's test is retried after a pause. Every sample's JSON is kept as a raw
artifact, and ``parse`` reads only those artifacts (plus the settings and the
laptop's link, stored in ``meta``), so recorded runs parse the same way.

``ClassroomLoadProbe`` emulates a class: N concurrent flows, each capped at a
per-pupil rate and sent to its own server port (an iperf3 server runs one test at a
time), and reports the aggregate and Jain's fairness across flows.

Params (``--param``): ``seconds``, ``direction`` (download|upload), ``streams``,
``protocol`` (tcp|udp), ``rate_bps`` (UDP target; a TCP cap), ``samples``, ``port``,
``omit_s``, ``busy_retries``, ``busy_wait_s``; classroom: ``flows``, ``rate_bps`` per
flow, ``seconds``, ``direction``, ``port`` (first of ``flows`` consecutive ports).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal

from probes.base import (
    ProbeFailed,
    ProbeParamError,
    ProbeParseError,
    ProbeRefused,
    ProbeResult,
    ProbeTimeout,
    ProbeUnavailable,
    RawArtifact,
    RawOutput,
    Target,
    param_float,
    param_int,
)
from probes.linkinfo import LinkInfo, link_for
from probes.stats import jain_fairness, percentile

logger = logging.getLogger(__name__)

Direction = Literal["download", "upload"]
Protocol = Literal["tcp", "udp"]

DEFAULT_PORT = 5201
DEFAULT_UDP_RATE_BPS = 10e6
# Share of TCP segments retransmitted above which loss, not capacity, limits TCP.
LOSS_SUSPECT_RETRANSMIT_RATIO = 0.002
# p90/p10 above this: the samples disagree enough to mention it.
UNSTABLE_SPREAD_RATIO = 1.3
BUSY_MARKER = "server is busy"
_TIMEOUT_MARGIN_S = 15.0


def _require_iperf3() -> str:
    path = shutil.which("iperf3")
    if path is None:
        raise ProbeUnavailable(
            "iperf3 is not installed; install it (Debian/Ubuntu: sudo apt-get install iperf3)"
        )
    return path


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Iperf3Settings:
    host: str
    port: int
    seconds: float
    direction: Direction
    protocol: Protocol
    streams: int
    rate_bps: float | None
    samples: int
    omit_s: int
    busy_retries: int
    busy_wait_s: float
    connect_timeout_s: float

    @classmethod
    def from_params(cls, target: Target, params: Mapping[str, str]) -> Iperf3Settings:
        if not target.host:
            raise ProbeParamError("iperf3 needs --target HOST[:PORT] (the iperf3 server)")
        direction = params.get("direction", "download")
        if direction not in ("download", "upload"):
            raise ProbeParamError(f"--param direction={direction!r}: use download or upload")
        protocol = params.get("protocol", "tcp")
        if protocol not in ("tcp", "udp"):
            raise ProbeParamError(f"--param protocol={protocol!r}: use tcp or udp")
        seconds = param_float(params, "seconds", 3.0)
        streams = param_int(params, "streams", 4 if protocol == "tcp" else 1)
        samples = param_int(params, "samples", 3)
        port = param_int(params, "port", target.port or DEFAULT_PORT)
        rate = params.get("rate_bps")
        rate_bps = param_float(params, "rate_bps", 0.0) if rate else None
        if protocol == "udp" and rate_bps is None:
            rate_bps = DEFAULT_UDP_RATE_BPS
        _require_range("seconds", seconds, 1, 60)
        _require_range("streams", streams, 1, 128)
        _require_range("samples", samples, 1, 50)
        _require_range("port", port, 1, 65535)
        if rate_bps is not None:
            _require_range("rate_bps", rate_bps, 1e3, 1e11)
        return cls(
            host=target.host,
            port=port,
            seconds=seconds,
            direction=direction,  # type: ignore[arg-type]
            protocol=protocol,  # type: ignore[arg-type]
            streams=streams,
            rate_bps=rate_bps,
            samples=samples,
            omit_s=param_int(params, "omit_s", 0),
            busy_retries=param_int(params, "busy_retries", 3),
            busy_wait_s=param_float(params, "busy_wait_s", 3.0),
            connect_timeout_s=param_float(params, "connect_timeout_s", 5.0),
        )

    def argv(self, executable: str) -> list[str]:
        argv = [executable, "-c", self.host, "-p", str(self.port), "-J",
                "-t", f"{self.seconds:g}", "-P", str(self.streams),
                "--connect-timeout", str(int(self.connect_timeout_s * 1000))]  # fmt: skip
        if self.direction == "download":
            argv.append("-R")
        if self.protocol == "udp":
            argv.append("-u")
        if self.rate_bps is not None:
            argv += ["-b", str(int(self.rate_bps))]
        if self.omit_s > 0:
            argv += ["-O", str(self.omit_s)]
        return argv

    @property
    def run_timeout_s(self) -> float:
        return self.seconds + self.omit_s + self.connect_timeout_s + _TIMEOUT_MARGIN_S


def _require_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ProbeParamError(f"--param {name}={value:g}: expected {low:g}..{high:g}")


# --------------------------------------------------------------------------- running


async def run_iperf3(argv: Sequence[str], *, where: str, timeout_s: float) -> bytes:
    """Run one iperf3 client; return its JSON bytes or raise a ProbeFailed subclass."""
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout_s)
    except TimeoutError:
        raise ProbeTimeout(
            f"iperf3 to {where} gave no result within {timeout_s:.0f} s; "
            "is a firewall dropping the test traffic?"
        ) from None
    finally:
        if process.returncode is None:  # timed out or cancelled: never leave iperf3 behind
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    error = _run_error(stdout, stderr)
    if error is not None:
        raise _classify_error(error, where)
    return stdout


def _run_error(stdout: bytes, stderr: bytes) -> str | None:
    try:
        document = json.loads(stdout)
    except json.JSONDecodeError:
        message = stderr.decode(errors="replace").strip() or "iperf3 printed no JSON"
        return message.splitlines()[-1]
    if isinstance(document, dict) and document.get("error"):
        return str(document["error"])
    return None


def _classify_error(error: str, where: str) -> ProbeFailed:
    lowered = error.lower()
    if BUSY_MARKER in lowered:
        return ProbeRefused(f"iperf3 server {where} is busy running another test ({error})")
    if "refused" in lowered or "no route" in lowered or "unreachable" in lowered:
        return ProbeRefused(
            f"no iperf3 server answers at {where} ({error}); start `iperf3 -s` there "
            "or check the host and port"
        )
    if "timed out" in lowered or "timeout" in lowered:
        return ProbeTimeout(f"iperf3 to {where} timed out ({error})")
    return ProbeFailed(f"iperf3 to {where} failed: {error}")


async def run_with_busy_retries(
    argv: Sequence[str], *, where: str, timeout_s: float, retries: int, wait_s: float
) -> bytes:
    """``run_iperf3``, retried while the server says it is busy with another test."""
    for attempt in range(retries + 1):
        try:
            return await run_iperf3(argv, where=where, timeout_s=timeout_s)
        except ProbeRefused as exc:
            if BUSY_MARKER not in str(exc) or attempt == retries:
                if BUSY_MARKER in str(exc):
                    raise ProbeRefused(
                        f"iperf3 server {where} stayed busy with another test after "
                        f"{retries + 1} tries; try again later or use a free port"
                    ) from None
                raise
            logger.info("iperf3 server %s busy, retry %d in %.1f s", where, attempt + 1, wait_s)
            await asyncio.sleep(wait_s * (attempt + 1))
    raise AssertionError("unreachable")


def _tool_version(data: bytes) -> str | None:
    try:
        version = json.loads(data)["start"]["version"]
    except (json.JSONDecodeError, KeyError, TypeError):
        return None
    match = re.search(r"[\d.]+", str(version))
    return match.group(0) if match else None


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Iperf3Sample:
    """The facts of one ``iperf3 -J`` run, read from the receiver's side."""

    protocol: Protocol
    direction: Direction
    streams: int
    duration_s: float | None
    throughput_bps: float | None  # None: the receiver reported nothing
    sent_bps: float | None
    bytes_sent: int | None
    retransmits_count: int | None
    mss_bytes: int | None
    jitter_s: float | None
    lost_packets: int | None
    packets: int | None
    bytes_limited: bool


def parse_iperf3_json(data: bytes | str, name: str = "iperf3 JSON") -> Iperf3Sample:
    """One ``iperf3 -J`` document -> ``Iperf3Sample``; a failed run raises."""
    try:
        document = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ProbeParseError(f"{name}: not JSON ({exc.msg} at line {exc.lineno})") from None
    except (ValueError, RecursionError) as exc:  # bad UTF-8, 4300+ digit number, too deep
        raise ProbeParseError(f"{name}: not readable JSON ({exc})") from None
    try:
        return _sample_from(document, name)
    except (AttributeError, TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, ProbeParseError):
            raise
        raise ProbeParseError(f"{name}: not an iperf3 -J document ({exc})") from None


def _sample_from(document: Any, name: str) -> Iperf3Sample:
    if not isinstance(document, dict):
        raise ProbeParseError(f"{name}: expected a JSON object")
    if document.get("error"):
        raise ProbeFailed(f"{name}: iperf3 reported an error: {document['error']}")
    start = document.get("start") or {}
    end = document.get("end") or {}
    if not start.get("connected") or not end:
        raise ProbeFailed(
            f"{name}: iperf3 never connected or never finished (no connections, empty "
            "summary); the run failed"
        )
    test_start = start.get("test_start") or {}
    protocol: Protocol = "udp" if str(test_start.get("protocol", "TCP")).upper() == "UDP" else "tcp"
    direction: Direction = "download" if test_start.get("reverse") else "upload"
    if protocol == "udp":
        received = end.get("sum_received") or end.get("sum") or {}
        sent = end.get("sum_sent") or end.get("sum") or {}
    else:
        received = end.get("sum_received") or {}
        sent = end.get("sum_sent") or {}
    received_bytes = received.get("bytes")
    throughput = received.get("bits_per_second")
    if not received_bytes:
        throughput = None
    jitter_ms = received.get("jitter_ms")
    return Iperf3Sample(
        protocol=protocol,
        direction=direction,
        streams=int(test_start.get("num_streams") or len(start["connected"])),
        duration_s=_float(received.get("seconds")),
        throughput_bps=_float(throughput),
        sent_bps=_float(sent.get("bits_per_second")),
        bytes_sent=_int(sent.get("bytes")),
        retransmits_count=_int(sent.get("retransmits")) if protocol == "tcp" else None,
        mss_bytes=_int(start.get("tcp_mss_default")),
        jitter_s=None if jitter_ms is None or protocol == "tcp" else float(jitter_ms) / 1000,
        lost_packets=_int(received.get("lost_packets")) if protocol == "udp" else None,
        packets=_int(received.get("packets")) if protocol == "udp" else None,
        bytes_limited=bool(test_start.get("bytes") or test_start.get("blocks")),
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _failures(raw: RawOutput) -> list[str]:
    """The per-sample failures ``collect`` noted in ``meta`` (a list of sentences)."""
    failures = raw.meta.get("failures")
    return [str(f) for f in failures] if isinstance(failures, list) else []


def _samples_from(raw: RawOutput, prefix: str) -> tuple[list[Iperf3Sample], list[str]]:
    samples: list[Iperf3Sample] = []
    problems: list[str] = []
    for artifact in raw.artifacts:
        if not artifact.name.startswith(prefix) or not artifact.name.endswith(".json"):
            continue
        try:
            samples.append(parse_iperf3_json(artifact.data, artifact.name))
        except ProbeFailed as exc:
            problems.append(str(exc))
    return samples, problems


def _link_from(raw: RawOutput) -> LinkInfo | None:
    link = raw.meta.get("link")
    return LinkInfo.from_json(link) if isinstance(link, dict) else None


def _link_warnings(link: LinkInfo | None, throughput_bps: float | None) -> list[str]:
    if link is None:
        return []
    warnings = []
    if link.kind == "wifi":
        warnings.append(
            f"measured over Wi-Fi ({link.interface}, BSSID {link.bssid or 'unknown'}): the "
            "result includes the laptop's Wi-Fi link; plug in a cable to measure the LAN"
        )
    if link.to_json(throughput_bps)["limited_by_laptop"]:
        speed = (link.link_speed_bps or 0) / 1e6
        warnings.append(
            f"result is close to the laptop's own link speed ({speed:g} Mbit/s on "
            f"{link.interface}): the laptop, not the network, may be the limit"
        )
    return warnings


# --------------------------------------------------------------------------- probes


class Iperf3Probe:
    name: ClassVar[str] = "iperf3"
    summary: ClassVar[str] = "LAN throughput with iperf3: TCP/UDP, repeated samples, p10/p50/p90"
    loads_link: ClassVar[bool] = True
    max_concurrency: ClassVar[int] = 1
    default_timeout_s: ClassVar[float] = 300.0

    def check(self) -> None:
        _require_iperf3()

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        settings = Iperf3Settings.from_params(target, params)
        executable = _require_iperf3()
        link = await asyncio.to_thread(link_for, settings.host)
        artifacts: list[RawArtifact] = []
        failures: list[str] = []
        for index in range(settings.samples):
            try:
                data = await self._sample(settings, executable, failures, index)
            except ProbeFailed as exc:
                if index == 0:
                    raise  # nothing measured: a dead or busy server fails the record
                failures.append(f"sample {index + 1}: {exc}")
                continue
            name = f"iperf3-{settings.direction}-{settings.protocol}-{index + 1}.json"
            artifacts.append(RawArtifact(name, data, "application/json"))
        return RawOutput(
            artifacts=tuple(artifacts),
            tool="iperf3",
            tool_version=_tool_version(artifacts[0].data),
            meta={"settings": asdict(settings), "link": link.to_json(), "failures": list(failures)},
        )

    async def _sample(
        self, settings: Iperf3Settings, executable: str, failures: list[str], index: int
    ) -> bytes:
        """One sample; a run that hangs (iperf3 sometimes does under loss) is retried once."""
        where = f"{settings.host}:{settings.port}"
        for attempt in range(2):
            try:
                return await run_with_busy_retries(
                    settings.argv(executable),
                    where=where,
                    timeout_s=settings.run_timeout_s,
                    retries=settings.busy_retries,
                    wait_s=settings.busy_wait_s,
                )
            except ProbeTimeout as exc:
                if attempt == 1:
                    raise
                failures.append(f"sample {index + 1}: {exc}; retried")
        raise AssertionError("unreachable")

    def parse(self, raw: RawOutput) -> ProbeResult:
        samples, problems = _samples_from(raw, "")
        if not samples:
            raise ProbeFailed(problems[0] if problems else "no iperf3 results in the raw output")
        first = samples[0]
        warnings = [*problems, *_failures(raw)]
        valid = [s.throughput_bps for s in samples if s.throughput_bps is not None]
        if len(valid) < len(samples):
            warnings.append(
                f"{len(samples) - len(valid)} of {len(samples)} samples have no receiver "
                "figure (the receiver reported 0 bytes); they are left out"
            )
        if any(s.bytes_limited for s in samples):
            warnings.append("byte-limited run (-n): short transfers understate throughput")
        p10, p50, p90 = (percentile(valid, q) for q in (10, 50, 90))
        metrics: dict[str, float | None] = {
            "throughput_bps": p50,
            "throughput_p10_bps": p10,
            "throughput_p90_bps": p90,
        }
        details: dict[str, Any] = {
            "direction": first.direction,
            "protocol": first.protocol,
            "streams": first.streams,
            "samples_bps": [s.throughput_bps for s in samples],
            "samples_count": len(valid),
            "sample_duration_s": [s.duration_s for s in samples],
        }
        settings = raw.meta.get("settings")
        if isinstance(settings, dict):
            details["server"] = f"{settings.get('host')}:{settings.get('port')}"
            details["rate_bps"] = settings.get("rate_bps")
        if first.protocol == "tcp":
            warnings += _tcp_loss(samples, metrics, details)
        else:
            _udp_quality(samples, metrics, details)
        if p10 and p90 and p90 / p10 > UNSTABLE_SPREAD_RATIO:
            warnings.append(
                f"samples vary widely (p10 {p10 / 1e6:.1f}, p90 {p90 / 1e6:.1f} Mbit/s): the "
                "link was shared or unstable during the test"
            )
        link = _link_from(raw)
        if link is not None:
            details["link"] = link.to_json(p50)
            warnings += _link_warnings(link, p50)
        return ProbeResult(
            metrics=metrics,
            details=details,
            status="ok" if valid else "invalid",
            warnings=tuple(warnings),
        )


def _tcp_loss(
    samples: Sequence[Iperf3Sample], metrics: dict[str, float | None], details: dict[str, Any]
) -> list[str]:
    retransmits = [s.retransmits_count for s in samples if s.retransmits_count is not None]
    metrics["retransmits_count"] = float(sum(retransmits)) if retransmits else None
    segments = sum(
        (s.bytes_sent or 0) / (s.mss_bytes or 1448)
        for s in samples
        if s.retransmits_count is not None
    )
    ratio = sum(retransmits) / segments if retransmits and segments else None
    metrics["retransmit_ratio"] = ratio
    suspected = ratio is not None and ratio >= LOSS_SUSPECT_RETRANSMIT_RATIO
    details["loss_suspected"] = suspected
    if not suspected or ratio is None:
        return []
    return [
        f"{ratio:.1%} of TCP segments were retransmitted: packet loss, not capacity, "
        "limits this result; measure the loss with --param protocol=udp"
    ]


def _udp_quality(
    samples: Sequence[Iperf3Sample], metrics: dict[str, float | None], details: dict[str, Any]
) -> None:
    jitters = [s.jitter_s for s in samples if s.jitter_s is not None]
    lost = sum(s.lost_packets or 0 for s in samples)
    packets = sum(s.packets or 0 for s in samples)
    metrics["jitter_s"] = percentile(jitters, 50)
    metrics["loss_ratio"] = lost / packets if packets else None
    details["lost_packets"] = lost
    details["packets"] = packets


# --------------------------------------------------------------------------- classroom


@dataclass(frozen=True)
class ClassroomSettings:
    host: str
    first_port: int
    flows: int
    rate_bps: float
    seconds: float
    direction: Direction
    busy_retries: int
    busy_wait_s: float

    @classmethod
    def from_params(cls, target: Target, params: Mapping[str, str]) -> ClassroomSettings:
        if not target.host:
            raise ProbeParamError("classroom_load needs --target HOST (the iperf3 servers)")
        direction = params.get("direction", "download")
        if direction not in ("download", "upload"):
            raise ProbeParamError(f"--param direction={direction!r}: use download or upload")
        settings = cls(
            host=target.host,
            first_port=param_int(params, "port", target.port or DEFAULT_PORT),
            flows=param_int(params, "flows", 25),
            rate_bps=param_float(params, "rate_bps", 2e6),
            seconds=param_float(params, "seconds", 10.0),
            direction=direction,  # type: ignore[arg-type]
            busy_retries=param_int(params, "busy_retries", 1),
            busy_wait_s=param_float(params, "busy_wait_s", 2.0),
        )
        _require_range("flows", settings.flows, 1, 200)
        _require_range("rate_bps", settings.rate_bps, 1e3, 1e10)
        _require_range("seconds", settings.seconds, 1, 120)
        _require_range("port", settings.first_port + settings.flows - 1, 1, 65535)
        return settings

    def flow_argv(self, executable: str, index: int) -> list[str]:
        argv = [executable, "-c", self.host, "-p", str(self.first_port + index), "-J",
                "-t", f"{self.seconds:g}", "-b", str(int(self.rate_bps)),
                "--connect-timeout", "5000"]  # fmt: skip
        if self.direction == "download":
            argv.append("-R")
        return argv


class ClassroomLoadProbe:
    name: ClassVar[str] = "classroom_load"
    summary: ClassVar[str] = "a class at once: N iperf3 flows at per-pupil rates, fairness"
    loads_link: ClassVar[bool] = True
    max_concurrency: ClassVar[int] = 1
    default_timeout_s: ClassVar[float] = 300.0

    def check(self) -> None:
        _require_iperf3()

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        settings = ClassroomSettings.from_params(target, params)
        executable = _require_iperf3()
        link = await asyncio.to_thread(link_for, settings.host)
        runs = [
            run_with_busy_retries(
                settings.flow_argv(executable, index),
                where=f"{settings.host}:{settings.first_port + index}",
                timeout_s=settings.seconds + _TIMEOUT_MARGIN_S,
                retries=settings.busy_retries,
                wait_s=settings.busy_wait_s,
            )
            for index in range(settings.flows)
        ]
        outcomes = await asyncio.gather(*runs, return_exceptions=True)
        artifacts: list[RawArtifact] = []
        failures: list[str] = []
        for index, outcome in enumerate(outcomes):
            if isinstance(outcome, ProbeFailed):
                failures.append(f"flow {index + 1}: {outcome}")
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                name = f"classroom-flow-{index + 1:03d}.json"
                artifacts.append(RawArtifact(name, outcome, "application/json"))
        if not artifacts:
            raise ProbeRefused(f"no classroom flow ran: {failures[0]}")
        return RawOutput(
            artifacts=tuple(artifacts),
            tool="iperf3",
            tool_version=_tool_version(artifacts[0].data),
            meta={"settings": asdict(settings), "link": link.to_json(), "failures": list(failures)},
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        samples, problems = _samples_from(raw, "classroom-flow-")
        failures = _failures(raw)
        per_flow = [s.throughput_bps for s in samples]
        measured = [value for value in per_flow if value is not None]
        settings_meta = raw.meta.get("settings")
        settings: dict[str, Any] = settings_meta if isinstance(settings_meta, dict) else {}
        flows_planned = int(settings.get("flows", len(samples)))
        rate_bps = settings.get("rate_bps")
        aggregate = float(sum(measured)) if measured else None
        demand = float(rate_bps) * flows_planned if rate_bps else None
        metrics: dict[str, float | None] = {
            "aggregate_bps": aggregate,
            "fairness_ratio": jain_fairness(measured),
            "flows_count": float(len(measured)),
            "demand_bps": demand,
            "demand_met_ratio": aggregate / demand if aggregate is not None and demand else None,
            "flow_min_bps": min(measured) if measured else None,
        }
        details: dict[str, Any] = {
            "per_flow_bps": per_flow,
            "flows_planned": flows_planned,
            "rate_per_flow_bps": rate_bps,
            "direction": samples[0].direction if samples else settings.get("direction"),
        }
        warnings = [*problems, *failures]
        if len(measured) < flows_planned:
            warnings.append(f"only {len(measured)} of {flows_planned} flows delivered results")
        link = _link_from(raw)
        if link is not None:
            details["link"] = link.to_json(aggregate)
            warnings += _link_warnings(link, aggregate)
        return ProbeResult(
            metrics=metrics,
            details=details,
            status="ok" if measured else "invalid",
            warnings=tuple(warnings),
        )
