"""SIGTERM is a clean stop like Ctrl-C (one line, exit 143), and `report --all` workers
never outlive the main process: not after SIGTERM, not after kill -9. Checked by PID."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "report"
VISIT_REL = Path("visits/jaunciems/v-20261120")


def _start(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "netsurvey", *argv],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found |= {int(child) for child in text.split()}
    return found


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for whoever inherited it to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_sigterm_stops_a_probe_cleanly(tmp_path: Path) -> None:
    process = _start(
        "probe", "reachability", "--target", "127.0.0.1", "--json", "--out", str(tmp_path),
        "--param", "count=400", "--param", "interval_s=0.05", "--param", "icmp=false",
    )  # fmt: skip
    try:
        # The visit folder appears just before the runner starts the probe.
        _wait_for(lambda: any(tmp_path.glob("adhoc/*/visit.json")), 60, "the ad-hoc visit")
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("netsurvey: terminated (SIGTERM)")
    assert [line for line in stderr.splitlines() if "terminated" in line] == [
        stderr.strip().splitlines()[-1]
    ]
    for line in stdout.splitlines():
        json.loads(line)


@pytest.fixture
def many_visits(tmp_path: Path) -> Path:
    """Twelve PDFs' worth of work: six sealed copies of the sample visit, two languages."""
    workspace = tmp_path / "ws"
    shutil.copytree(FIXTURE, workspace, symlinks=True)
    for index in range(1, 6):
        shutil.copytree(workspace / VISIT_REL, workspace / "visits" / "jaunciems" / f"v-{index}")
    return workspace


def _report_all(workspace: Path, out: Path) -> subprocess.Popen[str]:
    return _start(
        "report", "--all", str(workspace / "visits"), "--out", str(out),
        "--scores", str(workspace / "scores.json"), "--lang", "lv,en", "--jobs", "2",
    )  # fmt: skip


def test_sigterm_to_report_all_leaves_no_worker(many_visits: Path, tmp_path: Path) -> None:
    process = _report_all(many_visits, tmp_path / "reports")
    try:
        _wait_for(lambda: len(_children(process.pid)) >= 2, 60, "two report workers")
        workers = _children(process.pid)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("netsurvey: terminated (SIGTERM)")
    left = {pid for pid in workers if _alive(pid)}
    assert not left, f"workers still running after SIGTERM: {sorted(left)}"
    assert len(list((tmp_path / "reports").glob("*.pdf"))) < 12  # it stopped early


def test_kill_9_of_report_all_takes_its_workers_along(many_visits: Path, tmp_path: Path) -> None:
    process = _report_all(many_visits, tmp_path / "reports")
    try:
        _wait_for(lambda: len(_children(process.pid)) >= 2, 60, "two report workers")
        workers = _children(process.pid)
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        _wait_for(lambda: not any(_alive(pid) for pid in workers), 10, "the workers to die")
    finally:
        process.kill()
        for pid in workers if "workers" in locals() else ():
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL


def _pdeathsig_after_die_with_parent(queue: object) -> None:
    import ctypes
    import ctypes.util

    from netsurvey.report.batch import die_with_parent

    die_with_parent(os.getppid())
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    value = ctypes.c_int(-1)
    libc.prctl(2, ctypes.byref(value), 0, 0, 0)  # PR_GET_PDEATHSIG
    queue.put(value.value)  # type: ignore[attr-defined]


def test_workers_ask_the_kernel_to_die_with_their_parent() -> None:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_pdeathsig_after_die_with_parent, args=(queue,))
    worker.start()
    worker.join(timeout=10)
    assert queue.get(timeout=5) == signal.SIGKILL


def test_sigterm_stops_a_survey_like_ctrl_c(tmp_path: Path) -> None:
    """Finished records are kept and sealed, the visit verifies, and --resume finishes it."""
    from tests.reliability.test_crash import write_inventory

    inventory = write_inventory(tmp_path / "inv.yaml", devices=24)
    out = tmp_path / "visits"
    argv = ("survey", str(inventory), "--school", "crash-school", "--out", str(out))
    process = _start(*argv)
    try:
        _wait_for(
            lambda: any(p.stat().st_size for p in out.glob("crash-school/*/measurements.jsonl")),
            60,
            "the first record",
        )
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("netsurvey: terminated (SIGTERM)")
    (visit,) = (out / "crash-school").iterdir()
    verify = subprocess.run(
        [sys.executable, "-m", "netsurvey", "verify", str(visit)],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr
    resumed = subprocess.run(
        [sys.executable, "-m", "netsurvey", *argv, "--resume"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert resumed.returncode in (0, 1), resumed.stderr
