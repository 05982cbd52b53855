"""Wi-Fi scan and connected-link probes.

Backends (``--param backend=``): ``iw`` (default when installed), ``nmcli`` (fallback
without root), ``pcap`` (scapy beacon capture on a monitor-mode interface) and
``replay`` (implied by ``--param replay=FILE``: a recorded scan, format detected or
given with ``--param format=iw|iwlist|nmcli|pcap|netsh|airport``).

``check()`` cannot see the parameters, and replay needs neither adapter nor tool, so
it only refuses when nothing could work; the live requirements (adapter, tool,
permission) are checked at the start of ``collect`` by ``live_requirements`` and fail
the record with one sentence saying what to do.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from probes.base import (
    ProbeAuthFailed,
    ProbeFailed,
    ProbeParamError,
    ProbeRefused,
    ProbeResult,
    ProbeTimeout,
    ProbeUnavailable,
    RawArtifact,
    RawOutput,
    Target,
    param_float,
)
from probes.wifi_parsers import (
    LINK_FORMATS,
    SCAN_FORMATS,
    Bss,
    Link,
    parse_link,
    parse_scan,
    read_link,
)
from probes.wifi_parsers.detect import detect_format
from probes.wifi_parsers.nmcli import LIVE_FIELDS

log = logging.getLogger(__name__)

SYS_NET = Path("/sys/class/net")
MAX_REPLAY_BYTES = 64 * 1024 * 1024
BACKENDS = ("iw", "nmcli", "pcap")


# --------------------------------------------------------------------------- helpers


def wifi_interfaces(sys_net: Path = SYS_NET) -> list[str]:
    """Wireless interfaces the kernel knows (those with a ``wireless`` or ``phy80211``)."""
    if not sys_net.is_dir():
        return []
    return sorted(
        entry.name
        for entry in sys_net.iterdir()
        if (entry / "wireless").exists() or (entry / "phy80211").exists()
    )


def pick_interface(params: Mapping[str, str], replay_hint: str = "--param replay=FILE") -> str:
    wanted = params.get("interface")
    found = wifi_interfaces()
    if wanted:
        if found and wanted not in found:
            raise ProbeUnavailable(
                f"interface {wanted} is not a Wi-Fi adapter; Wi-Fi adapters here: {', '.join(found)}"
            )
        return wanted
    if not found:
        raise ProbeUnavailable(
            "no Wi-Fi adapter found (nothing under /sys/class/net has 'wireless'); plug in "
            f"or enable the adapter (rfkill unblock wifi), or replay a recording with {replay_hint}"
        )
    return found[0]


def read_replay(params: Mapping[str, str]) -> bytes:
    path = Path(params["replay"])
    try:
        size = path.stat().st_size
        if size > MAX_REPLAY_BYTES:
            raise ProbeParamError(f"--param replay={path}: {size} bytes is too big for a scan file")
        return path.read_bytes()
    except OSError as exc:
        raise ProbeParamError(
            f"--param replay={path}: cannot read ({exc.strerror}); give the path of a recorded scan"
        ) from None


def _format_param(params: Mapping[str, str], allowed: Sequence[str]) -> str | None:
    fmt = params.get("format") or None
    if fmt is not None and fmt not in allowed:
        raise ProbeParamError(f"--param format={fmt}: expected one of {', '.join(allowed)}")
    return fmt


async def run_tool(argv: Sequence[str], timeout_s: float) -> tuple[int, bytes, bytes]:
    """Run argv without a shell; kill it (by PID) when the timeout passes."""
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout_s)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise ProbeTimeout(f"{argv[0]} gave no answer within {timeout_s:g} s") from None
    return process.returncode or 0, stdout, stderr


def classify_iw_error(interface: str, stderr: bytes) -> ProbeFailed:
    message = stderr.decode("utf-8", errors="replace").strip()
    if "Operation not permitted" in message or "(-1)" in message:
        return ProbeAuthFailed(
            f"iw may not scan on {interface} (Operation not permitted); run as root or "
            "with CAP_NET_ADMIN, or use --param backend=nmcli"
        )
    if "busy" in message.lower() or "(-16)" in message:
        return ProbeRefused(
            f"{interface} is busy (another scan or a connection attempt); try again in a few seconds"
        )
    if "No such device" in message or "(-19)" in message:
        return ProbeRefused(f"{interface} disappeared (adapter unplugged or renamed)")
    if "Network is down" in message or "(-100)" in message:
        return ProbeRefused(f"{interface} is down; bring it up with: ip link set {interface} up")
    return ProbeFailed(f"iw failed on {interface}: {message or 'no message'}")


async def tool_version(executable: str, argv_tail: Sequence[str]) -> str | None:
    try:
        code, stdout, _ = await run_tool([executable, *argv_tail], 5.0)
    except (OSError, ProbeTimeout):
        return None
    text = stdout.decode("utf-8", errors="replace").strip().splitlines()
    return text[0] if code == 0 and text else None


def bss_metrics(bss: Sequence[Bss]) -> dict[str, float | None]:
    signals = [b.signal_dbm for b in bss if b.signal_dbm is not None]
    return {
        "bss_count": float(len(bss)),
        "strongest_signal_dbm": max(signals) if signals else None,
    }


# --------------------------------------------------------------------------- scan


class WifiScanProbe:
    name: ClassVar[str] = "wifi_scan"
    summary: ClassVar[str] = "Wi-Fi networks in range: signal, channel, width, security, BSS load"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 1
    default_timeout_s: ClassVar[float] = 30.0

    def check(self) -> None:
        """Nothing to refuse up front: replay works anywhere (see module docstring)."""

    def live_requirements(
        self, params: Mapping[str, str], replay_hint: str = "--param replay=FILE"
    ) -> tuple[str, str, str]:
        """(backend, executable, interface) for a live scan, or ProbeUnavailable."""
        backend = params.get("backend") or ("iw" if shutil.which("iw") else "nmcli")
        if backend not in BACKENDS:
            raise ProbeParamError(
                f"--param backend={backend}: expected one of {', '.join(BACKENDS)}"
            )
        interface = pick_interface(params, replay_hint)
        if backend == "pcap":
            if os.geteuid() != 0:
                raise ProbeUnavailable("a monitor-mode capture needs root; run with sudo")
            return backend, "scapy", interface
        executable = shutil.which(backend)
        if executable is None:
            package = "iw" if backend == "iw" else "network-manager"
            raise ProbeUnavailable(
                f"{backend} is not installed; install it (apt install {package}) or replay a "
                f"recording with {replay_hint}"
            )
        return backend, executable, interface

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        if params.get("replay"):
            data = read_replay(params)
            fmt = _format_param(params, SCAN_FORMATS) or detect_format(data)
            name = Path(params["replay"]).name
            return RawOutput(
                artifacts=(RawArtifact(f"replay-{name}", data, _media_type(fmt)),),
                tool=f"replay:{fmt}",
                meta={
                    "format": fmt,
                    "replay": params["replay"],
                    "fields": params.get("fields", ""),
                },
            )
        backend, executable, interface = self.live_requirements(params)
        timeout_s = param_float(params, "scan_timeout_s", 20.0)
        if backend == "iw":
            return await self._iw(executable, interface, timeout_s)
        if backend == "nmcli":
            return await self._nmcli(executable, interface, timeout_s)
        return await self._pcap(interface, param_float(params, "duration_s", 5.0))

    async def _iw(self, executable: str, interface: str, timeout_s: float) -> RawOutput:
        code, stdout, stderr = await run_tool([executable, "dev", interface, "scan"], timeout_s)
        meta: dict[str, str] = {"format": "iw", "interface": interface, "backend": "iw"}
        if code != 0:
            error = classify_iw_error(interface, stderr)
            if not isinstance(error, ProbeAuthFailed):
                raise error
            # Without permission to trigger a scan, the kernel's cached results still help.
            code, stdout, stderr = await run_tool(
                [executable, "dev", interface, "scan", "dump"], timeout_s
            )
            if code != 0 or not stdout.strip():
                raise error
            meta["cached"] = "yes"
        version = await tool_version(executable, ["--version"])
        return RawOutput(
            artifacts=(RawArtifact("iw-scan.txt", stdout),),
            tool="iw",
            tool_version=version,
            meta=meta,
        )

    async def _nmcli(self, executable: str, interface: str, timeout_s: float) -> RawOutput:
        argv = [
            executable,
            "-t",
            "-f",
            ",".join(LIVE_FIELDS),
            "device",
            "wifi",
            "list",
            "ifname",
            interface,
            "--rescan",
            "auto",
        ]
        code, stdout, stderr = await run_tool(argv, timeout_s)
        if code != 0:
            message = stderr.decode("utf-8", errors="replace").strip()
            if "not running" in message:
                raise ProbeRefused("NetworkManager is not running; use --param backend=iw as root")
            raise ProbeFailed(f"nmcli failed on {interface}: {message or f'exit {code}'}")
        version = await tool_version(executable, ["--version"])
        return RawOutput(
            artifacts=(RawArtifact("nmcli-wifi-list.txt", stdout),),
            tool="nmcli",
            tool_version=version,
            meta={"format": "nmcli", "interface": interface, "fields": ",".join(LIVE_FIELDS)},
        )

    async def _pcap(self, interface: str, duration_s: float) -> RawOutput:
        def capture() -> bytes:
            from scapy.sendrecv import sniff
            from scapy.utils import wrpcap

            frames = sniff(iface=interface, timeout=duration_s, store=True)
            with tempfile.TemporaryDirectory() as scratch:
                path = Path(scratch) / "beacons.pcap"
                wrpcap(str(path), frames)
                return path.read_bytes()

        try:
            data = await asyncio.to_thread(capture)
        except PermissionError:
            raise ProbeUnavailable("capturing needs root; run with sudo") from None
        except OSError as exc:
            raise ProbeRefused(f"cannot capture on {interface}: {exc}") from None
        return RawOutput(
            artifacts=(RawArtifact("beacons.pcap", data, "application/vnd.tcpdump.pcap"),),
            tool="scapy",
            meta={"format": "pcap", "interface": interface},
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        fmt = str(raw.meta.get("format") or "") or None
        fields_text = str(raw.meta.get("fields") or "")
        fields = tuple(fields_text.split(",")) if fields_text else None
        parsed = parse_scan(raw.artifacts[0].data, fmt, fields)
        warnings = list(parsed.warnings)
        if raw.meta.get("cached") == "yes":
            warnings.insert(
                0, "no permission to trigger a scan; these are the kernel's cached results"
            )
        if not parsed.bss:
            warnings.append("the scan found no Wi-Fi networks")
        return ProbeResult(
            metrics=bss_metrics(parsed.bss),
            details={
                "format": parsed.format,
                "interface": raw.meta.get("interface"),
                "bss": [b.to_json() for b in parsed.bss],
            },
            warnings=tuple(warnings),
        )


def _media_type(fmt: str) -> str:
    return "application/vnd.tcpdump.pcap" if fmt == "pcap" else "text/plain"


# --------------------------------------------------------------------------- link


class WifiLinkProbe:
    name: ClassVar[str] = "wifi_link"
    summary: ClassVar[str] = "the laptop's Wi-Fi link: AP, signal, bit rates, MCS, width"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 1
    default_timeout_s: ClassVar[float] = 10.0

    def check(self) -> None:
        """Nothing to refuse up front: replay works anywhere."""

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        if params.get("replay"):
            data = read_replay(params)
            fmt = _format_param(params, LINK_FORMATS) or detect_format(data)
            meta: dict[str, str] = {"format": fmt}
            if params.get("interface"):
                meta["interface"] = params["interface"]
            return RawOutput(
                artifacts=(RawArtifact(f"replay-{Path(params['replay']).name}", data),),
                tool=f"replay:{fmt}",
                meta=meta,
            )
        executable = shutil.which("iw")
        if executable is None:
            raise ProbeUnavailable("iw is not installed; install it (apt install iw)")
        interface = pick_interface(params)
        code, link, stderr = await run_tool([executable, "dev", interface, "link"], 5.0)
        if code != 0:
            raise classify_iw_error(interface, stderr)
        code, dump, _ = await run_tool([executable, "dev", interface, "station", "dump"], 5.0)
        artifacts = [RawArtifact("iw-link.txt", link)]
        if code == 0 and dump.strip():
            artifacts.append(RawArtifact("iw-station-dump.txt", dump))
        return RawOutput(
            artifacts=tuple(artifacts),
            tool="iw",
            tool_version=await tool_version(executable, ["--version"]),
            meta={"format": "iw-link", "interface": interface},
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        fmt = str(raw.meta.get("format") or "") or None
        interface = str(raw.meta.get("interface") or "") or None
        parsed = read_link(raw.artifacts[0].data, fmt, interface)
        link = parsed.link
        if link.connected and len(raw.artifacts) > 1:
            station = parse_link(raw.artifacts[1].data, "station-dump")
            link = _merge_links(link, station)
        details = link.to_json()
        details["mcs"] = link.tx_mcs
        if parsed.interface is not None:
            details["interface"] = parsed.interface
        if not link.connected:
            return ProbeResult(
                metrics={"signal_dbm": None, "tx_bitrate_bps": None, "rx_bitrate_bps": None},
                details=details,
                warnings=(*parsed.warnings, "the laptop is not connected to any Wi-Fi network"),
            )
        return ProbeResult(
            metrics={
                "signal_dbm": link.signal_dbm,
                "tx_bitrate_bps": link.tx_bitrate_bps,
                "rx_bitrate_bps": link.rx_bitrate_bps,
            },
            details=details,
            warnings=parsed.warnings,
        )


def _merge_links(link: Link, station: Link) -> Link:
    """``iw link`` is authoritative; ``station dump`` fills what it leaves out
    (the averaged signal, and rates on drivers whose link output lacks them)."""
    if station.bssid != link.bssid:
        return link
    changes = {
        name: getattr(station, name)
        for name in link.__dataclass_fields__
        if getattr(link, name) is None and getattr(station, name) is not None
    }
    return replace(link, **changes)
