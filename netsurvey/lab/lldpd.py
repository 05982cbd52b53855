"""A real lldpd inside a namespace, announcing a configured system name and port.

Stands in for the school switch the laptop is plugged into: ``lldp_listen`` must
learn exactly the system name, port id and description configured here. lldpd's
own ``lldpcli`` applies the configuration (``-O``); it runs as lldpd's unprivileged
user, so the socket's folder must be readable by it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from netsurvey.errors import LabError
from netsurvey.lab.netns import Namespace
from netsurvey.lab.process import ManagedProcess, Peer

READY_MARKER = "lldpd should resume operations"


@dataclass(frozen=True)
class LldpdConfig:
    system_name: str = "sw-lab-01"
    system_description: str = "netsurvey lab switch"
    port_id: str = "Gi1/0/7"
    port_description: str = "pupil room 12"
    tx_interval_s: int = 1
    mgmt_ip: str | None = None
    cdp: bool = False

    def commands(self, interface: str) -> str:
        return "\n".join(
            [
                f'configure system hostname "{self.system_name}"',
                f'configure system description "{self.system_description}"',
                f"configure lldp tx-interval {self.tx_interval_s}",
                f'configure ports {interface} lldp portidsubtype local "{self.port_id}" '
                f'description "{self.port_description}"',
                "",
            ]
        )


class Lldpd(Peer):
    """``with Lldpd(namespace, "eth0", LldpdConfig(...)) as lldpd: ...``"""

    def __init__(
        self, namespace: Namespace, interface: str, config: LldpdConfig | None = None
    ) -> None:
        self.namespace = namespace
        self.interface = interface
        self.config = config or LldpdConfig()
        self.work_dir = Path(tempfile.mkdtemp(prefix="netsurvey-lldpd-"))
        self.work_dir.chmod(0o755)
        self._process: ManagedProcess | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, ready_timeout_s: float = 10.0) -> Lldpd:
        executable = shutil.which("lldpd")
        if executable is None:
            raise LabError("lldpd not found; install it (Debian: apt-get install lldpd)")
        config_path = self.work_dir / "lldpd.conf"
        config_path.write_text(self.config.commands(self.interface), encoding="utf-8")
        config_path.chmod(0o644)
        argv = [executable, "-d", "-u", str(self.work_dir / "lldpd.socket"),
                "-I", self.interface, "-O", str(config_path)]  # fmt: skip
        if self.config.mgmt_ip:
            argv += ["-m", self.config.mgmt_ip]
        if self.config.cdp:
            argv += ["-ccc", "-l"]  # CDPv2 without waiting for a CDP peer, and LLDP too
        process = self.namespace.process(argv, name="lldpd", log_dir=self.work_dir)
        self._process = process
        process.wait_until(lambda: READY_MARKER in process.log_tail(50), ready_timeout_s)
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()
        shutil.rmtree(self.work_dir, ignore_errors=True)
