"""PDU/UPS readings (Device.power) become measured circuit loads, or a named gap."""

from __future__ import annotations

import pytest

from netsurvey.power.assess import assess_site
from netsurvey.power.pdu import PduReading, pdu_loads
from netsurvey.power.spec import Cart, Circuit, Site
from probes.device import Device, Outlet, Power

CART = Cart(id="k1", slots=30, circuit="c1", charger_w=45, room="1")


def reading(power: Power | None, device_id: str = "pdu-1") -> PduReading:
    return PduReading(device_id, Device(power=power), measurement_id="m-abc")


def loads(circuit: Circuit, power: Power | None) -> tuple[list[float | None], list[str]]:
    result = pdu_loads((circuit,), {"pdu-1": reading(power)}, voltage_v=230, assumed_pf=0.55)
    return [m.current_a for m in result.loads], list(result.problems)


def test_whole_pdu_load_is_the_circuit_cart_load() -> None:
    circuit = Circuit(id="c1", breaker_a=16, rcd_ma=30, pdu="pdu-1", other_loads_w=230)
    result = pdu_loads(
        (circuit,),
        {"pdu-1": reading(Power(kind="pdu", load_a=2.8))},
        voltage_v=230,
        assumed_pf=0.55,
    )
    (load,) = result.loads
    assert load.current_a == 2.8 and load.source == "pdu"
    assert not load.includes_other_loads
    assert load.reference == "pdu-1 total load (m-abc)"
    assessed = assess_site(Site("s", (circuit,), (CART,), result.loads)).circuit("c1")
    other_a = 230 / (230 * 0.95)
    assert assessed.measured_a == pytest.approx(2.8 + other_a)
    assert assessed.used_a == assessed.measured_a  # the measurement replaces the estimate
    assert assessed.estimated_a == pytest.approx(other_a + 30 * 45 / 0.88 / (230 * 0.55))
    assert assessed.current_source == "pdu pdu-1 total load (m-abc)"


def test_outlets_are_summed() -> None:
    power = Power(
        kind="pdu",
        voltage_v=230,
        outlets=(
            Outlet("1", "cart left", current_a=1.5),
            Outlet("2", "cart right", current_a=2.0),
            Outlet("3", "printer", current_a=9.0),
        ),
    )
    circuit = Circuit(id="c1", breaker_a=16, pdu="pdu-1", pdu_outlets=("1", "cart right"))
    currents, problems = loads(circuit, power)
    assert currents == [3.5] and problems == []


def test_outlet_power_without_current_uses_assumed_pf() -> None:
    power = Power(kind="pdu", voltage_v=230, outlets=(Outlet("1", power_w=126.5),))
    circuit = Circuit(id="c1", breaker_a=16, pdu="pdu-1", pdu_outlets=("1",))
    (current,), _ = loads(circuit, power)
    assert current == pytest.approx(1.0)


def test_pdu_without_outlet_data_is_named() -> None:
    circuit = Circuit(id="c1", breaker_a=16, pdu="pdu-1", pdu_outlets=("1", "2"))
    currents, (problem,) = loads(circuit, Power(kind="pdu", load_a=2.8))
    assert currents == []
    assert problem.startswith(
        "circuit c1: pdu_outlets: pdu-1 answered without outlet data (no outlets for outlets 1, 2)"
    )
    # Outlets present but without any metering (a switched-only PDU such as the AP7900B).
    switched = Power(kind="pdu", load_a=2.8, outlets=(Outlet("1", "NAS", state_on=True),))
    _, (problem,) = loads(circuit, switched)
    assert "no per-outlet current or power" in problem


def test_device_without_power_and_missing_reading() -> None:
    circuit = Circuit(id="c1", breaker_a=16, pdu="pdu-1")
    _, (problem,) = loads(circuit, None)
    assert (
        problem == "circuit c1: pdu: device pdu-1 answered without power data; the estimate is used"
    )
    missing = pdu_loads((circuit,), {}, voltage_v=230, assumed_pf=0.55)
    assert missing.loads == ()
    assert missing.problems[0].startswith("circuit c1: pdu: no SNMP reading of pdu-1 in this visit")


def test_ups_load_share_of_capacity() -> None:
    circuit = Circuit(id="c1", breaker_a=16, pdu="pdu-1")
    result = pdu_loads(
        (circuit,),
        {"pdu-1": reading(Power(kind="ups", load_ratio=0.25, capacity_w=460, voltage_v=230))},
        voltage_v=230,
        assumed_pf=0.5,
    )
    (load,) = result.loads
    assert load.source == "ups"
    assert load.current_a == pytest.approx(0.25 * 460 / (230 * 0.5))
