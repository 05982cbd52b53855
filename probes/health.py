"""Network plumbing health with scapy: DHCP, DNS, gateway, path MTU, LLDP/CDP.

* ``dhcp`` – broadcast a DHCPDISCOVER, time the OFFER, report what is offered (address,
  gateway, DNS, lease), warn about a second (rogue) DHCP server, and ARP-probe our own
  address for a duplicate.
* ``dns`` – time A-record lookups of ``names`` at each resolver (UDP, no root needed).
* ``gateway`` – ICMP echo to the default gateway: RTT and loss.
* ``path_mtu`` – largest unfragmented (DF) ICMP echo that reaches ``target.host``.
* ``lldp_listen`` – listen for LLDP/CDP frames to learn the switch and port we are on.

Raw evidence is a pcap (or, for DNS and path MTU, JSON of each exchange) and
``parse`` works only from it. Scapy matches a broadcast DHCP answer only with
``conf.checkIPaddr = False``; instead of touching scapy's global ``conf`` we sniff and
match on the transaction id ourselves. Raw packets need root; ``check`` says so.
"""

from __future__ import annotations

import asyncio
import io
import ipaddress
import json
import os
import random
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, ClassVar

from probes.base import (
    ProbeFailed,
    ProbeParamError,
    ProbeParseError,
    ProbeRefused,
    ProbeResult,
    ProbeTimeout,
    ProbeUnavailable,
    RawArtifact,
    RawOutput,
    Scope,
    Target,
    param_bool,
    param_float,
    param_int,
    reading_evidence,
)
from probes.device import LldpNeighbor
from probes.stats import percentile

PCAP = "application/vnd.tcpdump.pcap"
LLDP_FILTER = "ether proto 0x88cc or ether dst 01:00:0c:cc:cc:cc"
CDP_MAC = "01:00:0c:cc:cc:cc"


def _require_scapy() -> None:
    try:
        import scapy  # noqa: F401
    except ImportError:
        raise ProbeUnavailable(
            "scapy is not installed; install it with `pip install scapy`"
        ) from None


def _require_root(probe: str) -> None:
    _require_scapy()
    if os.geteuid() != 0:
        raise ProbeUnavailable(f"{probe} sends raw packets and needs root; run netsurvey with sudo")


# --------------------------------------------------------------------------- interfaces


def _ip_json(args: Sequence[str]) -> list[dict[str, Any]]:
    ip = shutil.which("ip")
    if ip is None:
        return []
    try:
        completed = subprocess.run(
            [ip, "-j", *args], capture_output=True, text=True, timeout=3, check=False
        )
        data = json.loads(completed.stdout or "[]")
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return []
    return data if isinstance(data, list) else []


def default_route() -> tuple[str | None, str | None]:
    """(interface, gateway) of the IPv4 default route."""
    for route in _ip_json(["-4", "route", "show", "default"]):
        return route.get("dev"), route.get("gateway")
    return None, None


def interface_ipv4(interface: str) -> list[str]:
    addresses = []
    for link in _ip_json(["-4", "addr", "show", "dev", interface]):
        for info in link.get("addr_info", []):
            if info.get("family") == "inet" and info.get("local"):
                addresses.append(str(info["local"]))
    return addresses


def interface_mac(interface: str) -> str:
    try:
        return Path(f"/sys/class/net/{interface}/address").read_text(encoding="utf-8").strip()
    except OSError:
        raise ProbeParamError(
            f"interface {interface!r} does not exist; name one with --param interface=IF"
        ) from None


