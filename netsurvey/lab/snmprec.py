"""Write snmpsim ``.snmprec`` recordings from Python data.

A recording is one ``OID|TAG|VALUE`` line per object. snmpsim answers GETNEXT and
GETBULK in file line order, so :func:`write_snmprec` always sorts rows by OID.
A row may name a snmpsim variation module (``TAG:module|options``), e.g. the
``numeric`` module for counters that grow while the agent runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# snmprec type tags (ASN.1 tag numbers as snmpsim writes them)
INTEGER = "2"
OCTETS = "4"
HEX_OCTETS = "4x"
OBJECT_ID = "6"
IP_ADDRESS = "64"
COUNTER32 = "65"
GAUGE32 = "66"
TIMETICKS = "67"
COUNTER64 = "70"


@dataclass(frozen=True)
class SnmprecRow:
    oid: str
    tag: str
    value: str
    variation: str | None = None  # snmpsim variation module name, e.g. "numeric"

    def line(self) -> str:
        tag = f"{self.tag}:{self.variation}" if self.variation else self.tag
        return f"{self.oid}|{tag}|{self.value}"


def oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in oid.strip(".").split("."))


def text(oid: str, value: str | bytes) -> SnmprecRow:
    """An OCTET STRING row: plain when printable, hex-typed (``4x``) otherwise."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    printable = all(32 <= byte < 127 for byte in data) and b"|" not in data
    if printable:
        return SnmprecRow(oid, OCTETS, data.decode("ascii"))
    return SnmprecRow(oid, HEX_OCTETS, data.hex())


def number(oid: str, tag: str, value: int) -> SnmprecRow:
    return SnmprecRow(oid, tag, str(int(value)))


def moving_counter(
    oid: str,
    rate_per_s: float,
    *,
    tag: str = COUNTER64,
    initial: int = 0,
    wrap: bool = False,
) -> SnmprecRow:
    """A counter that grows by ``rate_per_s`` each second since the agent started
    (snmpsim ``numeric`` variation). With ``wrap`` it rolls over at its type's max."""
    options = f"rate={rate_per_s:g},initial={initial}"
    if wrap:
        options += ",wrap=1"
    return SnmprecRow(oid, tag, options, variation="numeric")


def error_row(oid: str, tag: str, status: str = "genError") -> SnmprecRow:
    """A row that answers every read with an SNMP error (snmpsim ``error`` variation)."""
    return SnmprecRow(oid, tag, f"op=get,status={status}", variation="error")


def delayed_row(oid: str, tag: str, value: str, wait_ms: int) -> SnmprecRow:
    """A row that answers only after ``wait_ms`` (snmpsim ``delay`` variation)."""
    return SnmprecRow(oid, tag, f"value={value},wait={wait_ms}", variation="delay")


def write_snmprec(path: Path, rows: Iterable[SnmprecRow]) -> Path:
    """Write ``rows`` sorted by OID; a repeated OID keeps its last row."""
    unique = {oid_key(row.oid): row for row in rows}
    lines = [unique[key].line() for key in sorted(unique)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
