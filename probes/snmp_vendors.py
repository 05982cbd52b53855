"""Vendor OIDs as data: ``probes/data/snmp_vendors.yaml`` read into profiles.

A profile says which table columns and scalars to fetch and how each becomes a
field of the device model. The YAML header documents the format; this module
only evaluates it, so adding a vendor never needs a code change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from probes.base import ProbeUnavailable
from probes.snmp_sample import Sample, Value

VENDORS_FILE = Path(__file__).with_name("data") / "snmp_vendors.yaml"
TABLE_SECTIONS = (
    "poe_groups", "poe_ports", "radios", "ssids", "access_points", "outlets", "lines",
)  # fmt: skip
# Scalar wireless counts a profile may name under `wireless:`.
WIRELESS_COUNTS = ("clients_total", "access_points_connected", "access_points_total")


@dataclass(frozen=True)
class TableSource:
    entry: str
    fields: Mapping[str, Mapping[str, Any]]
    key: Mapping[str, Any] | None = None
    walk_entry: bool = False  # walk the whole entry (one subtree) instead of each column

    def columns(self) -> set[int]:
        specs = [*self.fields.values(), *([self.key] if self.key else [])]
        found = {int(spec["column"]) for spec in specs if "column" in spec}
        found.update(int(c) for spec in specs for c in spec.get("columns") or ())
        return found

    def roots(self) -> set[str]:
        specs = [*self.fields.values(), *([self.key] if self.key else [])]
        extra = {str(spec["at_index"]) for spec in specs if "at_index" in spec}
        if self.walk_entry:
            return {self.entry, *extra}
        return {f"{self.entry}.{column}" for column in self.columns()} | extra


@dataclass(frozen=True)
class Profile:
    name: str
    prefixes: tuple[str, ...] = ()
    vendor: str | None = None  # the maker's name when the profile is named for a product
    sys_descr: re.Pattern[str] | None = None  # when set, sysDescr must match as well
    scalars: Mapping[str, str] = field(default_factory=dict)  # model/os_version/serial -> OID
    tables: Mapping[str, tuple[TableSource, ...]] = field(default_factory=dict)
    power_kind: str | None = None
    power_fields: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    counts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # WIRELESS_COUNTS
    # A column indexed like lldpRemTable's remIndex whose value is the local ifIndex.
    lldp_local_if_index: str | None = None

    @property
    def vendor_name(self) -> str:
        return self.vendor or self.name

    def matches(self, sys_object_id: str, sys_descr: str | None) -> int | None:
        """Length of the longest matching prefix, or None when the profile does not apply."""
        lengths = [
            len(p) for p in self.prefixes if sys_object_id == p or sys_object_id.startswith(p + ".")
        ]
        if not lengths:
            return None
        if self.sys_descr is not None and not self.sys_descr.search(sys_descr or ""):
            return None
        return max(lengths)

    def walk_roots(self) -> set[str]:
        roots = {root for sources in self.tables.values() for s in sources for root in s.roots()}
        for spec in self.counts.values():
            for kind in ("count_rows", "sum_column", "implemented_by"):
                if kind in spec:
                    roots.add(str(spec[kind]))
        if self.lldp_local_if_index:
            roots.add(self.lldp_local_if_index)
        return roots

    def get_oids(self) -> set[str]:
        oids = set(self.scalars.values())
        oids.update(str(spec["oid"]) for spec in self.power_fields.values() if "oid" in spec)
        oids.update(str(spec["oid"]) for spec in self.counts.values() if "oid" in spec)
        return oids


@dataclass(frozen=True)
class VendorData:
    standard: Profile
    vendors: tuple[Profile, ...]
    enterprises: Mapping[int, str]

    def select(self, sys_object_id: str | None, sys_descr: str | None = None) -> list[Profile]:
        """The standard profile, then every matching vendor, most specific last."""
        if not sys_object_id:
            return [self.standard]
        oid = sys_object_id.strip(".")
        matches = [(length, v) for v in self.vendors if (length := v.matches(oid, sys_descr))]
        return [self.standard, *(v for _, v in sorted(matches, key=lambda m: m[0]))]

    def vendor_name(self, sys_object_id: str | None, sys_descr: str | None = None) -> str | None:
        profiles = self.select(sys_object_id, sys_descr)
        if len(profiles) > 1:
            return profiles[-1].vendor_name
        parts = (sys_object_id or "").strip(".").split(".")
        if len(parts) > 6 and parts[:6] == ["1", "3", "6", "1", "4", "1"] and parts[6].isdigit():
            return self.enterprises.get(int(parts[6]))
        return None


def load_vendor_data(path: Path = VENDORS_FILE) -> VendorData:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProbeUnavailable(f"cannot read SNMP vendor data {path}: {exc}") from None
    return VendorData(
        standard=_profile("standard", data.get("standard") or {}),
        vendors=tuple(_profile(v["name"], v) for v in data.get("vendors") or ()),
        enterprises={int(k): str(v) for k, v in (data.get("enterprises") or {}).items()},
    )


def _profile(name: str, data: Mapping[str, Any]) -> Profile:
    tables = {
        section: tuple(
            TableSource(
                str(s["entry"]),
                dict(s.get("fields") or {}),
                s.get("key"),
                walk_entry=s.get("walk") == "entry",
            )
            for s in data[section]
        )
        for section in TABLE_SECTIONS
        if data.get(section)
    }
    power = data.get("power") or {}
    wireless = data.get("wireless") or {}
    unknown = set(wireless) - set(WIRELESS_COUNTS)
    if unknown:
        raise ProbeUnavailable(
            f"SNMP vendor data, profile {name!r}: unknown wireless count(s) {sorted(unknown)}; "
            f"expected {', '.join(WIRELESS_COUNTS)}"
        )
    descr = data.get("sys_descr")
    return Profile(
        name=name,
        prefixes=tuple(str(p).strip(".") for p in data.get("sys_object_id") or ()),
        vendor=data.get("vendor"),
        sys_descr=re.compile(str(descr)) if descr else None,
        scalars={k: str(data[k]) for k in ("model", "os_version", "serial") if data.get(k)},
        tables=tables,
        power_kind=power.get("kind"),
        power_fields=dict(power.get("fields") or {}),
        counts={k: dict(v) for k, v in wireless.items()},
        lldp_local_if_index=str(data["lldp_local_if_index"])
        if data.get("lldp_local_if_index")
        else None,
    )


# --------------------------------------------------------------------------- evaluation


def table_rows(
    sample: Sample, sources: Iterable[TableSource], problems: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Rows of all ``sources`` joined on their key, in first-seen order.

    A later source fills fields an earlier one left unknown. Values the device gave
    that cannot be read (and rows without a usable key) are named in ``problems``."""
    merged: dict[str, dict[str, Any]] = {}
    for source in sources:
        for index in _indexes(sample, source):
            key_value = (
                field_value(source.key, sample, source.entry, index) if source.key else index
            )
            if key_value is None:
                problem = (
                    unreadable(source.key, sample, source.entry, index) if source.key else None
                )
                if problem and problems is not None:
                    problems.append(f"row {source.entry}.*.{index} dropped: key {problem}")
                continue
            row = merged.setdefault(str(key_value), {"_index": index})
            for name, spec in source.fields.items():
                value = field_value(spec, sample, source.entry, index)
                if value is None and problems is not None:
                    problem = unreadable(spec, sample, source.entry, index)
                    if problem:
                        problems.append(f"{name}: {problem}")
                if row.get(name) is None:
                    row[name] = value
    return merged


