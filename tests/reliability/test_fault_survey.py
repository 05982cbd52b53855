"""Fault injection across probes in one survey: dead SNMP agent, SSH refused, iperf3
server gone, a speedtest server answering errors, a DNS resolver that never answers.
The survey completes, every failure is recorded with a reason, the exit code is 1, and
scoring shows the gaps as missing data, never as zero."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from netsurvey.lab.ports import free_port
from netsurvey.records import read_visit


class _Broken(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_error(500, "speedtest backend down")

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def broken_http() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_every_fault_is_recorded_and_scored_as_missing(tmp_path: Path, broken_http: int) -> None:
    dead_tcp = free_port("tcp")
    dead_udp = free_port("udp")
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        f"""\
schema_version: 1
defaults:
  snmp: {{version: 2c, community_env: FAULT_COMMUNITY, timeout_s: 0.5, retries: 0}}
schools:
  - id: fault-school
    name: Kļūdu pamatskola
    municipality: Test
    pupils: {{7: 20}}
    scope: [198.18.0.0/15]
    test_servers:
      iperf3: 127.0.0.1
      iperf3_port: {dead_tcp}
      speedtest_url: "http://127.0.0.1:{broken_http}/speedtest/upload.php"
      resolvers: [127.0.0.1]
      dns_names: [classroom.google.com]
    survey: {{reachability_count: 2, iperf3_seconds: 1, iperf3_samples: 1, speedtest_samples: 1}}
    rooms: [{{id: "1", kind: classroom, grade: 7, pupils: 20}}]
    devices:
      - {{id: sw-1, role: switch, mgmt_ip: 127.0.0.1, snmp: {{port: {dead_udp}}}}}
      - {{id: sw-2, role: switch, mgmt_ip: 127.0.0.1, platform: cisco_ios, snmp: false,
         ssh: {{username: u, password_env: FAULT_PASSWORD, port: {dead_tcp}, timeout_s: 3}}}}
""",
        encoding="utf-8",
    )
    env = {
        "FAULT_COMMUNITY": "c0mm-x",
        "FAULT_PASSWORD": "pw-x",
        "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "netsurvey", "survey", str(inventory), "--school", "fault-school",
         "--out", str(tmp_path / "visits")],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    (visit_dir,) = (tmp_path / "visits" / "fault-school").iterdir()
    visit = read_visit(visit_dir)
    failed = {m.job_id: m for m in visit.measurements if m.status == "failed"}
    for job in (
        "snmp:sw-1",
        "ssh:sw-2",
        "iperf3:download",
        "iperf3:upload",
        "speedtest:wan",
        "dns:resolvers",
    ):
        assert job in failed, f"{job} should have failed: {[m.job_id for m in visit.measurements]}"
        error = failed[job].error
        assert error and error["message"].strip(), job
    scored = subprocess.run(
        [sys.executable, "-m", "netsurvey", "score", str(visit_dir), "--json", "--draws", "50"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert scored.returncode == 0, scored.stderr
    (school,) = json.loads(scored.stdout)["schools"]
    for dimension in ("wan", "lan", "poe"):
        assert school["dimensions"][dimension]["score"] is None, dimension  # a gap, not a zero
    assert any(line.startswith("wan") for line in school["missing"])
