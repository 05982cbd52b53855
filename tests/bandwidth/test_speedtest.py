"""speedtest-cli as a library against a local speedtest-compatible server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from netsurvey.lab.ports import free_port
from netsurvey.lab.speedtest_server import (
    SpeedtestServer,
    SpeedtestServerConfig,
    SpeedtestServerProcess,
)
from probes.base import (
    LOOPBACK_ONLY,
    ProbeParamError,
    ProbeRefused,
    RawArtifact,
    RawOutput,
    ScopeViolation,
    Target,
)
from probes.speedtest import SpeedtestProbe, config_from_xml, parse_speedtest_json
from tests.bandwidth.bandwidth_lab import LAB_SCOPE, BandwidthLab
from tests.jsonread import obj

GOODPUT = 1448 / 1514
CORPUS_FILE = "bandwidth/speedtest/speedtest-cli__pippcat__speedtest.json"
pytestmark = pytest.mark.timeout(60)


def test_parse_old_format_json_lines_from_corpus(corpus: Path) -> None:
    data = (corpus / CORPUS_FILE).read_bytes()
    assert len(parse_speedtest_json(data)) == 2
    result = SpeedtestProbe().parse(
        RawOutput(artifacts=(RawArtifact("speedtest.json", data),), tool="speedtest-cli")
    )
    assert result.metrics["download_bps"] == pytest.approx(
        (9811085.25680147 + 28475758.053190384) / 2
    )
    assert result.metrics["upload_bps"] == pytest.approx(
        (17122819.37311351 + 18208257.90675227) / 2
    )
    assert result.metrics["rtt_ms"] == pytest.approx((32.686 + 39.538) / 2)
    assert result.metrics["rtt_s"] == pytest.approx((32.686 + 39.538) / 2000)
    assert obj(result.details["server"])["sponsor"] == "TETA s.r.o."
    assert obj(result.details["server"])["host"] == "speedtest.tetanet.cz:8080"
    assert any("different servers" in w for w in result.warnings)


def test_config_xml_is_read_like_the_library_does() -> None:
    xml = SpeedtestServerConfig(test_length_s=3, upload_ratio=5, upload_max_chunks=30).config_xml()
    config, lat_lon = config_from_xml(xml.encode())
    assert config["sizes"]["upload"] == [524288, 1048576, 7340032]
    assert config["counts"] == {"upload": 10, "download": 4}
    assert config["threads"] == {"upload": 4, "download": 4}
    assert config["length"] == {"upload": 3, "download": 3}
    assert config["upload_max"] == 30
    assert lat_lon == (56.9496, 24.1052)


def _collect(params: dict[str, str], target: Target | None = None) -> tuple[RawOutput, object]:
    probe = SpeedtestProbe()
    raw = asyncio.run(probe.collect(target or Target(scope=LOOPBACK_ONLY), params))
    return raw, probe.parse(raw)


def test_loopback_run_with_configured_urls() -> None:
    with SpeedtestServer(config=SpeedtestServerConfig(test_length_s=1)) as server:
        raw, result = _collect(
            {
                "config_url": server.config_url,
                "servers_url": server.servers_url,
                "server_url": server.server_url,
                "samples": "2",
            }
        )
    assert result.status == "ok"  # type: ignore[attr-defined]
    metrics = result.metrics  # type: ignore[attr-defined]
    assert metrics["download_bps"] > 50e6 and metrics["upload_bps"] > 50e6
    assert 0 < metrics["rtt_ms"] < 100
    details = result.details  # type: ignore[attr-defined]
    assert details["server"]["id"] == "4242"
    assert details["server"]["name"] == "Riga (lab)"
    assert len(details["samples"]) == 2
    assert details["link"]["kind"] == "loopback"
    assert [a.name for a in raw.artifacts] == ["speedtest-1.json", "speedtest-2.json"]
    assert raw.tool == "speedtest-cli" and raw.tool_version == "2.1.3"


def test_out_of_scope_server_is_refused_before_contact() -> None:
    with SpeedtestServer() as server, pytest.raises(ScopeViolation, match=r"192\.0\.2\.7"):
        _collect(
            {"config_url": server.config_url, "server_url": "http://192.0.2.7/speedtest/upload.php"}
        )
    with pytest.raises(ScopeViolation, match=r"www\.speedtest\.net"):
        _collect({})  # the library's default configuration host is not in a loopback scope


def test_dead_server_is_a_clear_failure() -> None:
    port = free_port()
    with pytest.raises(ProbeRefused, match="cannot fetch"):
        _collect({"config_url": f"http://127.0.0.1:{port}/speedtest-config.php"})


def test_bad_url_param() -> None:
    with pytest.raises(ProbeParamError, match="http"):
        _collect({"server_url": "ftp://127.0.0.1/x"})


@pytest.mark.parametrize("rate_bps", [100e6])
def test_shaped_link_through_hosts_file_with_default_urls(
    bw_lab: BandwidthLab, rate_bps: float
) -> None:
    """The unmodified library's own speedtest.net URLs, answered by the lab server
    through the client namespace's /etc/netns hosts file."""
    bw_lab.shape(rate_bps)
    names = ["www.speedtest.net", "c.speedtest.net"]
    bw_lab.client.set_hosts(dict.fromkeys(names, bw_lab.server_ip))
    with SpeedtestServerProcess(bw_lab.server, bind=bw_lab.server_ip, port=80, test_length_s=3):
        run = bw_lab.probe_speedtest({}, scope_hosts=names)
    assert run.ok, run.error_message
    goodput = rate_bps * GOODPUT
    assert run.metrics["download_bps"] == pytest.approx(goodput, rel=0.10)
    assert run.metrics["upload_bps"] == pytest.approx(goodput, rel=0.10)
    assert run.details["server"]["host"] == "www.speedtest.net"
    assert run.details["link"]["interface"] == "eth0"
    assert LAB_SCOPE
