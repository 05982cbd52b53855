"""Typed reading of one YAML mapping with precise, friendly errors.

``Fields`` wraps a ``SourceMap`` with its dotted path and file; each accessor
validates one key and raises the configured error as
``FILE:LINE: schools[0].devices[2].mgmt_ip: not an IP address (got '10.0.0.300')``.
``done()`` rejects unknown keys with a "did you mean" hint.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from netsurvey.errors import NetsurveyError
from netsurvey.yamlsource import SourceList, SourceMap, scalar_text

T = TypeVar("T")
_MISSING = object()
# The one id rule (schools, rooms, devices, carts, circuits; inventory and features):
# ASCII letters, digits, '.', '_' and '-', so no zero-width or look-alike characters.
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", re.ASCII)
SLUG_MAX_CHARS = 64


class Fields:
    def __init__(
        self,
        data: Any,
        path: str,
        file: Path,
        error: type[NetsurveyError],
        line: int | None = None,
    ) -> None:
        self.file = file
        self.path = path
        self.error = error
        self.line: int = line if line is not None else int(getattr(data, "line", 0))
        if not isinstance(data, dict):
            self.fail_here(f"expected a mapping of keys to values (got {_kind(data)})")
        self.data: dict[Any, Any] = data
        self.used: set[str] = set()

    # ------------------------------------------------------------------ errors
    def line_of(self, key: str) -> int:
        if isinstance(self.data, SourceMap):
            return int(self.data.line_of(key))
        return self.line

    def where(self, key: str | None = None) -> str:
        line = self.line_of(key) if key is not None else self.line
        dotted = f"{self.path}.{key}" if key is not None and self.path else (key or self.path)
        return f"{self.file}:{line}: {dotted}"

    def fail(self, key: str, message: str, hint: str | None = None) -> NoReturn:
        raise self.error(f"{self.where(key)}: {message}", hint=hint)

    def fail_here(self, message: str, hint: str | None = None) -> NoReturn:
        raise self.error(
            f"{self.file}:{self.line}: {self.path or '(top level)'}: {message}", hint=hint
        )

    # ------------------------------------------------------------------ access
    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        self.used.add(key)
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            self.fail_here(f"missing required key '{key}'")
        return default

    def get(self, key: str, convert: Callable[[Any], T], default: Any = _MISSING) -> T:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value  # type: ignore[no-any-return]
        try:
            return convert(value)
        except (TypeError, ValueError, OverflowError) as exc:
            self.fail(key, str(exc))

    def str_(self, key: str, default: Any = _MISSING) -> Any:
        return self.get(key, as_str, default)

    def slug(self, key: str, default: Any = _MISSING) -> Any:
        return self.get(key, as_slug, default)

    def id_(self, key: str = "id", default: Any = _MISSING) -> Any:
        """An id under the one id rule (see ``as_slug``)."""
        return self.get(key, as_slug, default)

    def int_(
        self, key: str, default: Any = _MISSING, lo: int | None = None, hi: int | None = None
    ) -> Any:
        return self.get(key, lambda v: as_int(v, lo, hi), default)

    def float_(
        self, key: str, default: Any = _MISSING, lo: float | None = None, hi: float | None = None
    ) -> Any:
        return self.get(key, lambda v: as_float(v, lo, hi), default)

    def choice(self, key: str, choices: Iterable[str], default: Any = _MISSING) -> Any:
        options = list(choices)

        def convert(value: Any) -> str:
            text = as_str(value)
            if text not in options:
                close = difflib.get_close_matches(text, options, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ValueError(f"must be one of {', '.join(options)} (got {text!r}){hint}")
            return text

        return self.get(key, convert, default)

    def ip(self, key: str, default: Any = _MISSING) -> Any:
        return self.get(key, as_ip, default)

    def mapping(self, key: str, default: Any = _MISSING) -> Fields | None:
        value = self.raw(key, default)
        if value is None or (value is default and default is not _MISSING):
            return None
        return Fields(
            value,
            f"{self.path}.{key}" if self.path else key,
            self.file,
            self.error,
            line=self.line_of(key) if not isinstance(value, SourceMap) else None,
        )

    def items(self, key: str) -> list[Fields]:
        """A list of mappings under ``key`` (missing -> empty list)."""
        value = self.raw(key, None)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, f"expected a list (got {_kind(value)})")
        result = []
        for index, item in enumerate(value):
            line = value.line_of(index) if isinstance(value, SourceList) else self.line_of(key)
            prefix = f"{self.path}.{key}" if self.path else key
            result.append(Fields(item, f"{prefix}[{index}]", self.file, self.error, line=line))
        return result

    def str_list(self, key: str, convert: Callable[[Any], Any] | None = None) -> tuple[Any, ...]:
        convert = convert or as_str
        value = self.raw(key, None)
        if value is None:
            return ()
        if isinstance(value, (str, int, float)):
            value = [value]
        if not isinstance(value, list):
            self.fail(key, f"expected a list (got {_kind(value)})")
        out: list[Any] = []
        for index, item in enumerate(value):
            try:
                out.append(convert(item))
            except (TypeError, ValueError, OverflowError) as exc:
                line = value.line_of(index) if isinstance(value, SourceList) else self.line_of(key)
                raise self.error(f"{self.file}:{line}: {self.path}.{key}[{index}]: {exc}") from None
        return tuple(out)

    def done(self, also_known: Iterable[str] = ()) -> None:
        known = self.used | set(also_known)
        for key in self.data:
            name = str(key)
            if name not in known:
                close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"known keys: {', '.join(sorted(known))}"
                )
                self.fail(name, "unknown key", hint=hint)


# ---------------------------------------------------------------------- converters


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def as_str(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise ValueError(f"expected text (got {_kind(value)})")
    text = scalar_text(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def as_slug(value: Any) -> str:
    """An id: ASCII letters, digits, '.', '_' or '-', starting with a letter or digit."""
    text = as_str(value)
    if not SLUG.match(text) or len(text) > SLUG_MAX_CHARS:
        hidden = [f"U+{ord(ch):04X}" for ch in text if not ch.isascii()]
        what = f"; it holds non-ASCII characters {', '.join(hidden[:3])}" if hidden else ""
        raise ValueError(
            f"use ASCII letters, digits, '.', '_' or '-' only, starting with a letter or "
            f"digit, at most {SLUG_MAX_CHARS} characters (got {text!r}{what})"
        )
    return text


def duplicate_id(ids: Iterable[str]) -> tuple[int, str, str] | None:
    """The first id that repeats an earlier one, also when only letter case differs:
    (its index, the id, the earlier id); None when all are distinct."""
    seen: dict[str, str] = {}
    for index, item_id in enumerate(ids):
        folded = item_id.casefold()
        if folded in seen:
            return index, item_id, seen[folded]
        seen[folded] = item_id
    return None


def as_int(value: Any, lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected a whole number (got {_kind(value)})")
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"expected a whole number (got {str(value)[:40]!r})") from None
    _check_range(number, lo, hi)
    return number


def as_float(value: Any, lo: float | None = None, hi: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected a number (got {_kind(value)})")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"expected a number (got {value!r})") from None
    except OverflowError:
        raise ValueError("the number is too large") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number (got {scalar_text(value)!r})")
    _check_range(number, lo, hi)
    return number


def _check_range(number: float, lo: float | None, hi: float | None) -> None:
    if lo is not None and number < lo:
        raise ValueError(f"must be at least {lo:g} (got {number:g})")
    if hi is not None and number > hi:
        raise ValueError(f"must be at most {hi:g} (got {number:g})")


def as_ip(value: Any) -> str:
    text = as_str(value)
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValueError(f"not an IP address (got {text!r})") from None


def as_network(value: Any) -> str:
    text = as_str(value)
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise ValueError(f"not a subnet such as 10.12.0.0/16 (got {text!r})") from None


def as_host(value: Any) -> str:
    """An IP address or a DNS host name."""
    text = as_str(value)
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if not re.match(
        r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$",
        text,
    ):
        raise ValueError(f"not an IP address or host name (got {text!r})")
    return text
