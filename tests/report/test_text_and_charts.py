"""Data strings are made inert; charts are vector SVG with escaped labels."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from netsurvey.report import charts
from netsurvey.report.text import clean_text


def test_controls_and_bidi_overrides_are_stripped() -> None:
    assert clean_text("a\u202eb\x00c\x1bd\u2066e\nf") == "abcde f"


def test_long_text_is_cut_and_breakable() -> None:
    text = clean_text("x" * 10_000)
    assert len(text.replace("\u200b", "")) == 200 and text.endswith("…")
    assert "\u200b" in text
    sha = "a" * 64
    assert clean_text(sha) == sha  # hashes stay whole


def test_score_chart_is_svg_with_escaped_labels_and_no_data() -> None:
    svg = charts.score_bars(
        [charts.Bar("<script>x</script>", 48.0), charts.Bar("PoE", None)], "nav datu"
    )
    root = ET.fromstring(svg)  # well-formed XML
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<script>x</script>" in texts and "nav datu" in texts
    assert "<script>" not in svg


def test_rho_chart_marks_the_design_target() -> None:
    svg = charts.rho_chart([charts.RhoRow("S2 · Wi-Fi", 0.9, 1.1, 1.3)], "ρ = 1", "no data")
    ET.fromstring(svg)
    assert "ρ = 1" in svg and "stroke-dasharray" in svg
    uri = charts.data_uri(svg)
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == svg
