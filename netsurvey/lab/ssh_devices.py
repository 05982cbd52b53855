"""SSH-only switches of the demo lab, served by FakeNOS with generated CLI outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from netsurvey.inventory import DeviceSpec
from netsurvey.lab.cli_outputs import outputs_for
from netsurvey.lab.fakenos_host import FakeDevice, FakenosHosts
from netsurvey.lab.netns import Namespace


def start_ssh_devices(
    devices: Sequence[DeviceSpec],
    specs: Mapping[str, Mapping[str, Any]],
    password: str,
    namespace: Namespace | None,
    work_dir: Path,
) -> tuple[list[FakenosHosts], dict[str, int]]:
    """One FakeNOS process per device, listening on the device's own loopback address."""
    started: list[FakenosHosts] = []
    ports: dict[str, int] = {}
    try:
        for device in devices:
            platform = str(specs[device.id].get("platform") or device.platform or "cisco_ios")
            fake = FakeDevice(
                name=device.id,
                platform=platform,
                username=device.ssh.username if device.ssh else "survey",
                password=password,
                outputs=outputs_for(platform, device.id, specs[device.id]),
            )
            hosts = FakenosHosts([fake], log_dir=work_dir / "logs", namespace=namespace,
                                 address=device.mgmt_ip)  # fmt: skip
            started.append(hosts.start())
            ports[device.id] = hosts.port(device.id)
    except BaseException:
        for hosts in started:
            hosts.stop()
        raise
    return started, ports
