"""Concrete fixes for failing circuits, RCDs and carts, cheapest first.

For a circuit over its limit, each cart on it (largest first) gets the first fix
that works: move it to a circuit with headroom in the same room, sequence it to
N slots at a time (only if a full cycle still fits overnight), move it to another
room's circuit, or add a circuit. Moves book the target's headroom, so two carts
are never sent to the same spare amperes.
"""

from __future__ import annotations

import math

from netsurvey.power import model
from netsurvey.power.settings import PowerSettings
from netsurvey.power.spec import Site
from netsurvey.power.verdicts import CartVerdict, CircuitVerdict, RcdVerdict, Recommendation

_EPS = 1e-9


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"


class _Planner:
    def __init__(
        self,
        site: Site,
        circuits: list[CircuitVerdict],
        rcds: list[RcdVerdict],
        settings: PowerSettings,
    ) -> None:
        self.site = site
        self.settings = settings
        self.circuits = {c.circuit_id: c for c in circuits}
        self.headroom_a = {c.circuit_id: c.headroom_a for c in circuits}
        self.rcd_of = {cid: r for r in rcds for cid in r.circuits}
        self.spare_adapters = {r.rcd: r.max_adapters_worst - r.adapters for r in rcds}

    def _rcd_takes(self, circuit_id: str, adapters: int, from_circuit: str) -> bool:
        rcd = self.rcd_of.get(circuit_id)
        if rcd is None or rcd is self.rcd_of.get(from_circuit):
            return True
        return self.spare_adapters[rcd.rcd] >= adapters

    def move_target(self, cart: CartVerdict, same_room: bool) -> CircuitVerdict | None:
        candidates = []
        for cid, verdict in self.circuits.items():
            if cid == cart.circuit or verdict.verdict == "fail":
                continue
            if same_room and cart.room is not None and verdict.room not in (cart.room, None):
                continue
            if not same_room and (cart.room is None or verdict.room in (cart.room, None)):
                continue
            if self.headroom_a[cid] + _EPS < cart.used_a:
                continue
            if not self._rcd_takes(cid, cart.concurrent_slots, cart.circuit):
                continue
            candidates.append(verdict)
        if not candidates:
            return None
        return max(candidates, key=lambda v: self.headroom_a[v.circuit_id])

    def book_move(self, cart: CartVerdict, target: CircuitVerdict) -> None:
        self.headroom_a[target.circuit_id] -= cart.used_a
        self.headroom_a[cart.circuit] += cart.used_a
        rcd = self.rcd_of.get(target.circuit_id)
        if rcd is not None and rcd is not self.rcd_of.get(cart.circuit):
            self.spare_adapters[rcd.rcd] -= cart.concurrent_slots

    def sequence_slots(self, cart: CartVerdict, excess_a: float, one_a: float) -> int | None:
        """Most slots at once that remove ``excess_a`` and still charge overnight."""
        if cart.concurrent_slots <= 1:
            return None
        allowed_a = cart.concurrent_slots * one_a - excess_a
        slots = min(math.floor(allowed_a / one_a + _EPS), cart.concurrent_slots - 1)
        if slots < 1:
            return None
        cycle_s = float(model.cart_cycle_s(cart.slots, slots, cart.per_device_s))
        return slots if cycle_s <= self.settings.overnight_window_s + _EPS else None


def _fix_circuit(
    planner: _Planner, circuit: CircuitVerdict, carts: list[CartVerdict]
) -> list[Recommendation]:
    b16_limit_a = float(model.continuous_limit_a(16.0, planner.settings.continuous_ratio))
    recs: list[Recommendation] = []
    excess_a = circuit.used_a - circuit.limit_a
    on_circuit = sorted(
        (c for c in carts if c.circuit == circuit.circuit_id), key=lambda c: -c.used_a
    )
    carts_a = sum(c.used_a for c in on_circuit)
    # A measured circuit may draw less per charger than the estimate: scale to it.
    scale = 1.0
    if circuit.measured_a is not None and carts_a > 0:
        scale = min(1.0, max(circuit.used_a - circuit.other_loads_a, 0.0) / carts_a)
    for cart in on_circuit:
        if excess_a <= _EPS:
            break
        one_a = cart.charger_input_a * scale if scale > 0 else cart.charger_input_a
        target = planner.move_target(cart, same_room=True)
        if target is not None:
            planner.book_move(cart, target)
            excess_a -= cart.used_a
            recs.append(_move(cart, circuit, target, planner))
            continue
        slots = planner.sequence_slots(cart, excess_a, one_a)
        if slots is not None:
            cycle_s = float(model.cart_cycle_s(cart.slots, slots, cart.per_device_s))
            saved_a = (cart.concurrent_slots - slots) * one_a
            excess_a -= saved_a
            recs.append(
                Recommendation(
                    "sequence",
                    cart.cart_id,
                    "must",
                    f"Sequence cart {cart.cart_id} to at most {slots} slots at a time: circuit "
                    f"{circuit.circuit_id} then carries {circuit.used_a - saved_a:.1f} A of "
                    f"{circuit.limit_a:.1f} A; a full cycle takes {_hours(cycle_s)} (overnight).",
                )
            )
            continue
        target = planner.move_target(cart, same_room=False)
        if target is not None:
            planner.book_move(cart, target)
            excess_a -= cart.used_a
            recs.append(_move(cart, circuit, target, planner))
            continue
        excess_a -= cart.used_a
        recs.append(
            Recommendation(
                "add_circuit",
                cart.cart_id,
                "must",
                f"Add a circuit for cart {cart.cart_id}"
                f"{f' in room {cart.room}' if cart.room else ''}: a dedicated B16 with a 30 mA "
                f"RCBO carries {math.floor(b16_limit_a / cart.charger_input_a + _EPS)} of its chargers "
                f"at once ({cart.concurrent_slots} needed, {cart.used_a:.1f} A).",
            )
        )
    return recs


