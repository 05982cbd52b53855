"""Shared pieces of the parser fuzzers: the contract every ``probe.parse`` must keep,
mutation strategies over real recordings, and the seeds (raw outputs shaped exactly as
each probe's ``collect`` produces them).

The contract: ``parse(raw)`` either raises a ``ProbeError`` with a readable message or
returns a ``ProbeResult`` whose metrics are floats or None and whose details and
warnings survive the records layer (``clean_json`` + strict ``json.dumps`` + UTF-8).
Anything else (KeyError, UnicodeDecodeError, OverflowError, ...) is a bug.
"""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from netsurvey.records import clean_json
from probes.base import ProbeError, ProbeResult, RawArtifact, RawOutput

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"

Parse = Callable[[RawOutput], ProbeResult]


# --------------------------------------------------------------------------- contract


def check_parse(parse: Parse, raw: RawOutput) -> ProbeResult | None:
    """Run ``parse`` and assert the contract; None when it refused with a ProbeError."""
    try:
        result = parse(raw)
    except ProbeError as exc:
        message = str(exc)
        assert message.strip(), f"{type(exc).__name__} raised without a message"
        message.encode("utf-8")  # the runner writes it into the record
        return None
    assert isinstance(result, ProbeResult), f"parse returned {type(result).__name__}"
    for name, value in result.metrics.items():
        assert isinstance(name, str), f"metric name {name!r} is not a string"
        assert value is None or (isinstance(value, float) and not isinstance(value, bool)), (
            f"metric {name}={value!r} is {type(value).__name__}, not float or None"
        )
    line = json.dumps(clean_json(dict(result.details)), ensure_ascii=False, allow_nan=False)
    line.encode("utf-8")
    for warning in result.warnings:
        assert isinstance(warning, str), f"warning {warning!r} is not a string"
        warning.encode("utf-8")
    return result


# --------------------------------------------------------------------------- mutations


class Blob(bytes):
    """Bytes whose repr stays short, so a failing example with a 100 kB input prints
    its length and both ends instead of flooding the test report."""

    def __repr__(self) -> str:
        if len(self) <= 240:
            return bytes.__repr__(self)
        return f"Blob({len(self)} bytes: {bytes(self[:120])!r} ... {bytes(self[-60:])!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's printer
        printer.text(repr(self))


HOSTILE_BYTES: tuple[bytes, ...] = (
    b"\xff\xfe",  # invalid UTF-8
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xc3",  # a cut multi-byte sequence
    b"\x00",
    "\u202e\u2066evil\u2069".encode(),  # bidi overrides
    b"\x1b[2J\x07",  # terminal escapes
    b"A" * 10_000,  # a 10,000-character name
    b"<script>alert(1)</script>",
    b'=HYPERLINK("http://x")',
    b"file:///etc/passwd",
    b"\r",
    b"\n",
    b"\n\n",
    b"\t",
    b"  ",
    b":",
    b"|",
    b",",
    b"=",
    b"\\",
    b'"',
    b"%s%n",
)
HOSTILE_NUMBERS: tuple[bytes, ...] = (
    b"-1",
    b"0",
    b"-0",
    b"nan",
    b"NaN",
    b"inf",
    b"-Infinity",
    b"1e400",
    b"-1e400",
    b"9" * 30,
    b"-" + b"9" * 400,
    b"0x7f",
    b"1.2.3",
    b"",
    b"\xff",
)
_TOKEN = re.compile(rb"-?\d+(?:\.\d+)?|[A-Za-z]+")

hostile_chunks = st.one_of(
    st.sampled_from(HOSTILE_BYTES),
    st.sampled_from(HOSTILE_NUMBERS),
    st.binary(min_size=1, max_size=12),
    st.text(min_size=1, max_size=12).map(lambda text: text.encode("utf-8")),
)


