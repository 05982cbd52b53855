"""iperf3 parsing on real recordings (corpus) and our own UDP recording; no network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from probes.base import JSONValue, ProbeFailed, ProbeParamError, RawArtifact, RawOutput, Target
from probes.iperf3 import (
    ClassroomLoadProbe,
    Iperf3Probe,
    Iperf3Settings,
    parse_iperf3_json,
)
from probes.linkinfo import LinkInfo
from probes.stats import jain_fairness
from tests.jsonread import arr, obj

FIXTURES = Path(__file__).parent / "fixtures"
NORMAL = "cloudpilot__latest2__host-eu-west-2_aws__bw_proxy_target_direct.res"
BYTES_10K = "cloudpilot__host-London_ibm__10k_file_host_proxy_forwarding_0.res"
BYTES_200M = "cloudpilot__real_server__large_file_host_proxy_k8s0_forwarding.res"
FAILED = "cloudpilot__latest__host-lon04_ibm__bw_proxy_target_direct.res"


def _raw(*files: Path, meta: dict[str, JSONValue] | None = None) -> RawOutput:
    artifacts = tuple(RawArtifact(f"iperf3-{i}.json", f.read_bytes()) for i, f in enumerate(files))
    return RawOutput(artifacts=artifacts, tool="iperf3", meta=meta or {})


@pytest.fixture
def iperf3_dir(corpus: Path) -> Path:
    return corpus / "bandwidth" / "iperf3"


def test_normal_tcp_run_reports_receiver_throughput(iperf3_dir: Path) -> None:
    result = Iperf3Probe().parse(_raw(iperf3_dir / NORMAL))
    assert result.status == "ok"
    assert result.metrics["throughput_bps"] == pytest.approx(464786288.6, rel=1e-9)
    assert result.metrics["retransmits_count"] == 0
    assert result.details["direction"] == "upload"
    assert result.details["protocol"] == "tcp"
    assert result.details["loss_suspected"] is False


def test_repeated_samples_give_percentiles(iperf3_dir: Path) -> None:
    result = Iperf3Probe().parse(_raw(iperf3_dir / NORMAL, iperf3_dir / BYTES_200M))
    low, high = 128359449.40574136, 464786288.6001836
    assert result.metrics["throughput_bps"] == pytest.approx((low + high) / 2)
    assert result.metrics["throughput_p10_bps"] == pytest.approx(low + 0.1 * (high - low))
    assert arr(result.details["samples_bps"]) == [pytest.approx(high), pytest.approx(low)]
    assert any("vary widely" in w for w in result.warnings)


def test_bytes_limited_run_with_retransmits_flags_loss(iperf3_dir: Path) -> None:
    result = Iperf3Probe().parse(_raw(iperf3_dir / BYTES_200M))
    assert result.metrics["throughput_bps"] == pytest.approx(128359449.4, rel=1e-6)
    assert result.metrics["retransmits_count"] == 337
    assert result.details["loss_suspected"] is True
    assert any("byte-limited" in w for w in result.warnings)
    assert any("retransmitted" in w for w in result.warnings)


def test_receiver_that_reported_nothing_is_invalid_not_zero(iperf3_dir: Path) -> None:
    result = Iperf3Probe().parse(_raw(iperf3_dir / BYTES_10K))
    assert result.status == "invalid"
    assert result.metrics["throughput_bps"] is None
    assert result.details["samples_bps"] == [None]
    assert any("receiver reported 0 bytes" in w for w in result.warnings)


def test_failed_run_raises_a_clear_probe_failure(iperf3_dir: Path) -> None:
    with pytest.raises(ProbeFailed, match="never connected"):
        parse_iperf3_json((iperf3_dir / FAILED).read_bytes(), FAILED)
    with pytest.raises(ProbeFailed, match="never connected"):
        Iperf3Probe().parse(_raw(iperf3_dir / FAILED))


def test_busy_server_document_raises() -> None:
    busy = {"start": {"connected": []}, "intervals": [], "end": {},
            "error": "the server is busy running a test. try again later"}  # fmt: skip
    with pytest.raises(ProbeFailed, match="busy"):
        parse_iperf3_json(json.dumps(busy))


def test_udp_recording_gives_loss_and_jitter() -> None:
    result = Iperf3Probe().parse(_raw(FIXTURES / "iperf3-3.12-udp-reverse-loss1pct.json"))
    assert result.details["protocol"] == "udp"
    assert result.details["direction"] == "download"
    assert result.metrics["loss_ratio"] == pytest.approx(250 / 23349)
    assert result.metrics["jitter_s"] == pytest.approx(0.007776590742367968e-3)
    assert result.metrics["throughput_bps"] == pytest.approx(89189638.65)
    assert "retransmits_count" not in result.metrics


def test_link_info_from_meta_flags_laptop_limit(iperf3_dir: Path) -> None:
    link = LinkInfo(interface="eth0", kind="wired", link_speed_bps=500e6)
    result = Iperf3Probe().parse(_raw(iperf3_dir / NORMAL, meta={"link": link.to_json()}))
    assert obj(result.details["link"])["limited_by_laptop"] is True
    assert obj(result.details["link"])["kind"] == "wired"
    assert any("laptop's own link speed" in w for w in result.warnings)


def test_wifi_link_is_named_in_warnings(iperf3_dir: Path) -> None:
    link = LinkInfo(
        interface="wlan0", kind="wifi", link_speed_bps=866.7e6, bssid="04:f0:21:2e:3f:10"
    )
    result = Iperf3Probe().parse(_raw(iperf3_dir / NORMAL, meta={"link": link.to_json()}))
    assert obj(result.details["link"])["bssid"] == "04:f0:21:2e:3f:10"
    assert obj(result.details["link"])["limited_by_laptop"] is True  # 465 of 867 Mbit/s PHY
    assert any("Wi-Fi" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"direction": "sideways"}, "download or upload"),
        ({"protocol": "sctp"}, "tcp or udp"),
        ({"seconds": "0"}, "seconds"),
        ({"streams": "many"}, "whole number"),
    ],
)
def test_bad_params_are_refused(params: dict[str, str], message: str) -> None:
    with pytest.raises(ProbeParamError, match=message):
        Iperf3Settings.from_params(Target(host="127.0.0.1"), params)


def test_settings_build_the_iperf3_command() -> None:
    settings = Iperf3Settings.from_params(
        Target(host="198.18.0.2", port=5300),
        {"protocol": "udp", "rate_bps": "50e6", "seconds": "4"},
    )
    argv = settings.argv("iperf3")
    assert argv[:5] == ["iperf3", "-c", "198.18.0.2", "-p", "5300"]
    assert {"-R", "-u", "-J"} <= set(argv)
    assert argv[argv.index("-b") + 1] == "50000000"


def test_jain_fairness() -> None:
    assert jain_fairness([10.0, 10.0, 10.0]) == pytest.approx(1.0)
    assert jain_fairness([30.0, 0.0, 0.0]) == pytest.approx(1 / 3)
    assert jain_fairness([]) is None


def test_classroom_parse_on_recordings(iperf3_dir: Path) -> None:
    data = (iperf3_dir / NORMAL).read_bytes()
    raw = RawOutput(
        artifacts=tuple(RawArtifact(f"classroom-flow-{i:03d}.json", data) for i in (1, 2)),
        tool="iperf3",
        meta={"settings": {"flows": 3, "rate_bps": 200e6}, "failures": ["flow 3: refused"]},
    )
    result = ClassroomLoadProbe().parse(raw)
    assert result.metrics["aggregate_bps"] == pytest.approx(2 * 464786288.6)
    assert result.metrics["fairness_ratio"] == pytest.approx(1.0)
    assert result.metrics["flows_count"] == 2
    assert result.metrics["demand_bps"] == 600e6
    assert any("only 2 of 3 flows" in w for w in result.warnings)