def unreadable(spec: Mapping[str, Any], sample: Sample, entry: str, index: str) -> str | None:
    """Why a value the device did give reads as unknown (None if it gave none, or marked
    it "not supported" with a value the profile lists under `missing`)."""
    if "column" in spec:
        oid = f"{entry}.{spec['column']}.{index}"
    elif "oid" in spec:
        oid = str(spec["oid"])
    else:
        return None
    value = sample.get(oid)
    if value is None:
        return None
    shown: Any = value.as_int() if value.is_number else value.as_text()
    if shown in spec.get("missing", ()) or (isinstance(shown, str) and not shown.strip()):
        return None
    return f"{oid} = {str(shown)[:40]!r} cannot be read, kept as unknown"


def _indexes(sample: Sample, source: TableSource) -> list[str]:
    seen: dict[str, None] = {}
    for column in sorted(source.columns()):
        for index in sample.column(f"{source.entry}.{column}"):
            seen.setdefault(index)
    return list(seen)


def scalar_fields(
    sample: Sample, fields: Mapping[str, Mapping[str, Any]], problems: list[str] | None = None
) -> dict[str, Any]:
    values = {name: field_value(spec, sample, "", "") for name, spec in fields.items()}
    if problems is not None:
        for name, value in values.items():
            problem = unreadable(fields[name], sample, "", "") if value is None else None
            if problem:
                problems.append(f"{name}: {problem}")
    return values


def field_value(spec: Mapping[str, Any], sample: Sample, entry: str, index: str) -> Any:
    value: Value | None
    if "column" in spec:
        value = sample.get(f"{entry}.{spec['column']}.{index}")
    elif "columns" in spec:
        value = _sum_of(sample.get(f"{entry}.{column}.{index}") for column in spec["columns"])
    elif "at_index" in spec:
        value = sample.get(f"{spec['at_index']}.{index}")
    elif spec.get("index_text"):
        value = _index_text(index)
    elif "value" in spec:  # a constant
        return spec["value"]
    elif "oid" in spec:
        value = sample.get(str(spec["oid"]))
    elif "index_arc" in spec:
        arcs = index.split(".")
        value = Value("4", arcs[int(spec["index_arc"])]) if arcs else None
    elif "index_arcs" in spec:
        start, end = (int(x) for x in spec["index_arcs"])
        arcs = index.split(".")[start:end]
        value = Value("4x", bytes(int(a) % 256 for a in arcs).hex()) if arcs else None
    elif spec.get("index"):
        value = Value("4", index)
    else:
        value = None
    if value is None:
        return None
    return convert(value, spec)