def interface_mtu(interface: str) -> int | None:
    try:
        return int(Path(f"/sys/class/net/{interface}/mtu").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _interface(params: Mapping[str, str]) -> str:
    interface = params.get("interface") or default_route()[0]
    if not interface:
        raise ProbeParamError("no default route to pick an interface; use --param interface=IF")
    interface_mac(interface)  # validates it exists
    return interface


# --------------------------------------------------------------------------- pcap


def pcap_bytes(packets: Sequence[Any]) -> bytes:
    from scapy.utils import PcapWriter

    buffer = io.BytesIO()
    writer = PcapWriter(buffer, sync=True)
    for packet in packets:
        writer.write(packet)
    writer.flush()
    return buffer.getvalue()


def read_pcap(data: bytes, name: str) -> list[Any]:
    from scapy.error import Scapy_Exception
    from scapy.utils import rdpcap

    if not data:
        return []
    try:
        return list(rdpcap(io.BytesIO(data)))
    except (Scapy_Exception, EOFError, ValueError) as exc:
        raise ProbeParseError(f"{name}: not a readable pcap ({exc})") from None


def _sniff_while(
    send: Callable[[], object],
    *,
    interface: str,
    bpf: str,
    keep: Callable[[Any], bool],
    done: Callable[[list[Any]], bool],
    timeout_s: float,
    linger_s: float = 0.0,
) -> list[Any]:
    """Start sniffing, call ``send``, stop ``linger_s`` after ``done(packets)`` or at
    ``timeout_s``; return the packets kept."""
    from scapy.sendrecv import AsyncSniffer

    started = threading.Event()
    captured: list[Any] = []  # AsyncSniffer.results exists only after stop()
    sniffer = AsyncSniffer(
        iface=interface,
        filter=bpf,
        lfilter=keep,
        prn=captured.append,
        store=False,
        started_callback=started.set,
    )
    sniffer.start()
    try:
        if not started.wait(5):
            raise ProbeFailed(f"cannot capture on {interface}")
        send()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if done(list(captured)):
                time.sleep(linger_s)
                break
            time.sleep(0.02)
    finally:
        sniffer.stop()
    return list(captured)


def _percentile(values: Sequence[float], q: float) -> float | None:
    return percentile(values, q)


# --------------------------------------------------------------------------- DHCP


def _dhcp_options(packet: Any) -> dict[str, Any]:
    from scapy.layers.dhcp import DHCP

    options: dict[str, Any] = {}
    for option in packet[DHCP].options:
        if isinstance(option, tuple) and len(option) >= 2:
            values = option[1:]
            options[str(option[0])] = values[0] if len(values) == 1 else list(values)
    return options


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _decode(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode(errors="replace").rstrip("\x00") or None
    return str(value)


def _dhcp_exchange(interface: str, timeout_s: float) -> list[Any]:
    from scapy.layers.dhcp import BOOTP, DHCP
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether
    from scapy.sendrecv import sendp

    mac = interface_mac(interface)
    xid = random.getrandbits(32)
    discover = (
        Ether(src=mac, dst="ff:ff:ff:ff:ff:ff")
        / IP(src="0.0.0.0", dst="255.255.255.255")
        / UDP(sport=68, dport=67)
        / BOOTP(chaddr=bytes.fromhex(mac.replace(":", "")), xid=xid, flags=0x8000)
        / DHCP(
            options=[("message-type", "discover"), ("param_req_list", [1, 3, 6, 15, 51, 54]), "end"]
        )
    )

    def ours(packet: Any) -> bool:
        return BOOTP in packet and packet[BOOTP].xid == xid

    def offered(packets: list[Any]) -> bool:
        return any(p[BOOTP].op == 2 for p in packets)

    return _sniff_while(
        lambda: sendp(discover, iface=interface, verbose=False),
        interface=interface,
        bpf="udp and (port 67 or port 68)",
        keep=ours,
        done=offered,
        timeout_s=timeout_s,
        linger_s=0.5,  # a second DHCP server (a rogue one) answers within this
    )


def _arp_probe(interface: str, address: str, timeout_s: float) -> list[Any]:
    """RFC 5227 ARP probe for ``address``: anyone answering already uses it."""
    from scapy.layers.l2 import ARP, Ether
    from scapy.sendrecv import sendp

    mac = interface_mac(interface)
    probe = Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / ARP(
        op=1, hwsrc=mac, psrc="0.0.0.0", hwdst="00:00:00:00:00:00", pdst=address
    )

    def relevant(packet: Any) -> bool:
        return ARP in packet and (packet[ARP].pdst == address or packet[ARP].psrc == address)

    def answered(packets: list[Any]) -> bool:
        return any(p[ARP].op == 2 and p[ARP].hwsrc.lower() != mac.lower() for p in packets)

    return _sniff_while(
        lambda: sendp(probe, iface=interface, verbose=False),
        interface=interface,
        bpf="arp",
        keep=relevant,
        done=answered,
        timeout_s=timeout_s,
    )


class DhcpProbe:
    name: ClassVar[str] = "dhcp"
    summary: ClassVar[str] = "DHCP DISCOVER -> OFFER time, offered lease/gateway/DNS, duplicate IP"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 1
    default_timeout_s: ClassVar[float] = 30.0

    def check(self) -> None:
        _require_root(self.name)

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        interface = _interface(params)
        timeout_s = param_float(params, "timeout_s", 10.0)  # servers ping-check up to 3 s
        packets = await asyncio.to_thread(_dhcp_exchange, interface, timeout_s)
        artifacts = [RawArtifact("dhcp.pcap", pcap_bytes(packets), PCAP)]
        own = interface_ipv4(interface)
        if own and param_bool(params, "duplicate_check", True):
            arp = await asyncio.to_thread(_arp_probe, interface, own[0], 1.0)
            artifacts.append(RawArtifact("arp-probe.pcap", pcap_bytes(arp), PCAP))
        from scapy.layers.dhcp import BOOTP

        if not any(p[BOOTP].op == 2 for p in packets if BOOTP in p):
            raise ProbeTimeout(
                f"no DHCP server answered a DISCOVER on {interface} within {timeout_s:g} s; "
                "is the port in the right VLAN and the DHCP server (or relay) up?"
            )
        return RawOutput(
            artifacts=tuple(artifacts),
            tool="scapy",
            tool_version=_scapy_version(),
            meta={"interface": interface, "mac": interface_mac(interface), "own_ip": list(own[:1])},
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        from scapy.layers.dhcp import BOOTP, DHCP
        from scapy.layers.inet import IP
        from scapy.layers.l2 import ARP

        packets = [p for p in read_pcap(raw.artifact("dhcp.pcap").data, "dhcp.pcap") if DHCP in p]
        discovers = [p for p in packets if p[BOOTP].op == 1]
        offers = [p for p in packets if p[BOOTP].op == 2]
        if not offers:
            raise ProbeFailed("no DHCP OFFER in the capture")
        offer = offers[0]
        options = _dhcp_options(offer)
        servers = sorted({str(_dhcp_options(p).get("server_id") or p[IP].src) for p in offers})
        lease = options.get("lease_time")
        details: dict[str, Any] = {
            "offered_ip": offer[BOOTP].yiaddr,
            "server_ip": str(options.get("server_id") or offer[IP].src),
            "gateway": next(iter(_str_list(options.get("router"))), None),
            "gateways": _str_list(options.get("router")),
            "dns": _str_list(options.get("name_server")),
            "lease_s": None if lease is None else float(lease),
            "subnet_mask": options.get("subnet_mask"),
            "domain": _decode(options.get("domain")),
            "servers": servers,
            "interface": raw.meta.get("interface"),
        }
        warnings = []
        if len(servers) > 1:
            warnings.append(
                f"{len(servers)} DHCP servers answered ({', '.join(servers)}): one may be a "
                "rogue server (a home router plugged in?)"
            )
        offer_s = float(offer.time - discovers[0].time) if discovers else None
        own_ip = raw.meta.get("own_ip")
        details["own_ip"] = own_ip[0] if isinstance(own_ip, list) and own_ip else None
        details["duplicate_ip"] = None
        details["duplicate_ip_mac"] = None
        mac = str(raw.meta.get("mac", "")).lower()
        try:
            arp_packets = read_pcap(raw.artifact("arp-probe.pcap").data, "arp-probe.pcap")
        except ProbeParseError:
            arp_packets = []
        else:
            others = [
                _hardware_address(p[ARP].hwsrc) for p in arp_packets
                if ARP in p and p[ARP].op == 2 and _hardware_address(p[ARP].hwsrc) != mac
            ]  # fmt: skip
            details["duplicate_ip"] = bool(others)
            if others:
                details["duplicate_ip_mac"] = others[0]
                warnings.append(
                    f"our address {details['own_ip']} is also used by {others[0]}: "
                    "duplicate IP address on this network"
                )
        return ProbeResult(
            metrics={"offer_s": offer_s, "lease_s": details["lease_s"]},
            details=details,
            warnings=tuple(warnings),
        )


def _hardware_address(value: object) -> str:
    """An ARP sender address as text; scapy gives raw bytes when its length is not 6."""
    if isinstance(value, bytes):
        return ":".join(f"{byte:02x}" for byte in value)
    return str(value).lower()


def _scapy_version() -> str | None:
    try:
        import scapy
    except ImportError:
        return None
    return str(scapy.VERSION)


# --------------------------------------------------------------------------- DNS


SYSTEMD_RESOLV_CONF = Path("/run/systemd/resolve/resolv.conf")


def system_resolvers(
    resolv_conf: Path = Path("/etc/resolv.conf"), upstream_conf: Path = SYSTEMD_RESOLV_CONF
) -> list[str]:
    """The configured resolvers; behind systemd-resolved's stub (127.0.0.53) the real
    upstream servers, which are what the school's network provides."""
    resolvers = _nameservers(resolv_conf)
    if resolvers and all(r.startswith("127.0.0.5") for r in resolvers):
        return _nameservers(upstream_conf) or resolvers
    return resolvers


def _nameservers(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [
        line.split()[1] for line in lines if line.startswith("nameserver") and len(line.split()) > 1
    ]


def _split(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def dns_query(resolver: str, name: str, timeout_s: float, port: int = 53) -> dict[str, Any]:
    """One A-record lookup over UDP; the facts as a JSON-ready dict."""
    from scapy.layers.dns import DNS, DNSQR

    query_id = random.getrandbits(16)
    request = bytes(DNS(id=query_id, rd=1, qd=DNSQR(qname=name, qtype="A")))
    family = socket.AF_INET6 if ":" in resolver else socket.AF_INET
    outcome: dict[str, Any] = {"resolver": resolver, "name": name, "rtt_s": None,
                               "rcode": None, "answers": [], "error": None}  # fmt: skip
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout_s)
        started = time.perf_counter()
        try:
            sock.sendto(request, (resolver, port))
            while True:
                data, _ = sock.recvfrom(4096)
                reply = DNS(data)
                if reply.id == query_id:
                    break
        except TimeoutError:
            outcome["error"] = f"no answer within {timeout_s:g} s"
            return outcome
        except OSError as exc:
            outcome["error"] = exc.strerror or str(exc)
            return outcome
        outcome["rtt_s"] = time.perf_counter() - started
    outcome["rcode"] = _RCODES.get(int(reply.rcode), str(reply.rcode))
    outcome["answers"] = [
        str(record.rdata) for record in (reply.an or []) if int(getattr(record, "type", 0)) == 1
    ]
    outcome["reply_hex"] = data.hex()
    return outcome


_RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


class DnsProbe:
    name: ClassVar[str] = "dns"
    summary: ClassVar[str] = "DNS resolution time per resolver"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 2
    default_timeout_s: ClassVar[float] = 60.0

    def check(self) -> None:
        _require_scapy()

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        resolvers = _split(params.get("resolvers")) or (
            [target.host] if target.host else system_resolvers()
        )
        if not resolvers:
            raise ProbeParamError("no resolver known; use --param resolvers=IP[,IP]")
        names = _split(params.get("names"))
        if not names:
            raise ProbeParamError("name what to resolve: --param names=NAME[,NAME]")
        for resolver in resolvers:
            target.scope.check(resolver)
        samples = param_int(params, "samples", 3)
        timeout_s = param_float(params, "timeout_s", 2.0)
        port = param_int(params, "port", 53)

        def run_all() -> list[dict[str, Any]]:
            return [
                {**dns_query(resolver, name, timeout_s, port), "sample": index + 1}
                for resolver in resolvers
                for name in names
                for index in range(samples)
            ]

        queries = await asyncio.to_thread(run_all)
        if not any(q["rcode"] in ("NOERROR", "NXDOMAIN") for q in queries):
            first = queries[0]
            message = first["error"] or f"answered {first['rcode']}"
            raise (ProbeTimeout if first["error"] else ProbeFailed)(
                f"DNS failed at every resolver ({', '.join(resolvers)}): {first['resolver']} "
                f"for {first['name']}: {message}"
            )
        data = "\n".join(json.dumps(q) for q in queries).encode()
        return RawOutput(
            artifacts=(RawArtifact("dns-queries.jsonl", data, "application/x-ndjson"),),
            tool="scapy",
            tool_version=_scapy_version(),
            meta={"resolvers": list(resolvers), "names": list(names)},
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        with reading_evidence("dns-queries.jsonl"):
            return self._parse(raw)

    def _parse(self, raw: RawOutput) -> ProbeResult:
        try:
            queries = [
                json.loads(line) for line in raw.text("dns-queries.jsonl").splitlines() if line
            ]
        except json.JSONDecodeError as exc:
            raise ProbeParseError(f"dns-queries.jsonl: not JSON lines ({exc.msg})") from None
        per_resolver: dict[str, dict[str, Any]] = {}
        warnings: list[str] = []
        for query in queries:
            entry = per_resolver.setdefault(
                query["resolver"],
                {
                    "resolver": query["resolver"],
                    "answered": 0,
                    "failed": 0,
                    "rtts_s": [],
                    "answers": {},
                    "rcodes": {},
                    "errors": [],
                },
            )
            if query["rcode"] in ("NOERROR", "NXDOMAIN"):
                entry["answered"] += 1
                entry["rtts_s"].append(query["rtt_s"])
                entry["answers"][query["name"]] = query["answers"]
            else:
                entry["failed"] += 1
                entry["errors"].append(query["error"] or query["rcode"])
            if query["rcode"]:
                entry["rcodes"][query["name"]] = query["rcode"]
        all_rtts: list[float] = []
        for entry in per_resolver.values():
            rtts = entry.pop("rtts_s")
            all_rtts += rtts
            entry["resolve_p50_s"] = _percentile(rtts, 50)
            if entry["failed"]:
                warnings.append(
                    f"resolver {entry['resolver']} failed {entry['failed']} of "
                    f"{entry['failed'] + entry['answered']} lookups ({entry['errors'][0]})"
                )
            for name, rcode in entry["rcodes"].items():
                if rcode == "NXDOMAIN":
                    warnings.append(f"{name} does not exist according to {entry['resolver']}")
            entry["errors"] = sorted(set(entry["errors"]))
        failed = sum(e["failed"] for e in per_resolver.values())
        return ProbeResult(
            metrics={
                "resolve_p50_s": _percentile(all_rtts, 50),
                "resolve_p95_s": _percentile(all_rtts, 95),
                "failure_ratio": failed / len(queries) if queries else None,
            },
            details={"resolvers": list(per_resolver.values())},
            warnings=tuple(warnings),
        )


# --------------------------------------------------------------------------- gateway


def _ping(address: str, count: int, interval_s: float, timeout_s: float) -> list[Any]:
    from scapy.layers.inet import ICMP, IP
    from scapy.sendrecv import sr1

    ident = random.getrandbits(16)
    packets: list[Any] = []
    for seq in range(count):
        request = IP(dst=address) / ICMP(id=ident, seq=seq) / (b"netsurvey" * 4)
        reply = sr1(request, timeout=timeout_s, verbose=False)
        request.time = request.sent_time or request.time
        packets.append(request)
        if reply is not None:
            packets.append(reply)
        time.sleep(interval_s)
    return packets


def ping_stats(packets: Sequence[Any]) -> tuple[list[float], int]:
    """(RTTs in seconds of answered echoes, number of echoes sent) from a capture."""
    from scapy.layers.inet import ICMP

    sent = {int(p[ICMP].seq): float(p.time) for p in packets if ICMP in p and p[ICMP].type == 8}
    rtts = [
        float(p.time) - sent[int(p[ICMP].seq)]
        for p in packets
        if ICMP in p and p[ICMP].type == 0 and int(p[ICMP].seq) in sent
    ]
    return rtts, len(sent)


class GatewayProbe:
    name: ClassVar[str] = "gateway"
    summary: ClassVar[str] = "default gateway reachability: ICMP RTT and loss"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 1
    default_timeout_s: ClassVar[float] = 30.0

    def check(self) -> None:
        _require_root(self.name)

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        gateway = params.get("gateway") or target.host or default_route()[1]
        if not gateway:
            raise ProbeParamError("no default gateway; name one with --param gateway=IP")
        target.scope.check(gateway)
        count = param_int(params, "count", 5)
        packets = await asyncio.to_thread(
            _ping,
            gateway,
            count,
            param_float(params, "interval_s", 0.1),
            param_float(params, "timeout_s", 1.0),
        )
        return RawOutput(
            artifacts=(RawArtifact("gateway-ping.pcap", pcap_bytes(packets), PCAP),),
            tool="scapy",
            tool_version=_scapy_version(),
            meta={"gateway": gateway},
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        rtts, sent = ping_stats(
            read_pcap(raw.artifact("gateway-ping.pcap").data, "gateway-ping.pcap")
        )
        warnings = []
        if sent and not rtts:
            warnings.append(f"gateway {raw.meta.get('gateway')} did not answer any ping")
        return ProbeResult(
            metrics={
                "rtt_p50_s": _percentile(rtts, 50),
                "rtt_p95_s": _percentile(rtts, 95),
                "loss_ratio": 1 - len(rtts) / sent if sent else None,
                "up": (1.0 if rtts else 0.0) if sent else None,
            },
            details={"gateway": raw.meta.get("gateway"), "samples_s": list(rtts), "sent": sent},
            warnings=tuple(warnings),
        )


# --------------------------------------------------------------------------- path MTU


def _mtu_step(address: str, size: int, timeout_s: float) -> dict[str, Any]:
    from scapy.layers.inet import ICMP, IP
    from scapy.sendrecv import sr1

    request = (
        IP(dst=address, flags="DF") / ICMP(id=random.getrandbits(16)) / (b"\x00" * (size - 28))
    )
    reply = sr1(request, timeout=timeout_s, verbose=False)
    step: dict[str, Any] = {"size": size, "outcome": "timeout", "next_hop_mtu": None}
    if reply is not None and ICMP in reply:
        icmp = reply[ICMP]
        if icmp.type == 0:
            step["outcome"] = "reply"
        elif icmp.type == 3 and icmp.code == 4:
            step["outcome"] = "fragmentation-needed"
            step["next_hop_mtu"] = int(icmp.nexthopmtu) or None
            step["reported_by"] = reply.src
        else:
            step["outcome"] = f"icmp-{icmp.type}-{icmp.code}"
    return step


def _search_mtu(address: str, low: int, high: int, timeout_s: float) -> list[dict[str, Any]]:
    """Binary search for the largest DF echo answered; ICMP frag-needed hints jump."""
    steps: list[dict[str, Any]] = []

    def fits(size: int) -> bool:
        for _ in range(2):  # one retry: a lost echo must not halve the answer
            step = _mtu_step(address, size, timeout_s)
            steps.append(step)
            if step["outcome"] == "reply":
                return True
            if step["outcome"] == "fragmentation-needed":
                return False
        return False

    if fits(high) or not fits(low):
        return steps
    hint = next((s["next_hop_mtu"] for s in reversed(steps) if s["next_hop_mtu"]), None)
    if hint and low < hint < high:
        if fits(hint):
            if not fits(hint + 1):
                return steps
            low = hint
        else:
            high = hint
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return steps


class PathMtuProbe:
    name: ClassVar[str] = "path_mtu"
    summary: ClassVar[str] = "path MTU to a host: largest unfragmented (DF) ICMP echo"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 1
    default_timeout_s: ClassVar[float] = 60.0

    def check(self) -> None:
        _require_root(self.name)

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        if not target.host:
            raise ProbeParamError("path_mtu needs --target HOST")
        address = _resolve(target.host, target.scope)
        from probes.linkinfo import route_to

        interface, _ = route_to(address)
        local_mtu = interface_mtu(interface) if interface else None
        high = param_int(params, "max_bytes", local_mtu or 1500)
        low = param_int(params, "min_bytes", 576)
        if not 68 <= low < high <= 65535:
            raise ProbeParamError(f"--param min_bytes/max_bytes: need 68 <= {low} < {high}")
        steps = await asyncio.to_thread(
            _search_mtu, address, low, high, param_float(params, "timeout_s", 1.0)
        )
        if not any(s["outcome"] == "reply" for s in steps):
            raise ProbeTimeout(
                f"{target.host} answered no ICMP echo of {low}..{high} bytes; "
                "ping may be blocked on the way"
            )
        document = {"host": target.host, "address": address, "interface": interface,
                    "local_mtu": local_mtu, "steps": steps}  # fmt: skip
        return RawOutput(
            artifacts=(
                RawArtifact("path-mtu.json", json.dumps(document).encode(), "application/json"),
            ),
            tool="scapy",
            tool_version=_scapy_version(),
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        with reading_evidence("path-mtu.json"):
            return self._parse(raw)

    def _parse(self, raw: RawOutput) -> ProbeResult:
        try:
            document = json.loads(raw.text("path-mtu.json"))
        except json.JSONDecodeError as exc:
            raise ProbeParseError(f"path-mtu.json: not JSON ({exc.msg})") from None
        answered = [s["size"] for s in document["steps"] if s["outcome"] == "reply"]
        path_mtu = max(answered) if answered else None
        hints = sorted({s["next_hop_mtu"] for s in document["steps"] if s.get("next_hop_mtu")})
        warnings = []
        local_mtu = document.get("local_mtu")
        if path_mtu is not None and local_mtu and path_mtu < local_mtu:
            warnings.append(
                f"path MTU {path_mtu} is below the local MTU {local_mtu}: a tunnel or "
                "misconfigured link on the way; large packets are fragmented or dropped"
            )
        return ProbeResult(
            metrics={"path_mtu_bytes": None if path_mtu is None else float(path_mtu)},
            details={**document, "icmp_next_hop_mtus": hints},
            warnings=tuple(warnings),
        )


def _resolve(host: str, scope: Scope) -> str:
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    try:
        address = str(socket.getaddrinfo(host, None, socket.AF_INET)[0][4][0])
    except (OSError, IndexError) as exc:
        raise ProbeRefused(f"cannot resolve {host}: {exc}") from None
    scope.check(address)
    return address


# --------------------------------------------------------------------------- LLDP / CDP


def _capabilities(layer: Any) -> tuple[str, ...]:
    names = {"mac_bridge": "bridge", "router": "router", "wlan_access_point": "wlanAccessPoint",
             "telephone": "telephone", "station_only": "station", "repeater": "repeater",
             "docsis_cable_device": "docsisCableDevice", "other": "other"}  # fmt: skip
    return tuple(label for field, label in names.items() if getattr(layer, f"{field}_enabled", 0))


def _lldp_neighbor(frame: Any, local_port: str) -> dict[str, Any]:
    from scapy.contrib import lldp

    def field(layer: Any, name: str) -> Any:
        return getattr(frame[layer], name) if layer in frame else None

    chassis = field(lldp.LLDPDUChassisID, "id")
    subtype = field(lldp.LLDPDUChassisID, "subtype")
    if isinstance(chassis, bytes) and subtype == 4 and len(chassis) == 6:
        chassis = ":".join(f"{b:02x}" for b in chassis)
    mgmt = field(lldp.LLDPDUManagementAddress, "management_address")
    if isinstance(mgmt, bytes) and len(mgmt) == 4:
        mgmt = socket.inet_ntoa(mgmt)
    neighbor = LldpNeighbor(
        local_port=local_port,
        remote_sys_name=_decode(field(lldp.LLDPDUSystemName, "system_name")),
        remote_port=_decode(field(lldp.LLDPDUPortID, "id")),
        remote_chassis_id=_decode(chassis),
        remote_capabilities=(
            _capabilities(frame[lldp.LLDPDUSystemCapabilities])
            if lldp.LLDPDUSystemCapabilities in frame
            else ()
        ),
        remote_mgmt_ip=_decode(mgmt),
        remote_platform=_decode(field(lldp.LLDPDUSystemDescription, "description")),
        protocol="lldp",
    )
    return {
        **asdict(neighbor),
        "remote_capabilities": list(neighbor.remote_capabilities),
        "remote_port_description": _decode(field(lldp.LLDPDUPortDescription, "description")),
    }


def _cdp_neighbor(frame: Any, local_port: str) -> dict[str, Any]:
    from scapy.contrib import cdp

    def field(layer: Any, name: str) -> Any:
        return getattr(frame[layer], name) if layer in frame else None

    mgmt = None
    if cdp.CDPAddrRecordIPv4 in frame:
        mgmt = frame[cdp.CDPAddrRecordIPv4].addr
    neighbor = LldpNeighbor(
        local_port=local_port,
        remote_sys_name=_decode(field(cdp.CDPMsgDeviceID, "val")),
        remote_port=_decode(field(cdp.CDPMsgPortID, "iface")),
        remote_mgmt_ip=_decode(mgmt),
        remote_platform=_decode(field(cdp.CDPMsgPlatform, "val")),
        protocol="cdp",
    )
    return {**asdict(neighbor), "remote_capabilities": [], "remote_port_description": None}


def lldp_neighbors(frames: Sequence[Any], local_port: str) -> list[dict[str, Any]]:
    """Distinct neighbors announced in captured LLDP/CDP frames."""
    from scapy.contrib import cdp, lldp
    from scapy.layers.l2 import Ether

    found: dict[tuple[str, Any, Any], dict[str, Any]] = {}
    for frame in frames:
        if lldp.LLDPDU in frame or (Ether in frame and frame[Ether].type == 0x88CC):
            neighbor = _lldp_neighbor(frame, local_port)
        elif cdp.CDPv2_HDR in frame:
            neighbor = _cdp_neighbor(frame, local_port)
        else:
            continue
        key = (neighbor["protocol"], neighbor["remote_chassis_id"] or neighbor["remote_sys_name"],
               neighbor["remote_port"])  # fmt: skip
        found.setdefault(key, neighbor)
    return list(found.values())


def _listen_lldp(interface: str, timeout_s: float, wait_all: bool) -> list[Any]:
    from scapy.contrib import cdp, lldp  # noqa: F401  (registers the dissectors)

    return _sniff_while(
        lambda: None,
        interface=interface,
        bpf=LLDP_FILTER,
        keep=lambda packet: True,
        done=lambda packets: bool(packets) and not wait_all,
        timeout_s=timeout_s,
    )


class LldpListenProbe:
    name: ClassVar[str] = "lldp_listen"
    summary: ClassVar[str] = "listen for LLDP/CDP: which switch and port the laptop is plugged into"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 1
    default_timeout_s: ClassVar[float] = 90.0

    def check(self) -> None:
        _require_root(self.name)

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        interface = _interface(params)
        timeout_s = param_float(params, "timeout_s", 35.0)  # LLDP's default interval is 30 s
        frames = await asyncio.to_thread(
            _listen_lldp, interface, timeout_s, param_bool(params, "wait_all", False)
        )
        return RawOutput(
            artifacts=(RawArtifact("lldp.pcap", pcap_bytes(frames), PCAP),),
            tool="scapy",
            tool_version=_scapy_version(),
            meta={"interface": interface, "listened_s": timeout_s},
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        from scapy.contrib import cdp, lldp  # noqa: F401  (dissectors must exist before reading)

        frames = read_pcap(raw.artifact("lldp.pcap").data, "lldp.pcap")
        interface = str(raw.meta.get("interface") or "unknown")
        neighbors = lldp_neighbors(frames, interface)
        warnings = []
        if not neighbors:
            warnings.append(
                f"no LLDP or CDP frame on {interface} in {raw.meta.get('listened_s', '?')} s: "
                "the switch does not announce itself (LLDP off, or an unmanaged switch)"
            )
        return ProbeResult(
            metrics={"neighbors_count": float(len(neighbors))},
            details={"neighbors": list(neighbors), "interface": interface, "frames": len(frames)},
            warnings=tuple(warnings),
        )
