"""A finished class test -> one ``class_test`` record through ``netsurvey.records``.

The record holds the class figures (metrics), the per-seat results and flags
(details), and one raw sidecar with every seat's samples (download bins as the seat
received them, upload bins as the server received them, video bins, RTT samples).
About the pupils it holds seat numbers only; user agent and connection type are
facts about the device.
"""

from __future__ import annotations

import json
from typing import Any

from netsurvey import __version__
from netsurvey.classtest.session import ClassResult
from netsurvey.records import Measurement, VisitWriter, clean_json, clean_metrics, new_id
from probes.base import RawArtifact

PROBE = "class_test"
TOOL = "netsurvey-classtest"
RAW_NAME = "class-test-samples.json"
METRICS = (
    "aggregate_download_bps", "aggregate_upload_bps", "download_p10_bps", "download_p50_bps",
    "upload_p10_bps", "upload_p50_bps", "jain_fairness", "jain_fairness_download",
    "jain_fairness_upload", "rtt_p50_s", "goodput_limit_bps", "video_rate_bps",
)  # fmt: skip


def class_test_measurement(
    writer: VisitWriter, result: ClassResult, *, job_id: str | None = None
) -> Measurement:
    """Write the raw sidecar and return the record (not yet appended)."""
    measurement_id = new_id("m")
    summary = result.to_json()
    raw_bytes = json.dumps(clean_json(result.raw_samples), ensure_ascii=False).encode("utf-8")
    raw = writer.write_raw(measurement_id, [RawArtifact(RAW_NAME, raw_bytes, "application/json")])
    metrics: dict[str, float | None] = {key: summary.get(key) for key in METRICS}
    metrics["seats_joined"] = float(summary["seats_joined"])
    metrics["seats_full"] = float(summary["seats_full"])
    metrics["video_sustained_count"] = float(summary["video_sustained_count"])
    full = summary["seats_full"] > 0
    details: dict[str, Any] = {
        key: value for key, value in summary.items() if key not in METRICS or key == "plan"
    }
    return Measurement(
        id=measurement_id,
        job_id=job_id or f"class_test:{result.room}",
        probe=PROBE,
        status="ok" if full else "failed",
        started_at=result.test_started_at,
        finished_at=result.finished_at,
        duration_s=result.plan.total_s,
        target={"room": result.room},
        params={"video_rate_bps": str(result.plan.video_rate_bps),
                "player_buffer_s": str(result.plan.player_buffer_s)},
        tool=TOOL,
        tool_version=__version__,
        metrics=clean_metrics(metrics),
        details=clean_json(details),
        error=None if full else {"type": "NoFullSeats",
                                 "message": "no seat took part in the whole test"},
        raw=raw,
    )


def write_class_test(writer: VisitWriter, result: ClassResult) -> Measurement:
    """Append the class test to the visit (fsynced) and return the record."""
    measurement = class_test_measurement(writer, result)
    writer.append(measurement)
    return measurement
