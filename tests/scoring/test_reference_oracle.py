"""The vectorised model agrees with the plain per-school reference (tests/scoring/reference.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.model import ChunkResult, evaluate
from netsurvey.scoring.profile import Profile

from .conftest import schools
from .reference import Reference, RefSchool

DRAWS = 24
SEED = 11


def close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-9)


def actual_count(school: SchoolFeatures, kind: str) -> int:
    if kind in ("radio", "port"):
        return len(school.aps)
    if kind in ("uplink", "poe"):
        return len(school.switches)
    if kind in ("circuit", "rcd"):
        return len(school.circuits)
    if kind == "wan":
        return 1
    return len(school.rooms)


def split(index: int, sizes: list[int]) -> tuple[int, int]:
    for segment, size in enumerate(sizes):
        if index < size:
            return segment, index
        index -= size
    raise AssertionError("index beyond segments")


def assert_same(chunk: ChunkResult, index: int, ref: RefSchool, where: str) -> None:
    school = chunk.batch.schools[index]
    rooms = len(school.rooms)
    for vec, exp in zip(chunk.scenarios, ref.scenarios, strict=True):
        sid = vec.scenario.id
        assert set(vec.dimensions) == set(exp.dimensions), f"{where} {sid}"
        for name, dim in vec.dimensions.items():
            want = exp.dimensions[name]
            label = f"{where} {sid}/{name}"
            assert bool(dim.present[index]) == want.present, label
            if not want.present:
                continue
            for field in (
                "rho_p10",
                "rho_p50",
                "rho_q",
                "rho_sat",
                "score",
                "p_pass",
                "severity_q",
            ):
                got = float(getattr(dim, field)[index])
                assert close(got, getattr(want, field)), (
                    f"{label} {field}: {got} != {getattr(want, field)}"
                )
            padded = [count for _, count in dim.segments]
            actual = [actual_count(school, kind) for kind, _ in dim.segments]
            got_el = split(int(dim.element[index]), padded)
            assert got_el == split(want.element, actual), f"{label} element"
            got_sev = split(int(dim.severity_element[index]), padded)
            assert got_sev == split(want.severity_element, actual), f"{label} severity element"
        if exp.max_pupils is not None:
            assert vec.max_pupils is not None
            got_max = [float(v) for v in vec.max_pupils[index, :rooms]]
            assert all(close(g, w) for g, w in zip(got_max, exp.max_pupils, strict=True)), sid
        for rung, ok in exp.room_pass.items():
            assert [bool(v) for v in vec.room_pass[rung][index, :rooms]] == ok, f"{sid} {rung}"
        if exp.test_start_s is not None:
            assert vec.test_start_s is not None
            assert close(float(vec.test_start_s[index]), exp.test_start_s), f"{sid} test start"
    assert close(float(chunk.wan_down_p10_mbps[index]), ref.wan_down_p10_mbps)
    k = len(school.circuits)
    assert all(
        close(float(g), w)
        for g, w in zip(chunk.carts_per_circuit[index, :k], ref.carts_per_circuit, strict=True)
    )
    w = len(school.switches)
    assert all(
        close(float(g), e)
        for g, e in zip(chunk.poe_headroom_aps[index, :w], ref.poe_headroom_aps, strict=True)
    )


def test_fixture_schools_match_reference(
    latvia: tuple[SchoolFeatures, ...], profile: Profile
) -> None:
    chunk = evaluate(latvia, profile, DRAWS, SEED)[0]
    for index, school in enumerate(latvia):
        assert_same(chunk, index, Reference(school, profile, DRAWS, SEED).run(), school.id)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(schools(), min_size=1, max_size=3, unique_by=lambda s: s.id))
def test_random_schools_match_reference(batch: list[SchoolFeatures], profile: Profile) -> None:
    chunk = evaluate(tuple(batch), profile, DRAWS, SEED)[0]
    for index, school in enumerate(batch):
        assert_same(chunk, index, Reference(school, profile, DRAWS, SEED).run(), school.id)


def test_chunking_and_neighbours_do_not_change_a_school(
    latvia: tuple[SchoolFeatures, ...], profile: Profile
) -> None:
    together = evaluate(latvia, profile, 50, 3, chunk_size=3)[0]
    alone = evaluate(latvia[2:], profile, 50, 3, chunk_size=1)[0]
    for a, b in zip(together.scenarios, alone.scenarios, strict=True):
        for name in a.dimensions:
            np.testing.assert_allclose(a.dimensions[name].score[2], b.dimensions[name].score[0])
            np.testing.assert_allclose(a.dimensions[name].rho_q[2], b.dimensions[name].rho_q[0])


def test_reference_is_exercised_on_a_saturated_school(
    latvia: tuple[SchoolFeatures, ...], profile: Profile
) -> None:
    ref = Reference(latvia[2], profile, DRAWS, SEED).run()
    assert ref.scenarios[0].dimensions["wan"].rho_q > 1.0
    with pytest.raises(AssertionError):
        assert ref.scenarios[0].dimensions["wan"].score > 0
