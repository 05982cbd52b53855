"""`netsurvey lab class-test` refuses bad options with one line and exit 2 (no root)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(60)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netsurvey", "lab", "class-test", *args],
                          capture_output=True, text=True, timeout=50, check=False)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clients", "0", "--rate-mbit", "50"], "--clients must be 1-60"),
        (["--clients", "4", "--browsers", "5", "--rate-mbit", "50"], "--browsers must be"),
        (["--clients", "4", "--rate-mbit", "-1"], "--rate-mbit must be positive"),
        (["--clients", "2", "--rate-mbit", "50", "--fault", "late", "--fault", "reload"],
         "leave at least one seat"),
        (["--clients", "2", "--rate-mbit", "50", "--video-s", "0"], "--video-s"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    completed = run(*args)
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], completed.stderr
    assert "Traceback" not in completed.stderr


def test_help_names_the_contract() -> None:
    completed = run("--help")
    assert completed.returncode == 0
    for word in ("--clients", "--browsers", "--rate-mbit", "--json", "--fault",
                 "aggregate_download_bps", "video_sustained_count"):  # fmt: skip
        assert word in completed.stdout
