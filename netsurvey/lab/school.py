"""Bring one simulated school up and down.

As root, a school is two network namespaces joined by two shaped veth pairs:

    ns-demo-<school>-<pid>  (the technician's laptop)          ns-demo-<school>-net-<pid>
      lo: snmpsim (one engine per device on 127.0.k.d), FakeNOS
      lan0 198.18.k.1 ---- tbf LAN rate both ways ---- lan0 198.18.k.2: iperf3, dnsmasq, lldpd
      wan0 198.19.k.1 ---- tbf WAN down/up rates ---- wan0 198.19.k.2: speedtest server

so measured numbers differ per school for real reasons. Without root there are no
namespaces: every peer listens on loopback with free ports, nothing is shaped, and
the run says so. ``up()`` writes a runtime copy of the inventory with the real ports
and returns a ``LabRun`` (persisted by ``netsurvey.lab.state``) that ``down()`` uses
to stop every process and namespace by PID and name.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from netsurvey.errors import LabError
from netsurvey.inventory import School
from netsurvey.lab.agents import device_rows
from netsurvey.lab.netns import Namespace, VethLink, delete_namespace, shape_tbf
from netsurvey.lab.ports import free_port
from netsurvey.lab.process import ManagedProcess, tcp_port_open
from netsurvey.lab.snmprec import write_snmprec
from netsurvey.lab.snmpsim import find_executable

log = logging.getLogger(__name__)

COMMUNITY_ENV = "NETSURVEY_DEMO_COMMUNITY"
SSH_PASSWORD_ENV = "NETSURVEY_DEMO_SSH_PASSWORD"
SPEEDTEST_PORT = 8080


@dataclass
class LabRun:
    school_id: str
    mode: str  # "namespaces" or "loopback"
    inventory: str  # runtime inventory path
    client_namespace: str | None = None
    namespaces: list[str] = field(default_factory=list)
    pids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    links: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabRun:
        return cls(**data)


def can_use_namespaces() -> bool:
    return os.geteuid() == 0 and shutil.which("ip") is not None and shutil.which("tc") is not None


class LabSchool:
    def __init__(
        self,
        school: School,
        inventory_path: Path,
        work_dir: Path,
        *,
        community: str,
        ssh_password: str,
        namespaces: bool | None = None,
    ) -> None:
        if school.lab is None:
            raise LabError(
                f"{inventory_path}: school {school.id} has no `lab:` section to simulate"
            )
        self.school = school
        self.inventory_path = inventory_path
        self.work_dir = work_dir / school.id
        self.community = community
        self.ssh_password = ssh_password
        self.use_namespaces = can_use_namespaces() if namespaces is None else namespaces
        self.lab: dict[str, Any] = school.lab
        self._namespaces: list[Namespace] = []
        self._processes: list[ManagedProcess] = []
        self._servers: list[Any] = []  # peers with their own start/stop (iperf3, speedtest)
        self.run = LabRun(
            school_id=school.id,
            mode="namespaces" if self.use_namespaces else "loopback",
            inventory=str(self.work_dir / "inventory.yaml"),
        )

    # ------------------------------------------------------------------ up

    def up(self) -> LabRun:
        if self.work_dir.exists():
            shutil.rmtree(self.work_dir)
        self.work_dir.mkdir(parents=True)
        try:
            overrides = self._network() if self.use_namespaces else self._loopback_servers()
            overrides["devices"] = self._snmp_agents()
            overrides["devices"].update(self._ssh_devices())
            self._write_runtime_inventory(overrides)
        except BaseException:
            self.down()
            raise
        pids = [p.pid for p in self._processes] + [
            s.pid for s in self._servers if hasattr(s, "pid")
        ]
        self.run.pids = [pid for pid in pids if pid is not None]
        self.run.namespaces = [ns.name for ns in self._namespaces]
        return self.run

    def _start(self, argv: list[str], name: str, namespace: Namespace | None) -> ManagedProcess:
        log_dir = self.work_dir / "logs"
        if namespace is not None:
            process = namespace.process(argv, name=name, log_dir=log_dir)
        else:
            process = ManagedProcess(argv, name=name, log_dir=log_dir).start()
        self._processes.append(process)
        return process

    def _network(self) -> dict[str, Any]:
        from netsurvey.lab.iperf3_server import Iperf3Server
        from netsurvey.lab.speedtest_server import SpeedtestServerProcess

        servers = self.school.test_servers
        if not servers.iperf3 or not servers.speedtest_url:
            raise LabError(
                f"school {self.school.id}: the lab needs test_servers.iperf3 and speedtest_url"
            )
        lan_subnet = str(ipaddress.ip_network(f"{servers.iperf3}/24", strict=False))
        from urllib.parse import urlsplit

        wan_host = urlsplit(servers.speedtest_url).hostname or ""
        wan_subnet = str(ipaddress.ip_network(f"{wan_host}/24", strict=False))
        short = self.school.id[:17]
        client = Namespace(f"demo-{short}").create()
        self._namespaces.append(client)
        network = Namespace(f"demo-{short}-net").create()
        self._namespaces.append(network)
        self.run.client_namespace = client.name
        lan = VethLink(client, network, subnet=lan_subnet, names=("lan0", "lan0")).create()
        wan = VethLink(client, network, subnet=wan_subnet, names=("wan0", "wan0")).create()
        client.add_route("default", lan.b.ip)  # the school router, as DHCP would announce
        lan_bps = float(self.lab.get("lan_rate_bps", 1e9))
        down_bps = float(self.lab.get("wan_down_bps", 100e6))
        up_bps = float(self.lab.get("wan_up_bps", down_bps))
        self._capture(network, ("lan0", "wan0"))
        shape_tbf(network, "lan0", lan_bps)
        shape_tbf(client, "lan0", lan_bps)
        shape_tbf(network, "wan0", down_bps)
        shape_tbf(client, "wan0", up_bps)
        self.run.links = {"lan_bps": lan_bps, "wan_down_bps": down_bps, "wan_up_bps": up_bps}
        client.set_hosts({"www.speedtest.net": wan.b.ip, "c.speedtest.net": wan.b.ip})
        self._servers.append(
            Iperf3Server(bind=lan.b.ip, port=servers.iperf3_port, namespace=network,
                         log_dir=self.work_dir / "logs").start()
        )  # fmt: skip
        self._servers.append(
            SpeedtestServerProcess(network, bind=wan.b.ip, port=SPEEDTEST_PORT,
                                   log_dir=self.work_dir / "logs").start()
        )  # fmt: skip
        self._health_peers(network, lan.b.ip, lan_subnet)
        return {}

    def _capture(self, network: Namespace, interfaces: tuple[str, ...]) -> None:
        """With NETSURVEY_LAB_CAPTURE=1, record every packet that leaves the laptop's
        namespace (capture-<if>.pcap): the evidence that nothing went out of scope."""
        tcpdump = shutil.which("tcpdump")
        if os.environ.get("NETSURVEY_LAB_CAPTURE") != "1" or tcpdump is None:
            return
        for interface in interfaces:
            pcap = self.work_dir / f"capture-{interface}.pcap"
            process = self._start(
                [tcpdump, "-i", interface, "-n", "-U", "--immediate-mode", "-w", str(pcap)],
                f"tcpdump-{interface}", network,
            )  # fmt: skip
            process.wait_until(lambda p=process: "listening on" in p.log_tail(), timeout_s=10)  # type: ignore[misc]

    def _health_peers(self, network: Namespace, server_ip: str, subnet: str) -> None:
        """dnsmasq (DHCP + DNS) and lldpd on the school side of the LAN link."""
        from netsurvey.lab.dnsmasq import Dnsmasq, DnsmasqConfig
        from netsurvey.lab.lldpd import Lldpd, LldpdConfig

        hosts = list(ipaddress.ip_network(subnet).hosts())
        if shutil.which("dnsmasq"):
            config = DnsmasqConfig(
                listen_ip=server_ip,
                dhcp_range=(str(hosts[99]), str(hosts[149])),
                router=server_ip,
                dns_servers=(server_ip,),
                domain="skola.lan",
                host_records={"classroom.google.com": server_ip, "www.google.com": server_ip},
                ping_check=False,
            )
            self._servers.append(Dnsmasq(network, "lan0", config).start())
        else:
            self.run.notes.append("dnsmasq not installed: DHCP/DNS checks have no peer")
        if shutil.which("lldpd"):
            lldp = LldpdConfig(system_name=f"sw-access-{self.school.id}"[:40], port_id="Gi1/0/48",
                               port_description="technician port", mgmt_ip=server_ip)  # fmt: skip
            self._servers.append(Lldpd(network, "lan0", lldp).start())
        else:
            self.run.notes.append("lldpd not installed: LLDP check has no peer")

    def _loopback_servers(self) -> dict[str, Any]:
        from netsurvey.lab.iperf3_server import Iperf3Server

        self.run.notes.append(
            "not root: the lab runs on loopback without namespaces or link shaping; "
            "bandwidth figures are loopback speeds, not a school's"
        )
        iperf3 = Iperf3Server(bind="127.0.0.1", log_dir=self.work_dir / "logs").start()
        self._servers.append(iperf3)
        port = free_port("tcp")
        import sys

        speedtest = self._start(
            [sys.executable, "-m", "netsurvey.lab.speedtest_server", "--bind", "127.0.0.1", "--port", str(port)],
            "speedtest", None,
        )  # fmt: skip
        speedtest.wait_until(tcp_port_open("127.0.0.1", port))
        return {
            "test_servers": {
                "iperf3": "127.0.0.1",
                "iperf3_port": iperf3.port,
                "speedtest_url": f"http://127.0.0.1:{port}/speedtest-config.php",
            },
            "drop_interface": True,
        }

    def _snmp_agents(self) -> dict[str, dict[str, Any]]:
        """One snmpsim process serving one SNMP engine per simulated device."""
        devices = self.lab.get("devices") or {}
        peers = {d.id: d.id for d in self.school.devices}
        argv = [find_executable(), f"--cache-dir={self.work_dir / 'snmpsim-cache'}",
                "--process-user=root", "--process-group=root", "--log-level=error"]  # fmt: skip
        overrides: dict[str, dict[str, Any]] = {}
        endpoints: list[tuple[str, int]] = []
        for device in self.school.devices:
            spec = devices.get(device.id) or {}
            if device.snmp is None or spec.get("kind") not in ("switch", "ap", "pdu"):
                continue
            data_dir = self.work_dir / "snmp" / device.id
            rows = device_rows(
                device.id, spec, model=device.model, ssids=self.school.wifi.ssids, peers=peers
            )
            write_snmprec(data_dir / f"{self.community}.snmprec", rows)
            port = 1161 if self.use_namespaces else free_port("udp", device.mgmt_ip)
            argv += ["--v3-engine-id", "auto", f"--data-dir={data_dir}",
                     f"--agent-udpv4-endpoint={device.mgmt_ip}:{port}"]  # fmt: skip
            overrides[device.id] = {"snmp": {"port": port}}
            endpoints.append((device.mgmt_ip, port))
        if not endpoints:
            return overrides
        (self.work_dir / "snmpsim-cache").mkdir(parents=True, exist_ok=True)
        namespace = self._client()
        process = self._start(argv, "snmpsim", namespace)
        for host, port in endpoints:
            process.wait_until(lambda h=host, p=port: self._snmp_answers(h, p), timeout_s=60)  # type: ignore[misc]
        return overrides

    def _snmp_answers(self, host: str, port: int) -> bool:
        snmpget = shutil.which("snmpget")
        if snmpget is None:
            time.sleep(2)
            return True
        argv = [
            snmpget,
            "-v2c",
            "-c",
            self.community,
            "-t",
            "0.3",
            "-r",
            "0",
            f"{host}:{port}",
            "1.3.6.1.2.1.1.5.0",
        ]
        namespace = self._client()
        if namespace is not None:
            argv = namespace.argv(argv)
        result = subprocess.run(argv, capture_output=True, timeout=5, check=False)
        return result.returncode == 0

    def _client(self) -> Namespace | None:
        return self._namespaces[0] if self._namespaces else None

    def _ssh_devices(self) -> dict[str, dict[str, Any]]:
        from netsurvey.lab.ssh_devices import start_ssh_devices

        devices = self.lab.get("devices") or {}
        wanted = [
            d for d in self.school.devices if (devices.get(d.id) or {}).get("kind") == "ssh_switch"
        ]
        if not wanted:
            return {}
        hosts, ports = start_ssh_devices(
            wanted, devices, self.ssh_password, self._client(), self.work_dir
        )
        self._servers.extend(hosts)
        return {device_id: {"ssh": {"port": port}} for device_id, port in ports.items()}

    # ------------------------------------------------------------------ runtime inventory

    def _write_runtime_inventory(self, overrides: dict[str, Any]) -> None:
        data = yaml.safe_load(self.inventory_path.read_text(encoding="utf-8"))
        (school,) = [s for s in data["schools"] if s["id"] == self.school.id]
        data["schools"] = [school]
        runtime_dir = Path(self.run.inventory).parent
        for floor in school.get("floors") or []:
            if floor.get("plan_image"):
                # plans must lie in the inventory's folder: copy them beside the runtime one
                source = (self.inventory_path.parent / floor["plan_image"]).resolve()
                target = runtime_dir / "plans" / source.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                floor["plan_image"] = f"plans/{source.name}"
        if "test_servers" in overrides:
            school["test_servers"] = {**school.get("test_servers", {}), **overrides["test_servers"]}
        if overrides.get("drop_interface"):
            school.get("survey", {}).pop("interface", None)
        for device in school.get("devices") or []:
            for section, values in (overrides["devices"].get(device["id"]) or {}).items():
                current = device.get(section)
                device[section] = {**(current if isinstance(current, dict) else {}), **values}
        header = (
            f"# Runtime inventory written by `netsurvey lab up` for {self.school.id} "
            f"({self.run.mode}); generated from {self.inventory_path}\n"
        )
        Path(self.run.inventory).write_text(
            header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )

    # ------------------------------------------------------------------ down

    def down(self) -> None:
        for server in reversed(self._servers):
            server.stop()
        for process in reversed(self._processes):
            process.stop()
        for namespace in reversed(self._namespaces):
            namespace.delete()
        self._servers.clear()
        self._processes.clear()
        self._namespaces.clear()


def tear_down(run: LabRun) -> list[str]:
    """Stop a lab started by another process: its PIDs, then its namespaces."""
    import signal

    problems = []
    for pid in run.pids:
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        except PermissionError as exc:
            problems.append(f"pid {pid}: {exc}")
    deadline = time.monotonic() + 3
    for pid in run.pids:
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    for name in run.namespaces:
        try:
            delete_namespace(name)
        except LabError as exc:
            problems.append(str(exc))
    return problems


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
