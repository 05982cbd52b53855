"""The view model: scores.json entry + visit -> plain frozen data, missing stays missing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from netsurvey.errors import RecordsError, ReportError
from netsurvey.report.scoresentry import DIMENSIONS
from netsurvey.report.scoresfile import load_scores
from netsurvey.report.viewmodel import ReportView, build_view
from netsurvey.report.visitfiles import read_visit_files

from .conftest import load_json, write_json


def _view(visit_dir: Path, scores_path: Path) -> ReportView:
    scores = load_scores(scores_path)
    visit = read_visit_files(visit_dir)
    return build_view(scores.entry_for(visit.path, "jaunciems"), scores, visit)


def test_view_carries_scores_and_visit_facts(visit_dir: Path, scores_path: Path) -> None:
    view = _view(visit_dir, scores_path)
    assert view.school_name == "Jaunciema pamatskola"
    assert view.municipality == "Ādažu novads"
    assert view.overall.grade == "D" and view.overall.score == pytest.approx(47.6)
    assert view.meets_bar is False
    assert [d.key for d in view.dimensions] == list(DIMENSIONS)
    assert view.bottleneck is not None and view.bottleneck.element == "AP ap-207 radio 5 GHz"
    assert [u.id for u in view.top_upgrades] == ["ap-207-add", "wan-500"]
    assert view.top_upgrades_cost_eur == 2450
    assert view.plan is not None and view.plan.reaches_bar is True
    assert view.plan.total_cost_eur == 2450 and view.plan.final_grade == "B"
    assert [u.id for u in view.plan.beyond_bar] == ["cart-a-seq", "poe-switch"]
    assert all(u.beyond_bar for u in view.plan.beyond_bar)
    assert view.video is not None and (view.video.rung, view.video.next_rung) == ("480p", "720p")
    assert view.video.room == "207"
    assert view.pupils_count == 224
    assert view.provenance.skipped_lines == 1  # the torn last line
    assert view.provenance.manifest_matches is True
    assert view.wan.contract_down_bps == 300e6
    assert {t.kind for t in view.wan.tests} == {"speedtest", "latency"}
    assert {s.device_id for s in view.lan} == {"sw-core", "sw-floor2"}
    core = next(s for s in view.lan if s.device_id == "sw-core")
    assert core.ports_up_count == 3 and len(core.uplinks) == 2
    assert view.poe[0].headroom_w == pytest.approx(124.0)
    assert [r.room for r in view.wifi.rooms] == ["101", "207"]
    assert view.wifi.rooms[1].signal_median_dbm == pytest.approx(-70.5)
    assert [h.floor for h in view.wifi.heatmaps] == ["2"]
    assert view.power.carts[0].measured_power_w == 1380.0
    assert view.power.carts[1].measured_power_w is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.school_name = "x"  # type: ignore[misc]


def test_evidence_traces_measurements_and_raw_hashes(visit_dir: Path, scores_path: Path) -> None:
    view = _view(visit_dir, scores_path)
    by_figure = {e.figure: e for e in view.evidence}
    speed = by_figure["wan.download_bps"].measurements[0]
    assert speed.found and speed.tool == "speedtest-cli" and speed.tool_version == "2.1.3"
    assert speed.raw[0].sha256 == "a48f64a94ca7c2988218451016c22f741925905a6b7470c08124071dd501b4d1"
    missing = by_figure["wan.rtt_s"].measurements[1]
    assert missing.id == "m-missing" and not missing.found


def test_missing_dimension_is_none_never_zero(visit_dir: Path, scores_path: Path) -> None:
    scores = load_json(scores_path)
    entry = scores["schools"][0]
    entry["dimensions"]["poe"] = {"score": None, "grade": None}
    del entry["dimensions"]["power"]
    for key in ("bottleneck", "figures", "recommendations", "evidence", "scenarios"):
        del entry[key]
    write_json(scores_path, scores)
    view = _view(visit_dir, scores_path)
    dims = {d.key: d for d in view.dimensions}
    assert dims["poe"].score is None and dims["power"].score is None
    assert view.bottleneck is None and view.upgrades == () and view.video is None


def test_no_scores_entry_says_how_to_fix(visit_dir: Path, scores_path: Path) -> None:
    scores = load_json(scores_path)
    scores["schools"] = scores["schools"][1:]
    write_json(scores_path, scores)
    loaded = load_scores(scores_path)
    with pytest.raises(ReportError) as caught:
        loaded.entry_for(visit_dir, "jaunciems")
    assert "netsurvey score" in caught.value.one_line()


def test_newer_scores_schema_is_refused(scores_path: Path) -> None:
    scores = load_json(scores_path)
    scores["schema_version"] = 99
    write_json(scores_path, scores)
    with pytest.raises(RecordsError, match="newer"):
        load_scores(scores_path)


def test_visit_without_visit_json_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RecordsError, match=r"visit\.json"):
        read_visit_files(tmp_path)


def test_missing_dimension_renders_as_no_data(visit_dir: Path, scores_path: Path) -> None:
    from netsurvey.report.render import ReportRenderer

    scores = load_json(scores_path)
    scores["schools"][0]["dimensions"]["poe"] = {"score": None, "grade": None}
    write_json(scores_path, scores)
    view = _view(visit_dir, scores_path)
    for lang, no_data in (("lv", "nav datu"), ("en", "no data")):
        html = ReportRenderer(lang).render_html(view)
        row = html.split(">PoE<", 2)[1].split("</tr>", 1)[0]
        assert no_data in row and ">0<" not in row


def test_video_when_no_rung_fits(visit_dir: Path, scores_path: Path) -> None:
    from netsurvey.report.render import ReportRenderer

    scores = load_json(scores_path)
    scores["schools"][0]["figures"]["sustainable_video"]["rung"] = None
    write_json(scores_path, scores)
    view = _view(visit_dir, scores_path)
    assert view.video is not None and view.video.rung is None and view.video.next_rung == "360p"
    assert "nevar skatīties video pat 360p" in ReportRenderer("lv").render_html(view)
    assert "cannot stream video even at 360p" in ReportRenderer("en").render_html(view)


def test_infinite_load_reads_as_cannot_carry_never_as_no_data(
    visit_dir: Path, scores_path: Path
) -> None:
    import math

    from netsurvey.report.render import ReportRenderer

    scores = load_json(scores_path)
    entry = scores["schools"][0]
    s2 = next(s for s in entry["scenarios"] if s["id"] == "S2")
    s2["dimensions"]["wifi"]["rho_p90"] = "inf"
    entry["dimensions"]["wifi"]["rho_p90"] = "inf"
    write_json(scores_path, scores)
    view = _view(visit_dir, scores_path)
    scenario = next(s for s in view.scenarios if s.id == "S2")
    assert scenario.cannot_carry and scenario.fits is False
    assert math.isinf(next(d for d in view.dimensions if d.key == "wifi").rho_p90 or 0.0)
    html = ReportRenderer("lv").render_html(view)
    line = html[html.index('id="scenarios"') :]
    line = line[line.index("S2") :][:1500]
    assert "nespēj apkalpot šo klasi" in line and "nav datu" not in line
    english = ReportRenderer("en").render_html(view)
    assert "cannot carry this class" in english
