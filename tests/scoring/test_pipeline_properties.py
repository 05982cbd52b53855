"""Any school, however incomplete, gives valid scores.json: no NaN, no 0 for missing data."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.output import scores_document
from netsurvey.scoring.pipeline import score_schools
from netsurvey.scoring.profile import Profile

from .conftest import schools


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(schools(), min_size=1, max_size=3, unique_by=lambda s: s.id))
def test_any_school_gives_valid_json(batch: list[SchoolFeatures], profile: Profile) -> None:
    results = score_schools(tuple(batch), profile, draws=20, seed=1)
    text = json.dumps(scores_document(results, profile, 20, 1), allow_nan=False)
    for school, result in zip(batch, json.loads(text)["schools"], strict=True):
        assert result["school_id"] == school.id
        scored = [d["score"] for d in result["dimensions"].values() if d["score"] is not None]
        overall = result["overall"]
        if overall["status"] == "complete":
            assert overall["score"] == (min(scored) if scored else None)
            assert overall["missing_dimensions"] == []
        else:
            assert overall["score"] is None and overall["grade"] is None
            assert overall["missing_dimensions"]
            for name in overall["missing_dimensions"]:
                entry = result["coverage"][name]
                assert not entry["complete"] or result["dimensions"][name]["score"] is None
        for name, entry in result["dimensions"].items():
            if entry["score"] is None:
                assert any(note.startswith(f"{name}:") for note in result["missing"])
        if school.wan is None:
            assert result["dimensions"]["wan"]["score"] is None
        for step in result["recommendations"]:
            assert step["score_gain"] >= 0
