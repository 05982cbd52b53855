"""LLDP-MIB and CISCO-CDP-MIB neighbours: which port each device hangs on."""

from __future__ import annotations

from collections.abc import Mapping

from probes.device import LldpNeighbor
from probes.snmp_oids import (
    CDP_CACHE_ENTRY,
    LLDP_LOC_PORT_ENTRY,
    LLDP_MAN_ADDR_IF_SUBTYPE,
    LLDP_REM_ENTRY,
)
from probes.snmp_sample import Sample, Value
from probes.snmp_values import printable, text_of
from probes.snmp_vendors import format_mac

LLDP_CAPABILITIES = (
    "other", "repeater", "bridge", "wlanAccessPoint", "router", "telephone",
    "docsisCableDevice", "stationOnly", "cVLAN", "sVLAN", "tpmr",
)  # fmt: skip
CDP_CAPABILITIES = (
    (0x01, "router"), (0x02, "bridge"), (0x04, "bridge"), (0x08, "bridge"),
    (0x10, "stationOnly"), (0x40, "repeater"), (0x80, "telephone"),
)  # fmt: skip


def build_lldp(
    sample: Sample,
    names: Mapping[int, str],
    dropped: list[str] | None = None,
    if_index_by_rem_index: Mapping[str, int] | None = None,
) -> list[LldpNeighbor]:
    """Every lldpRemTable row becomes a neighbour. Where the row names no usable
    local port, a vendor table (``if_index_by_rem_index``) may; failing that the
    neighbour keeps ``local_port="unknown"`` and is listed in ``dropped``."""
    col = {c: sample.column(f"{LLDP_REM_ENTRY}.{c}") for c in (4, 5, 6, 7, 8, 9, 11, 12)}
    indexes = list(dict.fromkeys(i for c in col.values() for i in c))
    mgmt = _lldp_mgmt_addresses(sample)
    neighbors = []
    for index in indexes:
        parts = index.split(".")
        # LLDP-MIB indexes rows timeMark.localPortNum.remIndex; RouterOS 6 uses one arc.
        local = parts[1] if len(parts) >= 3 else None
        local_port = _lldp_local_port(sample, local, names) if local and local != "0" else None
        if local_port is None and if_index_by_rem_index:
            if_index = if_index_by_rem_index.get(parts[-1])
            local_port = names.get(if_index) if if_index is not None else None
        if local_port is None and dropped is not None:
            where = f"local port number {local}" if local else f"row index {index}"
            dropped.append(
                f"LLDP neighbour {text_of(col[9].get(index)) or index}: {where} names no "
                "port (no lldpLocPortTable row, no such ifIndex); local port unknown"
            )
        neighbors.append(
            LldpNeighbor(
                local_port=local_port or "unknown",
                remote_sys_name=text_of(col[9].get(index)),
                remote_port=_lldp_id(col[6].get(index), col[7].get(index), mac_subtype=3)
                or text_of(col[8].get(index)),
                remote_chassis_id=_lldp_id(col[4].get(index), col[5].get(index), mac_subtype=4),
                remote_capabilities=_bits(col[12].get(index)) or _bits(col[11].get(index)),
                remote_mgmt_ip=mgmt.get(".".join(parts[:3])),
                protocol="lldp",
            )
        )
    return neighbors


def _lldp_local_port(sample: Sample, local: str, names: Mapping[int, str]) -> str | None:
    subtype = sample.get(f"{LLDP_LOC_PORT_ENTRY}.2.{local}")
    port_id = sample.get(f"{LLDP_LOC_PORT_ENTRY}.3.{local}")
    if subtype is not None and subtype.as_int() in (5, 7) and text_of(port_id):
        return str(text_of(port_id))
    if local.isdigit() and int(local) in names:
        return names[int(local)]
    return text_of(sample.get(f"{LLDP_LOC_PORT_ENTRY}.4.{local}")) or text_of(port_id)


def _lldp_id(subtype: Value | None, value: Value | None, mac_subtype: int) -> str | None:
    if value is None:
        return None
    kind = subtype.as_int() if subtype else None
    data = value.as_bytes()
    if kind == mac_subtype:
        text = printable(data) if len(data) != 6 else None
        return format_mac(data) or (text.lower() if text else None)
    if kind == 5 and mac_subtype == 4 and len(data) == 5 and data[0] == 1:  # networkAddress IPv4
        return ".".join(str(b) for b in data[1:])
    return printable(data)


def _lldp_mgmt_addresses(sample: Sample) -> dict[str, str]:
    """{timeMark.localPort.remIndex: IPv4} from lldpRemManAddrTable indexes."""
    found: dict[str, str] = {}
    for index in sample.column(LLDP_MAN_ADDR_IF_SUBTYPE):
        parts = index.split(".")
        if len(parts) == 9 and parts[3] == "1" and parts[4] == "4":
            found.setdefault(".".join(parts[:3]), ".".join(parts[5:]))
    return found


def build_cdp(sample: Sample, names: Mapping[int, str]) -> list[LldpNeighbor]:
    col = {c: sample.column(f"{CDP_CACHE_ENTRY}.{c}") for c in (4, 6, 7, 8, 9)}
    indexes = list(dict.fromkeys(i for c in col.values() for i in c))
    neighbors = []
    for index in indexes:
        if_index = index.split(".")[0]
        address = col[4].get(index)
        raw_ip = address.as_bytes() if address else b""
        caps = col[9].get(index)
        cap_bits = int.from_bytes(caps.as_bytes()[-4:], "big") if caps else 0
        neighbors.append(
            LldpNeighbor(
                local_port=names.get(int(if_index), if_index) if if_index.isdigit() else if_index,
                remote_sys_name=text_of(col[6].get(index)),
                remote_port=text_of(col[7].get(index)),
                remote_chassis_id=text_of(col[6].get(index)),
                remote_capabilities=tuple(
                    dict.fromkeys(name for bit, name in CDP_CAPABILITIES if cap_bits & bit)
                ),
                remote_mgmt_ip=".".join(str(b) for b in raw_ip) if len(raw_ip) == 4 else None,
                remote_platform=text_of(col[8].get(index)),
                protocol="cdp",
            )
        )
    return neighbors


def _bits(value: Value | None) -> tuple[str, ...]:
    if value is None:
        return ()
    data = value.as_bytes()
    return tuple(
        name
        for position, name in enumerate(LLDP_CAPABILITIES)
        if position // 8 < len(data) and data[position // 8] & (0x80 >> (position % 8))
    )
