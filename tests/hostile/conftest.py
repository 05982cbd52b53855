"""Helpers for the hostile-input tests: real files written to tmp, the real CLI run in a
subprocess (so hangs, memory blow-ups and tracebacks would show), no mocks."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FEATURES = REPO / "tests" / "fixtures" / "features" / "latvia-3-schools.yaml"

# A 342-byte "billion laughs": nine levels of nine aliases, 9**9 strings once expanded.
ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def inventory_text(
    *,
    scope: str = "[198.18.10.0/24]",
    rooms: str = '[{id: "101", kind: classroom}]',
    floors: str = "[]",
    extra: str = "",
) -> str:
    return (
        "schema_version: 1\n"
        "schools:\n"
        "  - id: hostile-school\n"
        "    name: Hostile\n"
        "    municipality: Test\n"
        f"    scope: {scope}\n"
        f"    floors: {floors}\n"
        f"    rooms: {rooms}\n"
        "    devices:\n"
        "      - {id: sw-1, role: switch, mgmt_ip: 198.18.10.2}\n"
        f"{extra}"
    )


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_cli(*argv: str, cwd: Path | None = None, timeout_s: float = 60) -> CliRun:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "netsurvey", *argv],
        capture_output=True, text=True, timeout=timeout_s, check=False, cwd=cwd or REPO,
    )  # fmt: skip
    return CliRun(
        completed.returncode, completed.stdout, completed.stderr, time.perf_counter() - started
    )


def assert_one_line_error(run: CliRun, code: int, *needles: str) -> None:
    """Exit ``code``, exactly one line on stderr holding every needle, no traceback."""
    assert run.code == code, (run.code, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    assert len(run.error_lines) == 1, run.stderr
    for needle in needles:
        assert needle in run.stderr, (needle, run.stderr)
