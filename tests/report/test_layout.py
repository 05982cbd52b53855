"""Layout (issue #17, item 5) and the integrity stamp (issue #14).

Every page is rendered and read back with `pdftotext -bbox`: no word may lie outside the
page's printable width (an overflowing table column) or outside the page. A visit
with very long measurement ids checks that ids wrap instead of pushing columns out.
The stamp test renders an altered and an unsealed visit and finds the stamp on every page.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from netsurvey.integrity import IntegrityState, check_visit
from netsurvey.report.render import ReportRenderer
from netsurvey.report.scoresfile import load_scores
from netsurvey.report.viewmodel import build_view
from netsurvey.report.visitfiles import read_visit_files

from .conftest import FIXTURES, VISIT_REL, requires_tool

pytestmark = requires_tool("pdftotext")

MM = 72 / 25.4
SIDE_MARGIN_PT = 18 * MM  # report.css @page margin
TOLERANCE_PT = 1.0
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def words_outside(pdf: Path) -> tuple[int, list[str]]:
    """(pages, words outside the printable width or the page box, with page number)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True, check=True, timeout=120, text=True,
    ).stdout  # fmt: skip
    pages = xml.split("<page ")[1:]
    outside = []
    for number, page in enumerate(pages, 1):
        size = PAGE.match("<page " + page)
        assert size is not None
        width, height = float(size.group(1)), float(size.group(2))
        for match in WORD.finditer(page):
            x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
            if (
                x0 < SIDE_MARGIN_PT - TOLERANCE_PT
                or x1 > width - SIDE_MARGIN_PT + TOLERANCE_PT
                or y0 < 0
                or y1 > height
            ):
                outside.append(f"p{number}: {match.group(5)!r} x={x0:.0f}..{x1:.0f}")
    return len(pages), outside


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True, check=True, timeout=120,
    ).stdout.decode("utf-8")  # fmt: skip
    return [page for page in text.split("\f") if page.strip()]


def _render(
    lang: str, visit_dir: Path, scores_path: Path, out: Path, integrity: IntegrityState | None
) -> Path:
    scores = load_scores(scores_path)
    visit = read_visit_files(visit_dir)
    view = build_view(scores.entry_for(visit.path, "jaunciems"), scores, visit)
    return ReportRenderer(lang).render_pdf(view, out, integrity=integrity)


@pytest.fixture
def long_ids(workspace: Path) -> tuple[Path, Path]:
    """The fixture visit with every measurement id 96 characters long, everywhere."""
    visit = workspace / VISIT_REL
    lines = (visit / "measurements.jsonl").read_text(encoding="utf-8").splitlines()
    renamed: dict[str, str] = {}
    out = []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            out.append(line)
            continue
        new_id = (record["id"] + "-" + "x" * 96)[:96]
        renamed[record["id"]] = new_id
        record["id"] = new_id
        out.append(json.dumps(record))
    (visit / "measurements.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
    scores_path = workspace / "scores.json"
    text = scores_path.read_text(encoding="utf-8")
    for old, new in renamed.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    scores_path.write_text(text, encoding="utf-8")
    return visit, scores_path


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_no_word_outside_the_printable_width(lang: str, tmp_path: Path) -> None:
    pdf = _render(lang, FIXTURES / VISIT_REL, FIXTURES / "scores.json", tmp_path / "r.pdf", None)
    pages, outside = words_outside(pdf)
    assert pages >= 5
    assert not outside, outside[:10]


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_long_measurement_ids_wrap_inside_the_page(
    lang: str, long_ids: tuple[Path, Path], tmp_path: Path
) -> None:
    visit, scores_path = long_ids
    pdf = _render(lang, visit, scores_path, tmp_path / "r.pdf", None)
    _pages, outside = words_outside(pdf)
    assert not outside, outside[:10]


@pytest.mark.parametrize(
    ("change", "stamp"),
    [
        ("altered", "Pierādījumi mainīti / Evidence altered"),
        ("unsealed", "Pierādījumi nav noslēgti / Evidence not sealed"),
    ],
)
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_every_page_of_unsealed_or_altered_evidence_is_stamped(
    lang: str, change: str, stamp: str, workspace: Path, tmp_path: Path
) -> None:
    visit = workspace / VISIT_REL
    if change == "altered":
        raw = sorted(p for p in (visit / "raw").rglob("*") if p.is_file())[0]
        raw.write_bytes(raw.read_bytes() + b"tampered")
    else:
        (visit / "manifest.json").unlink()
    state = check_visit(visit)
    assert state.state == change
    pdf = _render(lang, visit, workspace / "scores.json", tmp_path / "r.pdf", state)
    pages = page_texts(pdf)
    assert len(pages) >= 5
    for number, text in enumerate(pages, 1):
        assert stamp in " ".join(text.split()), f"page {number} has no stamp"
    if change == "altered":
        whole = " ".join(" ".join(pages).split()).replace("\u200b", "")
        assert raw.relative_to(visit).as_posix() in whole.replace(" ", "") or raw.name in whole


def test_sealed_evidence_carries_no_stamp(workspace: Path, tmp_path: Path) -> None:
    visit = workspace / VISIT_REL
    state = check_visit(visit)
    assert state.state == "sealed"
    pdf = _render("lv", visit, workspace / "scores.json", tmp_path / "r.pdf", state)
    text = " ".join(page_texts(pdf))
    assert "Evidence altered" not in text and "Evidence not sealed" not in text
    assert "noslēgti: visi faili atbilst manifestam" in " ".join(text.split())
