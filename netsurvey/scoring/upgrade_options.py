"""The profile's upgrade catalogue (``upgrades:``) as typed options.

The profile keeps each catalogue entry as a small mapping of numbers and words
(``profile.UpgradePrices``); the upgrade search reads an entry here, once, when it
considers that upgrade. Prices are one-off EUR including installation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from netsurvey.errors import ProfileError
from netsurvey.numbers import finite_float

Option = Mapping[str, float | str]  # one catalogue entry as the profile holds it


def _number(option: Option, section: str, key: str) -> float:
    number = finite_float(option.get(key))
    if number is None:
        raise ProfileError(
            f"profile upgrades.{section}: '{key}' must be a number",
            hint=f"give upgrades.{section}.{key} in the profile",
        )
    return number


def _text(option: Option, section: str, key: str) -> str:
    value = option.get(key)
    if value is None:
        raise ProfileError(f"profile upgrades.{section}: missing key '{key}'")
    return str(value)


@dataclass(frozen=True, slots=True)
class AddApOption:
    """An AP added in a room: its radio and the signal it gives the room."""

    cost_eur: float
    standard: str
    streams: int
    width_mhz: int
    rssi_dbm: float
    rssi_sd_db: float
    poe_class: int

    @classmethod
    def of(cls, option: Option) -> AddApOption:
        def number(key: str) -> float:
            return _number(option, "add_ap", key)

        return cls(
            cost_eur=number("cost_eur"),
            standard=_text(option, "add_ap", "standard"),
            streams=int(number("streams")),
            width_mhz=int(number("width_mhz")),
            rssi_dbm=number("rssi_dbm"),
            rssi_sd_db=number("rssi_sd_db"),
            poe_class=int(number("poe_class")),
        )


@dataclass(frozen=True, slots=True)
class ChannelPlanOption:
    title: str
    cost_eur: float
    width_mhz: float  # the widest channel when the school has too many APs for 80 MHz

    @classmethod
    def of(cls, option: Option) -> ChannelPlanOption:
        return cls(
            title=_text(option, "channel_plan", "title"),
            cost_eur=_number(option, "channel_plan", "cost_eur"),
            width_mhz=_number(option, "channel_plan", "width_mhz"),
        )


@dataclass(frozen=True, slots=True)
class PoeSwitchOption:
    title: str
    cost_eur: float  # per switch
    budget_w: float
    port_class: int

    @classmethod
    def of(cls, option: Option) -> PoeSwitchOption:
        return cls(
            title=_text(option, "poe_switch", "title"),
            cost_eur=_number(option, "poe_switch", "cost_eur"),
            budget_w=_number(option, "poe_switch", "budget_w"),
            port_class=int(_number(option, "poe_switch", "port_class")),
        )


@dataclass(frozen=True, slots=True)
class CartSequencingOption:
    title: str
    cost_eur: float  # per cart
    slots_at_once: int

    @classmethod
    def of(cls, option: Option) -> CartSequencingOption:
        return cls(
            title=_text(option, "cart_sequencing", "title"),
            cost_eur=_number(option, "cart_sequencing", "cost_eur"),
            slots_at_once=int(_number(option, "cart_sequencing", "slots_at_once")),
        )


@dataclass(frozen=True, slots=True)
class NewCircuitOption:
    title: str
    cost_eur: float  # per cart
    breaker_a: float

    @classmethod
    def of(cls, option: Option) -> NewCircuitOption:
        return cls(
            title=_text(option, "new_circuit", "title"),
            cost_eur=_number(option, "new_circuit", "cost_eur"),
            breaker_a=_number(option, "new_circuit", "breaker_a"),
        )
