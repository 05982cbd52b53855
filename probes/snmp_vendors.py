"""Vendor OIDs as data: ``probes/data/snmp_vendors.yaml`` read into profiles.

A profile says which table columns and scalars to fetch and how each becomes a
field of the device model. The YAML header documents the format; this module
only evaluates it, so adding a vendor never needs a code change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from probes.base import ProbeUnavailable
from probes.snmp_sample import Sample, Value

VENDORS_FILE = Path(__file__).with_name("data") / "snmp_vendors.yaml"
TABLE_SECTIONS = ("poe_groups", "poe_ports", "radios", "ssids", "access_points", "outlets")


@dataclass(frozen=True)
class TableSource:
    entry: str
    fields: Mapping[str, Mapping[str, Any]]
    key: Mapping[str, Any] | None = None

    def columns(self) -> set[int]:
        specs = [*self.fields.values(), *([self.key] if self.key else [])]
        return {int(spec["column"]) for spec in specs if "column" in spec}


@dataclass(frozen=True)
class Profile:
    name: str
    prefixes: tuple[str, ...] = ()
    scalars: Mapping[str, str] = field(default_factory=dict)  # model/os_version/serial -> OID
    tables: Mapping[str, tuple[TableSource, ...]] = field(default_factory=dict)
    power_kind: str | None = None
    power_fields: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    clients_total: Mapping[str, Any] | None = None

    def walk_roots(self) -> set[str]:
        roots = {
            f"{source.entry}.{column}"
            for sources in self.tables.values()
            for source in sources
            for column in source.columns()
        }
        if self.clients_total and "count_rows" in self.clients_total:
            roots.add(str(self.clients_total["count_rows"]))
        return roots

    def get_oids(self) -> set[str]:
        oids = set(self.scalars.values())
        oids.update(str(spec["oid"]) for spec in self.power_fields.values() if "oid" in spec)
        if self.clients_total and "oid" in self.clients_total:
            oids.add(str(self.clients_total["oid"]))
        return oids


@dataclass(frozen=True)
class VendorData:
    standard: Profile
    vendors: tuple[Profile, ...]
    enterprises: Mapping[int, str]

    def select(self, sys_object_id: str | None) -> list[Profile]:
        """The standard profile, then every matching vendor, most specific last."""
        if not sys_object_id:
            return [self.standard]
        oid = sys_object_id.strip(".")
        matches = [
            (max(len(p) for p in v.prefixes if oid.startswith(p)), v)
            for v in self.vendors
            if any(oid.startswith(p) for p in v.prefixes)
        ]
        return [self.standard, *(v for _, v in sorted(matches, key=lambda m: m[0]))]

    def vendor_name(self, sys_object_id: str | None) -> str | None:
        profiles = self.select(sys_object_id)
        if len(profiles) > 1:
            return profiles[-1].name
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
            TableSource(str(s["entry"]), dict(s.get("fields") or {}), s.get("key"))
            for s in data[section]
        )
        for section in TABLE_SECTIONS
        if data.get(section)
    }
    power = data.get("power") or {}
    return Profile(
        name=name,
        prefixes=tuple(str(p) for p in data.get("sys_object_id") or ()),
        scalars={k: str(data[k]) for k in ("model", "os_version", "serial") if data.get(k)},
        tables=tables,
        power_kind=power.get("kind"),
        power_fields=dict(power.get("fields") or {}),
        clients_total=data.get("clients_total"),
    )


# --------------------------------------------------------------------------- evaluation


def table_rows(sample: Sample, sources: Iterable[TableSource]) -> dict[str, dict[str, Any]]:
    """Rows of all ``sources`` joined on their key, in first-seen order.

    A later source fills fields an earlier one left unknown."""
    merged: dict[str, dict[str, Any]] = {}
    for source in sources:
        for index in _indexes(sample, source):
            key_value = (
                field_value(source.key, sample, source.entry, index) if source.key else index
            )
            if key_value is None:
                continue
            row = merged.setdefault(str(key_value), {"_index": index})
            for name, spec in source.fields.items():
                value = field_value(spec, sample, source.entry, index)
                if row.get(name) is None:
                    row[name] = value
    return merged


def _indexes(sample: Sample, source: TableSource) -> list[str]:
    seen: dict[str, None] = {}
    for column in sorted(source.columns()):
        for index in sample.column(f"{source.entry}.{column}"):
            seen.setdefault(index)
    return list(seen)


def scalar_fields(sample: Sample, fields: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {name: field_value(spec, sample, "", "") for name, spec in fields.items()}


def field_value(spec: Mapping[str, Any], sample: Sample, entry: str, index: str) -> Any:
    value: Value | None
    if "column" in spec:
        value = sample.get(f"{entry}.{spec['column']}.{index}")
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
        table = spec["map"]
        lookup = result
        if isinstance(result, str) and result.strip().lstrip("-").isdigit():
            lookup = int(result)
        return table.get(lookup, table.get(str(lookup)))
    if kind == "mac":
        return format_mac(value.as_bytes())
    if kind == "text":
        return str(result)
    if kind in ("int", "channel_band", "mhz_band", "mhz_channel"):
        number = _to_int(result)
        if number is not None:
            number += int(spec.get("offset", 0))
        if number is None or kind == "int":
            return number
        return {"channel_band": channel_band, "mhz_band": mhz_band, "mhz_channel": mhz_channel}[
            kind
        ](number)
    if "scale" in spec:
        measured = _to_number(result)
        return None if measured is None else round(measured * float(spec["scale"]), 9)
    if kind == "float":
        return _to_number(result)
    return result


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
    return None
