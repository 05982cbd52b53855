"""``netsurvey lab class-test``: a class in network namespaces.

    laptop ns (server, 198.18.0.1) --lan0==up0-- AP ns (bridge br0) --sK==eth0-- seat K ns
                                    tbf R both ways                     (198.18.0.10+K)

The laptop link is shaped with tbf at R in both directions (laptop egress = the
class's download, AP egress towards the laptop = the class's upload), so the whole
class shares R like a class shares its access point. The first K seats are real
headless Chromium opening the seat page; the others run the Python seat client.
Everything is torn down by PID on every exit path (error, Ctrl-C included).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import math
import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from netsurvey.classtest.browser_seat import chromium_paths
from netsurvey.classtest.plan import lab_plan
from netsurvey.errors import LabError, UsageError
from netsurvey.lab.netns import Namespace, default_burst_bytes, match_segment_offload
from netsurvey.lab.process import ManagedProcess
from netsurvey.records import create_visit, new_id
from probes.linkinfo import TCP_GOODPUT_RATIO

logger = logging.getLogger(__name__)

Fault = Literal["disconnect", "reload", "late"]
FAULTS: tuple[Fault, ...] = ("disconnect", "reload", "late")
SUBNET_PREFIX = "198.18.0"
LAPTOP_IP = f"{SUBNET_PREFIX}.1"
FIRST_SEAT_HOST = 10
MAX_CLIENTS = 60
LATE_JOIN_AFTER_S = 1.0
BROWSER_START_S = 45.0
AP_QUEUE_S = 0.050
FRAME_BYTES = 1514


@dataclass(frozen=True)
class LabSeat:
    index: int  # 1-based, in start order (the server numbers seats in join order)
    client: Literal["browser", "python"]
    fault: Fault | None = None

    @property
    def address(self) -> str:
        return f"{SUBNET_PREFIX}.{FIRST_SEAT_HOST + self.index}"


@dataclass(frozen=True)
class ClassLabOptions:
    clients: int
    browsers: int
    rate_mbit: float
    video_rate_bps: float = 2.5e6
    video_s: float = 12.0
    faults: tuple[Fault, ...] = ()
    work: Path | None = None

    def seats(self) -> list[LabSeat]:
        """The first ``browsers`` seats are browsers; each fault goes to the next
        browser seat without one (or the next Python seat once browsers run out)."""
        if not 1 <= self.clients <= MAX_CLIENTS:
            raise UsageError(f"--clients must be 1-{MAX_CLIENTS}")
        if not 0 <= self.browsers <= self.clients:
            raise UsageError("--browsers must be between 0 and --clients")
        if self.rate_mbit <= 0:
            raise UsageError("--rate-mbit must be positive")
        if len(self.faults) >= self.clients:
            raise UsageError("leave at least one seat without a --fault")
        kinds: list[Literal["browser", "python"]] = [
            "browser" if i < self.browsers else "python" for i in range(self.clients)
        ]
        faults: list[Fault | None] = [None] * self.clients
        for fault in self.faults:
            free = [i for i in range(self.clients) if faults[i] is None]
            browser_free = [i for i in free if kinds[i] == "browser"]
            faults[(browser_free or free)[0]] = fault
        return [LabSeat(i + 1, kinds[i], faults[i]) for i in range(self.clients)]


@dataclass
class ClassLabNetwork:
    laptop: Namespace
    ap: Namespace
    seats: list[Namespace] = field(default_factory=list)


def _ip(namespace: Namespace, *args: str) -> None:
    namespace.run(["ip", *args])


def _root_ip(*args: str) -> None:
    import subprocess

    completed = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10,
                               check=False)  # fmt: skip
    if completed.returncode != 0:
        raise LabError(f"ip {' '.join(args)} failed: {completed.stderr.strip()}")


@contextlib.contextmanager
def class_network(clients: int, rate_bps: float) -> Iterator[ClassLabNetwork]:
    """Build the laptop, the AP bridge and the seats; tear all of it down on exit."""
    with contextlib.ExitStack() as stack:
        laptop = stack.enter_context(Namespace("ct-laptop"))
        ap = stack.enter_context(Namespace("ct-ap"))
        _ip(ap, "link", "add", "br0", "type", "bridge")
        _ip(ap, "link", "set", "br0", "up")
        _root_ip("link", "add", "lan0", "netns", laptop.name, "type", "veth", "peer", "name",
                 "up0", "netns", ap.name)  # fmt: skip
        _ip(laptop, "addr", "add", f"{LAPTOP_IP}/24", "dev", "lan0")
        _ip(laptop, "link", "set", "lan0", "up")
        _ip(ap, "link", "set", "up0", "master", "br0", "up")
        network = ClassLabNetwork(laptop, ap)
        for index in range(1, clients + 1):
            seat = stack.enter_context(Namespace(f"ct-seat{index}"))
            port = f"s{index}"
            _root_ip("link", "add", port, "netns", ap.name, "type", "veth", "peer", "name",
                     "eth0", "netns", seat.name)  # fmt: skip
            _ip(ap, "link", "set", port, "master", "br0", "up")
            _ip(seat, "addr", "add", f"{LabSeat(index, 'python').address}/24", "dev", "eth0")
            _ip(seat, "link", "set", "eth0", "up")
            match_segment_offload(seat, "eth0", rate_bps)
            network.seats.append(seat)
        addresses = [LabSeat(index, "python").address for index in range(1, clients + 1)]
        shape_access_point(laptop, "lan0", rate_bps, addresses, match="dst")  # download
        shape_access_point(ap, "up0", rate_bps, addresses, match="src")  # upload
        yield network


def station_queue_packets(rate_bps: float, stations: int) -> int:
    """Each station's queue: its share of 50 ms at the link rate, at least 4 packets."""
    return max(4, math.ceil(rate_bps * AP_QUEUE_S / 8 / FRAME_BYTES / max(stations, 1)))


