"""Small throw-away networks made of Linux network namespaces and veth pairs.

Tests, benchmarks and the demo lab build a "school" out of namespaces: a client
namespace for the laptop, peers (iperf3, dnsmasq, lldpd, a speedtest server) in
others, joined by veth pairs addressed from 198.18.0.0/15 (RFC 2544 benchmarking
space, never routed). Links are shaped with ``tbf`` or ``htb`` (this kernel has no
``netem``); random loss is an iptables ``statistic`` rule inside a namespace.

Names are ``ns-<purpose>-<pid>`` so parallel runs never collide, and everything is
torn down by PID: processes we started, then any process still inside the
namespace, then the namespace and its ``/etc/netns/<name>`` folder. Use the classes
as context managers; ``remove_stale_namespaces()`` cleans up after a crashed run.

A probe runs *inside* a namespace with ``run_probe_in``: a child Python started by
``ip netns exec`` (so it also sees the namespace's ``/sys/class/net`` and
``/etc/hosts``, exactly like a laptop would) runs check/collect/parse and hands back
JSON (``python -m netsurvey.lab.netns`` is that child).
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from netsurvey.errors import LabError
from netsurvey.lab.process import ManagedProcess

logger = logging.getLogger(__name__)

LAB_NETWORK = ipaddress.IPv4Network("198.18.0.0/15")
NETNS_RUN_DIR = Path("/run/netns")
NETNS_ETC_DIR = Path("/etc/netns")
_NAME_PATTERN = re.compile(r"^ns-[A-Za-z0-9_-]+-(\d+)$")
_PURPOSE_PATTERN = re.compile(r"[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*")
_MAX_PURPOSE_CHARS = 40


def namespace_name(purpose: str, pid: int | None = None) -> str:
    """``ns-<purpose>-<pid>``; purpose is letters, digits, ``_`` and inner dashes."""
    if not _PURPOSE_PATTERN.fullmatch(purpose) or len(purpose) > _MAX_PURPOSE_CHARS:
        raise LabError(
            f"namespace purpose {purpose!r} must be 1-{_MAX_PURPOSE_CHARS} letters, digits, "
            "underscores or inner dashes"
        )
    return f"ns-{purpose}-{os.getpid() if pid is None else pid}"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise LabError(f"{name} not found; install it (Debian: iproute2 / iptables)")
    return path


def _run(argv: Sequence[str], timeout_s: float = 10.0) -> subprocess.CompletedProcess[str]:
    try:
        completed = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        raise LabError(f"{' '.join(argv)} did not finish within {timeout_s:.0f} s") from None
    except OSError as exc:
        raise LabError(f"cannot run {argv[0]}: {exc.strerror}") from None
    if completed.returncode != 0:
        message = (completed.stderr or completed.stdout).strip().splitlines()
        raise LabError(f"{' '.join(argv)} failed: {message[-1] if message else 'no output'}")
    return completed


class Namespace:
    """One network namespace. ``with Namespace("client") as ns: ...``"""

    def __init__(self, purpose: str, *, hosts: Mapping[str, str] | None = None) -> None:
        self.name = namespace_name(purpose)
        self.path = NETNS_RUN_DIR / self.name
        self.etc_dir = NETNS_ETC_DIR / self.name
        self._hosts = dict(hosts or {})
        self._processes: list[ManagedProcess] = []
        self._created = False

    # ------------------------------------------------------------------ lifecycle

    def create(self) -> Namespace:
        ip = _tool("ip")
        if self.path.exists():  # left over by an earlier process with our PID
            delete_namespace(self.name)
        _run([ip, "netns", "add", self.name])
        self._created = True
        try:
            self.run([ip, "link", "set", "lo", "up"])
            if self._hosts:
                self.set_hosts(self._hosts)
        except BaseException:
            self.delete()
            raise
        logger.debug("created namespace %s", self.name)
        return self

    def delete(self) -> None:
        """Stop our processes, then anything else left inside, then the namespace."""
        for process in reversed(self._processes):
            try:
                process.stop()
            except (OSError, subprocess.SubprocessError, LabError) as exc:
                logger.warning("stopping %s in %s failed: %s", process.name, self.name, exc)
        self._processes.clear()
        if self._created:
            delete_namespace(self.name)
            self._created = False

    def __enter__(self) -> Namespace:
        return self.create()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.delete()

    # ------------------------------------------------------------------ running things

    def argv(self, argv: Sequence[str]) -> list[str]:
        """``argv`` prefixed with ``ip netns exec NAME``."""
        return [_tool("ip"), "netns", "exec", self.name, *argv]

    def run(self, argv: Sequence[str], timeout_s: float = 10.0) -> subprocess.CompletedProcess[str]:
        """Run a command inside the namespace; a non-zero exit raises ``LabError``."""
        return _run(self.argv(argv), timeout_s=timeout_s)

    def process(
        self,
        argv: Sequence[str],
        *,
        name: str,
        log_dir: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> ManagedProcess:
        """Start a long-running peer inside the namespace; it is stopped on ``delete``."""
        process = ManagedProcess(self.argv(argv), name=name, log_dir=log_dir, env=env)
        self._processes.append(process)
        return process.start()

    # ------------------------------------------------------------------ configuration

    def set_hosts(self, hosts: Mapping[str, str]) -> Path:
        """Write ``/etc/netns/NAME/hosts`` (name -> address). ``ip netns exec`` shows it
        as ``/etc/hosts`` to processes started afterwards."""
        self.etc_dir.mkdir(parents=True, exist_ok=True)
        lines = ["127.0.0.1\tlocalhost"]
        lines += [f"{address}\t{host}" for host, address in sorted(hosts.items())]
        hosts_path = self.etc_dir / "hosts"
        hosts_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return hosts_path

    def enable_forwarding(self) -> None:
        """Let the namespace route between its links (a router between two veths)."""
        self.run([_tool("sysctl"), "-q", "-w", "net.ipv4.ip_forward=1"])

    def add_address(self, interface: str, address: str) -> None:
        self.run([_tool("ip"), "addr", "add", address, "dev", interface])

    def delete_address(self, interface: str, address: str) -> None:
        self.run([_tool("ip"), "addr", "delete", address, "dev", interface])

    def add_route(self, destination: str, via: str) -> None:
        self.run([_tool("ip"), "route", "replace", destination, "via", via])

    def pids(self) -> list[int]:
        completed = _run([_tool("ip"), "netns", "pids", self.name])
        return [int(token) for token in completed.stdout.split() if token.isdigit()]


def delete_namespace(name: str) -> None:
    """Kill every process still inside ``name`` (by PID), delete it and its etc folder."""
    ip = _tool("ip")
    with contextlib.suppress(LabError):
        leftover = _run([ip, "netns", "pids", name]).stdout.split()
        for token in leftover:
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(token), signal.SIGKILL)
        if leftover:
            time.sleep(0.1)
    try:
        _run([ip, "netns", "delete", name])
    except LabError as exc:
        if (NETNS_RUN_DIR / name).exists():
            logger.warning("could not delete namespace %s: %s", name, exc)
    etc_dir = NETNS_ETC_DIR / name
    if etc_dir.is_dir():
        shutil.rmtree(etc_dir, ignore_errors=True)


def remove_stale_namespaces(purposes: Sequence[str] | None = None) -> list[str]:
    """Delete ``ns-<purpose>-<pid>`` namespaces whose creating process no longer exists
    (left behind by a crashed run), of the given purposes or, with None, of any purpose.
    A lab that outlives the command that built it (``netsurvey lab up``) is "stale" by
    this rule too: name purposes when such a lab may be running."""
    removed: list[str] = []
    if not NETNS_RUN_DIR.is_dir():
        return removed
    for entry in NETNS_RUN_DIR.iterdir():
        match = _NAME_PATTERN.match(entry.name)
        if match is None or _pid_alive(int(match.group(1))):
            continue
        purpose = entry.name[len("ns-") : -len(match.group(1)) - 1]
        if purposes is None or purpose in purposes:
            delete_namespace(entry.name)
            removed.append(entry.name)
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --------------------------------------------------------------------------- links


@dataclass(frozen=True)
class VethEnd:
    namespace: Namespace
    interface: str
    address: ipaddress.IPv4Interface

    @property
    def ip(self) -> str:
        return str(self.address.ip)


class VethLink:
    """A veth pair between two namespaces, created directly inside them (so interface
    names only need to be unique per namespace), addressed from a /30 (or larger)
    subnet of 198.18.0.0/15: ``a`` gets the first host address and ``b`` the second,
    unless ``addresses`` names them."""

    def __init__(
        self,
        a: Namespace,
        b: Namespace,
        *,
        subnet: str = "198.18.0.0/30",
        names: tuple[str, str] = ("eth0", "eth0"),
        mtu: int = 1500,
        addresses: tuple[str, str] | None = None,
    ) -> None:
        network = ipaddress.ip_network(subnet)
        if not isinstance(network, ipaddress.IPv4Network) or not network.subnet_of(LAB_NETWORK):
            raise LabError(f"lab subnet {subnet} must lie inside {LAB_NETWORK}")
        if addresses is None:
            first, second = (str(host) for host in list(network.hosts())[:2])
        else:
            first, second = addresses
            if not all(ipaddress.ip_address(a) in network for a in addresses):
                raise LabError(f"addresses {first}, {second} must lie inside {subnet}")
        prefix = network.prefixlen
        self.a = VethEnd(a, names[0], ipaddress.IPv4Interface(f"{first}/{prefix}"))
        self.b = VethEnd(b, names[1], ipaddress.IPv4Interface(f"{second}/{prefix}"))
        self.mtu = mtu

    def create(self) -> VethLink:
        ip = _tool("ip")
        _run(
            [ip, "link", "add", self.a.interface, "netns", self.a.namespace.name,
             "type", "veth", "peer", "name", self.b.interface, "netns", self.b.namespace.name]
        )  # fmt: skip
        for end in (self.a, self.b):
            end.namespace.run([ip, "addr", "add", str(end.address), "dev", end.interface])
            end.namespace.run([ip, "link", "set", end.interface, "mtu", str(self.mtu), "up"])
        return self

    def __enter__(self) -> VethLink:
        return self.create()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Deleting one end deletes the pair; a namespace already gone took it along.
        with contextlib.suppress(LabError):
            self.a.namespace.run([_tool("ip"), "link", "delete", self.a.interface])


# --------------------------------------------------------------------------- shaping


def default_burst_bytes(rate_bps: float) -> int:
    """A tbf bucket of 10 ms at the rate (at least 32 KiB): smaller buckets cannot reach
    high rates because the kernel refills the bucket only once per timer tick."""
    return max(32 * 1024, int(rate_bps / 8 * 0.010))


# Below this rate the lab sends MTU-sized packets (no GSO) into the shaper, as a real
# wire would: a tbf queue of a few 64 KB GSO bursts overflows and causes retransmit
# storms that no real link shows. Above it GSO stays on, else veth runs out of CPU.
GSO_OFF_BELOW_BPS = 200e6


def match_segment_offload(namespace: Namespace, interface: str, rate_bps: float) -> None:
    segments = "1" if rate_bps < GSO_OFF_BELOW_BPS else "65535"
    namespace.run([_tool("ip"), "link", "set", "dev", interface, "gso_max_segs", segments])


def shape_tbf(
    namespace: Namespace,
    interface: str,
    rate_bps: float,
    *,
    burst_bytes: int | None = None,
    latency_ms: float = 50.0,
) -> None:
    """Limit egress of ``interface`` to ``rate_bps`` with a token bucket filter."""
    burst = burst_bytes or default_burst_bytes(rate_bps)
    match_segment_offload(namespace, interface, rate_bps)
    namespace.run(
        [_tool("tc"), "qdisc", "replace", "dev", interface, "root", "tbf",
         "rate", f"{int(rate_bps)}bit", "burst", str(burst), "latency", f"{latency_ms:g}ms"]
    )  # fmt: skip


def shape_htb(namespace: Namespace, interface: str, rate_bps: float) -> None:
    """Limit egress of ``interface`` to ``rate_bps`` with a single htb class."""
    tc = _tool("tc")
    rate = f"{int(rate_bps)}bit"
    match_segment_offload(namespace, interface, rate_bps)
    namespace.run([tc, "qdisc", "replace", "dev", interface, "root", "handle", "1:", "htb",
                   "default", "10"])  # fmt: skip
    namespace.run([tc, "class", "replace", "dev", interface, "parent", "1:", "classid", "1:10",
                   "htb", "rate", rate, "ceil", rate])  # fmt: skip


def clear_shaping(namespace: Namespace, interface: str) -> None:
    with contextlib.suppress(LabError):
        namespace.run([_tool("tc"), "qdisc", "delete", "dev", interface, "root"])


def add_random_loss(
    namespace: Namespace, loss_ratio: float, *, interface: str | None = None
) -> None:
    """Drop incoming packets at random with probability ``loss_ratio`` (0..1), using an
    iptables ``statistic`` rule in the namespace's INPUT chain."""
    if not 0.0 <= loss_ratio < 1.0:
        raise LabError(f"loss ratio {loss_ratio} must be in [0, 1)")
    argv = [_tool("iptables"), "-w", "5", "-A", "INPUT"]
    if interface is not None:
        argv += ["-i", interface]
    argv += ["-m", "statistic", "--mode", "random", "--probability", f"{loss_ratio:.6f}",
             "-j", "DROP"]  # fmt: skip
    namespace.run(argv)


