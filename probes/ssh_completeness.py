"""Did the parse read every block the device printed?

A command's ``blocks`` (``probes/data/ssh_platforms.yaml``) match once per neighbour
block, PoE module, ... of its raw output. When the device model built from that
command holds fewer of the matching facts than the output has blocks, something was
present but not read: the caller records a warning and marks the result partial.
"""

from __future__ import annotations

from probes.device import Device
from probes.ssh_platforms import CommandSpec


def fact_count(device: Device, fact: str) -> int:
    if fact == "neighbors":
        return len(device.lldp)
    if fact == "poe_groups":
        return len(device.poe.groups) if device.poe else 0
    if fact == "poe_ports":
        return len(device.poe.ports) if device.poe else 0
    if fact == "interfaces":
        return len(device.interfaces)
    raise ValueError(f"unknown device fact {fact!r}")


def unread_blocks(spec: CommandSpec, output: str, device: Device) -> str | None:
    """A warning when ``output`` has more ``spec.blocks`` than ``device`` holds facts."""
    if spec.blocks is None:
        return None
    found = len(spec.blocks.pattern.findall(output))
    read = fact_count(device, spec.blocks.fact)
    if found <= read:
        return None
    return (
        f"{spec.command!r}: the output has {found} {spec.blocks.what}(s) but only {read} "
        f"could be read; {found - read} dropped"
    )
