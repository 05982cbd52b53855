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
