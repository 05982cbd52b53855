"""Per-circuit, per-RCD and per-cart verdicts for charging carts (docs/model.md §6).

Every electrical figure comes from ``netsurvey.power.model``; this module decides
which numbers to feed it (measured where there is a reading, estimated otherwise),
compares them with the limits and words the recommendations.
"""

from __future__ import annotations

import math
from dataclasses import replace

from netsurvey.power import model
from netsurvey.power.recommend import recommend
from netsurvey.power.settings import MAGNETIC_TRIP_MULTIPLES, PowerSettings
from netsurvey.power.spec import Cart, Circuit, MeasuredLoad, Site
from netsurvey.power.validate import PowerInputError, check_site
from netsurvey.power.verdicts import (
    CartVerdict,
    CircuitVerdict,
    RcdVerdict,
    SiteAssessment,
)

_EPS = 1e-9


def _f(value: model.FloatArray) -> float:
    """A model result (a 0-d numpy array) as a plain float."""
    return float(value)


def charger_a(cart: Cart, settings: PowerSettings) -> float:
    return _f(
        model.charger_input_current_a(
            cart.charger_w or settings.charger_w,
            settings.charger_efficiency_ratio,
            settings.charger_pf,
            settings.voltage_v,
        )
    )


def other_loads_a(circuit: Circuit, settings: PowerSettings) -> float:
    return _f(
        model.circuit_current_a(
            0,
            settings.charger_w,
            settings.charger_efficiency_ratio,
            settings.charger_pf,
            settings.other_loads_w_assumed
            if circuit.other_loads_w is None
            else circuit.other_loads_w,
            settings.other_loads_pf,
            settings.voltage_v,
        )
    )


def limit_a(circuit: Circuit, settings: PowerSettings) -> float:
    return _f(model.continuous_limit_a(circuit.breaker_a, settings.continuous_ratio))


def _readings(site: Site) -> dict[tuple[str, str], list[MeasuredLoad]]:
    by_subject: dict[tuple[str, str], list[MeasuredLoad]] = {}
    for load in site.measured:
        by_subject.setdefault((load.subject, load.subject_id), []).append(load)
    return by_subject


def _highest(
    loads: list[MeasuredLoad], settings: PowerSettings
) -> tuple[float, MeasuredLoad] | None:
    """The highest rms current among the readings of one subject (the breaker sees peaks)."""
    rated = [(load.rms_current_a(settings.voltage_v), load) for load in loads]
    usable = [(a, load) for a, load in rated if a is not None]
    if not usable:
        return None
    return max(usable, key=lambda pair: pair[0])


def _source_label(load: MeasuredLoad, count: int) -> str:
    return load.label if count == 1 else f"{load.label} (highest of {count} readings)"


def _assess_cart(
    cart: Cart,
    readings: dict[tuple[str, str], list[MeasuredLoad]],
    settings: PowerSettings,
) -> tuple[CartVerdict, list[str]]:
    if cart.circuit is None:  # check_site refuses such a cart first
        raise PowerInputError(f"cart {cart.id}: circuit: not given; which circuit feeds it?")
    one_a = charger_a(cart, settings)
    estimated = cart.concurrent_slots * one_a
    loads = readings.get(("cart", cart.id), [])
    best = _highest(loads, settings)
    measured = best[0] if best else None
    source = _source_label(best[1], len(loads)) if best else "estimate"
    warnings = []
    if best and measured is not None and measured < settings.measured_low_ratio * estimated:
        warnings.append(
            f"cart {cart.id}: measured {measured:.1f} A is under half the {estimated:.1f} A "
            f"estimate; were all slots charging when it was read?"
        )
    battery_wh = cart.battery_wh or settings.battery_wh
    charge_w = min(settings.battery_charge_w, cart.charger_w or settings.charger_w)
    per_device_s = _f(
        model.charge_time_s(
            battery_wh,
            settings.soc_start_ratio,
            settings.soc_end_ratio,
            charge_w,
            settings.taper_factor,
        )
    )
    if cart.slot_time_s:  # a round-robin timer powers each bank in whole slot times
        per_device_s = math.ceil(per_device_s / cart.slot_time_s - _EPS) * cart.slot_time_s
    cycle_s = _f(model.cart_cycle_s(cart.slots, cart.concurrent_slots, per_device_s))
    assumed = []
    if cart.charger_w is None:
        assumed.append(f"charger {settings.charger_w:g} W")
    if cart.battery_wh is None:
        assumed.append(f"battery {settings.battery_wh:g} Wh")
    verdict = CartVerdict(
        cart_id=cart.id,
        room=cart.room,
        circuit=cart.circuit,
        slots=cart.slots,
        concurrent_slots=cart.concurrent_slots,
        sequencing=cart.sequencing,
        charger_input_a=one_a,
        estimated_a=estimated,
        measured_a=measured,
        used_a=measured if measured is not None else estimated,
        current_source=source,
        per_device_s=per_device_s,
        cycle_s=cycle_s,
        fits_overnight=cycle_s <= settings.overnight_window_s + _EPS,
        fits_between_lessons=cycle_s <= settings.between_lessons_window_s + _EPS,
        inrush_risk=False,
        verdict="pass",
        assumed=tuple(assumed),
    )
    return verdict, warnings


