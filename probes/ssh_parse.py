"""CLI output -> rows with TextFSM: ntc-templates first, our own templates where it has none."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import textfsm
from ntc_templates.parse import ParsingException, parse_output
from textfsm import clitable

from probes.base import ProbeParseError
from probes.ssh_platforms import TEMPLATES_DIR, CommandSpec, PlatformSpec
from probes.ssh_routeros import parse_poe_monitor

Row = dict[str, Any]

_PY_PARSERS: dict[str, Callable[[str], list[Row]]] = {"routeros_poe_monitor": parse_poe_monitor}

# What devices print instead of an answer when they do not know a command.
_REJECTED = re.compile(
    r"^\s*(%|\^|Invalid input|Unknown command|Unrecognized command|Incorrect command|"
    r"syntax error|bad command|Error:|expected end of command)",
    re.IGNORECASE | re.MULTILINE,
)
# Outputs that legitimately hold no records ("Total entries displayed: 0").
_EMPTY_ANSWER = re.compile(r"(entries displayed|neighbors?)\W*:?\s*0\b|^\s*$", re.IGNORECASE)


@cache
def _ntc_templates_dir() -> Path:
    import ntc_templates

    return Path(ntc_templates.__file__).resolve().parent / "templates"


def _template_path(template: str) -> Path:
    if template.startswith("ntc:"):
        return _ntc_templates_dir() / template.removeprefix("ntc:")
    return TEMPLATES_DIR / template


def parse_with_template(path: Path, output: str) -> list[Row]:
    with path.open(encoding="utf-8") as handle:
        fsm = textfsm.TextFSM(handle)
    records = fsm.ParseText(output)
    header = [name.lower() for name in fsm.header]
    return [dict(zip(header, record, strict=True)) for record in records]


def _unwrap(value: Any) -> Any:
    if isinstance(value, list):
        return "".join(str(piece).strip() for piece in value)
    return value


def parse_command(platform: PlatformSpec, spec: CommandSpec, output: str) -> list[Row]:
    """All rows every template of ``spec`` finds in ``output`` (one list, template order).

    Raises ``ProbeParseError`` when a template fails or no template finds anything.
    """
    rejected = _REJECTED.search(output)
    if rejected:
        line = output[rejected.start() :].strip().splitlines()[0][:80]
        raise ProbeParseError(f"{spec.command!r}: the device rejected the command ({line!r})")
    rows: list[Row] = []
    for template in spec.templates:
        try:
            if template.startswith("py:"):
                found = _PY_PARSERS[template[3:]](output)
            elif template == "ntc":
                found = parse_output(
                    platform=platform.ntc_platform, command=spec.command, data=output
                )
            else:
                found = parse_with_template(_template_path(template), output)
        except (textfsm.parser.Error, clitable.Error, ParsingException) as exc:
            raise ProbeParseError(f"{spec.command!r}: output not understood ({exc})") from None
        rows.extend({str(k).lower(): v for k, v in row.items()} for row in found)
    if spec.wrapped_columns:
        rows = [{k: _unwrap(v) for k, v in row.items()} for row in rows]
    if not rows and not _EMPTY_ANSWER.search(output):
        raise ProbeParseError(f"{spec.command!r}: output not understood by its template")
    return rows
