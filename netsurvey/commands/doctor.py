"""`netsurvey doctor`: what this laptop can do before the technician drives to a school."""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from netsurvey.commands._common import add_command, print_json
from probes.base import ProbeError
from probes.registry import load_probe, probe_names

# tool -> (Debian package, what needs it)
SYSTEM_TOOLS = {
    "iperf3": ("iperf3", "LAN throughput (iperf3, classroom_load)"),
    "snmpbulkwalk": ("snmp", "SNMP cross-checks and benchmarks"),
    "iw": ("iw", "Wi-Fi scans (wifi_scan, wifi_link)"),
    "nmcli": ("network-manager", "Wi-Fi scan fallback"),
    "ip": ("iproute2", "interface facts, the lab"),
    "tc": ("iproute2", "lab link shaping"),
    "lldpd": ("lldpd", "the lab's LLDP peer"),
    "dnsmasq": ("dnsmasq", "the lab's DHCP/DNS peer"),
    "tcpdump": ("tcpdump", "scope captures in tests"),
    "pdftotext": ("poppler-utils", "report checks"),
}
PYTHON_MODULES = {
    "pysnmp": "SNMP probe",
    "netmiko": "SSH probe",
    "ntc_templates": "CLI output parsing",
    "scapy": "DHCP/DNS/LLDP health probes",
    "speedtest": "WAN speed test",
    "weasyprint": "PDF reports",
    "openpyxl": "summary sheets",
    "numpy": "scorer",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # "tool", "python", "privilege", "interface", "probe"
    name: str
    ok: bool
    detail: str


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "doctor",
        help="check tools, privileges and interfaces on this laptop",
        description="Check which system tools, Python extras, privileges and network interfaces "
        "this laptop has, and which probes can run. Run it before leaving for a school.",
        examples=["netsurvey doctor", "netsurvey doctor --json"],
    )
    parser.add_argument("--json", action="store_true", help="print findings as JSON")
    parser.set_defaults(handler=run)


def findings() -> list[Finding]:
    result: list[Finding] = []
    root = os.geteuid() == 0
    result.append(
        Finding(
            "privilege",
            "root",
            root,
            "running as root"
            if root
            else "not root: ICMP, DHCP and LLDP checks need `sudo netsurvey ...`",
        )
    )
    for tool, (package, purpose) in SYSTEM_TOOLS.items():
        path = shutil.which(tool)
        result.append(
            Finding(
                "tool",
                tool,
                path is not None,
                path or f"missing – install with `apt install {package}` (needed for {purpose})",
            )
        )
    for module, purpose in PYTHON_MODULES.items():
        present = importlib.util.find_spec(module) is not None
        result.append(
            Finding(
                "python",
                module,
                present,
                purpose
                if present
                else f"missing – `pip install netsurvey` again (needed for {purpose})",
            )
        )
    result.extend(interfaces())
    for name in probe_names():
        try:
            load_probe(name).check()
        except ProbeError as exc:
            result.append(Finding("probe", name, False, str(exc)))
        except Exception as exc:  # noqa: BLE001 - doctor must report, never crash
            result.append(Finding("probe", name, False, f"cannot load: {exc}"))
        else:
            result.append(Finding("probe", name, True, "can run"))
    return result


def interfaces() -> list[Finding]:
    base = Path("/sys/class/net")
    if not base.is_dir():
        return []
    found = []
    for path in sorted(base.iterdir()):
        name = path.name
        if name == "lo":
            continue
        kind = "wifi" if (path / "wireless").exists() or (path / "phy80211").exists() else "wired"
        if not (path / "device").exists():
            kind = "virtual"
        state = _read(path / "operstate") or "unknown"
        speed = _read(path / "speed")
        speed_text = f", {speed} Mbit/s" if speed and speed.isdigit() and int(speed) > 0 else ""
        found.append(Finding("interface", name, state == "up", f"{kind}, {state}{speed_text}"))
    return found


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def run(args: argparse.Namespace) -> int:
    items = findings()
    if args.json:
        print_json([asdict(f) for f in items])
        return 0
    console = Console(highlight=False)
    titles = {
        "privilege": "Privileges",
        "tool": "System tools",
        "python": "Python extras",
        "interface": "Network interfaces",
        "probe": "Probes",
    }
    for kind, title in titles.items():
        table = Table(title=title, title_justify="left", show_header=False, box=None)
        table.add_column(width=2)
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for finding in (f for f in items if f.kind == kind):
            table.add_row(
                "[green]✔[/]" if finding.ok else "[red]✘[/]", finding.name, finding.detail
            )
        console.print(table)
    runnable = sum(1 for f in items if f.kind == "probe" and f.ok)
    total = sum(1 for f in items if f.kind == "probe")
    console.print(f"{runnable} of {total} probes can run on this laptop.")
    return 0