def convert(value: Value, spec: Mapping[str, Any]) -> Any:
    result = _convert(value, spec)
    if result is not None and "format" in spec:
        return str(spec["format"]).format(result)
    return result


def _convert(value: Value, spec: Mapping[str, Any]) -> Any:
    kind = spec.get("type")
    result: Any = value.as_int() if value.is_number else value.as_text()
    if "missing" in spec and result in spec["missing"]:
        return None
    if "regex" in spec:
        match = re.search(str(spec["regex"]), value.as_text())
        if not match:
            return None
        result = match.group(1)
    if "map" in spec:
        return _mapped(spec["map"], result)
    if kind == "mac":
        return format_mac(value.as_bytes())
    if kind == "text":
        return str(result)
    if kind in INT_TYPES:
        return _integer(result, str(kind), int(spec.get("offset", 0)))
    if "scale" in spec:
        measured = _to_number(result)
        return None if measured is None else round(measured * float(spec["scale"]), 9)
    if kind == "float":
        return _to_number(result)
    return result


def _mapped(table: Mapping[Any, Any], result: Any) -> Any:
    lookup = result
    if isinstance(result, str) and result.strip().lstrip("-").isdigit():
        lookup = int(result)
    return table.get(lookup, table.get(str(lookup)))


def _integer(result: Any, kind: str, offset: int) -> Any:
    number = _to_int(result)
    if number is None:
        return None
    number += offset
    return number if kind == "int" else INT_TYPES[kind](number)


def _sum_of(values: Iterable[Value | None]) -> Value | None:
    """The sum of the numbers given; None when none is a number."""
    numbers = [n for v in values if v is not None and (n := v.as_int()) is not None]
    return Value("2", str(sum(numbers))) if numbers else None


def _index_text(index: str) -> Value | None:
    """A string index (length arc, then one arc per character) as its text."""
    arcs = index.split(".")
    if not arcs or not all(a.isdigit() for a in arcs):
        return None
    length, chars = int(arcs[0]), [int(a) for a in arcs[1:]]
    if length != len(chars) or not all(32 <= c < 127 for c in chars):
        return None
    return Value("4", "".join(map(chr, chars)))


def count_value(spec: Mapping[str, Any], sample: Sample) -> int | None:
    """A wireless count: a scalar (`oid`), the rows of a column (`count_rows`) or the
    sum of a column (`sum_column`). An empty table counts as 0 only when the agent
    shows it implements the MIB (`implemented_by`: a subtree that has rows)."""
    if "oid" in spec:
        value = field_value(spec, sample, "", "")
        return _to_int(value) if value is not None else None
    if "count_rows" in spec:
        rows = sample.column(str(spec["count_rows"]))
        if rows:
            return len(rows)
    elif "sum_column" in spec:
        total = _sum_of(sample.column(str(spec["sum_column"])).values())
        if total is not None:
            return total.as_int()
    implemented_by = spec.get("implemented_by")
    if implemented_by and sample.column(str(implemented_by)):
        return 0
    return None


def _to_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _to_number(value: Any) -> float | None:
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def format_mac(data: bytes) -> str | None:
    if len(data) != 6:
        return None
    return ":".join(f"{b:02x}" for b in data)


def channel_band(channel: int) -> str | None:
    if 1 <= channel <= 14:
        return "2.4GHz"
    if 32 <= channel <= 177:
        return "5GHz"
    return None


def mhz_band(mhz: int) -> str | None:
    if 2400 <= mhz < 2500:
        return "2.4GHz"
    if 4900 <= mhz < 5925:
        return "5GHz"
    if 5925 <= mhz <= 7125:
        return "6GHz"
    if 57000 <= mhz <= 71000:
        return "60GHz"
    return None


def mhz_channel(mhz: int) -> int | None:
    if mhz == 2484:
        return 14
    if 2412 <= mhz <= 2472:
        return (mhz - 2407) // 5
    if 4900 <= mhz < 5925:
        return (mhz - 5000) // 5
    if 5925 < mhz <= 7125:
        return (mhz - 5950) // 5
    if 57000 <= mhz <= 71000 and (mhz - 56160) % 2160 == 0:  # 802.11ad/ay
        return (mhz - 56160) // 2160
    return None


def channel_mhz(channel: int, band: str | None) -> int | None:
    """Centre frequency of a Wi-Fi channel; the band decides where numbers overlap
    (5 GHz and 6 GHz both have a channel 37)."""
    if band == "6GHz":
        return 5950 + 5 * channel if 1 <= channel <= 233 else None
    if band == "60GHz":
        return 56160 + 2160 * channel if 1 <= channel <= 6 else None
    if channel == 14 and band in (None, "2.4GHz"):
        return 2484
    if 1 <= channel <= 13 and band in (None, "2.4GHz"):
        return 2407 + 5 * channel
    if 32 <= channel <= 177 and band in (None, "5GHz"):
        return 5000 + 5 * channel
    return None


# Integer field types: an int, or an int turned into a band or channel.
INT_TYPES: dict[str, Callable[[int], Any]] = {
    "int": int,
    "channel_band": channel_band,
    "mhz_band": mhz_band,
    "mhz_channel": mhz_channel,
}