def shape_access_point(
    namespace: Namespace,
    interface: str,
    rate_bps: float,
    stations: Sequence[str],
    *,
    match: Literal["src", "dst"],
) -> None:
    """tbf at ``rate_bps`` with one queue per station under it, served round robin.

    An access point keeps a queue per associated station and shares airtime between
    them (airtime fairness downstream; per-station channel access upstream), so one
    station's many TCP flows cannot crowd the others out of a single drop-tail queue.
    Here: tbf (the rate) -> htb (never limiting, one leaf per station, equal quantum)
    -> a short pfifo per station; a u32 filter picks the leaf by the station address.
    """
    tc = "tc"
    unlimited = f"{int(rate_bps * 10)}bit"
    share = f"{max(1, int(rate_bps / max(len(stations), 1)))}bit"
    limit = str(station_queue_packets(rate_bps, len(stations)))
    match_segment_offload(namespace, interface, rate_bps)
    namespace.run([tc, "qdisc", "replace", "dev", interface, "root", "handle", "1:", "tbf",
                   "rate", f"{int(rate_bps)}bit", "burst", str(default_burst_bytes(rate_bps)),
                   "latency", f"{AP_QUEUE_S * 1000:g}ms"])  # fmt: skip
    namespace.run([tc, "qdisc", "add", "dev", interface, "parent", "1:1", "handle", "10:",
                   "htb", "default", "ffff"])  # fmt: skip
    namespace.run([tc, "class", "add", "dev", interface, "parent", "10:", "classid", "10:1",
                   "htb", "rate", unlimited, "ceil", unlimited])  # fmt: skip
    leaves = [(f"{index + 0x100:x}", address) for index, address in enumerate(stations)]
    for leaf, address in [*leaves, ("ffff", None)]:
        namespace.run([tc, "class", "add", "dev", interface, "parent", "10:1", "classid",
                       f"10:{leaf}", "htb", "rate", share, "ceil", unlimited, "quantum",
                       str(2 * FRAME_BYTES)])  # fmt: skip
        namespace.run([tc, "qdisc", "add", "dev", interface, "parent", f"10:{leaf}", "pfifo",
                       "limit", limit])  # fmt: skip
        if address is not None:
            namespace.run([tc, "filter", "add", "dev", interface, "parent", "10:", "protocol",
                           "ip", "prio", "1", "u32", "match", "ip", match, f"{address}/32",
                           "flowid", f"10:{leaf}"])  # fmt: skip


