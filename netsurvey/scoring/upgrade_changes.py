"""What each catalogue upgrade does to a school: a ``Change`` from its features to the
features of the upgraded school (a modified copy; the school id and draws stay)."""

from __future__ import annotations

import dataclasses

from netsurvey.scoring.batch import channel_span_mhz
from netsurvey.scoring.features import AccessPoint, Cart, Circuit, Room, SchoolFeatures, Wan
from netsurvey.scoring.upgrade_options import (
    AddApOption,
    CartSequencingOption,
    ChannelPlanOption,
    NewCircuitOption,
    PoeSwitchOption,
)
from netsurvey.scoring.upgrade_plan import Change

CHANNELS_40MHZ = (36, 44, 52, 60, 100, 108, 116, 124, 132)
CHANNEL_BLOCKS = {
    20: (36, 40, 44, 48, 52, 56, 60, 64, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140),
    40: CHANNELS_40MHZ,
    80: (36, 52, 100, 116),
    160: (36, 100),
}


def _free_channel(school: SchoolFeatures) -> int:
    for channel in CHANNELS_40MHZ:
        low, high = channel_span_mhz(channel, 40)
        if all(
            not (high > a_low and a_high > low)
            for a_low, a_high in (channel_span_mhz(ap.channel, ap.width_mhz) for ap in school.aps)
        ):
            return channel
    return CHANNELS_40MHZ[0]


def add_ap(room: Room, option: AddApOption) -> Change:
    def change(school: SchoolFeatures) -> SchoolFeatures:
        old_ap = next((ap for ap in school.aps if ap.id == room.ap), None)
        switch = (
            old_ap.switch
            if old_ap is not None
            else (school.switches[0].id if school.switches else None)
        )
        new_ap = AccessPoint(
            id=f"new-ap-{room.id}",
            switch=switch,
            standard=option.standard,
            streams=option.streams,
            width_mhz=option.width_mhz,
            channel=_free_channel(school),
            foreign_utilization_ratio=None,
            bssids=1,
            port_speed_mbps=1000.0,
            poe_class_required=option.poe_class,
            poe_class_port=option.poe_class,
            hears=(),
        )
        rooms = tuple(
            dataclasses.replace(
                r,
                ap=new_ap.id,
                rssi_dbm=max(r.rssi_dbm or -200.0, option.rssi_dbm),
                rssi_sd_db=min(r.rssi_sd_db or 99.0, option.rssi_sd_db),
            )
            if r.id == room.id
            else r
            for r in school.rooms
        )
        return dataclasses.replace(school, rooms=rooms, aps=(*school.aps, new_ap))

    return change


def compose(changes: list[Change]) -> Change:
    def change(school: SchoolFeatures) -> SchoolFeatures:
        for step in changes:
            school = step(school)
        return school

    return change


def channel_plan(option: ChannelPlanOption) -> Change:
    """Distinct 5 GHz channels for every AP: 80 MHz if four blocks suffice, else narrower."""
    fallback = int(option.width_mhz)

    def change(school: SchoolFeatures) -> SchoolFeatures:
        radios = [ap for ap in school.aps if ap.channel > 14]
        width = max((ap.width_mhz for ap in radios), default=fallback)
        while width > 20 and len(radios) > len(CHANNEL_BLOCKS[width]):
            width //= 2
        width = min(width, max(fallback, 20)) if len(radios) > len(CHANNEL_BLOCKS[80]) else width
        blocks = CHANNEL_BLOCKS[width]
        aps: list[AccessPoint] = []
        index = 0
        for ap in school.aps:
            if ap.channel <= 14:
                aps.append(ap)
                continue
            aps.append(
                dataclasses.replace(
                    ap,
                    width_mhz=min(ap.width_mhz, width) if ap.width_mhz > width else ap.width_mhz,
                    channel=blocks[index % len(blocks)],
                    hears=() if index < len(blocks) else None,
                )
            )
            index += 1
        return dataclasses.replace(school, aps=tuple(aps))

    return change


def poe_switch(option: PoeSwitchOption, switch_ids: set[str]) -> Change:
    def change(school: SchoolFeatures) -> SchoolFeatures:
        switches = tuple(
            dataclasses.replace(sw, poe_budget_w=option.budget_w) if sw.id in switch_ids else sw
            for sw in school.switches
        )
        aps = tuple(
            dataclasses.replace(ap, poe_class_port=option.port_class)
            if ap.switch in switch_ids
            else ap
            for ap in school.aps
        )
        return dataclasses.replace(school, switches=switches, aps=aps)

    return change


def sequence_carts(option: CartSequencingOption) -> Change:
    def change(school: SchoolFeatures) -> SchoolFeatures:
        carts = tuple(cart.sequenced(option.slots_at_once) for cart in school.carts)
        return dataclasses.replace(school, carts=carts)

    return change


def new_circuits(option: NewCircuitOption) -> Change:
    def change(school: SchoolFeatures) -> SchoolFeatures:
        circuits = list(school.circuits)
        carts: list[Cart] = []
        for cart in school.carts:
            circuit = Circuit(
                id=f"new-{cart.id}", breaker_a=option.breaker_a, other_loads_w=0.0, rcd_ma=30.0
            )
            circuits.append(circuit)
            carts.append(dataclasses.replace(cart, circuit=circuit.id))
        return dataclasses.replace(school, carts=tuple(carts), circuits=tuple(circuits))

    return change


def wan_tier(down_mbps: float, up_mbps: float, eth_ratio: float) -> Change:
    def change(school: SchoolFeatures) -> SchoolFeatures:
        return dataclasses.replace(
            school, wan=Wan(down_mbps=(down_mbps * eth_ratio,), up_mbps=(up_mbps * eth_ratio,))
        )

    return change