@st.composite
def mutated_bytes(draw: st.DrawFn, seed: bytes, max_operations: int = 4) -> bytes:
    """``seed`` with one to ``max_operations`` edits: truncate, insert hostile bytes,
    delete or duplicate a span, flip a byte, or swap a number/word for a hostile one."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, max_operations))):
        operation = draw(
            st.sampled_from(["truncate", "insert", "delete", "duplicate", "flip", "token"])
        )
        at = draw(st.integers(0, len(data)))
        if operation == "truncate":
            del data[at:]
        elif operation == "insert":
            data[at:at] = draw(hostile_chunks)
        elif operation == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif operation == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 400))]
        elif operation == "flip" and data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
        elif operation == "token":
            tokens = [m.span() for m in _TOKEN.finditer(data)]
            if tokens:
                start, end = tokens[draw(st.integers(0, len(tokens) - 1))]
                data[start:end] = draw(st.one_of(st.sampled_from(HOSTILE_NUMBERS), hostile_chunks))
    return Blob(data)


class Text(str):
    """A string with a short repr (see Blob)."""

    def __repr__(self) -> str:
        if len(self) <= 240:
            return str.__repr__(self)
        return f"Text({len(self)} chars: {str(self[:120])!r} ... {str(self[-60:])!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's printer
        printer.text(repr(self))


def mutated_text(seed: str, max_operations: int = 4) -> st.SearchStrategy[str]:
    return mutated_bytes(seed.encode("utf-8"), max_operations).map(
        lambda data: Text(data.decode("utf-8", errors="replace"))
    )


json_values: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([10**400, -(10**400), 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "nan", "1e400", "-1", "abc", "\u202e", "x" * 10_000, "10.0.0.300"]),
    st.just("\udcff"),  # a lone surrogate: JSON allows it, UTF-8 output does not
    st.lists(st.integers(-5, 5), max_size=3),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(-5, 5), max_size=3),
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*here, index))


@st.composite
def mutated_json(draw: st.DrawFn, document: Any, max_operations: int = 3) -> Any:
    """``document`` with a few nodes replaced by hostile values (wrong types, huge or
    negative numbers, NaN, long strings) or deleted."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, max_operations))):
        paths = list(_paths(document))
        path = draw(st.sampled_from(paths))
        value = draw(json_values)
        if not path:
            document = value
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return document


def json_bytes(document: Any) -> bytes:
    """JSON as Python writes it (NaN/Infinity included: ``json.loads`` accepts them)."""
    return Blob(json.dumps(document, allow_nan=True).encode("utf-8"))


# Inputs that break JSON readers rather than JSON documents: nesting deeper than the
# recursion limit, integers past Python's 4300-digit limit, a BOM, nothing at all.
PATHOLOGICAL_JSON: tuple[bytes, ...] = (
    b"[" * 100_000,
    b'{"a":' * 100_000,
    b"1" * 5000,
    b'{"start": ' + b"9" * 5000 + b"}",
    b"\xef\xbb\xbf{}",
    b"",
    b"null",
    b"\xff\xfe{}",
    b'{"\\ud800": 1}',
)


def jsonl_inputs(documents: list[Any]) -> st.SearchStrategy[bytes]:
    """JSON lines (one document per line), each line mutated as ``json_inputs``."""
    return st.tuples(*(json_inputs(document) for document in documents)).map(
        lambda lines: Blob(b"\n".join(line.replace(b"\n", b" ") for line in lines))
    )


def json_inputs(document: Any) -> st.SearchStrategy[bytes]:
    """Structurally mutated documents, byte-level mutations of the text, and
    pathological inputs."""
    structural = mutated_json(document).map(json_bytes)
    return st.one_of(
        structural,
        mutated_bytes(json_bytes(document), 3),
        structural.flatmap(lambda data: mutated_bytes(data, 2)),
        st.sampled_from(PATHOLOGICAL_JSON).map(Blob),
    )


# --------------------------------------------------------------------------- seeds


@dataclass(frozen=True)
class CliCase:
    """One recorded CLI answer: platform, question, command and the device's output."""

    platform: str
    question: str
    command: str
    output: str

    @property
    def id(self) -> str:
        return f"{self.platform}/{self.question}/{self.command}"


def cli_cases(corpus: Path) -> list[CliCase]:
    """The CLI samples of tests/fixtures/cli whose output is a file (raw.txt or corpus)."""
    cases = []
    for case_file in sorted((FIXTURES / "cli").glob("*/*/*/case.yaml")):
        data = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        source = str(data["source"])
        if source == "raw.txt":
            path = case_file.parent / "raw.txt"
        elif source.startswith("corpus:"):
            path = corpus / source.removeprefix("corpus:")
        else:
            continue
        if not path.is_file():
            continue
        folder = case_file.parent
        cases.append(
            CliCase(
                platform=folder.parent.parent.name,
                question=folder.parent.name,
                command=str(data["command"]),
                output=path.read_text(encoding="utf-8"),
            )
        )
    return cases


