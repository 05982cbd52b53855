"""Typed reads of record and probe JSON for tests.

Details are ``JSONValue`` (the recursive JSON type), so a test that walks into them says
what kind it expects at each step. Each reader asserts that kind, so a wrong shape fails
the test with a clear message instead of a ``TypeError`` somewhere later.
"""

from __future__ import annotations

from probes.base import JSONValue


def obj(value: JSONValue) -> dict[str, JSONValue]:
    """A JSON object."""
    assert isinstance(value, dict), f"expected a JSON object, got {value!r}"
    return value


def arr(value: JSONValue) -> list[JSONValue]:
    """A JSON array."""
    assert isinstance(value, list), f"expected a JSON array, got {value!r}"
    return value


def objs(value: JSONValue) -> list[dict[str, JSONValue]]:
    """A JSON array of objects."""
    return [obj(item) for item in arr(value)]


def num(value: JSONValue) -> float:
    """A JSON number (not a boolean)."""
    assert isinstance(value, int | float) and not isinstance(value, bool), (
        f"expected a JSON number, got {value!r}"
    )
    return value
