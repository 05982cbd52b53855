"""The SSH collector's command table (``probes/data/ssh_platforms.yaml``), validated.

The table is the collector's whole vocabulary: nothing outside it is ever sent to a
device, and loading refuses any command that is not a ``show``/``display``/``print``
command, so the collector is read-only by construction.
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

# A read-only command: "show ..." / "display ..." or a RouterOS "<menu path> print ...".
_READ_ONLY = re.compile(r"^(show|display)\s+\S|^([a-z0-9-]+\s+)+print(\s+[a-z0-9-]+)*$")
# Words that never belong in a survey command, even after "show" (e.g. piped actions).
_FORBIDDEN = re.compile(r"[|;&`$>]|\b(conf(ig(ure)?)?|set|delete|reload|write|erase|copy)\b")


@dataclass(frozen=True)
class CommandSpec:
    command: str
    templates: tuple[str, ...]  # "ntc", "ntc:FILE" or a file in probes/templates/


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
                    ours = template != "ntc" and not template.startswith("ntc:")
                    if ours and not (TEMPLATES_DIR / template).is_file():
                        raise CommandTableError(f"{name}: template {template} not found")
                commands.append(CommandSpec(spec["command"], templates))
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
