"""The snmp probe's raw evidence: one text artifact per sample.

Each artifact is a few ``#`` header lines followed by the varbinds in snmprec form
(``OID|TAG|VALUE``, the format snmpsim serves, so evidence can be replayed)::

    # netsurvey snmp sample 1
    # target 127.0.0.1:161 version=2c
    # get started_s=0.0012 finished_s=0.0031 rows=4
    # walk 1.3.6.1.2.1.31.1.1.1.6 started_s=0.0040 finished_s=0.0210 rows=48
    # partial 1.3.6.1.2.1.2.2.1.10: no SNMP answer ... (after 25 rows)
    1.3.6.1.2.1.1.1.0|4|Cisco IOS Software ...

Times are seconds since the collection started (monotonic clock).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from probes.base import ProbeParseError
from probes.snmp_walk import Walk, oid_tuple

HEADER = "# netsurvey snmp sample"
_OID = re.compile(r"\d+(?:\.\d+)*")
_NUMBER = re.compile(r"-?\d{1,20}")  # 2**64 has 20 digits: nothing longer is SNMP data
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*")
_NUMBER_TAGS = frozenset({"2", "65", "66", "67", "70"})


@dataclass(frozen=True)
class Value:
    tag: str
    raw: str

    @property
    def is_number(self) -> bool:
        return self.tag in {"2", "65", "66", "67", "70"}

    def as_int(self) -> int | None:
        if self.is_number:
            return int(self.raw)
        text = self.as_text().strip()
        try:
            return int(text)
        except ValueError:
            return None

    def as_bytes(self) -> bytes:
        if self.tag == "4x":
            return bytes.fromhex(self.raw)
        return self.raw.encode("utf-8", errors="replace")

    def as_text(self) -> str:
        if self.tag == "4x":
            return bytes.fromhex(self.raw).decode("utf-8", errors="replace")
        return self.raw


@dataclass(frozen=True)
class WalkInfo:
    root: str
    started_s: float
    finished_s: float
    rows: int

    @property
    def midpoint_s(self) -> float:
        return (self.started_s + self.finished_s) / 2


@dataclass(frozen=True)
class PageInfo:
    """One GETBULK response of a walk: rows up to ``last``, when it was asked and got."""

    root: str
    last: tuple[int, ...]
    sent_s: float
    received_s: float


@dataclass(frozen=True)
class Sample:
    number: int
    values: Mapping[str, Value]
    walks: tuple[WalkInfo, ...] = ()
    partial: tuple[str, ...] = ()  # "ROOT: reason"
    target: str = ""
    pages: tuple[PageInfo, ...] = ()
    # The OIDs sorted as text: every subtree is one contiguous run, found by bisection.
    sorted_oids: tuple[str, ...] = ()

    def get(self, oid: str) -> Value | None:
        return self.values.get(oid)

    def column(self, column_oid: str) -> dict[str, Value]:
        """{row index: value} for every row under ``column_oid``."""
        prefix = column_oid + "."
        oids = self.sorted_oids or tuple(sorted(self.values))
        found: list[tuple[tuple[int, ...], str]] = []
        for position in range(bisect.bisect_left(oids, prefix), len(oids)):
            oid = oids[position]
            if not oid.startswith(prefix):
                break
            found.append((oid_tuple(oid), oid))
        return {oid[len(prefix) :]: self.values[oid] for _, oid in sorted(found)}

    def time_of(self, oid: str) -> float | None:
        """When ``oid`` was read: the midpoint of the request and response that carried
        it, else of the walk that fetched it (the most specific root)."""
        key = oid_tuple(oid)
        for page in self.pages:
            if (oid + ".").startswith(page.root + ".") and key <= page.last:
                return (page.sent_s + page.received_s) / 2
        best: WalkInfo | None = None
        for walk in self.walks:
            if (oid + ".").startswith(walk.root + ".") and (
                best is None or len(walk.root) > len(best.root)
            ):
                best = walk
        return best.midpoint_s if best else None


@dataclass
class SampleWriter:
    """Collects one sample's varbinds and timings, renders the artifact text."""

    number: int
    target: str
    version: str
    lines: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)

    def add_get(self, rows: Iterable[str], started_s: float, finished_s: float) -> None:
        rows = list(rows)
        self.header.append(
            f"# get started_s={started_s:.6f} finished_s={finished_s:.6f} rows={len(rows)}"
        )
        self.lines.extend(rows)

    def add_walk(self, walk: Walk, origin_s: float) -> None:
        self.header.append(
            f"# walk {walk.root} started_s={walk.started_s - origin_s:.6f} "
            f"finished_s={walk.finished_s - origin_s:.6f} rows={len(walk.rows)}"
        )
        for last, sent, received in walk.pages:
            self.header.append(
                f"# page {walk.root} last={last} sent_s={sent - origin_s:.6f} "
                f"received_s={received - origin_s:.6f}"
            )
        if walk.error:
            self.header.append(f"# partial {walk.root}: {walk.error}")
        self.lines.extend(walk.rows)

    def text(self) -> str:
        top = [f"{HEADER} {self.number}", f"# target {self.target} version={self.version}"]
        body = sorted(set(self.lines), key=lambda line: oid_tuple(line.split("|", 1)[0]))
        return "\n".join([*top, *self.header, *body]) + "\n"


