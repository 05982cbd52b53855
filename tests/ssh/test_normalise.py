"""Small value conversions the normaliser relies on: units and unknowns."""

from __future__ import annotations

import pytest

from netsurvey.errors import LabError
from netsurvey.lab.fakenos_host import FakeDevice, FakenosHosts
from probes.ssh_normalise import build_device, capabilities, poe_status, speed_bps, uptime_text_s


@pytest.mark.parametrize(
    ("text", "bps"),
    [
        ("a-1000", 1e9),
        ("1000Mb/s", 1e9),
        ("Speed 100 Mb/s", 1e8),
        ("1000000 Kbit/sec", 1e9),
        ("1000FDx", 1e9),
        ("10G", 1e10),
        ("10Gbps", 1e10),
        ("auto", None),
        ("a-auto", None),
        (None, None),
    ],
)
def test_speed_bps(text: str | None, bps: float | None) -> None:
    assert speed_bps(text) == bps


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("109 days 16 hrs 33 mins 12 secs", 109 * 86400 + 16 * 3600 + 33 * 60 + 12),
        ("6w5d11h55m45s", 6 * 604800 + 5 * 86400 + 11 * 3600 + 55 * 60 + 45),
        ("3 weeks, 2 days, 4 hours, 5 minutes", 3 * 604800 + 2 * 86400 + 4 * 3600 + 300),
        ("24 days, 04:11:01.00", 24 * 86400 + 4 * 3600 + 11 * 60 + 1),
        ("unknown", None),
    ],
)
def test_uptime_text_s(text: str, seconds: float | None) -> None:
    assert uptime_text_s(text) == seconds


def test_capabilities_words_and_letters() -> None:
    assert capabilities("Bridge, WLAN") == ("bridge", "wlanAccessPoint")
    assert capabilities("B,R") == ("bridge", "router")
    assert capabilities("Router Switch IGMP") == ("router", "bridge")
    assert capabilities(None) == ()


def test_poe_status_words() -> None:
    assert poe_status("Delivering power") == "delivering"
    assert poe_status("on") == "delivering"
    assert poe_status("faulty") == "fault"
    assert poe_status("delivering-power") == "delivering"  # Comware 7 spelling
    assert poe_status(None) is None


def test_nothing_answered_means_unknown_not_zero() -> None:
    device = build_device({}, "Cisco")
    assert device.poe is None and device.wireless is None and device.interfaces == ()
    assert device.system.uptime_s is None and device.sources == {}


def test_fakenos_lab_refuses_unknown_platforms_and_duplicate_names() -> None:
    with pytest.raises(LabError, match="known: aruba_aoscx"):
        FakeDevice("x", "cisco_nxos", "u", "p")
    twins = [FakeDevice("x", "cisco_ios", "u", "p"), FakeDevice("x", "cisco_ios", "u", "p")]
    with pytest.raises(LabError, match="unique"):
        FakenosHosts(twins)