def clear_loss(namespace: Namespace) -> None:
    with contextlib.suppress(LabError):
        namespace.run([_tool("iptables"), "-w", "5", "-F", "INPUT"])


# --------------------------------------------------------------------------- probes


@dataclass(frozen=True)
class ProbeRun:
    """What a probe produced inside a namespace: the parse result or the error."""

    metrics: dict[str, float | None]
    details: dict[str, Any]
    status: str
    warnings: tuple[str, ...]
    error_type: str | None
    error_message: str | None
    tool: str | None
    artifacts: dict[str, bytes]
    duration_s: float

    @property
    def ok(self) -> bool:
        return self.error_type is None and self.status == "ok"


def run_probe_in(
    namespace: Namespace,
    probe: str,
    *,
    host: str | None,
    port: int | None = None,
    params: Mapping[str, str] | None = None,
    scope_networks: Sequence[str] = (),
    scope_hosts: Sequence[str] = (),
    timeout_s: float = 120.0,
) -> ProbeRun:
    """Run probe ``probe`` (check, collect, parse) in a child process inside ``namespace``."""
    request = {
        "probe": probe,
        "host": host,
        "port": port,
        "params": dict(params or {}),
        "scope_networks": list(scope_networks),
        "scope_hosts": list(scope_hosts),
    }
    argv = namespace.argv([sys.executable, "-m", "netsurvey.lab.netns"])
    try:
        completed = subprocess.run(
            argv,
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LabError(f"probe {probe} in {namespace.name} ran over {timeout_s:.0f} s") from None
    try:
        reply = json.loads(completed.stdout)
    except json.JSONDecodeError:
        tail = completed.stderr.strip().splitlines()[-5:]
        raise LabError(f"probe {probe} in {namespace.name} crashed: {' | '.join(tail)}") from None
    error = reply.get("error") or {}
    return ProbeRun(
        metrics=reply.get("metrics", {}),
        details=reply.get("details", {}),
        status=reply.get("status", "failed"),
        warnings=tuple(reply.get("warnings", ())),
        error_type=error.get("type"),
        error_message=error.get("message"),
        tool=reply.get("tool"),
        artifacts={
            name: base64.b64decode(data) for name, data in reply.get("artifacts", {}).items()
        },
        duration_s=float(reply.get("duration_s", 0.0)),
    )


def _serve_probe_request() -> None:
    """Child side of ``run_probe_in``: JSON request on stdin, JSON reply on stdout."""
    import asyncio

    from probes.base import ProbeError, Scope, Target
    from probes.registry import load_probe

    request = json.loads(sys.stdin.read())
    reply: dict[str, Any] = {}
    started = time.monotonic()
    try:
        probe = load_probe(request["probe"])
        probe.check()
        host = request["host"]
        scope = Scope.from_strings(
            request["scope_networks"], hosts=request["scope_hosts"], origin="the lab scope"
        )
        if host is not None:
            scope.check(host)
        target = Target(host=host, port=request["port"], scope=scope)
        raw = asyncio.run(probe.collect(target, request["params"]))
        reply["tool"] = raw.tool
        reply["artifacts"] = {
            a.name: base64.b64encode(a.data).decode("ascii") for a in raw.artifacts
        }
        result = probe.parse(raw)
        reply.update(
            metrics=dict(result.metrics),
            details=dict(result.details),
            status=result.status,
            warnings=list(result.warnings),
        )
    except ProbeError as exc:
        reply.update(status="failed", error={"type": type(exc).__name__, "message": str(exc)})
    reply["duration_s"] = time.monotonic() - started
    sys.stdout.write(json.dumps(reply))


if __name__ == "__main__":
    _serve_probe_request()
