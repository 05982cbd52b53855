"""Fixtures for the report tests: the hand-written sample visit and scores, copied to tmp."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netsurvey.errors import NetsurveyError
from netsurvey.records import write_manifest

RunCli = Callable[..., tuple[int, str]]


def requires_tool(*names: str) -> pytest.MarkDecorator:
    missing = [n for n in names if shutil.which(n) is None]
    return pytest.mark.skipif(bool(missing), reason=f"missing tools: {', '.join(missing)}")


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "report"
VISIT_REL = Path("visits/jaunciems/v-20261120")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/report (scores.json + visits/)."""
    target = tmp_path / "ws"
    shutil.copytree(FIXTURES, target, symlinks=True)
    return target


@pytest.fixture
def visit_dir(workspace: Path) -> Path:
    return workspace / VISIT_REL


@pytest.fixture
def scores_path(workspace: Path) -> Path:
    return workspace / "scores.json"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def clone_visit(source: Path, target: Path, school_id: str, name: str, municipality: str) -> Path:
    """A copy of a visit for another school (for multi-school summaries)."""
    shutil.copytree(source, target)
    info = load_json(target / "visit.json")
    info["school_id"] = school_id
    info["school"].update({"id": school_id, "name": name, "municipality": municipality})
    write_json(target / "visit.json", info)
    write_manifest(target)  # a new visit of its own, sealed as the survey would seal it
    return target


@pytest.fixture
def run_cli() -> RunCli:
    """Run `netsurvey report|summary ARGS...` as cli.py does: register, parse, call the
    handler, map NetsurveyError to (exit code, one line). Only this area's commands are
    registered, so work in progress elsewhere cannot break these tests."""

    def run(*argv: str) -> tuple[int, str]:
        from netsurvey.commands import report, summary

        parser = argparse.ArgumentParser(prog="netsurvey")
        subparsers = parser.add_subparsers(dest="command", required=True)
        report.register(subparsers)
        summary.register(subparsers)
        args = parser.parse_args(list(argv))
        try:
            return int(args.handler(args)), ""
        except NetsurveyError as exc:
            return exc.exit_code, exc.one_line()

    return run


def pdf_text(pdf: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")
