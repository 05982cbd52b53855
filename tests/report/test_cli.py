"""`netsurvey report` and `netsurvey summary` as a technician runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import RunCli, clone_visit, load_json, pdf_text, requires_tool, write_json


@requires_tool("pdftotext")
def test_report_one_visit(
    run_cli: RunCli, visit_dir: Path, scores_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r" / "jaunciems.en.pdf"
    code, message = run_cli(
        "report", str(visit_dir), "--lang", "en", "--out", str(out), "--scores", str(scores_path)
    )
    assert (code, message) == (0, "")
    assert "Executive summary" in pdf_text(out)


def test_report_without_scores_entry_is_one_line_with_fix(
    run_cli: RunCli, visit_dir: Path, scores_path: Path, tmp_path: Path
) -> None:
    scores = load_json(scores_path)
    scores["schools"] = scores["schools"][1:]
    write_json(scores_path, scores)
    code, message = run_cli(
        "report", str(visit_dir), "--out", str(tmp_path / "x.pdf"), "--scores", str(scores_path)
    )
    assert code == 5
    assert "no scores entry" in message and "netsurvey score" in message and "\n" not in message
    assert not (tmp_path / "x.pdf").exists()


def test_report_missing_scores_file(run_cli: RunCli, visit_dir: Path, tmp_path: Path) -> None:
    code, message = run_cli(
        "report",
        str(visit_dir),
        "--out",
        str(tmp_path / "x.pdf"),
        "--scores",
        str(tmp_path / "no.json"),
    )
    assert code == 5 and "not found" in message and "netsurvey score" in message


def test_report_rejects_unknown_language(run_cli: RunCli, visit_dir: Path, tmp_path: Path) -> None:
    code, message = run_cli(
        "report", str(visit_dir), "--lang", "de", "--out", str(tmp_path / "x.pdf")
    )
    assert code == 2 and "lv" in message


def test_report_all_renders_in_parallel(
    run_cli: RunCli, workspace: Path, visit_dir: Path, tmp_path: Path
) -> None:
    clone_visit(
        visit_dir,
        workspace / "visits" / "carnikava" / "v-1",
        "carnikava",
        "Carnikavas pamatskola",
        "Ādažu novads",
    )
    out = tmp_path / "reports"
    code, message = run_cli(
        "report",
        "--all",
        str(workspace / "visits"),
        "--out",
        str(out),
        "--lang",
        "lv,en",
        "--scores",
        str(workspace / "scores.json"),
        "--jobs",
        "2",
    )
    assert (code, message) == (0, "")
    assert sorted(p.name for p in out.glob("*.pdf")) == [
        "carnikava.en.pdf",
        "carnikava.lv.pdf",
        "jaunciems.en.pdf",
        "jaunciems.lv.pdf",
    ]


def test_help_has_examples(capsys: pytest.CaptureFixture[str], run_cli: RunCli) -> None:
    for command in ("report", "summary"):
        with pytest.raises(SystemExit):
            run_cli(command, "--help")
        assert "examples:" in capsys.readouterr().out


def test_report_heatmaps_from_another_folder(
    run_cli: RunCli, visit_dir: Path, scores_path: Path, tmp_path: Path
) -> None:
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "heatmap-3.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<text x="2" y="12" font-family="DejaVu Sans">THIRD-FLOOR-MAP</text></svg>'
    )
    out = tmp_path / "r.pdf"
    code, message = run_cli(
        "report",
        str(visit_dir),
        "--lang",
        "en",
        "--out",
        str(out),
        "--scores",
        str(scores_path),
        "--heatmaps",
        str(maps),
    )
    assert (code, message) == (0, "")
    text = pdf_text(out)
    assert "Floor 3" in text and "THIRD-FLOOR-MAP" in text


def test_report_all_one_bad_visit_does_not_stop_the_rest(
    run_cli: RunCli, workspace: Path, visit_dir: Path, tmp_path: Path
) -> None:
    clone_visit(visit_dir, workspace / "visits" / "unknown" / "v-1", "unknown", "Nav vērtēta", "X")
    out = tmp_path / "reports"
    code, message = run_cli(
        "report",
        "--all",
        str(workspace / "visits"),
        "--out",
        str(out),
        "--scores",
        str(workspace / "scores.json"),
        "--jobs",
        "2",
    )
    assert code == 5 and "1 of 2 reports failed" in message
    assert [p.name for p in out.glob("*.pdf")] == ["jaunciems.lv.pdf"]
