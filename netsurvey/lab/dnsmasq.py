"""A real dnsmasq inside a namespace: the school's DHCP and DNS server.

``DnsmasqConfig`` holds what the health probes must find again: the DHCP pool,
router, DNS server and lease time handed out, and the names the DNS answers.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from netsurvey.errors import LabError
from netsurvey.lab.netns import Namespace
from netsurvey.lab.process import ManagedProcess, Peer

READY_MARKER = "started, version"


@dataclass(frozen=True)
class DnsmasqConfig:
    listen_ip: str
    dhcp_range: tuple[str, str] | None = None  # first and last address of the pool
    netmask: str = "255.255.255.0"
    lease_s: int = 600
    router: str | None = None
    dns_servers: tuple[str, ...] = ()
    domain: str | None = None
    # name -> address answered by the DNS server; anything else is NXDOMAIN (no upstream).
    host_records: Mapping[str, str] = field(default_factory=dict)
    dns: bool = True
    # dnsmasq pings an address for 3 s before offering it (as many real servers do);
    # tests that time the OFFER switch that off.
    ping_check: bool = True

    def argv(self, executable: str, interface: str, lease_file: Path) -> list[str]:
        argv = [executable, "--no-daemon", "--conf-file=/dev/null", "--user=root",
                f"--interface={interface}", "--bind-interfaces", "--no-resolv",
                "--no-hosts", "--log-dhcp", "--log-facility=-",
                f"--dhcp-leasefile={lease_file}", f"--listen-address={self.listen_ip}",
                f"--port={53 if self.dns else 0}"]  # fmt: skip
        if self.dhcp_range is not None:
            first, last = self.dhcp_range
            argv.append(f"--dhcp-range={first},{last},{self.netmask},{self.lease_s}s")
            if not self.ping_check:
                argv.append("--no-ping")
            if self.router:
                argv.append(f"--dhcp-option=option:router,{self.router}")
            if self.dns_servers:
                argv.append(f"--dhcp-option=option:dns-server,{','.join(self.dns_servers)}")
            if self.domain:
                argv.append(f"--dhcp-option=option:domain-name,{self.domain}")
        argv += [f"--host-record={name},{address}" for name, address in self.host_records.items()]
        return argv


class Dnsmasq(Peer):
    """``with Dnsmasq(namespace, "eth0", DnsmasqConfig(...)) as server: ...``"""

    def __init__(self, namespace: Namespace, interface: str, config: DnsmasqConfig) -> None:
        self.namespace = namespace
        self.interface = interface
        self.config = config
        self.work_dir = Path(tempfile.mkdtemp(prefix="netsurvey-dnsmasq-"))
        self._process: ManagedProcess | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, ready_timeout_s: float = 10.0) -> Dnsmasq:
        executable = shutil.which("dnsmasq")
        if executable is None:
            raise LabError("dnsmasq not found; install it (Debian: apt-get install dnsmasq-base)")
        argv = self.config.argv(executable, self.interface, self.work_dir / "leases")
        process = self.namespace.process(argv, name="dnsmasq", log_dir=self.work_dir)
        self._process = process
        process.wait_until(lambda: READY_MARKER in process.log_tail(50), ready_timeout_s)
        return self

    def log(self) -> str:
        return self._process.log_tail(200) if self._process else ""

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()
        shutil.rmtree(self.work_dir, ignore_errors=True)
