"""A survey refuses out-of-scope devices before sending anything: proven with a packet
capture on the only link out of the laptop's network namespace."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from netsurvey.lab.netns import Namespace, VethLink
from netsurvey.records import read_visit
from tests.conftest import requires_root, requires_tool

pytestmark = [requires_root, requires_tool("tcpdump", "ip"), pytest.mark.root]

IN_SCOPE = "198.18.200.2"
OUT_OF_SCOPE = ("198.19.77.7", "192.0.2.10")


def test_out_of_scope_devices_get_no_packet(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        "schema_version: 1\n"
        "schools:\n"
        "  - id: scope-school\n"
        "    name: Scope\n"
        "    municipality: Test\n"
        "    scope: [198.18.200.0/30]\n"
        "    survey: {reachability_count: 2}\n"
        "    devices:\n"
        f"      - {{id: inside, role: switch, mgmt_ip: {IN_SCOPE}}}\n"
        f"      - {{id: outside-a, role: switch, mgmt_ip: {OUT_OF_SCOPE[0]}}}\n"
        f"      - {{id: outside-b, role: ap, mgmt_ip: {OUT_OF_SCOPE[1]}}}\n",
        encoding="utf-8",
    )
    capture = tmp_path / "link.pcap"
    with Namespace("scope-client") as client, Namespace("scope-peer") as peer:
        link = VethLink(client, peer, subnet="198.18.200.0/30").create()
        client.add_route("default", link.b.ip)  # anything not refused would cross this link
        tcpdump = peer.process(
            ["tcpdump", "-i", link.b.interface, "-n", "-U", "-w", str(capture)],
            name="tcpdump",
            log_dir=tmp_path,
        )
        tcpdump.wait_until(lambda: "listening on" in tcpdump.log_tail(), timeout_s=10)
        result = subprocess.run(
            client.argv(
                [
                    sys.executable,
                    "-m",
                    "netsurvey",
                    "survey",
                    str(inventory),
                    "--school",
                    "scope-school",
                    "--out",
                    str(tmp_path / "visits"),
                ]
            ),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        time.sleep(1.0)  # let tcpdump write what it has before it is stopped
        tcpdump.stop()
    assert result.returncode == 1, result.stderr
    from scapy.layers.inet import IP
    from scapy.utils import rdpcap

    packets = [p for p in rdpcap(str(capture)) if IP in p]
    destinations = {p[IP].dst for p in packets}
    assert IN_SCOPE in destinations, "the capture saw nothing: the test would prove nothing"
    for address in OUT_OF_SCOPE:
        assert address not in destinations
    (visit_dir,) = (tmp_path / "visits" / "scope-school").iterdir()
    records = {m.device_id: m for m in read_visit(visit_dir).measurements}
    assert records["inside"].status == "ok"
    for device in ("outside-a", "outside-b"):
        assert records[device].status == "failed"
        error = records[device].error
        assert error is not None and error["type"] == "ScopeViolation"
