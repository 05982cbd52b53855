"""`netsurvey probe NAME [--target HOST[:PORT]] [--param key=value ...] [--json]`"""

from __future__ import annotations

import argparse
import ipaddress
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from netsurvey.commands._common import add_command, parse_params, parse_target, print_json_line
from netsurvey.errors import UsageError
from netsurvey.inventory import School, load_inventory
from netsurvey.records import Measurement, VisitWriter, create_visit
from netsurvey.runner import Job, run_jobs
from probes.base import LOOPBACK_ONLY, Scope, Target
from probes.registry import load_probe, probe_names


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "probe",
        help="run one probe ad hoc and print its record",
        description="Run one probe now against one target and print the record. The target "
        "you name is in scope (with loopback); nothing else is contacted. The target is an IP "
        "address (or localhost); a name is accepted only when the inventory given with "
        "--inventory declares it (a device id, which stands for its mgmt_ip, or a test "
        "server's host name), so a typo is never looked up in DNS (exit 2). Secrets are passed "
        "by reference: --param community_env=VAR or --param password_file=PATH. "
        f"Probes: {', '.join(probe_names())}.",
        examples=[
            "netsurvey probe reachability --target 127.0.0.1",
            "netsurvey probe snmp --inventory inventories/example.yaml --target sw-core "
            "--param community_env=SNMP_COMMUNITY",
            "netsurvey probe snmp --target 127.0.0.1:1161 --param community_env=SNMP_COMMUNITY --json",
            "netsurvey probe iperf3 --target 198.18.0.2 --param seconds=5 --param direction=download --json",
            "netsurvey probe wifi_scan --param replay=scan.txt --json",
        ],
    )
    parser.add_argument("name", metavar="NAME", choices=probe_names(), help="probe name")
    parser.add_argument(
        "--target",
        metavar="HOST[:PORT]",
        help="an IP address, localhost, or a device id / test server name that --inventory "
        "declares",
    )
    parser.add_argument(
        "--inventory",
        type=Path,
        metavar="FILE",
        help="inventory whose device ids and test server names --target may use",
    )
    parser.add_argument(
        "--school", metavar="ID", help="with --inventory: the school (when it has several)"
    )
    parser.add_argument("--device-id", metavar="ID", help="label the record with this device id")
    parser.add_argument("--platform", metavar="NAME", help="device platform (e.g. cisco_ios)")
    parser.add_argument(
        "--param", action="append", metavar="KEY=VALUE", help="probe parameter (repeatable)"
    )
    parser.add_argument(
        "--timeout", type=float, metavar="S", help="overall time limit in seconds (above 0)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="VISITS",
        help="keep the record and raw evidence in VISITS/adhoc/",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON record per line on stdout"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    params = parse_params(args.param)
    host, port = parse_target(args.target) if args.target else (None, None)
    device_id, platform = args.device_id, args.platform
    if host is not None:
        named = resolve_target(host, args.inventory, args.school)
        host = named.host
        device_id = device_id or named.device_id
        platform = platform or named.platform
    elif args.inventory is not None:
        raise UsageError("--inventory is only used to look up --target", hint="add --target")
    scope = adhoc_scope(host, params)
    target = Target(host, port, device_id, platform, scope)
    job = Job(
        job_id=f"{args.name}:adhoc",
        probe=args.name,
        target=target,
        params=params,
        timeout_s=args.timeout,
    )
    root = args.out or Path(tempfile.mkdtemp(prefix="netsurvey-probe-"))
    try:
        directory = create_visit(
            root,
            school_id="adhoc",
            school_json={},
            inventory_path="",
            inventory_sha256="",
            operator=None,
        )
        writer = VisitWriter.open(directory)
        outcome = run_jobs([job], writer, load_probe)
        if args.out:
            writer.seal()
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    for measurement in outcome.measurements:
        if args.json:
            print_json_line(measurement.to_json())
        else:
            show(measurement)
    if outcome.interrupted:
        return 130
    return 0 if all(m.status == "ok" for m in outcome.measurements) else 1


@dataclass(frozen=True)
class NamedTarget:
    host: str
    device_id: str | None = None
    platform: str | None = None


def resolve_target(text: str, inventory_path: Path | None, school_id: str | None) -> NamedTarget:
    """The host behind ``--target``, without any DNS lookup: an IP literal as is,
    ``localhost`` as 127.0.0.1, a device id as its mgmt_ip, a declared test server name
    as is. Anything else is a usage error."""
    bare = text.strip("[]")
    try:
        return NamedTarget(str(ipaddress.ip_address(bare)))
    except ValueError:
        pass
    if bare.lower() == "localhost":
        return NamedTarget("127.0.0.1")
    if inventory_path is None:
        raise UsageError(
            f"--target {text!r}: not an IP address, and names are only taken from an inventory",
            hint="give an IP address such as 10.12.0.2, or add --inventory FILE to use a "
            "device id or test server name it declares",
        )
    inventory = load_inventory(inventory_path)
    schools = [inventory.school(school_id)] if school_id else list(inventory.schools)
    matches: list[tuple[School, NamedTarget]] = []
    for school in schools:
        for device in school.devices:
            if device.id == bare:
                matches.append((school, NamedTarget(device.mgmt_ip, device.id, device.platform)))
        if bare.lower() in (host.lower() for host in school.test_servers.hosts()):
            matches.append((school, NamedTarget(bare)))
    if not matches:
        raise UsageError(
            f"--target {text!r}: neither an IP address nor a device id or test server name "
            f"declared in {inventory_path}",
            hint="check the spelling, or give the IP address",
        )
    if len({school.id for school, _ in matches}) > 1:
        raise UsageError(
            f"--target {text!r}: declared by several schools in {inventory_path} "
            f"({', '.join(sorted({school.id for school, _ in matches}))})",
            hint="choose one with --school",
        )
    return matches[0][1]


URL_PARAMS = ("server_url", "config_url", "servers_url")
HOST_LIST_PARAMS = ("hosts", "resolvers", "server", "gateway")


def adhoc_scope(target_host: str | None, params: dict[str, str]) -> Scope:
    """An ad-hoc run may contact what the user named: the target and hosts given in
    address-bearing parameters (server URLs, host lists, resolvers), plus loopback."""
    from urllib.parse import urlsplit

    named = [target_host] if target_host else []
    for key in URL_PARAMS:
        if params.get(key):
            hostname = urlsplit(params[key]).hostname
            if hostname:
                named.append(hostname)
    for key in HOST_LIST_PARAMS:
        named += [item.strip().rsplit(":", 1)[0] if item.count(":") == 1 else item.strip()
                  for item in params.get(key, "").split(",") if item.strip()]  # fmt: skip
    if not named:
        return LOOPBACK_ONLY
    addresses = []
    for name in named:
        try:
            addresses.append(str(ipaddress.ip_address(name.strip("[]"))))
        except ValueError:
            continue
    return Scope.from_strings(addresses, hosts=named, origin="the hosts named on the command line",
                              fix_hint="name it with --target or a --param")  # fmt: skip


def show(measurement: Measurement) -> None:
    console = Console(highlight=False)
    colour = {"ok": "green", "failed": "red"}.get(measurement.status, "yellow")
    console.print(
        f"[bold]{measurement.probe}[/] {measurement.target.get('host') or ''} "
        f"[{colour}]{measurement.status}[/] in {measurement.duration_s or 0:.2f} s"
        + (f" ({measurement.tool} {measurement.tool_version or ''})" if measurement.tool else "")
    )
    if measurement.error:
        print(f"  {measurement.error['type']}: {measurement.error['message']}", file=sys.stderr)
    if measurement.metrics:
        table = Table(show_header=True, box=None, pad_edge=False)
        table.add_column("metric")
        table.add_column("value", justify="right")
        for key, value in measurement.metrics.items():
            table.add_row(key, "—" if value is None else f"{value:.6g}")
        console.print(table)
    for warning in measurement.warnings:
        print(f"  warning: {warning}", file=sys.stderr)
