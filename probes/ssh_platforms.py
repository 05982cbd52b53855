"""The SSH collector's command table (``probes/data/ssh_platforms.yaml``), validated.

The table is the collector's whole vocabulary: nothing outside it is ever sent to a
device, and loading refuses any command that is not a ``show``/``display``/``print``
command (or RouterOS's read-only ``monitor [find] once``), so the collector is
read-only by construction.

A command may also name the ``blocks`` its output is made of (a regex that matches
once per neighbour block, PoE module, ...) and which device fact each block becomes;
the collector then says when the output held more blocks than it could read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from probes.base import ProbeParamError

PLATFORMS_FILE = Path(__file__).resolve().parent / "data" / "ssh_platforms.yaml"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

QUESTIONS = ("system", "interfaces", "interfaces_status", "poe", "lldp", "cdp", "aps", "clients")

# A read-only command: "show ..." / "display ..." or a RouterOS "<menu path> print ..."
# (or "<menu path> monitor [find] once": one reading of every item, then it returns).
_READ_ONLY = re.compile(
    r"^(show|display)\s+\S"
    r"|^([a-z0-9-]+\s+)+print(\s+[a-z0-9-]+)*$"
    r"|^([a-z0-9-]+\s+)+monitor\s+\[find\]\s+once$"
)
# Parsers written in Python for outputs TextFSM cannot read ("py:NAME" in the table).
PY_PARSERS = ("routeros_poe_monitor",)
# Device facts a command's blocks can be counted against (see BlockSpec).
BLOCK_FACTS = ("neighbors", "poe_groups", "poe_ports", "interfaces")
# Words that never belong in a survey command, even after "show" (e.g. piped actions).
_FORBIDDEN = re.compile(r"[|;&`$>]|\b(conf(ig(ure)?)?|set|delete|reload|write|erase|copy)\b")


@dataclass(frozen=True)
class BlockSpec:
    """``pattern`` matches once per block of the output; each block should become one
    ``fact`` (one of BLOCK_FACTS) of the device; ``what`` names a block in warnings."""

    pattern: re.Pattern[str]
    fact: str
    what: str


@dataclass(frozen=True)
class CommandSpec:
    command: str
    templates: tuple[str, ...]  # "ntc", "ntc:FILE" or a file in probes/templates/
    blocks: BlockSpec | None = None
    # The template returns a column value the device wrapped over several lines as a
    # list of pieces (Cisco SB tables): join them back into one value.
    wrapped_columns: bool = False


@dataclass(frozen=True)
class PlatformSpec:
    name: str
    netmiko: str
    ntc_platform: str
    vendor: str | None
    questions: Mapping[str, tuple[CommandSpec, ...]]

    def commands(self) -> tuple[tuple[str, CommandSpec], ...]:
        """Every (question, command) pair, in table order."""
        return tuple((q, c) for q, specs in self.questions.items() for c in specs)


class CommandTableError(ValueError):
    """The command table itself is wrong (a packaging bug, not a user error)."""


def is_read_only(command: str) -> bool:
    text = command.strip().lower()
    return bool(_READ_ONLY.match(text)) and not _FORBIDDEN.search(text)


def check_read_only(command: str) -> None:
    if not is_read_only(command):
        raise CommandTableError(
            f"refusing command {command!r}: the SSH collector only runs show/display/print "
            f"commands listed in {PLATFORMS_FILE.name}"
        )


def _block_spec(platform: str, data: Mapping[str, Any] | None) -> BlockSpec | None:
    if data is None:
        return None
    if data.get("counts") not in BLOCK_FACTS:
        raise CommandTableError(
            f"{platform}: blocks.counts must be one of {', '.join(BLOCK_FACTS)}"
        )
    try:
        pattern = re.compile(data["pattern"], re.MULTILINE)
    except (KeyError, re.error) as exc:
        raise CommandTableError(f"{platform}: blocks.pattern is missing or wrong ({exc})") from None
    return BlockSpec(pattern, data["counts"], str(data.get("what") or data["counts"]))


def parse_table(data: Mapping[str, Any]) -> dict[str, PlatformSpec]:
    platforms: dict[str, PlatformSpec] = {}
    for name, entry in data.items():
        questions: dict[str, tuple[CommandSpec, ...]] = {}
        for question, specs in (entry.get("questions") or {}).items():
            if question not in QUESTIONS:
                raise CommandTableError(f"{name}: unknown question {question!r}")
            commands = []
            for spec in specs:
                check_read_only(spec["command"])
                templates = tuple(spec.get("templates") or ("ntc",))
                for template in templates:
                    if template.startswith("py:") and template[3:] not in PY_PARSERS:
                        raise CommandTableError(f"{name}: no Python parser {template}")
                    ours = template != "ntc" and not template.startswith(("ntc:", "py:"))
                    if ours and not (TEMPLATES_DIR / template).is_file():
                        raise CommandTableError(f"{name}: template {template} not found")
                commands.append(
                    CommandSpec(
                        spec["command"],
                        templates,
                        _block_spec(name, spec.get("blocks")),
                        bool(spec.get("wrapped_columns", False)),
                    )
                )
            questions[question] = tuple(commands)
        platforms[name] = PlatformSpec(
            name=name,
            netmiko=entry["netmiko"],
            ntc_platform=entry["ntc_platform"],
            vendor=entry.get("vendor"),
            questions=questions,
        )
    return platforms


@cache
def load_platforms() -> Mapping[str, PlatformSpec]:
    with PLATFORMS_FILE.open(encoding="utf-8") as handle:
        return MappingProxyType(parse_table(yaml.safe_load(handle)))


def supported_platforms() -> list[str]:
    return sorted(load_platforms())


def platform_spec(name: str | None) -> PlatformSpec:
    """The spec for ``name``; a missing or unknown name lists the supported ones."""
    supported = ", ".join(supported_platforms())
    if not name:
        raise ProbeParamError(f"missing --param platform=NAME; supported platforms: {supported}")
    try:
        return load_platforms()[name]
    except KeyError:
        raise ProbeParamError(
            f"--param platform={name!r} is not supported; supported platforms: {supported}"
        ) from None