def ssh_raw(case: CliCase, output: str | None) -> RawOutput:
    """The ``ssh`` probe's raw output for one answered command (see probes/ssh.py)."""
    from probes.ssh import COMMANDS_ARTIFACT, TRANSCRIPT_ARTIFACT

    document = {
        "platform": case.platform,
        "host": "127.0.0.1",
        "port": 22,
        "host_key_sha256": None,
        "aborted": None,
        "commands": [
            {
                "question": case.question,
                "command": case.command,
                "output": output,
                "error": None if output is not None else "timed out",
                "duration_s": 0.2,
            }
        ],
    }
    return RawOutput(
        artifacts=(
            RawArtifact(COMMANDS_ARTIFACT, json.dumps(document, indent=1).encode()),
            RawArtifact(TRANSCRIPT_ARTIFACT, output.encode() if output else b""),
        ),
        tool="netmiko",
        meta={"platform": case.platform},
    )


SNMP_HEADER = "# netsurvey snmp sample {number}\n# target 127.0.0.1:161 version=2c\n"


def snmp_samples(snmprec: str) -> tuple[str, str]:
    """Two samples as ``SnmpProbe.collect`` writes them, from one snmprec recording:
    sample 1 holds everything, sample 2 the octet counters and sysUpTime 5 s later
    (counters advanced by a fixed amount)."""
    from probes.snmp_oids import COUNTER_ROOTS, SYS_UPTIME

    first = [SNMP_HEADER.format(number=1)]
    second = [SNMP_HEADER.format(number=2)]
    for root in COUNTER_ROOTS:
        first.append(f"# walk {root} started_s=0.100000 finished_s=0.200000 rows=1\n")
        second.append(f"# walk {root} started_s=5.100000 finished_s=5.200000 rows=1\n")
    for line in snmprec.splitlines():
        oid, _, rest = line.partition("|")
        tag, _, value = rest.partition("|")
        if ":" in tag:  # an snmpsim variation (``65:numeric|rate=...``), not agent data
            continue
        first.append(line + "\n")
        counter = any(oid.startswith(root + ".") for root in COUNTER_ROOTS)
        if (counter or oid == SYS_UPTIME) and value.isdigit():
            step = 500 if oid == SYS_UPTIME else 625_000
            second.append(f"{oid}|{tag}|{int(value) + step}\n")
    return "".join(first), "".join(second)