def _reference_cart(
    on_circuit: list[CartVerdict], all_carts: list[CartVerdict]
) -> CartVerdict | None:
    pool = on_circuit or all_carts
    return max(pool, key=lambda c: c.estimated_a) if pool else None


def _assess_circuit(
    circuit: Circuit,
    carts: list[CartVerdict],
    all_carts: list[CartVerdict],
    readings: dict[tuple[str, str], list[MeasuredLoad]],
    settings: PowerSettings,
) -> CircuitVerdict:
    limit = limit_a(circuit, settings)
    other = other_loads_a(circuit, settings)
    estimated = other + sum(c.used_a for c in carts)
    loads = readings.get(("circuit", circuit.id), [])
    best = _highest(loads, settings)
    warnings: list[str] = []
    measured: float | None = None
    source = "estimate"
    if best is not None:
        measured = best[0] + (0.0 if best[1].includes_other_loads else other)
        source = _source_label(best[1], len(loads))
        if measured < settings.measured_low_ratio * estimated:
            warnings.append(
                f"measured {measured:.1f} A is under half the {estimated:.1f} A estimate; "
                f"re-measure with every cart on {circuit.id} charging"
            )
    used = measured if measured is not None else estimated
    if circuit.other_loads_w is None:
        assumed_w = settings.other_loads_w_assumed
        warnings.append(
            "other loads not declared; "
            + (f"assumed {assumed_w:.0f} W" if assumed_w else "assumed none")
        )
    if circuit.rcd_ma is None and circuit.rcd_group is None:
        warnings.append("no RCD declared; socket circuits up to 32 A need a 30 mA RCD")
    default_one_a = _f(
        model.charger_input_current_a(
            settings.charger_w,
            settings.charger_efficiency_ratio,
            settings.charger_pf,
            settings.voltage_v,
        )
    )
    reference = _reference_cart(carts, all_carts)
    one_a = reference.charger_input_a if reference else default_one_a
    cart_peak_a = reference.estimated_a if reference else 30 * default_one_a
    spare = max(limit - other, 0.0)
    unsequenced = [c for c in carts if c.sequencing != "sequenced"]
    curve = circuit.curve.upper()
    trip_low = MAGNETIC_TRIP_MULTIPLES[curve][0] * circuit.breaker_a
    inrush = sum(c.slots for c in unsequenced) * settings.inrush_peak_a_each
    inrush_risk = bool(unsequenced) and inrush > trip_low
    return CircuitVerdict(
        circuit_id=circuit.id,
        room=circuit.room,
        breaker=f"{curve}{circuit.breaker_a:g}",
        limit_a=limit,
        other_loads_a=other,
        estimated_a=estimated,
        measured_a=measured,
        used_a=used,
        current_source=source,
        utilisation_ratio=used / limit,
        headroom_a=limit - used,
        carts=tuple(c.cart_id for c in carts),
        concurrent_chargers=sum(c.concurrent_slots for c in carts),
        chargers_capacity=math.floor(spare / one_a + _EPS),
        carts_capacity=math.floor(spare / cart_peak_a + _EPS) if cart_peak_a > 0 else 0,
        reference_cart=(
            f"{reference.cart_id} ({reference.concurrent_slots} at once)"
            if reference
            else "30-slot cart, all at once"
        ),
        inrush_peak_a=inrush if unsequenced else None,
        magnetic_trip_low_a=trip_low,
        inrush_risk=inrush_risk,
        verdict="pass" if used <= limit + _EPS else "fail",
        warnings=tuple(warnings),
    )


