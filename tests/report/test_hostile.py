"""Hostile strings from devices and surveys are inert text; nothing outside is ever read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from netsurvey.report.render import ConfinedFetcher, ReportRenderer
from netsurvey.report.scoresfile import load_scores
from netsurvey.report.viewmodel import build_view
from netsurvey.report.visitfiles import read_visit_files

from .conftest import load_json, pdf_text, requires_tool, write_json

IMG = '<img src="file:///etc/passwd">'
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    secret = folder / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')
    return secret


def _make_hostile(visit_dir: Path, scores_path: Path, outside: Path) -> None:
    scores = load_json(scores_path)
    entry = scores["schools"][0]
    entry["name"] = f"Skola {IMG} {SCRIPT}"
    entry["bottleneck"]["element"] = f'{SCRIPT} <link rel="stylesheet" href="{outside.as_uri()}">'
    entry["recommendations"][0]["title"] = (
        f"Add AP <style>body{{background:url({outside.as_uri()})}}</style>"
    )
    entry["missing"] = ["wifi: \u202eevil\u202c room \x07 bell", "x" * 10_000]
    write_json(scores_path, scores)

    lines = (visit_dir / "measurements.jsonl").read_bytes().splitlines()
    hostile_lines = []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if record["id"] == "m-02snmpcore":
            device = record["details"]["device"]
            device["system"]["sys_name"] = f'<img src="{outside.as_uri()}">'
            device["system"]["model"] = "INVALIDUTF8"
        if record["id"] == "m-04wifi207":
            record["params"]["room"] = "2\u202e07 " + "R" * 10_000
        hostile_lines.append(json.dumps(record).encode())
    data = b"\n".join(hostile_lines).replace(b"INVALIDUTF8", b"bad \xff\xfe bytes")
    (visit_dir / "measurements.jsonl").write_bytes(data + b"\n")
    # a heatmap that is really a symlink to a file outside the visit
    (visit_dir / "out" / "heatmap-9.svg").symlink_to(outside)


@requires_tool("pdftotext")
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_hostile_names_are_inert_text(
    visit_dir: Path, scores_path: Path, outside: Path, tmp_path: Path, lang: str
) -> None:
    _make_hostile(visit_dir, scores_path, outside)
    scores = load_scores(scores_path)
    visit = read_visit_files(visit_dir)
    view = build_view(scores.entry_for(visit.path, "jaunciems"), scores, visit)
    assert [h.floor for h in view.wifi.heatmaps] == ["2"]  # the symlink is not followed

    renderer = ReportRenderer(lang)
    html = renderer.render_html(view)
    assert "<script>" not in html and '<img src="file:///etc/passwd">' not in html
    assert "&lt;script&gt;" in html

    fetcher = renderer.fetcher_for(view)
    pdf = renderer.render_pdf(view, tmp_path / "hostile.pdf", fetcher)
    for url in fetcher.requested:
        assert "passwd" not in url and "outside" not in url, url

    text = pdf_text(pdf)
    assert IMG in text
    assert "<script>alert(1)</script>" in text
    assert "\u202e" not in text and "\x07" not in text
    assert re.search("bad \ufffd\ufffd\\s+bytes", text)
    assert "xxxxxxxxxxxxxxxxxxxx" in text


def test_fetcher_refuses_everything_outside_the_allowed_folders(
    visit_dir: Path, outside: Path, tmp_path: Path
) -> None:
    fetcher = ConfinedFetcher([visit_dir])
    inside = visit_dir / "out" / "heatmap-2.svg"
    response = fetcher.fetch(inside.as_uri())
    assert b"<svg" in response.read()
    response.close()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"

    link = visit_dir / "out" / "link.svg"
    link.symlink_to(outside)
    refused = [
        outside.as_uri(),
        "file:///etc/passwd",
        link.as_uri(),
        (visit_dir / ".." / ".." / ".." / ".." / "outside" / "secret.svg").as_uri(),
        "http://127.0.0.1:9/x.png",
        "https://example.invalid/font.woff",
        "ftp://127.0.0.1/x",
        "file://remotehost/etc/passwd",
    ]
    for url in refused:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.refused == refused
