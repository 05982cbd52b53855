"""Plausibility checks for circuits, carts and readings, with one-line messages.

The same rules serve the inventory, the power walk (one answer at a time) and
the assessment, so a 400 A "socket circuit" or a 2 W charger is caught wherever
it is entered, and the message names the field, its value and what to do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

from netsurvey.errors import InventoryError
from netsurvey.power.spec import SEQUENCING, Cart, Circuit, MeasuredLoad, Site


class PowerInputError(InventoryError):
    """Circuits, carts or readings that cannot describe a real school installation."""


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    unit: str
    hint: str
    integer: bool = False


RULES = MappingProxyType(
    {
        ("circuit", "breaker_a"): Range(
            2, 63, "A", "school socket circuits are 10-32 A; read the breaker label (B16 = 16)"
        ),
        ("circuit", "rcd_ma"): Range(6, 500, "mA", "usually 30; leave empty if there is no RCD"),
        ("circuit", "other_loads_w"): Range(
            0, 14500, "W", "projector, PC, etc. on the same circuit, in watts"
        ),
        ("circuit", "sockets"): Range(0, 60, "", "count the sockets on this circuit", True),
        ("cart", "slots"): Range(1, 80, "", "count the device slots in the cart", True),
        ("cart", "charger_w"): Range(
            10, 200, "W", "the output rating on one laptop charger's label, e.g. 45"
        ),
        ("cart", "slots_at_once"): Range(
            1, 80, "", "how many slots the sequencer powers together", True
        ),
        ("cart", "slot_time_s"): Range(60, 86400, "s", "the sequencer's time per bank"),
        ("cart", "battery_wh"): Range(10, 200, "Wh", "the battery label, e.g. 47 Wh"),
        ("reading", "current_a"): Range(0, 100, "A", "the clamp meter's rms current in amperes"),
        ("reading", "power_w"): Range(0, 23000, "W", "the clamp meter's real power in watts"),
        ("reading", "power_factor_ratio"): Range(
            0.1, 1.0, "", "a power factor between 0.1 and 1, e.g. 0.55"
        ),
    }
)

CURVES = ("B", "C", "D")


def field_problem(kind: str, name: str, value: float | None) -> str | None:
    """Why ``value`` is not plausible for ``kind.name`` (None when it is, or is missing)."""
    if value is None:
        return None
    rule = RULES.get((kind, name))
    if rule is None:
        return None
    if isinstance(value, bool) or not math.isfinite(value):
        return f"{name}: not a number (got {value!r}); {rule.hint}"
    if rule.integer and value != int(value):
        return f"{name}: must be a whole number (got {value:g}); {rule.hint}"
    if not rule.low <= value <= rule.high:
        unit = f" {rule.unit}" if rule.unit else ""
        return f"{name}: {value:g}{unit} is outside {rule.low:g}-{rule.high:g}{unit}; {rule.hint}"
    return None


def circuit_problems(circuit: Circuit) -> list[str]:
    where = f"circuit {circuit.id}"
    found = [
        field_problem("circuit", "breaker_a", circuit.breaker_a),
        field_problem("circuit", "rcd_ma", circuit.rcd_ma),
        field_problem("circuit", "other_loads_w", circuit.other_loads_w),
        field_problem("circuit", "sockets", circuit.sockets),
    ]
    if circuit.curve.upper() not in CURVES:
        found.append(f"curve: {circuit.curve!r} is not a breaker curve; use B, C or D")
    return [f"{where}: {p}" for p in found if p]


def cart_problems(cart: Cart) -> list[str]:
    where = f"cart {cart.id}"
    found = [
        field_problem("cart", "slots", cart.slots),
        field_problem("cart", "charger_w", cart.charger_w),
        field_problem("cart", "slots_at_once", cart.slots_at_once),
        field_problem("cart", "slot_time_s", cart.slot_time_s),
        field_problem("cart", "battery_wh", cart.battery_wh),
    ]
    if cart.sequencing not in SEQUENCING:
        found.append(f"sequencing: {cart.sequencing!r} is not 'all' or 'sequenced'")
    elif cart.sequencing == "sequenced" and cart.slots_at_once is None:
        found.append("slots_at_once: missing for a sequenced cart; how many slots charge together?")
    if cart.slots_at_once is not None and cart.slots_at_once > cart.slots:
        found.append(
            f"slots_at_once: {cart.slots_at_once} is more than the cart's {cart.slots} slots"
        )
    return [f"{where}: {p}" for p in found if p]


def reading_problems(load: MeasuredLoad) -> list[str]:
    where = f"{load.subject} {load.subject_id} reading ({load.label})"
    found = [
        field_problem("reading", "current_a", load.current_a),
        field_problem("reading", "power_w", load.power_w),
        field_problem("reading", "power_factor_ratio", load.power_factor_ratio),
    ]
    if load.current_a is None and load.power_w is None:
        found.append("current_a: no current and no power in the reading")
    return [f"{where}: {p}" for p in found if p]


def site_problems(site: Site) -> list[str]:
    problems: list[str] = []
    circuit_ids = [c.id for c in site.circuits]
    cart_ids = [c.id for c in site.carts]
    for kind, ids in (("circuit", circuit_ids), ("cart", cart_ids)):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            problems.append(f"{kind} id {duplicates[0]!r} is declared twice; ids must be unique")
    for circuit in site.circuits:
        problems.extend(circuit_problems(circuit))
    for cart in site.carts:
        problems.extend(cart_problems(cart))
        if cart.circuit is None:
            problems.append(f"cart {cart.id}: circuit: not given; which circuit feeds the cart?")
        elif cart.circuit not in circuit_ids:
            declared = ", ".join(circuit_ids) or "none"
            problems.append(
                f"cart {cart.id}: circuit: {cart.circuit!r} is not a declared circuit "
                f"(declared: {declared}); add it under circuits or fix the cart's circuit"
            )
    known = {"circuit": set(circuit_ids), "cart": set(cart_ids)}
    for load in site.measured:
        problems.extend(reading_problems(load))
        if load.subject_id not in known[load.subject]:
            problems.append(
                f"{load.label}: reading names {load.subject} {load.subject_id!r}, "
                f"which is not declared"
            )
    return problems


def check_site(site: Site) -> None:
    """Raise ``PowerInputError`` with the first problem (and how many more there are)."""
    problems = site_problems(site)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise PowerInputError(f"school {site.school_id}: {problems[0]}{more}")
