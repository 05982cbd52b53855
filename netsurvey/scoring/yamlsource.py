"""Typed, located access to YAML documents, for one-line validation errors.

Parsing is the shared ``netsurvey.yamlsource`` loader; ``load_document`` wraps
its result in a ``Node`` tree whose accessors raise ``ProfileError`` as
``FILE:LINE: path.to.key: what is wrong (what to do)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netsurvey.errors import ProfileError
from netsurvey.fields import as_slug
from netsurvey.yamlsource import SourceList, SourceMap, load_yaml, scalar_text


@dataclass(frozen=True)
class Node:
    """A YAML value plus its file, line and dotted path."""

    value: Any
    file: str
    line: int
    path: str

    def fail(self, what: str, hint: str | None = None) -> ProfileError:
        return ProfileError(f"{self.file}:{self.line}: {self.path or '(top)'}: {what}", hint=hint)

    # -- structure -------------------------------------------------------------
    def is_null(self) -> bool:
        return self.value is None

    def mapping(self) -> dict[str, Node]:
        if not isinstance(self.value, dict):
            raise self.fail("expected a mapping")
        return dict(self.value)

    def items(self) -> Iterator[Node]:
        if not isinstance(self.value, list):
            raise self.fail("expected a list")
        yield from self.value

    def has(self, key: str) -> bool:
        return key in self.mapping() and not self.mapping()[key].is_null()

    def get(self, key: str) -> Node:
        mapping = self.mapping()
        if key not in mapping:
            raise ProfileError(
                f"{self.file}:{self.line}: {self.path or '(top)'}: missing key '{key}'"
            )
        return mapping[key]

    def opt(self, key: str) -> Node | None:
        node = self.mapping().get(key)
        return None if node is None or node.is_null() else node

    def check_keys(self, allowed: set[str]) -> None:
        for key, node in self.mapping().items():
            if key not in allowed:
                raise node.fail(
                    f"unknown key '{key}'", hint=f"allowed: {', '.join(sorted(allowed))}"
                )

    # -- scalars ---------------------------------------------------------------
    def text(self) -> str:
        if isinstance(self.value, (bool, dict | list)) or self.value is None:
            raise self.fail("expected text")
        return scalar_text(self.value)

    def ident(self) -> str:
        """An id under the inventory's one id rule (``netsurvey.fields.as_slug``)."""
        try:
            return as_slug(self.value)
        except ValueError as exc:
            raise self.fail(str(exc)) from None

    def number(self, low: float = -math.inf, high: float = math.inf) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.fail(f"expected a number, got {self.value!r}")
        try:
            number = float(self.value)
        except OverflowError:
            raise self.fail("the number is too large") from None
        if not math.isfinite(number):
            raise self.fail(f"expected a finite number, got {self.value!r}")
        if not low <= number <= high:
            raise self.fail(f"{number:g} is outside {low:g}..{high:g}")
        return number

    def integer(self, low: int = 0, high: int = 10**12) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"expected a whole number, got {self.value!r}")
        if not low <= self.value <= high:
            raise self.fail(f"{self.value} is outside {low}..{high}")
        return int(self.value)

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail("expected true or false")
        return bool(self.value)

    def triangle(self, low: float = 0.0) -> tuple[float, float, float]:
        """A ``[min, mode, max]`` triple."""
        values = [item.number(low) for item in self.items()]
        if len(values) != 3 or not values[0] <= values[1] <= values[2]:
            raise self.fail("expected [min, mode, max] with min <= mode <= max")
        return values[0], values[1], values[2]

    def numbers(self, low: float = -math.inf) -> tuple[float, ...]:
        return tuple(item.number(low) for item in self.items())


def _convert(value: Any, file: str, line: int, path: str) -> Node:
    if isinstance(value, SourceMap):
        mapping = {
            str(key): _convert(
                child, file, value.line_of(str(key)), f"{path}.{key}" if path else str(key)
            )
            for key, child in value.items()
        }
        return Node(mapping, file, value.line or line, path)
    if isinstance(value, SourceList):
        items = [
            _convert(child, file, value.line_of(index), f"{path}[{index}]")
            for index, child in enumerate(value)
        ]
        return Node(items, file, value.line or line, path)
    return Node(value, file, line, path)


def load_document(path: Path) -> tuple[Node, bytes]:
    """Read and parse a YAML file (shared loader); returns the tree and the raw bytes."""
    data, raw = load_yaml(path, error=ProfileError)
    if data is None:
        return Node({}, str(path), 1, ""), raw
    return _convert(data, str(path), 1, ""), raw