def _cpu_s(pid: int) -> float | None:
    """utime + stime of a process from /proc/PID/stat, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


class _EventsFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen = 0

    def wait(self, name: str, timeout_s: float, watch: ManagedProcess) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for event in self._new():
                if event.get("event") == "error":
                    raise LabError(f"class-test server: {event.get('message')}")
                if event.get("event") == name:
                    return event
            if not watch.running():
                raise LabError(f"class-test server exited early: {watch.log_tail()}")
            time.sleep(0.05)
        raise LabError(f"class-test lab: no '{name}' from the server within {timeout_s:.0f} s",
                       hint=f"see {watch.log_path}")  # fmt: skip

    def _new(self) -> list[dict[str, Any]]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        fresh = lines[self.seen :]
        complete = [line for line in fresh if line.endswith("}")]
        self.seen += len(complete)
        return [json.loads(line) for line in complete]


def _seat_argv(seat: LabSeat, join_url: str, fault_at_s: float, timeout_s: float) -> list[str]:
    if seat.client == "browser":
        return [sys.executable, "-m", "netsurvey.classtest.browser_seat", join_url,
                "--timeout-s", f"{timeout_s:.0f}"]  # fmt: skip
    argv = [sys.executable, "-m", "netsurvey.classtest.client", join_url]
    if seat.fault == "disconnect":
        argv += ["--disconnect-at-s", f"{fault_at_s:g}"]
    elif seat.fault == "reload":
        argv += ["--reload-at-s", f"{fault_at_s:g}"]
    return argv


def run_class_lab(options: ClassLabOptions) -> dict[str, Any]:
    """Run one class test in the lab; the class result plus what the lab did."""
    if os.geteuid() != 0:
        raise LabError("the class-test lab needs root (network namespaces)",
                       hint="run it with sudo")  # fmt: skip
    seats = options.seats()
    if options.browsers and chromium_paths() is None:
        raise LabError("chromium and chromedriver are not installed",
                       hint="apt-get install chromium chromium-driver, or use --browsers 0")  # fmt: skip
    if options.browsers and importlib.util.find_spec("selenium") is None:
        raise LabError("selenium is not installed (it drives the browser seats)",
                       hint="pip install 'netsurvey[dev]', or use --browsers 0")  # fmt: skip
    rate_bps = options.rate_mbit * 1e6
    plan = lab_plan(options.video_rate_bps, video_s=options.video_s)
    fault_at_s = plan.lead_s + plan.download_s / 2
    work = options.work or Path(tempfile.mkdtemp(prefix="netsurvey-class-lab-"))
    work.mkdir(parents=True, exist_ok=True)
    logs = work / f"logs-{new_id('run')}"
    visit = create_visit(
        work / "visits",
        school_id="lab-class-test",
        school_json={"id": "lab-class-test", "name": "Class test lab"},
        inventory_path="(lab)",
        inventory_sha256="",
        operator=None,
        lab={"kind": "class-test", "rate_bps": rate_bps, "clients": options.clients,
             "browsers": options.browsers, "faults": list(options.faults)},
        visit_id=new_id("class"),
    )
    events = _EventsFile(logs / "events.jsonl")
    on_time = [seat for seat in seats if seat.fault != "late"]
    processes: dict[int, ManagedProcess] = {}
    with class_network(options.clients, rate_bps) as network:
        server = network.laptop.process(
            [sys.executable, "-m", "netsurvey.classtest.labserver", "--host", LAPTOP_IP,
             "--expect", str(len(on_time)), "--events", str(events.path), "--visit", str(visit),
             "--rate-bps", str(rate_bps), "--video-rate-bps", str(options.video_rate_bps),
             "--video-s", str(options.video_s)],
            name="classtest-server", log_dir=logs,
        )  # fmt: skip
        assert server.pid is not None
        ready = events.wait("ready", 20.0, server)
        join_url = str(ready["join_url"])
        timeout_s = BROWSER_START_S + plan.total_s + plan.result_grace_s + 30
        for seat in on_time:
            processes[seat.index] = network.seats[seat.index - 1].process(
                _seat_argv(seat, join_url, fault_at_s, timeout_s),
                name=f"seat{seat.index}-{seat.client}", log_dir=logs,
            )  # fmt: skip
        started = events.wait("started", BROWSER_START_S + 15, server)
        started_at = time.monotonic()
        cpu_at_start = _cpu_s(server.pid)
        _late_and_browser_faults(seats, processes, network, join_url, fault_at_s, timeout_s, logs,
                                 started_at)  # fmt: skip
        outcome = events.wait("result", plan.total_s + plan.result_grace_s + 30, server)
        wall_s = time.monotonic() - started_at
        cpu_at_end = _cpu_s(server.pid)
        for process in processes.values():
            process.stop()
        server.stop()
    result: dict[str, Any] = dict(outcome["result"])
    result["lab"] = {
        "rate_bps": rate_bps,
        "clients": options.clients,
        "browsers": options.browsers,
        "seats_at_start": started.get("seats"),
        "faults": [{"index": s.index, "client": s.client, "fault": s.fault}
                   for s in seats if s.fault],
        "visit": str(visit),
        "record_id": outcome.get("record_id"),
        "logs": str(logs),
        "server_pid": server.pid,
        "server_cpu_s": None if cpu_at_start is None or cpu_at_end is None
        else round(cpu_at_end - cpu_at_start, 3),
        "server_wall_s": round(wall_s, 3),
    }
    cpu = result["lab"]["server_cpu_s"]
    result["lab"]["server_cpu_cores"] = None if cpu is None else round(cpu / wall_s, 3)
    result["rate_bps"] = rate_bps
    result["goodput_limit_bps"] = round(rate_bps * TCP_GOODPUT_RATIO)
    return result


def _late_and_browser_faults(
    seats: Sequence[LabSeat],
    processes: dict[int, ManagedProcess],
    network: ClassLabNetwork,
    join_url: str,
    fault_at_s: float,
    timeout_s: float,
    logs: Path,
    started_at: float,
) -> None:
    """Start the late joiners after the start; signal the browser faults on time.
    (Python seats carry their faults as options.)"""
    pending: list[tuple[float, LabSeat]] = []
    for seat in seats:
        if seat.fault == "late":
            pending.append((LATE_JOIN_AFTER_S, seat))
        elif seat.fault in ("disconnect", "reload") and seat.client == "browser":
            pending.append((fault_at_s, seat))
    for at_s, seat in sorted(pending, key=lambda item: item[0]):
        time.sleep(max(0.0, started_at + at_s - time.monotonic()))
        if seat.fault == "late":
            processes[seat.index] = network.seats[seat.index - 1].process(
                _seat_argv(seat, join_url, fault_at_s, timeout_s),
                name=f"seat{seat.index}-{seat.client}-late", log_dir=logs,
            )  # fmt: skip
            continue
        pid = processes[seat.index].pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGUSR1 if seat.fault == "reload" else signal.SIGUSR2)
