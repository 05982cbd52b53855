"""`netsurvey verify`: changed, missing and added files are named; signatures check out."""

from __future__ import annotations

from pathlib import Path

from netsurvey.cli import main
from netsurvey.integrity import verify_visit
from netsurvey.records import Measurement, VisitWriter, create_visit, iso, new_id, utc_now
from probes.base import RawArtifact


def sealed_visit(tmp_path: Path) -> Path:
    directory = create_visit(
        tmp_path,
        school_id="s",
        school_json={},
        inventory_path="i",
        inventory_sha256="0",
        operator=None,
    )
    writer = VisitWriter.open(directory)
    mid = new_id()
    refs = writer.write_raw(mid, [RawArtifact("out.txt", b"raw evidence")])
    now = iso(utc_now())
    writer.append(
        Measurement(
            id=mid,
            job_id="j",
            probe="reachability",
            status="ok",
            started_at=now,
            finished_at=now,
            duration_s=0.0,
            raw=refs,
        )
    )
    writer.seal()
    return directory


def test_intact_visit(tmp_path: Path, capsys: object) -> None:
    directory = sealed_visit(tmp_path)
    assert verify_visit(directory).ok
    assert main(["verify", str(directory)]) == 0


def test_changed_missing_added_are_named(tmp_path: Path) -> None:
    directory = sealed_visit(tmp_path)
    raw = next((directory / "raw").iterdir())
    raw.write_bytes(b"tampered")
    (directory / "raw" / "extra.txt").write_text("new")
    (directory / "visit.json").unlink()
    report = verify_visit(directory)
    assert not report.ok
    assert report.changed == (f"raw/{raw.name}",)
    assert report.added == ("raw/extra.txt",)
    assert report.missing == ("visit.json",)
    assert main(["verify", str(directory)]) == 4


def test_signature_round_trip_and_tamper(tmp_path: Path) -> None:
    directory = sealed_visit(tmp_path / "v")
    key = tmp_path / "tech.key"
    assert main(["verify", "--new-key", str(key)]) == 0
    assert main(["verify", str(directory), "--sign", str(key), "--signer", "Anna"]) == 0
    assert verify_visit(directory).signature.startswith("valid")  # type: ignore[union-attr]
    (directory / "measurements.jsonl").write_text("")
    # re-sealing after a change makes a new manifest that the old signature does not cover
    assert main(["verify", str(directory), "--update"]) == 4
    assert verify_visit(directory).signature.startswith("INVALID")  # type: ignore[union-attr]
