"""The vendor-data language (probes/data/snmp_vendors.yaml) on real walk values."""

from __future__ import annotations

import pytest

from probes.snmp_sample import Sample, Value
from probes.snmp_vendors import (
    VENDORS_FILE,
    channel_mhz,
    count_value,
    field_value,
    load_vendor_data,
    mhz_band,
    mhz_channel,
)
from tests.snmp.test_corpus import walk_of


def sample_of(walk_name: str, *prefixes: str) -> Sample:
    rows = {
        oid: Value(tag.split(":")[0], value)
        for oid, (tag, value) in walk_of(walk_name).rows.items()
        if oid.startswith(prefixes)
    }
    return Sample(1, rows, sorted_oids=tuple(sorted(rows)))


@pytest.mark.parametrize(
    ("channel", "band", "mhz"),
    [(1, None, 2412), (11, "2.4GHz", 2462), (14, None, 2484), (36, None, 5180),
     (136, "5GHz", 5680), (37, "6GHz", 6135), (1, "60GHz", 58320), (0, None, None),
     (200, None, None), (36, "2.4GHz", None)],
)  # fmt: skip
def test_channel_frequency_both_ways(channel: int, band: str | None, mhz: int | None) -> None:
    assert channel_mhz(channel, band) == mhz
    if mhz is not None:
        assert mhz_channel(mhz) == channel
        assert mhz_band(mhz) == (band or mhz_band(mhz))


def test_profiles_select_by_sys_descr_where_the_sys_object_id_is_generic() -> None:
    vendors = load_vendor_data()
    net_snmp = "1.3.6.1.4.1.8072.3.2.10"
    assert vendors.vendor_name(net_snmp, "UAP-AC-HD 3.9.19.8123") == "Ubiquiti"
    assert vendors.vendor_name(net_snmp, "Linux Grandstream 4.4.60 #1 SMP") == "Grandstream"
    assert vendors.vendor_name(net_snmp, "Linux server 5.10") == "Net-SNMP"
    zyxel = "1.3.6.1.4.1.890.1.15"
    assert [p.name for p in vendors.select(zyxel, "NWA-")][-1] == "Zyxel NWA"
    assert [p.name for p in vendors.select(zyxel, "NXC2500")][-1] == "Zyxel NXC"
    assert [p.name for p in vendors.select(zyxel, "GS1900-8")][-1] == "Zyxel"


def test_prefix_matches_whole_arcs_only() -> None:
    vendors = load_vendor_data()
    assert vendors.vendor_name("1.3.6.1.4.1.41112", None) == "Ubiquiti"  # UniFi E7
    names = [p.name for p in vendors.select("1.3.6.1.4.1.411120.1", None)]
    assert names == ["standard"]


def test_string_index_and_summed_columns() -> None:
    """Huawei AC: SSID rows indexed by the SSID name, clients in a 2.4 and a 5 GHz column."""
    entry = "1.3.6.1.4.1.2011.6.139.17.1.2.1"
    sample = sample_of("vrp_ac6605-26", entry)
    index = "11.87.73.70.73.79.71.45.66.89.79.68"
    assert field_value({"index_text": True}, sample, entry, index) == "WIFIOG-BYOD"
    assert field_value({"columns": [2, 3]}, sample, entry, index) == 6  # 1 + 5
    assert field_value({"value": "phase"}, sample, entry, index) == "phase"
    assert field_value({"index": True, "format": "ssid {}"}, sample, entry, "7") == "ssid 7"


def test_counts_zero_only_when_the_agent_has_the_mib() -> None:
    """Grandstream: no client rows, but the radio table is there: 0 clients, a reading.
    Without the radio table the same empty client table says nothing."""
    spec = {
        "count_rows": "1.3.6.1.4.1.42397.1.1.3.3.1.4",
        "implemented_by": "1.3.6.1.4.1.42397.1.1.3.1.1.2",
    }
    assert count_value(spec, sample_of("grandstream-ap_gwn7660", "1.3.6.1.4.1.42397")) == 0
    assert count_value(spec, sample_of("grandstream-ap_gwn7660", "1.3.6.1.2.1.1.")) is None


def test_sum_column_count() -> None:
    spec = {"sum_column": "1.3.6.1.4.1.25053.1.8.1.1.1.1.1.1.19"}
    assert count_value(spec, sample_of("ruckuswireless-sz", "1.3.6.1.4.1.25053")) == 36


def test_unknown_wireless_count_name_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from probes.base import ProbeUnavailable

    text = VENDORS_FILE.read_text(encoding="utf-8")
    broken = text.replace(
        "clients_total: {oid: 1.3.6.1.4.1.26928.1.2.9.0}", "client_total: {oid: 1}"
    )
    assert broken != text
    path = tmp_path / "vendors.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ProbeUnavailable, match=r"unknown wireless count.*client_total"):
        load_vendor_data(path)


# Issue 16: the families schools buy, each with wireless or power facts as data.
WIRELESS_FAMILIES = (
    "Ubiquiti UniFi", "Ubiquiti airOS", "Aerohive HiveOS", "Fortinet FortiAP",
    "Fortinet FortiWLC", "Ruckus ZoneDirector", "Ruckus SmartZone", "Ruckus Unleashed",
    "Cisco", "HPE Aruba Instant", "HPE Aruba controller", "Zyxel NWA", "Zyxel NXC", "MikroTik",
    "LANCOM", "Grandstream GWN", "Cambium cnPilot", "Huawei AC",
)  # fmt: skip
POWER_FAMILIES = ("APC", "Eaton", "Eaton ePDU", "CyberPower", "Dell UPS")


def test_every_family_has_its_facts_as_data() -> None:
    profiles = {p.name: p for p in load_vendor_data().vendors}
    for name in WIRELESS_FAMILIES:
        profile = profiles[name]
        assert profile.counts or {"radios", "ssids", "access_points"} & set(profile.tables), name
    for name in POWER_FAMILIES:
        profile = profiles[name]
        assert profile.power_fields or {"lines", "outlets"} & set(profile.tables), name
