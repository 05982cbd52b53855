"""Fuzzing the inventory loader and the records reader: whatever bytes arrive, the
only exceptions are NetsurveyErrors with a one-line message."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsurvey.errors import NetsurveyError
from netsurvey.inventory import load_inventory
from netsurvey.records import read_visit

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = (REPO / "inventories" / "example.yaml").read_text(encoding="utf-8")
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["10.0.0.300", "::1", "B", "all", "0", "-1", "1e400"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def assert_one_line(error: NetsurveyError) -> None:
    text = error.one_line()
    assert text and "\n" not in text and "Traceback" not in text


def load_text(text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "inv.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        try:
            load_inventory(path)
        except NetsurveyError as exc:
            assert_one_line(exc)


@FUZZ
@given(st.binary(max_size=400))
def test_inventory_random_bytes(data: bytes) -> None:
    load_text(data)


@FUZZ
@given(st.integers(0, len(EXAMPLE)), st.integers(0, 40), st.text(max_size=20))
def test_inventory_mutated_example(position: int, cut: int, insert: str) -> None:
    load_text(EXAMPLE[:position] + insert + EXAMPLE[position + cut :])


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "id",
                    "name",
                    "municipality",
                    "scope",
                    "pupils",
                    "rooms",
                    "devices",
                    "carts",
                    "circuits",
                    "wifi",
                    "wan",
                    "survey",
                    "test_servers",
                    "floors",
                ]
            ),
            values,
        ),
        max_size=6,
    )
)
def test_inventory_structured_garbage(fields: list[tuple[str, object]]) -> None:
    base = yaml.safe_load(EXAMPLE)
    school = base["schools"][0]
    for key, value in fields:
        school[key] = value
    load_text(yaml.safe_dump(base, allow_unicode=True))


def _visit_with(lines: bytes) -> Path:
    directory = Path(tempfile.mkdtemp())
    (directory / "visit.json").write_text(
        json.dumps({"schema_version": 1, "visit_id": "v", "school_id": "s"})
    )
    (directory / "measurements.jsonl").write_bytes(lines)
    return directory


@FUZZ
@given(st.binary(max_size=600))
def test_records_random_bytes(data: bytes) -> None:
    try:
        read_visit(_visit_with(data))
    except NetsurveyError as exc:
        assert_one_line(exc)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "schema_version",
                "id",
                "job_id",
                "probe",
                "status",
                "started_at",
                "metrics",
                "details",
                "raw",
                "error",
                "target",
                "params",
                "warnings",
            ]
        ),
        values,
        max_size=10,
    )
)
def test_records_structured_garbage(record: dict[str, object]) -> None:
    line = json.dumps(record, default=str).encode() + b"\n"
    try:
        read_visit(_visit_with(line))
    except NetsurveyError as exc:
        assert_one_line(exc)
