"""Finding an inventory port on a device as SNMP or SSH read it.

Inventory port names are often abbreviated: ``Gi1/0/1`` is ``GigabitEthernet1/0/1``,
and a bare ``1`` is ifIndex 1 or port 1.
"""

from __future__ import annotations

from collections.abc import Iterable

from probes.device import Device, Interface, PoePort


def _split_port(name: str) -> tuple[str, str]:
    """'GigabitEthernet1/0/1' -> ('gigabitethernet', '1/0/1'); '1' -> ('', '1')."""
    text = name.strip().lower().replace(" ", "")
    index = next((i for i, ch in enumerate(text) if ch.isdigit()), len(text))
    return text[:index], text[index:]


def port_matches(names: Iterable[str | None], if_index: int | None, port_name: str) -> bool:
    """Whether a port known by ``names`` (name, alias) and ``if_index`` is ``port_name``."""
    wanted_prefix, wanted_number = _split_port(port_name)
    for value in names:
        if not value:
            continue
        if value == port_name:
            return True
        prefix, number = _split_port(value)
        if (
            number
            and number == wanted_number
            and (prefix.startswith(wanted_prefix) or wanted_prefix.startswith(prefix))
        ):
            return True
    return not wanted_prefix and if_index is not None and str(if_index) == wanted_number


def interface_matches(interface: Interface, port_name: str) -> bool:
    return port_matches((interface.name, interface.alias), interface.if_index, port_name)


def poe_port_matches(port: PoePort, port_name: str) -> bool:
    return port_matches((port.port,), port.if_index, port_name)


def find_interface(device: Device, port_name: str) -> Interface | None:
    return next((i for i in device.interfaces if interface_matches(i, port_name)), None)


def find_poe_port(device: Device, port_name: str) -> PoePort | None:
    """The last PoE port entry that matches (a stack may list a port per member)."""
    found = [p for p in device.poe.ports if poe_port_matches(p, port_name)] if device.poe else []
    return found[-1] if found else None
