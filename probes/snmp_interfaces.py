"""Interfaces from IF-MIB, and utilisation from two samples of the octet counters
(64-bit ifHC* where the agent has them, 32-bit otherwise, with wrap handling)."""

from __future__ import annotations

from probes.device import Interface
from probes.snmp_oids import (
    IF_ADMIN,
    IF_DESCR,
    IF_ENTRY,
    IF_IN_DISCARDS,
    IF_IN_ERRORS,
    IF_IN_OCTETS,
    IF_MAC,
    IF_OPER,
    IF_OUT_DISCARDS,
    IF_OUT_ERRORS,
    IF_OUT_OCTETS,
    IF_SPEED,
    IF_TYPE,
    IFX_ALIAS,
    IFX_ENTRY,
    IFX_HC_IN,
    IFX_HC_OUT,
    IFX_HIGH_SPEED,
    IFX_NAME,
    SYS_UPTIME,
)
from probes.snmp_sample import Sample, Value
from probes.snmp_values import int_of, mac_of, sum_known, text_of, up_of

IF_TYPES = {
    1: "other", 6: "ethernetCsmacd", 24: "softwareLoopback", 53: "propVirtual",
    62: "fastEther", 69: "fastEtherFX", 71: "ieee80211", 117: "gigabitEthernet",
    131: "tunnel", 135: "l2vlan", 136: "l3ipvlan", 161: "ieee8023adLag", 209: "bridge",
}  # fmt: skip
MAX_COUNTER32 = 2**32
SPEED_UNKNOWN_32 = 2**32 - 1


def build_interfaces(first: Sample, second: Sample | None, warnings: list[str]) -> list[Interface]:
    col = {c: first.column(f"{IF_ENTRY}.{c}") for c in (2, 3, 5, 6, 7, 8, 13, 14, 19, 20)}
    xcol = {c: first.column(f"{IFX_ENTRY}.{c}") for c in (1, 15, 18)}
    indexes = sorted({int(i) for c in (*col.values(), *xcol.values()) for i in c if i.isdigit()})
    uptime_reset = _uptime_went_back(first, second)
    if uptime_reset:
        warnings.append("sysUpTime went backwards between samples: agent restarted, no utilisation")
    interfaces = []
    for if_index in indexes:
        key = str(if_index)
        name = (
            text_of(xcol[IFX_NAME].get(key)) or text_of(col[IF_DESCR].get(key)) or f"ifIndex {key}"
        )
        speed_bps = _speed_bps(col[IF_SPEED].get(key), xcol[IFX_HIGH_SPEED].get(key))
        in_bps = out_bps = None
        if second is not None and not uptime_reset:
            in_bps = _rate(first, second, key, IFX_HC_IN, IF_IN_OCTETS, speed_bps, name, warnings)
            out_bps = _rate(
                first, second, key, IFX_HC_OUT, IF_OUT_OCTETS, speed_bps, name, warnings
            )
        if_type = int_of(col[IF_TYPE].get(key))
        interfaces.append(
            Interface(
                if_index=if_index,
                name=name,
                alias=text_of(xcol[IFX_ALIAS].get(key)),
                type=None if if_type is None else IF_TYPES.get(if_type, str(if_type)),
                admin_up=up_of(col[IF_ADMIN].get(key)),
                oper_up=up_of(col[IF_OPER].get(key)),
                speed_bps=speed_bps,
                in_bps=in_bps,
                out_bps=out_bps,
                in_errors=int_of(col[IF_IN_ERRORS].get(key)),
                out_errors=int_of(col[IF_OUT_ERRORS].get(key)),
                discards=sum_known(
                    int_of(col[IF_IN_DISCARDS].get(key)), int_of(col[IF_OUT_DISCARDS].get(key))
                ),
                mac=mac_of(col[IF_MAC].get(key)),
            )
        )
    return interfaces


def _speed_bps(if_speed: Value | None, high_speed: Value | None) -> float | None:
    high = high_speed.as_int() if high_speed else None
    if high:
        return high * 1e6
    speed = if_speed.as_int() if if_speed else None
    if speed and speed != SPEED_UNKNOWN_32:
        return float(speed)
    return None


def _uptime_went_back(first: Sample, second: Sample | None) -> bool:
    if second is None:
        return False
    before, after = first.get(SYS_UPTIME), second.get(SYS_UPTIME)
    if before is None or after is None:
        return False
    a, b = before.as_int(), after.as_int()
    return a is not None and b is not None and b < a


def _rate(
    first: Sample,
    second: Sample,
    key: str,
    hc_column: int,
    column: int,
    speed_bps: float | None,
    name: str,
    warnings: list[str],
) -> float | None:
    """Octets/s * 8 between the two samples, or None with a warning saying why."""
    for entry, col, bits in ((IFX_ENTRY, hc_column, 64), (IF_ENTRY, column, 32)):
        oid = f"{entry}.{col}.{key}"
        before, after = first.get(oid), second.get(oid)
        if before is None or after is None:
            continue
        t1, t2 = first.time_of(oid), second.time_of(oid)
        c1, c2 = before.as_int(), after.as_int()
        if t1 is None or t2 is None or c1 is None or c2 is None or t2 <= t1:
            return None
        delta = c2 - c1
        if delta < 0 and bits == 32:
            delta += MAX_COUNTER32
            bps = delta * 8 / (t2 - t1)
            if speed_bps is not None and bps > speed_bps * 1.05:
                warnings.append(f"{name}: 32-bit counter went backwards (reset?), rate unknown")
                return None
            warnings.append(f"{name}: 32-bit octet counter wrapped between samples")
            return bps
        if delta < 0:
            warnings.append(f"{name}: 64-bit octet counter went backwards (reset?), rate unknown")
            return None
        return delta * 8 / (t2 - t1)
    return None
