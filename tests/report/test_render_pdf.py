"""The PDF: text a reviewer can check, A4 pages, and only allowed resources fetched."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from netsurvey.report.render import ConfinedFetcher, ReportRenderer
from netsurvey.report.scoresfile import load_scores
from netsurvey.report.viewmodel import build_view
from netsurvey.report.visitfiles import read_visit_files

from .conftest import FIXTURES, VISIT_REL, pdf_text, requires_tool

Rendered = tuple[str, Path, ConfinedFetcher]  # language, PDF, the fetcher that served it

pytestmark = requires_tool("pdftotext", "pdftoppm", "pdfinfo")

MANIFEST_SHA = "453fbd64f20c601f3b9282aead08ce1133ce1fe95d1cf9eae40695c64cd506a9"
RAW_SHAS = (
    "a48f64a94ca7c2988218451016c22f741925905a6b7470c08124071dd501b4d1",
    "d141ba7d3c303660d532a565299c396641c1406a6430735e83cc5270aa8a5782",
    "981e65c63027a94c97a4d52e4011258e57e913e41b74da4857153593734f4fdd",
)


def _render(
    lang: str,
    out: Path,
    visit_dir: Path = FIXTURES / VISIT_REL,
    scores_path: Path = FIXTURES / "scores.json",
) -> ConfinedFetcher:
    scores = load_scores(scores_path)
    visit = read_visit_files(visit_dir)
    view = build_view(scores.entry_for(visit.path, "jaunciems"), scores, visit)
    renderer = ReportRenderer(lang)
    fetcher = renderer.fetcher_for(view)
    renderer.render_pdf(view, out, fetcher)
    return fetcher


@pytest.fixture(scope="module", params=["lv", "en"])
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    out = tmp_path_factory.mktemp("pdf") / f"report.{request.param}.pdf"
    fetcher = _render(request.param, out)
    return request.param, out, fetcher


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_text_has_school_grade_bottleneck_dimensions_and_hashes(rendered: Rendered) -> None:
    lang, pdf, _fetcher = rendered
    text = pdf_text(pdf)
    assert "Jaunciema pamatskola" in text and "Ādažu novads" in text
    assert "Jānis Bērziņš" in text
    assert re.search(r"\bD\b", text)
    assert "ap-207 radio 5 GHz" in text
    dims = (
        ["Wi-Fi", "Lokālais tīkls (LAN)", "Internets (WAN)", "PoE", "Elektroapgāde"]
        if lang == "lv"
        else ["Wi-Fi", "LAN", "Internet (WAN)", "PoE", "Power"]
    )
    for dim in dims:
        assert dim in text, dim
    squeezed = _squeezed(text)
    for sha in (MANIFEST_SHA, *RAW_SHAS):
        assert sha in squeezed, sha
    assert "lv-2024" in text and "m-01speed" in squeezed
    if lang == "lv":
        assert "bet ne 720p" in text and "nav datu" in text and "2026. gada 20. novembris" in text
    else:
        assert "can stream 480p, not 720p" in text and "20 November 2026" in text


def test_pdf_is_a4_with_several_pages_and_renders_to_png(
    rendered: Rendered, tmp_path: Path
) -> None:
    _lang, pdf, _fetcher = rendered
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=30).stdout
    assert "(A4)" in info
    pages = re.search(r"Pages:\s+(\d+)", info)
    assert pages is not None and int(pages.group(1)) >= 6
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    assert len(list(tmp_path.glob("p-*.png"))) == 3


def test_only_allowed_resources_are_fetched(rendered: Rendered) -> None:
    _lang, _pdf, fetcher = rendered
    assert fetcher.refused == []
    allowed = [str(r) for r in fetcher.roots]
    for url in fetcher.requested:
        assert url.startswith("data:") or any(url.startswith(Path(a).as_uri()) for a in allowed), (
            url
        )
    assert any(url.endswith("report.css") for url in fetcher.requested)
    assert any(url.endswith("heatmap-2.svg") for url in fetcher.requested)


def test_the_appendix_lists_what_failed_and_why(rendered: Rendered) -> None:
    """The visit's facts say what is missing and why; the appendix shows it for the
    reviewer: here the iperf3 run against ap-207 that timed out."""
    lang, pdf, _fetcher = rendered
    squeezed = _squeezed(pdf_text(pdf))
    title = (
        "Neizdevušiesunizlaistiemērījumi" if lang == "lv" else "Measurementsthatfailedorwereskipped"
    )
    assert title in squeezed
    assert "iperf3serverdidnotanswerwithin10s" in squeezed