def _assess_rcds(site: Site, carts: list[CartVerdict], settings: PowerSettings) -> list[RcdVerdict]:
    groups: dict[str, list[Circuit]] = {}
    for circuit in site.circuits:
        groups.setdefault(circuit.rcd_key, []).append(circuit)
    verdicts = []
    for key, members in groups.items():
        ratings = [c.rcd_ma for c in members if c.rcd_ma is not None]
        if not ratings:
            continue
        rcd_ma = min(ratings)
        ids = {c.id for c in members}
        adapters = sum(c.concurrent_slots for c in carts if c.circuit in ids)
        budget = settings.rcd_budget_ma(rcd_ma)
        worst = _f(model.rcd_leakage_ma(adapters, settings.leakage_worst_ma))
        typical = _f(model.rcd_leakage_ma(adapters, settings.leakage_typical_ma))
        verdicts.append(
            RcdVerdict(
                rcd=key,
                circuits=tuple(c.id for c in members),
                rcd_ma=rcd_ma,
                budget_ma=budget,
                adapters=adapters,
                leakage_typical_ma=typical,
                leakage_worst_ma=worst,
                utilisation_ratio=worst / budget,
                max_adapters_worst=math.floor(budget / settings.leakage_worst_ma + _EPS),
                verdict="pass" if worst <= budget + _EPS else "fail",
            )
        )
    return verdicts


def _finish_cart(
    cart: CartVerdict,
    circuit: CircuitVerdict | None,
    rcd: RcdVerdict | None,
    settings: PowerSettings,
) -> CartVerdict:
    reasons = []
    if circuit is not None and circuit.verdict == "fail":
        reasons.append(
            f"circuit {circuit.circuit_id} carries {circuit.used_a:.1f} A, "
            f"over its {circuit.limit_a:.1f} A continuous limit"
        )
    if rcd is not None and rcd.verdict == "fail":
        reasons.append(
            f"RCD {rcd.rcd}: {rcd.adapters} adapters leak up to {rcd.leakage_worst_ma:.1f} mA, "
            f"over the {rcd.budget_ma:g} mA budget"
        )
    if not cart.fits_overnight:
        reasons.append(
            f"a full cycle takes {cart.cycle_s / 3600:.1f} h, longer than the "
            f"{settings.overnight_window_s / 3600:g} h overnight window"
        )
    inrush = cart.sequencing != "sequenced" and circuit is not None and circuit.inrush_risk
    return replace(
        cart,
        inrush_risk=inrush,
        verdict="fail" if reasons else "pass",
        reasons=tuple(reasons),
    )


def assess_site(site: Site, settings: PowerSettings | None = None) -> SiteAssessment:
    """Verdicts and recommendations for every circuit, RCD and cart of one school."""
    settings = settings or PowerSettings()
    check_site(site)
    readings = _readings(site)
    notes: list[str] = list(site.notes)
    cart_verdicts: list[CartVerdict] = []
    for cart in site.carts:
        verdict, warnings = _assess_cart(cart, readings, settings)
        cart_verdicts.append(verdict)
        notes.extend(warnings)
    circuits = [
        _assess_circuit(
            circuit,
            [c for c in cart_verdicts if c.circuit == circuit.id],
            cart_verdicts,
            readings,
            settings,
        )
        for circuit in site.circuits
    ]
    rcds = _assess_rcds(site, cart_verdicts, settings)
    by_circuit = {c.circuit_id: c for c in circuits}
    rcd_of = {cid: r for r in rcds for cid in r.circuits}
    carts = [
        _finish_cart(c, by_circuit.get(c.circuit), rcd_of.get(c.circuit), settings)
        for c in cart_verdicts
    ]
    recommendations = recommend(site, circuits, rcds, carts, settings)
    return SiteAssessment(
        school_id=site.school_id,
        settings=settings,
        circuits=tuple(circuits),
        rcds=tuple(rcds),
        carts=tuple(carts),
        recommendations=tuple(recommendations),
        notes=tuple(notes),
        measurement_ids=tuple(sorted({m for load in site.measured for m in load.measurement_ids})),
    )
