"""Integrity before anything is reported: `score`, `report` and `summary` check a visit
against its manifest first, and accept and refuse the same visits."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from netsurvey.records import write_manifest

from .conftest import netsurvey


@pytest.fixture(scope="module")
def scores(failed_visit: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scores") / "scores.json"
    result = netsurvey("score", str(failed_visit), "--out", str(path), "--draws", "50")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def visit(failed_visit: Path, tmp_path: Path) -> Path:
    """A private copy of the sealed visit, at the same school/visit path shape."""
    copy = tmp_path / "visits" / "failed-school" / failed_visit.name
    shutil.copytree(failed_visit, copy, symlinks=True)
    return copy


def first_raw(visit: Path) -> Path:
    return sorted((visit / "raw").iterdir())[0]


def run_all(visit: Path, scores: Path, tmp_path: Path, *extra: str) -> dict[str, tuple[int, str]]:
    """(exit code, stderr) of score, report and summary on one visit."""
    results = {
        "score": netsurvey("score", str(visit), "--out", str(tmp_path / "s.json"), *extra),
        "report": netsurvey(
            "report", str(visit), "--scores", str(scores), "--out", str(tmp_path / "r.pdf"), *extra
        ),
        "summary": netsurvey(
            "summary", str(visit), "--scores", str(scores), "--out", str(tmp_path / "s.csv"), *extra
        ),
    }
    return {name: (r.returncode, r.stderr) for name, r in results.items()}


def _removed(path: Path) -> str:
    path.unlink()
    return path.name


TAMPERINGS: dict[str, tuple[Callable[[Path], str], str]] = {
    "changed": (lambda v: (first_raw(v).write_bytes(b"edited"), first_raw(v).name)[1], "changed"),
    "missing": (lambda v: _removed(first_raw(v)), "missing"),
    "added": (lambda v: ((v / "raw" / "extra.txt").write_text("x"), "extra.txt")[1], "added"),
}


@pytest.mark.parametrize("kind", sorted(TAMPERINGS))
def test_tampered_visit_exits_4_and_names_the_file(
    kind: str, visit: Path, scores: Path, tmp_path: Path
) -> None:
    tamper, word = TAMPERINGS[kind]
    name = tamper(visit)
    for command, (code, stderr) in run_all(visit, scores, tmp_path).items():
        assert code == 4, (command, stderr)
        assert name in stderr and f"({word})" in stderr, (command, stderr)
        assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr


def test_visit_without_manifest_is_not_sealed(visit: Path, scores: Path, tmp_path: Path) -> None:
    (visit / "manifest.json").unlink()
    for command, (code, stderr) in run_all(visit, scores, tmp_path).items():
        assert code == 4 and "not sealed" in stderr, (command, stderr)


def test_symlinked_records_are_refused_and_never_followed(
    visit: Path, scores: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.jsonl"
    shutil.move(visit / "measurements.jsonl", outside)
    (visit / "measurements.jsonl").symlink_to(outside)
    for command, (code, stderr) in run_all(visit, scores, tmp_path).items():
        assert code == 4 and "measurements.jsonl (symbolic link)" in stderr, (command, stderr)
    for command, (code, stderr) in run_all(visit, scores, tmp_path, "--allow-altered").items():
        assert code == 3 and "symbolic link" in stderr, (command, stderr)


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_allow_altered_stamps_every_page(visit: Path, scores: Path, tmp_path: Path) -> None:
    name = first_raw(visit).name
    first_raw(visit).write_bytes(b"edited after the visit")
    pdf = tmp_path / "altered.lv.pdf"
    result = netsurvey(
        "report", str(visit), "--scores", str(scores), "--lang", "lv", "--out", str(pdf),
        "--allow-altered",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pages = pdf_pages(pdf)
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert "Pierādījumi mainīti" in page, f"page {number} has no stamp"
    assert any(name in page for page in pages), "the altered file is listed"


def test_json_stays_valid_with_a_torn_line(visit: Path) -> None:
    with (visit / "measurements.jsonl").open("ab") as handle:
        handle.write(b'{"schema_version": 1, "id": "m-torn", "probe": "spee')
    write_manifest(visit)  # a resumed survey seals the visit again, torn line included
    result = netsurvey("score", str(visit), "--json", "--draws", "50")
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)
    assert "torn last line" in result.stderr


def _newer_record(visit: Path) -> None:
    with (visit / "measurements.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"schema_version": 2, "id": "m-2", "probe": "x"}) + "\n")


def _newer_visit(visit: Path) -> None:
    info = json.loads((visit / "visit.json").read_text(encoding="utf-8"))
    info["schema_version"] = 99
    (visit / "visit.json").write_text(json.dumps(info), encoding="utf-8")


def _status_list(visit: Path) -> None:
    lines = (visit / "measurements.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["status"] = ["ok"]
    (visit / "measurements.jsonl").write_text(
        "\n".join([json.dumps(record), *lines[1:]]) + "\n", encoding="utf-8"
    )


@pytest.mark.parametrize("damage", [_newer_record, _newer_visit, _status_list])
def test_score_report_and_summary_refuse_the_same_visits(
    damage: Callable[[Path], None], visit: Path, scores: Path, tmp_path: Path
) -> None:
    damage(visit)
    write_manifest(visit)  # sealed as it is: the records themselves are the problem
    outcomes = run_all(visit, scores, tmp_path)
    assert {code for code, _ in outcomes.values()} == {3}, outcomes


def test_sealing_again_never_launders_a_change(visit: Path) -> None:
    """A later command that appends and seals (wifi point, power walk) keeps the old
    manifest when something else changed, so the change stays visible."""
    from netsurvey.errors import IntegrityError
    from netsurvey.integrity import check_visit
    from netsurvey.records import VisitWriter, read_visit

    writer = VisitWriter.open(visit)
    record = read_visit(visit).measurements[0]
    writer.append(record)  # an honest append: sealing again is fine
    writer.seal()
    assert check_visit(visit).state == "sealed"
    name = first_raw(visit).name
    first_raw(visit).write_bytes(b"edited between two commands")
    writer.append(record)
    with pytest.raises(IntegrityError, match=name):
        writer.seal()
    state = check_visit(visit)
    assert state.state == "altered" and any(name in f for f in state.files)
    lines = (visit / "measurements.jsonl").read_bytes().splitlines()
    (visit / "measurements.jsonl").write_bytes(b"\n".join(lines[1:]) + b"\n")  # rewritten
    first_raw(visit).unlink()
    with pytest.raises(IntegrityError, match=r"missing|rewritten"):
        writer.seal()
