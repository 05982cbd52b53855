"""The summary sheet: numbers equal scores.json, safe cells, overview share, xlsx + csv."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsurvey.report.scoresentry import DIMENSIONS
from netsurvey.report.summary import safe_cell_text

from .conftest import RunCli, clone_visit, load_json, requires_tool, write_json

FORMULA_STARTS = ("=", "+", "-", "@")


@pytest.fixture
def three_schools(workspace: Path, visit_dir: Path) -> list[Path]:
    visits = workspace / "visits"
    return [
        visit_dir,
        clone_visit(
            visit_dir,
            visits / "carnikava" / "v-1",
            "carnikava",
            "Carnikavas pamatskola",
            "Ādažu novads",
        ),
        clone_visit(
            visit_dir,
            visits / "sigulda-2" / "v-1",
            "sigulda-2",
            "Siguldas 2. vidusskola",
            "Siguldas novads",
        ),
    ]


def test_xlsx_numbers_equal_scores_json(
    run_cli: RunCli, three_schools: list[Path], scores_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "summary.xlsx"
    code, message = run_cli(
        "summary", *map(str, three_schools), "--out", str(out), "--scores", str(scores_path)
    )
    assert (code, message) == (0, "")
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == [
        "Pārskats",
        "Siguldas novads",
        "Ādažu novads",
    ] or workbook.sheetnames == ["Pārskats", "Ādažu novads", "Siguldas novads"]
    entries = {e["school_id"]: e for e in load_json(scores_path)["schools"]}
    seen = set()
    for municipality in ("Ādažu novads", "Siguldas novads"):
        ws = workbook[municipality]
        assert ws.freeze_panes == "C2" and ws.auto_filter.ref
        formulas = [f for cf in ws.conditional_formatting for r in cf.rules for f in r.formula]
        assert len(formulas) == 3 and all("ISNUMBER" in f for f in formulas)  # blank != red
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2, values_only=True):
            entry = entries[row[0]]
            seen.add(row[0])
            assert row[2] == municipality
            assert row[3] == entry["overall"]["grade"]
            assert row[4] == entry["overall"]["score"]
            for i, dim in enumerate(DIMENSIONS):
                assert row[5 + i] == entry["dimensions"][dim].get("score"), (row[0], dim)
            cost = sum(r["cost_eur"] for r in entry["recommendations"]) or None
            assert row[header.index("Indikatīvās uzlabojumu izmaksas (EUR)")] == cost
    assert seen == set(entries)
    overview = workbook["Pārskats"]
    rows = {r[0]: r for r in overview.iter_rows(min_row=2, max_row=4, values_only=True)}
    # municipality, schools, complete assessments, meeting the bar, share, target, on track
    assert rows["Ādažu novads"][1:5] == (2, 2, 1, 0.5)
    assert rows["Siguldas novads"][1:5] == (1, 1, 1, 1.0)
    assert rows["Visas pašvaldības"][1:4] == (3, 3, 2)
    assert rows["Visas pašvaldības"][5] == 0.9


def test_missing_dimension_is_empty_not_zero(
    run_cli: RunCli, three_schools: list[Path], scores_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "s.csv"
    run_cli(
        "summary",
        *map(str, three_schools),
        "--out",
        str(out),
        "--scores",
        str(scores_path),
        "--lang",
        "en",
    )
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["School id"]: r for r in csv.DictReader(handle)}
    assert rows["carnikava"]["PoE"] == ""
    assert float(rows["jaunciems"]["Overall score"]) == 47.6


def test_cells_from_data_never_start_a_formula(
    run_cli: RunCli, three_schools: list[Path], scores_path: Path, tmp_path: Path
) -> None:
    scores = load_json(scores_path)
    scores["schools"][0]["name"] = '=HYPERLINK("http://127.0.0.1/x","click")'
    scores["schools"][0]["bottleneck"]["text"] = "+cmd|' /C calc'!A0"
    scores["schools"][1]["name"] = "-2+3\x00\x1b"
    scores["schools"][1]["municipality"] = "@SUM(A1)"
    scores["schools"][2]["bottleneck"] = {"dimension": "=1+1", "text": "\tx"}
    write_json(scores_path, scores)
    xlsx, csv_out = tmp_path / "s.xlsx", tmp_path / "s.csv"
    code, message = run_cli(
        "summary",
        *map(str, three_schools),
        "--out",
        str(xlsx),
        "--out",
        str(csv_out),
        "--scores",
        str(scores_path),
    )
    assert (code, message) == (0, "")
    workbook = openpyxl.load_workbook(xlsx)
    strings = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows(values_only=True):
            strings += [v for v in row if isinstance(v, str)]
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)
    assert '\'=HYPERLINK("http://127.0.0.1/x","click")' in strings
    with csv_out.open(encoding="utf-8-sig", newline="") as handle:
        strings += [v for row in csv.reader(handle) for v in row]
    for value in strings:
        assert not value.startswith(FORMULA_STARTS), value
        assert not any(ord(ch) < 32 for ch in value), value


def test_safe_cell_text() -> None:
    assert safe_cell_text("=1+1") == "'=1+1"
    assert safe_cell_text("ok") == "ok"
    assert safe_cell_text("a\x07b") == "ab"


def test_summary_without_scores_entry(
    run_cli: RunCli, three_schools: list[Path], scores_path: Path, tmp_path: Path
) -> None:
    scores = load_json(scores_path)
    scores["schools"] = scores["schools"][:2]
    write_json(scores_path, scores)
    code, message = run_cli(
        "summary",
        *map(str, three_schools),
        "--out",
        str(tmp_path / "s.xlsx"),
        "--scores",
        str(scores_path),
    )
    assert code == 5 and "sigulda-2" in message and "netsurvey score" in message


def test_summary_rejects_unknown_extension(
    run_cli: RunCli, visit_dir: Path, tmp_path: Path
) -> None:
    code, message = run_cli("summary", str(visit_dir), "--out", str(tmp_path / "s.ods"))
    assert code == 2 and ".xlsx" in message


@requires_tool("soffice")
def test_libreoffice_opens_the_sheet(
    run_cli: RunCli, three_schools: list[Path], scores_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "summary.xlsx"
    run_cli(
        "summary",
        *map(str, three_schools),
        "--out",
        str(out),
        "--scores",
        str(scores_path),
        "--lang",
        "en",
    )
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path / "lo"),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    converted = sorted((tmp_path / "lo").glob("*.csv"))
    assert len(converted) == 3  # overview + two municipalities
    text = "\n".join(p.read_text(encoding="utf-8") for p in converted)
    assert "Jaunciema pamatskola" in text and "47.6" in text and "Siguldas 2. vidusskola" in text


@given(st.text(max_size=60))
def test_safe_cell_text_never_starts_a_formula_or_holds_controls(value: str) -> None:
    text = safe_cell_text(value)
    assert not text.startswith(FORMULA_STARTS)
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in text)


def test_summary_shows_the_path_to_the_bar_and_counts_only_complete_assessments(
    run_cli: RunCli, three_schools: list[Path], scores_path: Path, tmp_path: Path
) -> None:
    scores = load_json(scores_path)
    carnikava = next(s for s in scores["schools"] if s["school_id"] == "carnikava")
    carnikava["overall"] = {
        "score": None,
        "grade": None,
        "status": "incomplete",
        "missing_dimensions": ["wan"],
    }
    write_json(scores_path, scores)
    xlsx, csv_out = tmp_path / "s.xlsx", tmp_path / "s.csv"
    code, message = run_cli(
        "summary", *map(str, three_schools), "--out", str(xlsx), "--out", str(csv_out),
        "--scores", str(scores_path), "--lang", "lv",
    )  # fmt: skip
    assert (code, message) == (0, "")
    with csv_out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["Skolas identifikators"]: r for r in csv.DictReader(handle)}
    jaunciems = rows["jaunciems"]
    assert jaunciems["Ceļš līdz slieksnim"] == (
        "Jauns Wi-Fi 6 piekļuves punkts telpā 207 → Interneta pieslēgums 500\u00a0Mbit/s abos virzienos"
    )
    assert jaunciems["Indikatīvās uzlabojumu izmaksas (EUR)"] == "2450"
    assert jaunciems["Vērtējums ceļa beigās"] == "B"
    assert jaunciems["Ceļš sasniedz slieksni"] == "jā"
    assert jaunciems["Kopējie punkti"] == "47,6"  # Latvian decimal comma
    assert rows["carnikava"]["Sasniedz slieksni"] == "nav novērtēts"
    assert rows["carnikava"]["Vērtējums"] == ""
    overview = openpyxl.load_workbook(xlsx)["Pārskats"]
    by_name = {r[0]: r for r in overview.iter_rows(min_row=2, values_only=True) if r[0]}
    # Ādažu novads: two schools, one complete assessment (jaunciems, below the bar)
    assert by_name["Ādažu novads"][1:5] == (2, 1, 0, 0.0)
