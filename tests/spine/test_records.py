"""Visit records: append-only, torn lines skipped, schema versions, redaction, manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netsurvey.errors import RecordsError, SchemaVersionError
from netsurvey.records import (
    Measurement,
    VisitWriter,
    build_manifest,
    create_visit,
    iso,
    new_id,
    read_visit,
    utc_now,
)
from probes.base import RawArtifact


def make_visit(root: Path) -> Path:
    return create_visit(
        root,
        school_id="s1",
        school_json={"id": "s1"},
        inventory_path="inv.yaml",
        inventory_sha256="0" * 64,
        operator="Anna",
    )


def record(job_id: str, status: str = "ok", **extra: Any) -> Measurement:
    now = iso(utc_now())
    return Measurement(
        id=new_id(),
        job_id=job_id,
        probe="reachability",
        status=status,  # type: ignore[arg-type]
        started_at=now,
        finished_at=now,
        duration_s=0.1,
        **extra,
    )


def test_round_trip_and_provenance(tmp_path: Path) -> None:
    visit_dir = make_visit(tmp_path)
    writer = VisitWriter.open(visit_dir)
    writer.append(record("a", metrics={"up": 1.0, "rtt_p50_s": None}))
    writer.append(record("b", "failed", error={"type": "ProbeTimeout", "message": "no answer"}))
    visit = read_visit(visit_dir)
    assert [m.job_id for m in visit.measurements] == ["a", "b"]
    assert visit.measurements[0].metrics["rtt_p50_s"] is None
    assert visit.ok_job_ids() == {"a"}
    info = visit.info.data
    assert info["operator"] == "Anna" and info["laptop"]["host"] and info["netsurvey_version"]
    assert info["started_at"].endswith("+00:00")


def test_torn_last_line_is_skipped_and_repaired(tmp_path: Path) -> None:
    visit_dir = make_visit(tmp_path)
    writer = VisitWriter.open(visit_dir)
    writer.append(record("a"))
    with (visit_dir / "measurements.jsonl").open("ab") as handle:
        handle.write(b'{"schema_version": 1, "id": "m-torn", "probe": "reach')
    visit = read_visit(visit_dir)
    assert [m.job_id for m in visit.measurements] == ["a"]
    assert "torn last line" in visit.skipped_lines[0]
    VisitWriter.open(visit_dir).append(record("c"))  # appending after a torn line still works
    assert [m.job_id for m in read_visit(visit_dir).measurements] == ["a", "c"]


def test_newer_schema_refused(tmp_path: Path) -> None:
    visit_dir = make_visit(tmp_path)
    line = record("a").to_json() | {"schema_version": 99}
    (visit_dir / "measurements.jsonl").write_text(json.dumps(line) + "\n")
    with pytest.raises(SchemaVersionError, match="newer netsurvey"):
        read_visit(visit_dir)


def test_not_a_visit(tmp_path: Path) -> None:
    with pytest.raises(RecordsError, match="not found"):
        read_visit(tmp_path)


def test_raw_sidecar_redacted_and_hashed(tmp_path: Path) -> None:
    import hashlib

    visit_dir = make_visit(tmp_path)
    writer = VisitWriter.open(visit_dir)
    refs = writer.write_raw(
        "m-1", [RawArtifact("walk.txt", b"community s3cr3t-value used")], ["s3cr3t-value"]
    )
    data = (visit_dir / refs[0].path).read_bytes()
    assert b"s3cr3t-value" not in data
    assert refs[0].sha256 == hashlib.sha256(data).hexdigest()


def test_manifest_lists_every_file(tmp_path: Path) -> None:
    visit_dir = make_visit(tmp_path)
    writer = VisitWriter.open(visit_dir)
    writer.write_raw("m-1", [RawArtifact("x.txt", b"x")])
    writer.append(record("a"))
    writer.seal()
    files = build_manifest(visit_dir)["files"]
    assert set(files) == {"visit.json", "measurements.jsonl", "raw/m-1-x.txt"}


def test_link_loading_jobs_run_after_quiet_ones(tmp_path: Path) -> None:
    """Latency and utilisation are measured before our own bandwidth tests load the link."""
    import asyncio
    from collections.abc import Mapping
    from typing import ClassVar

    from netsurvey.runner import Job, run_jobs
    from probes.base import ProbeResult, RawOutput, Target

    order: list[str] = []

    class Quiet:
        name: ClassVar[str] = "quiet"
        summary: ClassVar[str] = ""
        loads_link: ClassVar[bool] = False
        max_concurrency: ClassVar[int] = 4
        default_timeout_s: ClassVar[float] = 5

        def check(self) -> None:
            pass

        async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
            await asyncio.sleep(0.05)
            order.append(f"{self.name}:{params['n']}")
            return RawOutput(artifacts=(), tool="test")

        def parse(self, raw: RawOutput) -> ProbeResult:
            return ProbeResult()

    class Loader(Quiet):
        name: ClassVar[str] = "loader"
        loads_link: ClassVar[bool] = True

    probes = {"quiet": Quiet(), "loader": Loader()}
    jobs = [
        Job(f"{kind}:{n}", kind, Target(), {"n": str(n)})
        for n in range(3)
        for kind in ("loader", "quiet")
    ]
    outcome = run_jobs(jobs, VisitWriter.open(make_visit(tmp_path)), probes.__getitem__)
    assert all(m.status == "ok" for m in outcome.measurements)
    assert order[:3] == ["quiet:0", "quiet:1", "quiet:2"] and len(order) == 6
