"""Option values are checked the same way on every command, and logs go to stderr as one
line each so that stdout stays machine-readable."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from netsurvey.cli import _subcommands, build_parser, configure_logging
from netsurvey.options import OPTION_RULES

from .conftest import REPO, assert_one_line_error, run_cli

VISIT = REPO / "tests" / "fixtures" / "report" / "visits" / "jaunciems" / "v-20261120"


@pytest.mark.parametrize(
    "argv",
    [
        ("report", "--all", "visits", "--out", "out", "--jobs", "0"),
        ("report", "--all", "visits", "--out", "out", "--jobs", "-1"),
        ("report", "--all", "visits", "--out", "out", "--jobs", "two"),
        ("probe", "reachability", "--target", "127.0.0.1", "--timeout", "-5"),
        ("probe", "reachability", "--target", "127.0.0.1", "--timeout", "nan"),
        ("probe", "reachability", "--target", "127.0.0.1", "--timeout", "inf"),
        ("probe", "reachability", "--target", "127.0.0.1", "--timeout", "0"),
        ("wifi", "point", "--room", "101", "--interval", "nan"),
        ("wifi", "point", "--room", "101", "--scans", "0"),
        ("--max-input-bytes", "-1", "inventory", "check", "x.yaml"),
        ("inventory", "check", "--max-input-bytes", "lots", "x.yaml"),
    ],
)
def test_bad_option_values_are_usage_errors(argv: tuple[str, ...]) -> None:
    run = run_cli(*argv, timeout_s=30)
    ignored = ("--all", "--out", "--target", "--features", "--room")
    option = next(a for a in argv if a.startswith("--") and a not in ignored)
    assert_one_line_error(run, 2, f"argument {option}", "(see --help)")


def test_every_command_with_jobs_or_timeout_gets_the_rule() -> None:
    seen = set()
    for command in _subcommands(build_parser()):
        for action in command._actions:
            for option in set(action.option_strings) & set(OPTION_RULES):
                assert action.type is OPTION_RULES[option], (command.prog, option)
                seen.add(option)
    assert {"--jobs", "--timeout"} <= seen


def test_good_option_values_pass() -> None:
    args = build_parser().parse_args(
        ["report", "--all", "v", "--out", "o", "--jobs", "3", "--max-input-bytes", "64M"]
    )
    assert (args.jobs, args.max_input_bytes) == (3, 64 * 2**20)
    args = build_parser().parse_args(["probe", "reachability", "--timeout", "2.5"])
    assert args.timeout == 2.5


def test_json_stdout_stays_json_while_a_warning_is_logged(tmp_path: Path) -> None:
    """The sample visit ends with a torn line: the warning goes to stderr, on one line."""
    visit = tmp_path / "v-20261120"
    shutil.copytree(VISIT, visit)
    run = run_cli("score", str(visit), "--json", "--draws", "50", timeout_s=120)
    assert run.code == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["schools"][0]["school_id"] == "jaunciems"
    warnings = [line for line in run.error_lines if "torn last line" in line]
    assert warnings and all(line.startswith("warning: ") for line in run.error_lines), run.stderr


def test_log_records_are_one_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(debug=False, quiet=False)
    try:
        logging.getLogger("netsurvey.test").warning(
            "a message that a careless caller\nsplit over %s", "lines\r\nand  spaces " * 20
        )
    finally:
        logging.getLogger().handlers.clear()
        logging.captureWarnings(False)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("warning: a message")


def test_python_warnings_are_one_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    import warnings

    configure_logging(debug=False, quiet=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("a library\ncomplains", UserWarning, stacklevel=1)
    finally:
        logging.getLogger().handlers.clear()
        logging.captureWarnings(False)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "UserWarning: a library complains" in captured.err
