"""`netsurvey score` end to end: planning mode, scores.json contract, errors, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netsurvey.cli import main

from .conftest import LATVIA

DIMENSIONS = {"wifi", "lan", "wan", "poe", "power"}


def run_score(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["score", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_planning_mode_writes_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "scores.json"
    code, _, err = run_score(capsys, "--features", str(LATVIA), "--out", str(out), "--draws", "200")
    assert code == 0
    assert "lv-latgale-rural" in err and f"wrote {out}" in err
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 1 and doc["draws"] == 200
    assert doc["profile"]["name"] == "lv-2024" and doc["profile"]["version"] == "1.2"
    assert len(doc["profile"]["sha256"]) == 64
    schools = {s["school_id"]: s for s in doc["schools"]}
    assert set(schools) == {"lv-valmiera-vg", "lv-jelgava-psk", "lv-latgale-rural"}
    for school in schools.values():
        assert set(school["dimensions"]) == DIMENSIONS
        for key in (
            "overall",
            "scenarios",
            "bottleneck",
            "figures",
            "recommendations",
            "missing",
            "evidence",
            "visit",
            "visit_manifest_sha256",
            "name",
            "municipality",
        ):
            assert key in school
        for scenario in school["scenarios"]:
            assert {"id", "title", "must_pass", "dimensions"} <= set(scenario)
            for entry in scenario["dimensions"].values():
                if entry["score"] is not None:
                    assert {"rho_p10", "rho_p50", "rho_p90", "p_pass", "grade"} <= set(entry)
        figures = school["figures"]
        for key in (
            "max_pupils_per_radio",
            "sustainable_video",
            "test_start_load_s",
            "poe_headroom_aps",
            "carts_per_circuit",
            "benchmarks",
        ):
            assert key in figures
        assert {"dimension", "element", "room", "scenario", "severity", "text"} <= set(
            school["bottleneck"]
        )
    good, rural = schools["lv-valmiera-vg"], schools["lv-latgale-rural"]
    assert good["overall"]["grade"] == "A"
    assert rural["overall"]["grade"] == "F"
    assert rural["dimensions"]["power"]["score"] < 40
    assert rural["dimensions"]["wan"]["score"] < 40
    assert rural["figures"]["test_start_load_s"] > rural["figures"]["test_start_target_s"]
    assert rural["figures"]["carts_per_circuit"] == {"c-1": 0}
    assert rural["figures"]["poe_restricted_aps"] == ["ap-hall"]
    assert good["figures"]["sustainable_video"]["rung"] == "720p"
    fcc = {b["id"]: b for b in rural["figures"]["benchmarks"]}
    assert fcc["fcc-short"]["target_bps"] == 11_300_000
    assert fcc["eu-gigabit"]["met"] is False
    plan = rural["recommendations"]
    assert plan, "the struggling school gets an upgrade plan"
    assert plan[-1]["plan_score"] > rural["overall"]["score"]
    assert all(step["cost_eur"] >= 0 and step["title"] for step in plan)
    assert [step["plan_cost_eur"] for step in plan] == sorted(
        step["plan_cost_eur"] for step in plan
    )


def test_same_inputs_same_scores(capsys: pytest.CaptureFixture[str]) -> None:
    first = run_score(
        capsys, "--features", str(LATVIA), "--json", "--draws", "100", "--no-upgrades"
    )
    second = run_score(
        capsys, "--features", str(LATVIA), "--json", "--draws", "100", "--no-upgrades"
    )
    a, b = json.loads(first[1]), json.loads(second[1])
    a.pop("generated_at"), b.pop("generated_at")
    assert a == b
    third = run_score(
        capsys,
        "--features",
        str(LATVIA),
        "--json",
        "--draws",
        "100",
        "--no-upgrades",
        "--seed",
        "99",
    )
    c = json.loads(third[1])
    assert c["seed"] == 99 and c["schools"][0]["scenarios"] != a["schools"][0]["scenarios"]


def test_missing_dimension_is_null_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "schools:\n  - id: wired-only\n    name: Only a WAN test\n    students: 120\n    staff: 12\n"
        "    rooms:\n      - {id: '1', grade: 7, pupils: 20}\n"
        "    wan: {down_mbps: [95, 90]}\n"
    )
    code, out, _ = run_score(capsys, "--features", str(plan), "--json", "--draws", "50")
    assert code == 0
    school = json.loads(out)["schools"][0]
    assert school["dimensions"]["wan"]["score"] is not None
    for name in ("wifi", "lan", "poe", "power"):
        assert school["dimensions"][name]["score"] is None
        assert any(note.startswith(f"{name}:") for note in school["missing"])
    assert "wan: no upload samples, only the download direction is scored" in school["missing"]
    # The WAN is scored, but a grade needs every must-pass dimension measured well enough:
    # no Wi-Fi survey, no LAN figure, two speedtests where the profile asks for three.
    assert school["overall"] == {
        "score": None,
        "grade": None,
        "status": "incomplete",
        "missing_dimensions": ["wifi", "lan", "wan"],
    }
    assert school["coverage"]["wan"]["measured"] == 2
    assert school["coverage"]["wan"]["required"] == 3
    assert school["coverage"]["wifi"]["missing_items"] == ["1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--features", "nope.yaml"], "nope.yaml: cannot read"),
        ([], "nothing to score"),
        (["--features", str(LATVIA), "--profile", "mars"], "unknown scoring profile 'mars'"),
        (["--features", str(LATVIA), "--draws", "3"], "--draws 3"),
    ],
)
def test_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run_score(capsys, *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_other_profiles_run(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("uk-dfe", "us-fcc-setda"):
        code, out, _ = run_score(
            capsys,
            "--features",
            str(LATVIA),
            "--json",
            "--draws",
            "50",
            "--profile",
            name,
            "--no-upgrades",
        )
        assert code == 0
        assert json.loads(out)["profile"]["name"] == name


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    text = capsys.readouterr().out
    assert "netsurvey score --features" in text and "--out out/scores.json" in text
