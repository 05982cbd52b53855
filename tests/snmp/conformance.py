"""Compare netsurvey's reading of a walk (``details.device``) with LibreNMS's.

Each compared fact becomes a :class:`Fact` whose verdict is ``agreed``,
``explained`` (listed in ``EXPLAINED`` with the reason, and proven from the walk by
a test in test_conformance.py) or ``differs``. Facts only netsurvey reads are
counted per kind in :class:`Report.netsurvey_only`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.snmp.librenms_facts import LibrenmsFacts, Sensor

ABSENT = "absent"  # netsurvey has no such item at all (distinct from None = unknown)


@dataclass(frozen=True)
class Fact:
    device: str
    kind: str  # port_speed, frequency, clients_total, ap_*, load, power, current, poe_port_power
    key: str
    librenms: Any
    netsurvey: Any
    verdict: str = "differs"  # agreed | explained | differs
    reason: str = ""


@dataclass
class Report:
    facts: list[Fact] = field(default_factory=list)
    netsurvey_only: Counter[str] = field(default_factory=Counter)

    def count(self, verdict: str) -> int:
        return sum(1 for f in self.facts if f.verdict == verdict)

    @property
    def agreement(self) -> float:
        return self.count("agreed") / len(self.facts) if self.facts else 1.0

    def summary(self) -> dict[str, Any]:
        by_kind: dict[str, Counter[str]] = {}
        for fact in self.facts:
            by_kind.setdefault(fact.kind, Counter())[fact.verdict] += 1
        return {
            "facts_compared": len(self.facts),
            "agreed": self.count("agreed"),
            "explained_differences": self.count("explained"),
            "unexplained_differences": self.count("differs"),
            "agreement_ratio": round(self.agreement, 4),
            "netsurvey_only": dict(sorted(self.netsurvey_only.items())),
            "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
        }

    def lines(self) -> list[str]:
        s = self.summary()
        out = [
            f"LibreNMS conformance: {s['facts_compared']} facts compared, {s['agreed']} agreed "
            f"({100 * s['agreement_ratio']:.1f} %), {s['explained_differences']} explained "
            f"differences, {s['unexplained_differences']} unexplained",
            "netsurvey-only facts: "
            + ", ".join(f"{k} {v}" for k, v in s["netsurvey_only"].items()),
            "by kind: "
            + "; ".join(
                f"{kind} " + ", ".join(f"{v} {n}" for v, n in sorted(counts.items()))
                for kind, counts in s["by_kind"].items()
            ),
        ]
        reasons: dict[str, list[Fact]] = {}
        for fact in self.facts:
            if fact.verdict == "explained":
                reasons.setdefault(fact.reason, []).append(fact)
        for reason, facts in reasons.items():
            where = Counter(f"{f.device} {f.kind}" for f in facts)
            out.append(f"  explained ({len(facts)}): {reason}")
            out.append("    " + ", ".join(f"{w} x{n}" for w, n in sorted(where.items())))
        out += [
            f"  UNEXPLAINED {f.device} {f.kind} {f.key}: LibreNMS {f.librenms!r}, "
            f"netsurvey {f.netsurvey!r}"
            for f in self.facts
            if f.verdict == "differs"
        ]
        return out


def same(a: Any, b: Any) -> bool:
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return bool(a == b)
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-6)


@dataclass(frozen=True)
class Explanation:
    """Why netsurvey's reading differs from LibreNMS's and is right, for the facts of
    ``kind`` on walk ``device`` ("*": any walk) whose key is in ``keys`` (empty: any)
    and whose two readings are ``librenms`` and ``netsurvey``. ``proof(walk, fact)``
    checks the claim against the walk's own OIDs."""

    device: str
    kind: str
    librenms: Any
    netsurvey: Any
    reason: str
    proof: Callable[[Any, Fact], None]
    keys: tuple[str, ...] = ()

    def covers(self, fact: Fact) -> bool:
        return (
            self.device in ("*", fact.device)
            and self.kind == fact.kind
            and (not self.keys or fact.key in self.keys)
            and same(self.librenms, fact.librenms)
            and same(self.netsurvey, fact.netsurvey)
        )