def _move(
    cart: CartVerdict, source: CircuitVerdict, target: CircuitVerdict, planner: _Planner
) -> Recommendation:
    where = f" in room {target.room}" if target.room else ""
    left = planner.headroom_a[target.circuit_id]
    return Recommendation(
        "move",
        cart.cart_id,
        "must",
        f"Move cart {cart.cart_id} from circuit {source.circuit_id} to circuit "
        f"{target.circuit_id}{where} ({target.breaker}): it needs {cart.used_a:.1f} A and "
        f"leaves {left:.1f} A of headroom there.",
    )


def _fix_rcd(rcd: RcdVerdict, carts: list[CartVerdict]) -> Recommendation:
    members = [c for c in carts if c.circuit in rcd.circuits]
    unsequenced = [c for c in members if c.sequencing != "sequenced"]
    fixed = sum(c.concurrent_slots for c in members if c.sequencing == "sequenced")
    hint = "give each cart its own 30 mA RCBO"
    if unsequenced:
        per_cart = (rcd.max_adapters_worst - fixed) // len(unsequenced)
        if per_cart >= 1:
            names = ", ".join(c.cart_id for c in unsequenced)
            hint = f"sequence {names} to at most {per_cart} slots at a time each, or {hint}"
    return Recommendation(
        "rcd",
        rcd.rcd,
        "must",
        f"RCD {rcd.rcd} ({rcd.rcd_ma:g} mA, circuits {', '.join(rcd.circuits)}): "
        f"{rcd.adapters} adapters charging at once leak up to {rcd.leakage_worst_ma:.1f} mA, "
        f"over the {rcd.budget_ma:g} mA design budget ({rcd.max_adapters_worst} adapters); {hint}.",
    )


def _stagger(
    circuit: CircuitVerdict, carts: list[CartVerdict], settings: PowerSettings
) -> list[Recommendation]:
    recs = []
    for cart in carts:
        if cart.circuit != circuit.circuit_id or cart.sequencing == "sequenced":
            continue
        recs.append(
            Recommendation(
                "stagger",
                cart.cart_id,
                "should",
                f"Cart {cart.cart_id} switches {cart.slots} chargers on together: up to "
                f"{cart.slots * settings.inrush_peak_a_each:g} A inrush in the worst case against the {circuit.breaker}'s "
                f"magnetic trip from {circuit.magnetic_trip_low_a:g} A; use a sequencing cart "
                f"or stagger switch-on.",
            )
        )
    return recs


def _charge_time(
    carts: list[CartVerdict], circuits: dict[str, CircuitVerdict], settings: PowerSettings
) -> list[Recommendation]:
    recs = []
    for cart in carts:
        if cart.fits_overnight:
            continue
        headroom = circuits[cart.circuit].headroom_a if cart.circuit in circuits else 0.0
        more = max(0, math.floor(headroom / cart.charger_input_a + _EPS))
        option = (
            f"power up to {min(cart.slots, cart.concurrent_slots + more)} slots at once "
            f"(the circuit has room)"
            if more > 0
            else "split it into two carts on separate circuits"
        )
        recs.append(
            Recommendation(
                "charge_time",
                cart.cart_id,
                "must",
                f"Cart {cart.cart_id} needs {_hours(cart.cycle_s)} for a full cycle, more than "
                f"the {_hours(settings.overnight_window_s)} overnight window: {option}.",
            )
        )
    lessons = [c for c in carts if c.fits_overnight and not c.fits_between_lessons]
    if lessons:
        shortest = min(c.cycle_s for c in lessons)
        longest = max(c.cycle_s for c in lessons)
        span = (
            _hours(shortest)
            if round(shortest, -2) == round(longest, -2)
            else f"{shortest / 3600:.1f}-{_hours(longest)}"
        )
        recs.append(
            Recommendation(
                "overnight",
                ", ".join(c.cart_id for c in lessons),
                "info",
                f"Charge {'this cart' if len(lessons) == 1 else 'these carts'} overnight: a "
                f"full cycle takes {span}, and a "
                f"{settings.between_lessons_window_s / 60:g} min break between lessons cannot "
                f"refill drained devices.",
            )
        )
    return recs


def recommend(
    site: Site,
    circuits: list[CircuitVerdict],
    rcds: list[RcdVerdict],
    carts: list[CartVerdict],
    settings: PowerSettings,
) -> list[Recommendation]:
    planner = _Planner(site, circuits, rcds, settings)
    recs: list[Recommendation] = []
    handled: set[str] = set()
    for circuit in sorted(circuits, key=lambda c: -c.utilisation_ratio):
        if circuit.verdict == "fail":
            fixes = _fix_circuit(planner, circuit, carts)
            handled.update(r.subject for r in fixes if r.kind in ("sequence", "move"))
            recs.extend(fixes)
    for rcd in rcds:
        if rcd.verdict == "fail":
            recs.append(_fix_rcd(rcd, carts))
            if "sequence " in recs[-1].text:  # its carts are told to sequence already
                handled.update(c.cart_id for c in carts if c.circuit in rcd.circuits)
    for circuit in circuits:
        if circuit.inrush_risk:
            recs.extend(r for r in _stagger(circuit, carts, settings) if r.subject not in handled)
    recs.extend(_charge_time(carts, planner.circuits, settings))
    return recs
