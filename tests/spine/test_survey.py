"""End-to-end survey with the reachability probe against devices on 127.0.0.0/8:
records, exit codes, refusal of out-of-scope devices, kill -9 and --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from netsurvey.records import read_visit


def inventory(tmp_path: Path, devices: int, count: int = 3, extra_device: str = "") -> Path:
    lines = [
        "schema_version: 1",
        "schools:",
        "  - id: test-school",
        "    name: Testa pamatskola",
        "    municipality: Cēsis",
        "    scope: [198.18.0.0/15]",
        f"    survey: {{reachability_count: {count}}}",
        "    devices:",
    ]
    for index in range(devices):
        lines.append(f"      - {{id: sw-{index:02d}, role: switch, mgmt_ip: 127.0.1.{index + 1}}}")
    if extra_device:
        lines.append(extra_device)
    path = tmp_path / "inv.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def netsurvey(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-m", "netsurvey", *args],
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def only_visit(visits: Path) -> Path:
    (visit,) = [p for p in (visits / "test-school").iterdir() if p.is_dir()]
    return visit


def test_survey_records_every_job(tmp_path: Path) -> None:
    inv = inventory(tmp_path, devices=3)
    result = netsurvey(
        "survey",
        str(inv),
        "--school",
        "test-school",
        "--out",
        str(tmp_path / "v"),
        "--operator",
        "Jānis",
    )
    assert result.returncode == 0, result.stderr
    visit = read_visit(only_visit(tmp_path / "v"))
    assert sorted(m.job_id for m in visit.measurements) == [
        f"reachability:sw-0{i}" for i in range(3)
    ]
    assert all(m.status == "ok" and m.metrics["up"] == 1.0 for m in visit.measurements)
    assert visit.info.operator == "Jānis"
    assert visit.info.data["school"]["name"] == "Testa pamatskola"
    assert (visit.directory / "manifest.json").is_file()
    for m in visit.measurements:
        assert (visit.directory / m.raw[0].path).is_file()


def test_out_of_scope_device_refused_and_exit_1(tmp_path: Path) -> None:
    inv = inventory(
        tmp_path, devices=1, extra_device="      - {id: rogue, role: switch, mgmt_ip: 192.0.2.77}"
    )
    result = netsurvey("survey", str(inv), "--school", "test-school", "--out", str(tmp_path / "v"))
    assert result.returncode == 1
    assert "rogue" in result.stderr and "Traceback" not in result.stderr
    visit = read_visit(only_visit(tmp_path / "v"))
    (rogue,) = [m for m in visit.measurements if m.device_id == "rogue"]
    assert rogue.status == "failed" and rogue.error is not None
    assert rogue.error["type"] == "ScopeViolation"
    assert "192.0.2.77" in rogue.error["message"] and "scope" in rogue.error["message"]
    assert not rogue.raw  # nothing was collected


def test_resume_does_not_repeat_finished_jobs(tmp_path: Path) -> None:
    inv = inventory(tmp_path, devices=4)
    out = tmp_path / "v"
    assert (
        netsurvey("survey", str(inv), "--school", "test-school", "--out", str(out)).returncode == 0
    )
    inv2 = inventory(tmp_path, devices=6)  # two more devices added on site
    result = netsurvey(
        "survey", str(inv2), "--school", "test-school", "--out", str(out), "--resume"
    )
    assert result.returncode == 0, result.stderr
    visit = read_visit(only_visit(out))
    counts = Counter(m.job_id for m in visit.measurements)
    assert len(counts) == 6 and set(counts.values()) == {1}


def test_kill_9_loses_no_finished_record_and_resume_completes(tmp_path: Path) -> None:
    inv = inventory(tmp_path, devices=24, count=10)
    out = tmp_path / "v"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "netsurvey",
            "survey",
            str(inv),
            "--school",
            "test-school",
            "--out",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    measurements = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait until some records exist, then kill hard
        files = list(out.glob("test-school/*/measurements.jsonl"))
        if files and files[0].read_bytes().count(b"\n") >= 3:
            measurements = files[0]
            break
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert measurements is not None, "survey wrote nothing in 30 s"
    before = [json.loads(line) for line in measurements.read_text().splitlines() if line.strip()]
    assert 3 <= len(before) < 24
    for line in before:  # every finished record is whole and its raw file matches its hash
        import hashlib

        for ref in line["raw"]:
            data = (measurements.parent / ref["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == ref["sha256"]
    result = netsurvey("survey", str(inv), "--school", "test-school", "--out", str(out), "--resume")
    assert result.returncode == 0, result.stderr
    visit = read_visit(measurements.parent)
    counts = Counter(m.job_id for m in visit.measurements if m.status == "ok")
    assert len(counts) == 24
    for line in before:
        assert counts[line["job_id"]] == 1  # finished before the kill -> not repeated


def test_probe_command_json(tmp_path: Path) -> None:
    result = netsurvey(
        "probe", "reachability", "--target", "127.0.0.1", "--param", "count=2", "--json"
    )
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert record["probe"] == "reachability" and record["status"] == "ok"
    assert record["metrics"]["up"] == 1.0


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    inv = inventory(tmp_path, devices=1)
    result = netsurvey("survey", str(inv), "--school", "test-scool", "--out", str(tmp_path / "v"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "did you mean 'test-school'" in result.stderr
    result = netsurvey("probe", "reachability", "--target", "127.0.0.1", "--param", "count")
    assert result.returncode == 2 and "key=value" in result.stderr
    result = netsurvey(
        "survey",
        str(inv),
        "--school",
        "test-school",
        "--out",
        str(tmp_path / "v"),
        "--only",
        "snmpp",
    )
    assert result.returncode == 2 and "snmpp" in result.stderr


def test_unset_secret_is_announced_before_the_survey(tmp_path: Path) -> None:
    inv = inventory(tmp_path, devices=1)
    text = inv.read_text().replace(
        "mgmt_ip: 127.0.1.1}",
        "mgmt_ip: 127.0.1.1, snmp: {community_env: NS_TEST_UNSET_COMMUNITY, timeout_s: 0.3, retries: 0}}",
    )
    inv.write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "NS_TEST_UNSET_COMMUNITY"}
    result = netsurvey(
        "survey", str(inv), "--school", "test-school", "--out", str(tmp_path / "v"), env=env
    )
    assert result.returncode == 1
    assert "NS_TEST_UNSET_COMMUNITY is not set" in result.stderr and "snmp:sw-00" in result.stderr
