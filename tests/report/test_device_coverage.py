"""The report's LAN chapter shows, per device, which facts were read and which are
missing and why, in the report's language ('0 clients' is a reading, '—' is not)."""

from __future__ import annotations

from pathlib import Path

from netsurvey.report.locale import load_locale
from probes.device import COVERAGE_REASONS, COVERAGE_SECTIONS

from .conftest import RunCli, pdf_text, requires_tool


def test_every_section_and_reason_has_words() -> None:
    for lang in ("lv", "en"):
        locale = load_locale(lang)
        for section in COVERAGE_SECTIONS:
            assert locale.has(f"lan.coverage_{section}"), (lang, section)
        for reason in COVERAGE_REASONS:
            assert locale.has(f"lan.coverage_reason_{reason}"), (lang, reason)


@requires_tool("pdftotext")
def test_lan_chapter_lists_what_each_device_said(
    run_cli: RunCli, visit_dir: Path, scores_path: Path, tmp_path: Path
) -> None:
    pdfs = {}
    for lang in ("lv", "en"):
        out = tmp_path / f"r.{lang}.pdf"
        code, message = run_cli(
            "report", str(visit_dir), "--scores", str(scores_path), "--lang", lang, "--out",
            str(out),
        )  # fmt: skip
        assert code == 0, message
        pdfs[lang] = " ".join(pdf_text(out).split())
    assert "Ko katra ierīce pateica" in pdfs["lv"] and "nav PoE tabulas" in pdfs["lv"]
    assert "What each device told us" in pdfs["en"] and "no PoE table" in pdfs["en"]