def parse_sample(text: str) -> Sample:
    lines = text.splitlines()
    if not lines or not lines[0].startswith(HEADER):
        raise ProbeParseError("snmp raw sample does not start with the netsurvey header")
    try:
        number = int(lines[0][len(HEADER) :].strip())
    except ValueError:
        raise ProbeParseError(f"bad snmp sample header: {lines[0]!r}") from None
    values: dict[str, Value] = {}
    walks: list[WalkInfo] = []
    partial: list[str] = []
    pages: list[PageInfo] = []
    target = ""
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        if line.startswith("# partial "):
            partial.append(line[len("# partial ") :])
        elif line.startswith("# walk "):
            walks.append(_walk_info(line, lineno))
        elif line.startswith("# page "):
            pages.append(_page_info(line, lineno))
        elif line.startswith("# target "):
            target = line[len("# target ") :].split(" ", 1)[0]
        elif line.startswith("#"):
            continue
        else:
            oid, tag, raw = _split(line, lineno)
            values[oid] = Value(tag, raw)
    return Sample(
        number, values, tuple(walks), tuple(partial), target, tuple(pages), tuple(sorted(values))
    )


def _split(line: str, lineno: int) -> tuple[str, str, str]:
    parts = line.split("|", 2)
    if len(parts) != 3:
        raise ProbeParseError(f"snmp raw sample line {lineno}: expected OID|TAG|VALUE")
    oid, tag, raw = parts
    if not _OID.fullmatch(oid):
        raise ProbeParseError(f"snmp raw sample line {lineno}: {oid[:40]!r} is not an OID")
    if tag in _NUMBER_TAGS and not _NUMBER.fullmatch(raw):
        raise ProbeParseError(f"snmp raw sample line {lineno}: {raw[:40]!r} is not a number")
    if tag == "4x" and not _HEX.fullmatch(raw):
        raise ProbeParseError(f"snmp raw sample line {lineno}: {raw[:40]!r} is not hex")
    return oid, tag, raw


def _walk_info(line: str, lineno: int) -> WalkInfo:
    words = line.split()
    try:
        info = dict(word.split("=", 1) for word in words[3:])
        return WalkInfo(
            words[2], float(info["started_s"]), float(info["finished_s"]), int(info["rows"])
        )
    except (KeyError, ValueError, IndexError):
        raise ProbeParseError(f"snmp raw sample line {lineno}: bad walk header") from None


def _page_info(line: str, lineno: int) -> PageInfo:
    words = line.split()
    try:
        info = dict(word.split("=", 1) for word in words[3:])
        return PageInfo(
            words[2], oid_tuple(info["last"]), float(info["sent_s"]), float(info["received_s"])
        )
    except (KeyError, ValueError, IndexError):
        raise ProbeParseError(f"snmp raw sample line {lineno}: bad page header") from None
