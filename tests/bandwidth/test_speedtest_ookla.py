"""Issue #16: Ookla's official Speedtest CLI JSON is evidence with the right units
(its bandwidths are bytes/s), read from a real result; anything else is refused with
a message naming the formats."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from probes.base import ProbeParamError, ProbeParseError, RawArtifact, RawOutput, Target
from probes.speedtest import SpeedtestProbe, parse_speedtest_json

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "bandwidth" / "ookla_result.json"
REPO = Path(__file__).resolve().parent.parent.parent
CORPUS_FILE = "bandwidth/speedtest/speedtest-cli__pippcat__speedtest.json"


def _parse(data: bytes, name: str = "ookla.json") -> dict[str, object]:
    raw = RawOutput(artifacts=(RawArtifact(name, data),), tool="replay:ookla-speedtest")
    result = SpeedtestProbe().parse(raw)
    assert result.status == "ok"
    return {"metrics": result.metrics, "details": result.details}


def test_pretty_ookla_result_becomes_bits_per_second() -> None:
    parsed = _parse(FIXTURE.read_bytes())
    metrics = parsed["metrics"]
    assert metrics["download_bps"] == 10941393 * 8  # type: ignore[index]
    assert metrics["upload_bps"] == 11838684 * 8  # type: ignore[index]
    assert metrics["rtt_ms"] == 3.214  # type: ignore[index]
    details = parsed["details"]
    assert details["format"] == "ookla"  # type: ignore[index]
    (sample,) = details["samples"]  # type: ignore[index]
    assert sample["jitter_ms"] == pytest.approx(0.209)
    assert sample["packet_loss_ratio"] == 0.0
    assert sample["bytes_received"] == 39562829


def test_one_line_json_and_jsonl_progress_give_the_same_result() -> None:
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    one_line = json.dumps(document).encode()
    assert parse_speedtest_json(one_line) == parse_speedtest_json(FIXTURE.read_bytes())
    progress = json.dumps({"type": "testStart", "timestamp": document["timestamp"]})
    with_progress = (progress + "\n" + json.dumps(document) + "\n").encode()
    assert parse_speedtest_json(with_progress) == parse_speedtest_json(one_line)


def test_ookla_progress_without_result_is_refused_by_name() -> None:
    progress = b'{"type":"testStart","timestamp":"2021-02-03T22:25:46Z"}\n'
    with pytest.raises(ProbeParseError, match=r"Ookla Speedtest CLI JSON .* no result line"):
        parse_speedtest_json(progress, "run.jsonl")


def test_unknown_json_names_both_accepted_formats(corpus: Path) -> None:
    iperf = sorted((corpus / "bandwidth" / "iperf3").glob("*.res"))[0].read_bytes()
    with pytest.raises(ProbeParseError) as caught:
        parse_speedtest_json(iperf, "iperf.json")
    message = str(caught.value)
    assert "speedtest-cli --json" in message and "Ookla Speedtest CLI JSON" in message


def test_speedtest_cli_lines_still_read(corpus: Path) -> None:
    results = parse_speedtest_json((corpus / CORPUS_FILE).read_bytes())
    assert [r.get("format") for r in results] == [None, None]


def test_replay_param_keeps_the_file_as_evidence() -> None:
    raw = asyncio.run(SpeedtestProbe().collect(Target(None, None), {"replay": str(FIXTURE)}))
    assert raw.tool == "replay:ookla-speedtest"
    assert raw.artifacts[0].data == FIXTURE.read_bytes()
    assert SpeedtestProbe().parse(raw).metrics["download_bps"] == 10941393 * 8


def test_replay_of_a_missing_file_is_a_param_error(tmp_path: Path) -> None:
    with pytest.raises(ProbeParamError, match="cannot read"):
        asyncio.run(
            SpeedtestProbe().collect(Target(None, None), {"replay": str(tmp_path / "none.json")})
        )


def test_cli_probe_replay_prints_the_record_as_json() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "netsurvey",
            "probe",
            "speedtest",
            "--param",
            f"replay={FIXTURE}",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.splitlines()[0])
    assert record["status"] == "ok"
    assert record["metrics"]["download_bps"] == 10941393 * 8
    assert record["details"]["format"] == "ookla"