def compare(
    name: str,
    expected: LibrenmsFacts,
    device: Mapping[str, Any],
    explained: Sequence[Explanation],
    report: Report,
) -> None:
    """Add the facts of one walk to ``report``."""
    facts: list[Fact] = []
    interfaces = {i["if_index"]: i for i in device.get("interfaces") or ()}
    for if_index, speed in sorted(expected.ports.items()):
        got = interfaces[if_index]["speed_bps"] if if_index in interfaces else ABSENT
        facts.append(Fact(name, "port_speed", str(if_index), speed, got))
    wireless = device.get("wireless") or {}
    radios = list(wireless.get("radios") or ())
    facts += _matched(name, "frequency", expected.frequencies, [r["frequency_mhz"] for r in radios])
    busy = [u for u in expected.utilization if u.descr.startswith("Total")]  # not rx/tx shares
    percent = [None if r["utilization_ratio"] is None else round(100 * r["utilization_ratio"], 6)
               for r in radios]  # fmt: skip
    facts += _matched(name, "utilization", busy, percent)
    facts += _matched(name, "tx_power", expected.tx_power_dbm, [r["tx_power_dbm"] for r in radios])
    facts += _matched(name, "channel", expected.channels, [r["channel"] for r in radios])
    for kind, want, got in (
        ("clients_total", expected.clients_total, wireless.get("clients_total")),
        ("ap_connected", expected.ap_connected, wireless.get("access_points_connected")),
        ("ap_total", expected.ap_total, wireless.get("access_points_total")),
    ):
        if want is not None:
            key = (expected.clients_rule or "") if kind == "clients_total" else ""
            facts.append(Fact(name, kind, key, want, got))
    power = device.get("power") or {}
    if expected.load_percent:
        ratio = power.get("load_ratio")
        got_percent = None if ratio is None else round(ratio * 100, 6)
        facts += [Fact(name, "load", s.descr, s.value, got_percent) for s in expected.load_percent]
    pool_w = _power_values(power, "power_w", "load_w")
    pool_a = _power_values(power, "current_a", "load_a")
    poe = device.get("poe") or {}
    poe_watts = [p.get("power_w") for p in poe.get("ports") or ()]
    facts += _matched(name, "poe_port_power", expected.poe_power_w, poe_watts)
    facts += _matched(name, "power", expected.output_power_w, pool_w, reuse=True)
    facts += _matched(name, "current", expected.output_current_a, pool_a, reuse=True)
    for fact in facts:
        explanation = next((e for e in explained if e.covers(fact)), None)
        if same(fact.librenms, fact.netsurvey):
            verdict, reason = "agreed", ""
        elif explanation is not None:
            verdict, reason = "explained", explanation.reason
        else:
            verdict, reason = "differs", ""
        report.facts.append(
            Fact(fact.device, fact.kind, fact.key, fact.librenms, fact.netsurvey, verdict, reason)
        )
    _count_netsurvey_only(expected, device, radios, report)


def _matched(
    name: str, kind: str, sensors: Sequence[Sensor], values: Iterable[Any], reuse: bool = False
) -> list[Fact]:
    """One fact per LibreNMS sensor, matched to an equal netsurvey value (each used once
    unless ``reuse``: a UPS names its output power under two sensors); an unmatched
    sensor is compared with the netsurvey values left over."""
    pool = [v for v in values if v is not None]
    facts = []
    for sensor in sensors:
        match = next((v for v in pool if same(v, sensor.value)), None)
        if match is not None:
            if not reuse:
                pool.remove(match)
            facts.append(Fact(name, kind, sensor.descr, sensor.value, match))
        else:
            facts.append(Fact(name, kind, sensor.descr, sensor.value, tuple(pool) or None))
    return facts


def _power_values(power: Mapping[str, Any], item_key: str, total_key: str) -> list[Any]:
    values = [power.get(total_key)]
    values += [line.get(item_key) for line in power.get("lines") or ()]
    values += [outlet.get(item_key) for outlet in power.get("outlets") or ()]
    return values


def _count_netsurvey_only(
    expected: LibrenmsFacts, device: Mapping[str, Any], radios: list[Any], report: Report
) -> None:
    if expected.ports:  # interfaces LibreNMS leaves out (it ignores some types)
        listed = {i["if_index"] for i in device.get("interfaces") or ()}
        report.netsurvey_only["ports"] += len(listed - set(expected.ports))
    poe = device.get("poe") or {}
    watts = [p for p in poe.get("ports") or () if p.get("power_w") is not None]
    report.netsurvey_only["poe_port_watts"] += max(0, len(watts) - len(expected.poe_power_w))
    if not expected.utilization:
        report.netsurvey_only["radio_utilization"] += sum(
            1 for r in radios if r.get("utilization_ratio") is not None
        )
    known = [r for r in radios if r.get("frequency_mhz") is not None]
    report.netsurvey_only["radio_frequency"] += max(0, len(known) - len(expected.frequencies))
    report.netsurvey_only["radio_channel"] += sum(1 for r in radios if r.get("channel") is not None)
    wireless = device.get("wireless") or {}
    for kind, want, key in (
        ("clients_total", expected.clients_total, "clients_total"),
        ("ap_connected", expected.ap_connected, "access_points_connected"),
        ("ap_total", expected.ap_total, "access_points_total"),
    ):
        if want is None and wireless.get(key) is not None:
            report.netsurvey_only[kind] += 1
    power = device.get("power") or {}
    if not (expected.output_power_w or expected.output_current_a or expected.load_percent):
        readings = [v for v in (*_power_values(power, "power_w", "load_w"),
                                *_power_values(power, "current_a", "load_a"),
                                power.get("load_ratio")) if v is not None]  # fmt: skip
        report.netsurvey_only["power_readings"] += len(readings)


REPORT_KEY = pytest.StashKey[Report]()
