"""Trust tests: a visit whose probes all failed (a real survey against dead local peers),
and helpers to run the CLI as a user does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from netsurvey.lab.ports import free_port


def netsurvey(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netsurvey", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def failed_visit_inventory(folder: Path) -> Path:
    """One classroom, one switch that does not answer SNMP, a speedtest server that is not
    there, and one charging cart on a known circuit: the issue's "graded A 100" case."""
    inventory = folder / "inv.yaml"
    inventory.write_text(
        f"""\
schema_version: 1
defaults:
  snmp: {{version: 2c, community_env: PATH, timeout_s: 0.5, retries: 0}}
schools:
  - id: failed-school
    name: Neizmērītā pamatskola
    municipality: Testa novads
    pupils: {{7: 24}}
    scope: [198.18.0.0/15]
    test_servers:
      speedtest_url: "http://127.0.0.1:{free_port("tcp")}/speedtest/upload.php"
    survey: {{reachability_count: 1, speedtest_samples: 1, speedtest_rounds: 3}}
    rooms: [{{id: "7a", kind: classroom, grade: 7, pupils: 24}}]
    devices:
      - {{id: sw-1, role: switch, mgmt_ip: 127.0.0.1, snmp: {{port: {free_port("udp")}}}}}
      - {{id: ap-7a, role: ap, mgmt_ip: 127.0.0.1, room: "7a", uplink_to: sw-1, snmp: false}}
    circuits: [{{id: c-7a, breaker_a: 16, curve: B, rcd_ma: 30, room: "7a"}}]
    carts:
      - {{id: cart-7a, room: "7a", slots: 24, charger_w: 45, circuit: c-7a,
         sequencing: sequenced, slots_at_once: 8}}
""",
        encoding="utf-8",
    )
    return inventory


@pytest.fixture(scope="session")
def failed_visit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("failed-visit")
    inventory = failed_visit_inventory(folder)
    result = netsurvey(
        "survey", str(inventory), "--school", "failed-school", "--out", str(folder / "visits")
    )
    assert result.returncode == 1, result.stderr  # some probes failed
    (visit,) = (folder / "visits" / "failed-school").iterdir()
    return visit
