"""`probe --target X` where X is neither an IP address nor a name the inventory declares is
a usage error, decided without a DNS lookup: proven with a capture on the only link out of
a network namespace whose resolver sits on the other end of that link."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from netsurvey.lab.netns import Namespace, VethLink
from tests.conftest import requires_root, requires_tool

from .conftest import inventory_text

pytestmark = [requires_root, requires_tool("tcpdump", "ip", "getent"), pytest.mark.root]

CONTROL_NAME = "dns-capture-control.example"


def test_unresolvable_targets_are_refused_without_a_dns_packet(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(inventory_text(), encoding="utf-8")
    capture = tmp_path / "link.pcap"
    runs: list[subprocess.CompletedProcess[str]] = []
    with Namespace("dns-client") as client, Namespace("dns-peer") as peer:
        link = VethLink(client, peer, subnet="198.18.202.0/30").create()
        client.add_route("default", link.b.ip)
        client.etc_dir.mkdir(parents=True, exist_ok=True)
        # `ip netns exec` shows this file as /etc/resolv.conf: every lookup crosses the link.
        (client.etc_dir / "resolv.conf").write_text(
            f"nameserver {link.b.ip}\noptions timeout:1 attempts:1\n", encoding="utf-8"
        )
        tcpdump = peer.process(
            ["tcpdump", "-i", link.b.interface, "-n", "-U", "-w", str(capture)],
            name="tcpdump",
            log_dir=tmp_path,
        )
        tcpdump.wait_until(lambda: "listening on" in tcpdump.log_tail(), timeout_s=10)
        for target_args in (
            ["--target", "999.1.1.1"],
            ["--target", "999.1.1.1:80"],
            ["--target", "printer.school.example"],
            ["--target", "sw-2", "--inventory", str(inventory)],
        ):
            argv = [sys.executable, "-m", "netsurvey", "probe", "reachability", *target_args]
            runs.append(
                subprocess.run(
                    client.argv([*argv, "--json"]),
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
            )
        # The control: a lookup that does happen must show up in the capture.
        subprocess.run(
            client.argv(["getent", "hosts", CONTROL_NAME]),
            capture_output=True, timeout=20, check=False,
        )  # fmt: skip
        time.sleep(1.0)  # let tcpdump write what it has before it is stopped
        tcpdump.stop()
    for run in runs:
        assert run.returncode == 2, run.stderr
        assert run.stdout == "" and "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert "--target" in run.stderr
    assert "not an IP address" in runs[0].stderr and "--inventory" in runs[0].stderr
    assert "declared in" in runs[3].stderr

    from scapy.layers.dns import DNS, DNSQR
    from scapy.utils import rdpcap

    queries = [
        p[DNSQR].qname.decode().rstrip(".") for p in rdpcap(str(capture)) if DNS in p and DNSQR in p
    ]
    assert CONTROL_NAME in queries, "the capture saw no lookup at all: the test would prove nothing"
    assert set(queries) == {CONTROL_NAME}, queries
