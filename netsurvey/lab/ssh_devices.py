"""SSH-only switches of the demo lab, served by FakeNOS with its recorded outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from netsurvey.inventory import DeviceSpec
from netsurvey.lab.fakenos_host import FakeDevice, FakenosHosts
from netsurvey.lab.netns import Namespace


def start_ssh_devices(
    devices: Sequence[DeviceSpec],
    specs: Mapping[str, Mapping[str, Any]],
    password: str,
    namespace: Namespace | None,
    work_dir: Path,
) -> tuple[FakenosHosts, dict[str, int]]:
    fakes = [
        FakeDevice(
            name=device.id,
            platform=str(specs[device.id].get("platform") or device.platform or "cisco_ios"),
            username=device.ssh.username if device.ssh else "survey",
            password=password,
        )
        for device in devices
    ]
    hosts = FakenosHosts(fakes, log_dir=work_dir / "logs", namespace=namespace).start()
    return hosts, {device.id: hosts.port(device.id) for device in devices}