@st.composite
def mutated_snmprec(draw: st.DrawFn, text: str, max_operations: int = 6) -> str:
    """snmprec lines with hostile edits: a value replaced (wrong type, huge, negative,
    empty, hex garbage), a tag changed, a line or a whole column removed."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, max_operations))):
        data_lines = [i for i, line in enumerate(lines) if line and not line.startswith("#")]
        if not data_lines:
            break
        index = draw(st.sampled_from(data_lines))
        oid, _, rest = lines[index].partition("|")
        tag, _, value = rest.partition("|")
        operation = draw(st.sampled_from(["value", "tag", "drop", "column", "header", "garble"]))
        if operation == "value":
            value = draw(
                st.one_of(
                    st.sampled_from(["", "-1", "-9999999999", str(2**64 + 5), "9" * 400]),
                    st.sampled_from(["zz", "abc", "0", "1.5", "nan", "4x", "f"]),
                    st.text(max_size=20).filter(lambda t: "\n" not in t and "\r" not in t),
                    st.binary(max_size=8).map(bytes.hex),
                )
            )
            lines[index] = f"{oid}|{tag}|{value}"
        elif operation == "tag":
            tag = draw(st.sampled_from(["2", "4", "4x", "5", "6", "64", "65", "66", "67", "70",
                                        "128", "x", ""]))  # fmt: skip
            lines[index] = f"{oid}|{tag}|{value}"
        elif operation == "drop":
            lines[index] = ""
        elif operation == "column":
            column = oid.rsplit(".", 1)[0] + "."
            lines = [line for line in lines if not line.startswith(column)]
        elif operation == "header":
            lines.insert(
                draw(st.integers(0, len(lines))),
                draw(st.sampled_from([
                    "# walk 1.3.6.1.2.1.2.2.1.10 started_s=1 finished_s=1 rows=0",
                    "# walk 1.3.6.1.2.1.31.1.1.1.6 started_s=9 finished_s=-3 rows=1",
                    "# page 1.3.6.1.2.1.2.2.1.10 last=1.3.6.1.2.1.2.2.1.10.9 sent_s=nan "
                    "received_s=inf",
                    "# page 1.3.6.1.2.1.2.2.1.10 last=x.y sent_s=1 received_s=2",
                    "# walk",
                    "# partial \udcff",
                    "# target",
                ])),
            )  # fmt: skip
        else:
            lines[index] = draw(st.text(max_size=30))
    return Text("\n".join(lines) + "\n")


def snmp_raw(first: str, second: str | None) -> RawOutput:
    texts = [first] if second is None else [first, second]
    return RawOutput(
        artifacts=tuple(
            RawArtifact(f"snmp-sample-{n}.txt", text.encode("utf-8", errors="surrogateescape"))
            for n, text in enumerate(texts, start=1)
        ),
        tool="pysnmp",
        meta={"interval_s": 5.0, "requests": 10},
    )


# --------------------------------------------------------------------------- health seeds


def pcap_of(packets: list[Any]) -> bytes:
    from scapy.utils import PcapWriter

    buffer = io.BytesIO()
    writer = PcapWriter(buffer, sync=True)
    for packet in packets:
        writer.write(packet)
    writer.flush()
    return buffer.getvalue()


def dhcp_seed() -> tuple[bytes, bytes]:
    """(dhcp.pcap, arp-probe.pcap): a DISCOVER and an OFFER, and an ARP reply."""
    from scapy.layers.dhcp import BOOTP, DHCP
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import ARP, Ether

    mac = "02:00:00:00:00:01"
    discover = (
        Ether(src=mac, dst="ff:ff:ff:ff:ff:ff")
        / IP(src="0.0.0.0", dst="255.255.255.255")
        / UDP(sport=68, dport=67)
        / BOOTP(op=1, chaddr=bytes.fromhex("020000000001"), xid=7)
        / DHCP(options=[("message-type", "discover"), "end"])
    )
    offer = (
        Ether(dst=mac)
        / IP(src="198.18.0.1", dst="198.18.0.50")
        / UDP(sport=67, dport=68)
        / BOOTP(op=2, yiaddr="198.18.0.50", xid=7)
        / DHCP(
            options=[
                ("message-type", "offer"),
                ("server_id", "198.18.0.1"),
                ("lease_time", 3600),
                ("subnet_mask", "255.255.255.0"),
                ("router", "198.18.0.1"),
                ("name_server", "198.18.0.1", "198.18.0.2"),
                ("domain", b"skola.lv"),
                "end",
            ]
        )
    )
    discover.time, offer.time = 100.0, 100.02
    arp = Ether() / ARP(op=2, hwsrc="02:00:00:00:00:99", psrc="198.18.0.50")
    return pcap_of([discover, offer]), pcap_of([arp])


def ping_seed() -> bytes:
    from scapy.layers.inet import ICMP, IP

    packets = []
    for seq in range(3):
        request = IP(src="198.18.0.50", dst="198.18.0.1") / ICMP(type=8, id=1, seq=seq)
        reply = IP(src="198.18.0.1", dst="198.18.0.50") / ICMP(type=0, id=1, seq=seq)
        request.time, reply.time = 10.0 + seq, 10.002 + seq
        packets += [request, reply]
    return pcap_of(packets)


def lldp_seed() -> bytes:
    """One LLDP frame and one CDP frame, as a switch sends them."""
    from scapy.contrib import cdp, lldp
    from scapy.layers.l2 import LLC, SNAP, Dot3, Ether

    lldp_frame = (
        Ether(dst="01:80:c2:00:00:0e", src="02:00:00:00:00:10", type=0x88CC)
        / lldp.LLDPDUChassisID(subtype=4, id=b"\x02\x00\x00\x00\x00\x10")
        / lldp.LLDPDUPortID(subtype=5, id=b"Gi1/0/7")
        / lldp.LLDPDUTimeToLive(ttl=120)
        / lldp.LLDPDUPortDescription(description=b"Kabinets 12")
        / lldp.LLDPDUSystemName(system_name=b"sw-core")
        / lldp.LLDPDUSystemDescription(description=b"Cisco IOS Software")
        / lldp.LLDPDUSystemCapabilities(mac_bridge_available=1, mac_bridge_enabled=1)
        / lldp.LLDPDUManagementAddress(
            management_address_subtype=1, management_address=b"\xc6\x12\x00\x01"
        )
        / lldp.LLDPDUEndOfLLDPDU()
    )
    cdp_frame = (
        Dot3(dst="01:00:0c:cc:cc:cc", src="02:00:00:00:00:11")
        / LLC()
        / SNAP()
        / cdp.CDPv2_HDR(
            msg=[
                cdp.CDPMsgDeviceID(val=b"sw-access"),
                cdp.CDPMsgPortID(iface=b"Fa0/3"),
                cdp.CDPMsgPlatform(val=b"cisco WS-C2960"),
            ]
        )
    )
    return pcap_of([lldp_frame, cdp_frame])
