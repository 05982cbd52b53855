"""Helpers shared by the command modules."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from netsurvey.errors import UsageError


def add_command(
    subparsers: Any, name: str, *, help: str, description: str, examples: Sequence[str]
) -> argparse.ArgumentParser:
    epilog = "examples:\n" + "\n".join(f"  {line}" for line in examples)
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def parse_params(items: Sequence[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param {item!r}: expected key=value")
        params[key.strip()] = value
    return params


def parse_target(text: str) -> tuple[str, int | None]:
    """HOST, HOST:PORT, [v6]:PORT or a bare IPv6 address."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.lstrip(":")
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host, port_text = text, ""
    if not host:
        raise UsageError(f"--target {text!r}: no host")
    if not port_text:
        return host, None
    try:
        port = int(port_text)
    except ValueError:
        raise UsageError(f"--target {text!r}: port must be a number") from None
    if not 0 < port < 65536:
        raise UsageError(f"--target {text!r}: port must be 1-65535")
    return host, port


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_json_line(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()
