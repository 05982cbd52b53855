"""visit.json ``school`` -> the inventory's own ``School`` (the one school model).

The survey writes the inventory's school into visit.json (``School.to_json``). Reading
it back builds the same frozen dataclasses, field by field from their type hints, so a
field added to the inventory model is read back without another copy of the model.
Tolerant where the model allows it: a key an older netsurvey did not write takes the
field's default, an unknown key is ignored, a value of the wrong kind becomes None
(unknown) where the field allows None; a required list reads as empty and a required name as "" (unknown).
A required id or number (a circuit's breaker rating, a cart's slots) that is missing or
unreadable refuses the visit with the path of the field: it is never guessed, never 0.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from netsurvey.errors import RecordsError
from netsurvey.inventory import School
from netsurvey.jsontypes import JsonValue
from netsurvey.numbers import finite_float, integer

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_MISSING = object()
T = TypeVar("T", bound="DataclassInstance")


def school_from_json(data: JsonValue, where: str) -> School:
    """The school a visit was surveyed with; ``where`` names visit.json in errors."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise RecordsError(
            f"{where}: no 'school' section with an id",
            hint="re-run the survey with this netsurvey version",
        )
    try:
        return _build(School, data, "school")
    except _Unreadable as exc:
        raise RecordsError(
            f"{where}: {exc.path}: missing or not readable (the inventory model requires it)",
            hint="restore visit.json from the visit backup, or re-run the survey",
        ) from None


class _Unreadable(Exception):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


_HINTS: dict[type, dict[str, object]] = {}


def _hints(cls: type) -> dict[str, object]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _build(cls: type[T], data: dict[str, JsonValue], path: str) -> T:
    values: dict[str, object] = {}
    for spec in dataclasses.fields(cls):
        if not spec.init:
            continue
        raw = data.get(spec.name, _MISSING)
        required = (
            spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        )
        if raw is _MISSING and not required:
            continue
        where = f"{path}.{spec.name}"
        converted = _convert(_hints(cls)[spec.name], None if raw is _MISSING else raw, where)
        if converted is _MISSING:
            if not required:
                continue
            converted = _empty(_hints(cls)[spec.name], spec.name, where)
        values[spec.name] = converted
    return cls(**values)


def _convert(hint: object, raw: JsonValue | object, path: str) -> object:
    """``raw`` as ``hint`` wants it, or _MISSING when it cannot be."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if raw is None and type(None) in args:
            return None
        for option in (a for a in args if a is not type(None)):
            converted = _convert(option, raw, path)
            if converted is not _MISSING:
                return converted
        return None if type(None) in args else _MISSING
    if origin is tuple:
        return _tuple(args, raw, path)
    if origin is dict:
        return _dict(args, raw, path)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _build(hint, raw, path) if isinstance(raw, dict) else _MISSING
    return _SCALARS.get(hint, _keep)(raw)


def _tuple(args: tuple[object, ...], raw: object, path: str) -> object:
    if not isinstance(raw, list | tuple):
        return _MISSING
    item_hint = args[0] if args else str
    items = [_convert(item_hint, item, f"{path}[{n}]") for n, item in enumerate(raw)]
    return tuple(item for item in items if item is not _MISSING)


def _dict(args: tuple[object, ...], raw: object, path: str) -> object:
    if not isinstance(raw, dict):
        return _MISSING
    key_hint, value_hint = args if len(args) == 2 else (str, object)
    found: dict[object, object] = {}
    for key, value in raw.items():
        converted_key = _convert(
            key_hint, int(key) if key_hint is int and key.isdigit() else key, path
        )
        converted_value = _convert(value_hint, value, f"{path}.{key}")
        if converted_key is not _MISSING and converted_value is not _MISSING:
            found[converted_key] = converted_value
    return found


def _text(raw: object) -> object:
    return raw if isinstance(raw, str) else _MISSING


def _bool(raw: object) -> object:
    return raw if isinstance(raw, bool) else _MISSING


def _float(raw: object) -> object:
    value = finite_float(raw)
    return _MISSING if value is None else value


def _int(raw: object) -> object:
    value = integer(raw)
    return _MISSING if value is None else value


def _keep(raw: object) -> object:
    return raw


def _empty(hint: object, name: str, where: str) -> object:
    """A required list or text an older visit.json lacks reads as empty (nothing declared,
    name unknown); a required id or number is never made up."""
    if typing.get_origin(hint) is tuple:
        return ()
    if hint is str and name != "id":
        return ""
    raise _Unreadable(where)


_SCALARS: dict[object, Callable[[object], object]] = {
    str: _text,
    bool: _bool,
    float: _float,
    int: _int,
}
