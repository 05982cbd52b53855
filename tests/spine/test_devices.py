"""A visit holding SNMP and SSH records of the same switch gives one merged device."""

from __future__ import annotations

from pathlib import Path

from netsurvey.devices import merged_devices
from netsurvey.records import (
    Measurement,
    VisitWriter,
    create_visit,
    iso,
    new_id,
    read_visit,
    utc_now,
)
from probes.device import Device, Interface, Poe, PoeGroup, PoePort, SystemInfo


def record(probe: str, device: Device) -> Measurement:
    now = iso(utc_now())
    return Measurement(id=new_id(), job_id=f"{probe}:sw-1", probe=probe, status="ok", started_at=now,
                       finished_at=now, duration_s=1.0, target={"host": "127.0.0.1", "device_id": "sw-1"},
                       details={"device": device.to_json()})  # fmt: skip


def test_snmp_and_ssh_views_merge(tmp_path: Path) -> None:
    snmp = Device(
        system=SystemInfo(sys_name="sw-1", sys_object_id="1.3.6.1.4.1.9.1.1208"),
        interfaces=(Interface(if_index=1, name="GigabitEthernet1/0/1", speed_bps=1e9, in_bps=2e6),),
        poe=Poe(groups=(PoeGroup(group=1, budget_w=370.0),), ports=(PoePort(port="1.1"),)),
    )
    ssh = Device(
        system=SystemInfo(model="WS-C2960X-24PS-L", os_version="15.2(7)E8"),
        interfaces=(Interface(if_index=None, name="Gi1/0/1", alias="AP 204"),),
        poe=Poe(ports=(PoePort(port="Gi1/0/1", power_w=13.2, power_class=4),)),
    )
    directory = create_visit(tmp_path, school_id="s", school_json={}, inventory_path="i", inventory_sha256="0",
                             operator=None)  # fmt: skip
    writer = VisitWriter.open(directory)
    writer.append(record("snmp", snmp))
    writer.append(record("ssh", ssh))
    (merged,) = merged_devices(read_visit(directory)).values()
    device = merged.device
    assert device.system.sys_name == "sw-1" and device.system.model == "WS-C2960X-24PS-L"
    assert len(device.interfaces) == 1 and device.interfaces[0].speed_bps == 1e9
    assert device.sources["system"] == "snmp+ssh"
    assert len(merged.measurement_ids) == 2


def test_score_report_and_devices_read_the_same_merged_facts(tmp_path: Path) -> None:
    """SNMP and SSH disagree (PoE budget 370 W vs 740 W; only SSH has port watts): the
    scorer, the report's LAN/PoE tables and `netsurvey devices` all show the merge
    (SNMP first, SSH filling gaps), never one raw record each."""
    import json
    import subprocess
    import sys

    from netsurvey.report import sections
    from netsurvey.report.visitfiles import read_visit_files
    from netsurvey.scoring.from_visit import features_from_visit

    school = {
        "id": "s",
        "name": "Skola",
        "rooms": [{"id": "204", "kind": "classroom", "pupils": 25}],
        "devices": [
            {"id": "sw-1", "role": "switch", "uplink_port": "Gi1/0/48"},
            {"id": "ap-204", "role": "ap", "room": "204", "uplink_to": "sw-1",
             "uplink_port": "Gi1/0/1"},
        ],
    }  # fmt: skip
    snmp = Device(
        system=SystemInfo(sys_name="sw-1"),
        interfaces=(
            Interface(if_index=1, name="GigabitEthernet1/0/1", speed_bps=1e9),
            Interface(if_index=48, name="GigabitEthernet1/0/48", speed_bps=1e9, in_bps=5e7),
        ),
        poe=Poe(groups=(PoeGroup(group=1, budget_w=370.0),)),
    )
    ssh = Device(
        system=SystemInfo(model="WS-C2960X-24PS-L"),
        interfaces=(Interface(if_index=None, name="Gi1/0/48", speed_bps=1e8),),
        poe=Poe(
            groups=(PoeGroup(group=1, budget_w=740.0),),
            ports=(PoePort(port="Gi1/0/1", power_w=13.2, power_class=4, status="delivering"),),
        ),
    )
    directory = create_visit(tmp_path, school_id="s", school_json=school, inventory_path="i",
                             inventory_sha256="0", operator=None)  # fmt: skip
    writer = VisitWriter.open(directory)
    writer.append(record("snmp", snmp))
    writer.append(record("ssh", ssh))
    writer.seal()

    (switch,) = features_from_visit(directory).switches
    report = sections.devices(read_visit_files(directory))
    (poe_row,) = sections.poe_rows(report)
    (lan_row,) = sections.lan_rows(report)
    listed = subprocess.run([sys.executable, "-m", "netsurvey", "devices", str(directory), "--json"],
                            capture_output=True, text=True, check=True)  # fmt: skip
    listed_poe = json.dumps(json.loads(listed.stdout)["sw-1"])

    assert switch.poe_budget_w == 370.0 and poe_row.budget_w == 370.0
    assert '"budget_w": 370.0' in listed_poe and '"budget_w": 740.0' not in listed_poe
    assert poe_row.consumption_w == 13.2 and '"power_w": 13.2' in listed_poe  # SSH filled in
    assert switch.uplink_mbps == 1000.0  # SNMP's 1 Gbit/s, not SSH's 100 Mbit/s
    assert lan_row.max_utilisation_ratio == 0.05  # 50 Mbit/s on the merged 1 Gbit/s port
    assert lan_row.model == "WS-C2960X-24PS-L"
