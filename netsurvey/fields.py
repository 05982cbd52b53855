"""The one validated-YAML API: located values, one set of coercions, one error format.

Inventories, feature files and scoring profiles are parsed by the one safe loader
(``netsurvey.yamlsource``) and read through ``Node``: a YAML value with its file, line,
dotted path and the error class of its caller (``InventoryError`` for an inventory,
``ProfileError`` for a profile or a features file). Every problem is one line:

    FILE:LINE: path.to.key: what is wrong (what to do)

for example ``inv.yaml:18: schools[0].devices[1].mgmt_ip: not an IP address (got
'10.0.0.300')``. The coercions are the ``as_*`` functions below (number ranges, no
infinity or NaN, a bool is never a number, the one id rule); ``Node`` applies them and
adds the location. ``check_keys`` (or ``done``: every key not read) refuses unknown keys
with a "did you mean" hint. A key written with no value (null) counts as left out.

Two ways to read a mapping, one implementation:

- by node: ``node.get("wifi").get("k_cal").number(0.1, 2.0)``, ``node.opt("ap")``;
- by key with a default, for long optional sections:
  ``f.int_("port", 161, lo=1, hi=65535)``, ``f.str_("address", None)``.
"""

from __future__ import annotations

import difflib
import enum
import ipaddress
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, overload

from netsurvey.errors import NetsurveyError
from netsurvey.yamlsource import SourceList, SourceMap, YamlValue, load_yaml, scalar_text

T = TypeVar("T")
D = TypeVar("D")
# The one id rule (schools, rooms, devices, carts, circuits; inventory and features):
# ASCII letters, digits, '.', '_' and '-', so no zero-width or look-alike characters.
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", re.ASCII)
SLUG_MAX_CHARS = 64
_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)


class _Missing(enum.Enum):
    """No default given: the key is required."""

    MISSING = enum.auto()


_MISSING = _Missing.MISSING


def located_error(
    error: type[NetsurveyError], file: Path, line: int, path: str, what: str, hint: str | None
) -> NetsurveyError:
    """The one error format: ``FILE:LINE: path.to.key: what`` (the hint prints in brackets)."""
    return error(f"{file}:{line}: {path or '(top level)'}: {what}", hint=hint)


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value with the file, line and dotted path it came from.

    ``value`` is what the loader returned (``SourceMap``/``SourceList`` keep the line of
    every key and item). A node built by ``overlay`` also holds its ``children``, each
    still located in the file it came from. ``used`` records the keys read so far, for
    ``done``.
    """

    value: YamlValue
    file: Path
    line: int
    path: str
    error: type[NetsurveyError]
    children: Mapping[str, Node] | None = field(default=None, compare=False, repr=False)
    used: set[str] = field(default_factory=set, compare=False, repr=False)

    # ------------------------------------------------------------------ errors
    def fail(self, what: str, hint: str | None = None) -> NetsurveyError:
        """An error about this value (raise it)."""
        return located_error(self.error, self.file, self.line, self.path, what, hint)

    def fail_at(self, key: str, what: str, hint: str | None = None) -> NetsurveyError:
        """An error about ``key`` of this mapping, on the line the key is written."""
        if self.children is not None and key in self.children:
            child = self.children[key]
            return located_error(self.error, child.file, child.line, child.path, what, hint)
        line = self.value.line_of(key) if isinstance(self.value, SourceMap) else self.line
        return located_error(self.error, self.file, line, self._child_path(key), what, hint)

    # ------------------------------------------------------------------ structure
    def entries(self) -> dict[str, YamlValue]:
        """The mapping's values as loaded, by key text."""
        if self.children is not None:
            return {key: node.value for key, node in self.children.items()}
        if not isinstance(self.value, dict):
            raise self.fail(f"expected a mapping of keys to values (got {_kind(self.value)})")
        return {scalar_text(key): value for key, value in self.value.items()}

    def mapping(self) -> dict[str, Node]:
        if self.children is not None:
            return dict(self.children)
        return {key: self._child(key, value) for key, value in self.entries().items()}

    def items(self) -> list[Node]:
        """The items of a list."""
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list (got {_kind(self.value)})")
        source = self.value
        return [
            _located(
                item,
                self.file,
                source.line_of(index) if isinstance(source, SourceList) else self.line,
                f"{self.path}[{index}]",
                self.error,
            )
            for index, item in enumerate(source)
        ]

    def has(self, key: str) -> bool:
        """``key`` is given, with a value."""
        node = self._find(key)
        return node is not None and node.value is not None

    def get(self, key: str) -> Node:
        """A required key (its value may still be null: the coercion refuses that)."""
        node = self._find(key)
        self.used.add(key)
        if node is None:
            raise self.fail(f"missing key '{key}'")
        return node

    def opt(self, key: str) -> Node | None:
        """An optional key; None when it is left out or null."""
        node = self._find(key)
        self.used.add(key)
        return None if node is None or node.value is None else node

    def list_of(self, key: str) -> list[Node]:
        """The mappings listed under an optional key (left out: none); an item that is
        not a mapping is refused here, before anything reads it."""
        node = self.opt(key)
        items = node.items() if node is not None else []
        for item in items:
            item.entries()
        return items

    def check_keys(self, known: Iterable[str]) -> None:
        """Refuse the first key that is not ``known``, naming the closest known one."""
        names = sorted(set(known))
        for key in self.entries():
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(names)}"
                raise self.fail_at(key, "unknown key", hint=hint)

    def done(self, also_known: Iterable[str] = ()) -> None:
        """Every key was read (or is ``also_known``): ``check_keys`` on what was read."""
        self.check_keys(self.used | set(also_known))

    # ------------------------------------------------------------------ values
    def convert(self, convert: Callable[[YamlValue], T]) -> T:
        """Apply a coercion (``as_*``); its ``ValueError`` becomes a located error."""
        try:
            return convert(self.value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise self.fail(str(exc)) from None

    def text(self) -> str:
        return self.convert(as_str)

    def ident(self) -> str:
        """An id under the one id rule (``as_slug``)."""
        return self.convert(as_slug)

    def number(self, low: float | None = None, high: float | None = None) -> float:
        return self.convert(lambda value: as_float(value, low, high))

    def integer(self, low: int | None = None, high: int | None = None) -> int:
        return self.convert(lambda value: as_int(value, low, high))

    def flag(self) -> bool:
        return self.convert(as_flag)

    def triangle(self, low: float | None = 0.0) -> tuple[float, float, float]:
        """A ``[min, mode, max]`` triple."""
        values = [item.number(low) for item in self.items()]
        if len(values) != 3 or not values[0] <= values[1] <= values[2]:
            raise self.fail("expected [min, mode, max] with min <= mode <= max")
        return values[0], values[1], values[2]

    def numbers(self, low: float | None = None) -> tuple[float, ...]:
        return tuple(item.number(low) for item in self.items())

    # ------------------------------------------------------------------ by key, with a default
    def raw(self, key: str, default: YamlValue | _Missing = _MISSING) -> YamlValue:
        """The value of ``key`` as loaded (``default`` when left out)."""
        node = self._find(key)
        self.used.add(key)
        if node is not None:
            return node.value
        if isinstance(default, _Missing):
            raise self.fail(f"missing key '{key}'")
        return default

    @overload
    def read(self, key: str, convert: Callable[[YamlValue], T]) -> T: ...
    @overload
    def read(self, key: str, convert: Callable[[YamlValue], T], default: D) -> T | D: ...
    def read(
        self, key: str, convert: Callable[[YamlValue], T], default: D | _Missing = _MISSING
    ) -> T | D:
        """``key`` through ``convert``; ``default`` when it is left out or null."""
        node = self._find(key)
        self.used.add(key)
        if node is not None and (node.value is not None or isinstance(default, _Missing)):
            return node.convert(convert)
        if isinstance(default, _Missing):
            raise self.fail(f"missing key '{key}'")
        return default

    @overload
    def str_(self, key: str) -> str: ...
    @overload
    def str_(self, key: str, default: D) -> str | D: ...
    def str_(self, key: str, default: D | _Missing = _MISSING) -> str | D:
        return self._read_default(key, as_str, default)

    def id_(self, key: str = "id") -> str:
        """A required id under the one id rule (``as_slug``)."""
        return self.read(key, as_slug)

    @overload
    def int_(self, key: str, *, lo: int | None = None, hi: int | None = None) -> int: ...
    @overload
    def int_(
        self, key: str, default: D, lo: int | None = None, hi: int | None = None
    ) -> int | D: ...
    def int_(
        self,
        key: str,
        default: D | _Missing = _MISSING,
        lo: int | None = None,
        hi: int | None = None,
    ) -> int | D:
        return self._read_default(key, lambda value: as_int(value, lo, hi), default)

    @overload
    def float_(self, key: str, *, lo: float | None = None, hi: float | None = None) -> float: ...
    @overload
    def float_(
        self, key: str, default: D, lo: float | None = None, hi: float | None = None
    ) -> float | D: ...
    def float_(
        self,
        key: str,
        default: D | _Missing = _MISSING,
        lo: float | None = None,
        hi: float | None = None,
    ) -> float | D:
        return self._read_default(key, lambda value: as_float(value, lo, hi), default)

    @overload
    def choice(self, key: str, options: Iterable[str]) -> str: ...
    @overload
    def choice(self, key: str, options: Iterable[str], default: D) -> str | D: ...
    def choice(
        self, key: str, options: Iterable[str], default: D | _Missing = _MISSING
    ) -> str | D:
        names = tuple(options)
        return self._read_default(key, lambda value: as_choice(value, names), default)

    @overload
    def ip(self, key: str) -> str: ...
    @overload
    def ip(self, key: str, default: D) -> str | D: ...
    def ip(self, key: str, default: D | _Missing = _MISSING) -> str | D:
        return self._read_default(key, as_ip, default)

    def str_list(
        self, key: str, convert: Callable[[YamlValue], str] | None = None
    ) -> tuple[str, ...]:
        """A list of texts (one text alone counts as a list of one; left out: empty),
        each through ``convert`` (``as_str`` unless given)."""
        convert = convert or as_str
        node = self.opt(key)
        if node is None:
            return ()
        if not isinstance(node.value, (dict, list)):
            return (node.convert(convert),)
        return tuple(item.convert(convert) for item in node.items())

    # ------------------------------------------------------------------ helpers
    def _read_default(
        self, key: str, convert: Callable[[YamlValue], T], default: D | _Missing
    ) -> T | D:
        if isinstance(default, _Missing):
            return self.read(key, convert)
        return self.read(key, convert, default)

    def _find(self, key: str) -> Node | None:
        if self.children is not None:
            return self.children.get(key)
        entries = self.entries()
        return self._child(key, entries[key]) if key in entries else None

    def _child(self, key: str, value: YamlValue) -> Node:
        line = self.value.line_of(key) if isinstance(self.value, SourceMap) else self.line
        return _located(value, self.file, line, self._child_path(key), self.error)

    def _child_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key


def _located(
    value: YamlValue, file: Path, line: int, path: str, error: type[NetsurveyError]
) -> Node:
    """A child node: a mapping or list starts on its own first line, a scalar on its key's."""
    own = value.line if isinstance(value, (SourceMap, SourceList)) else 0
    return Node(value, file, own or line, path, error)


def overlay(base: Node, over: Node) -> Node:
    """``over`` laid on ``base``: mappings merge key by key (each value keeps the file and
    line it came from, so errors point at the file that wrote it); anything else, lists
    included, is replaced by ``over``."""
    if not (isinstance(base.value, dict) and isinstance(over.value, dict)):
        return over
    children = base.mapping()
    for key, node in over.mapping().items():
        children[key] = overlay(children[key], node) if key in children else node
    value: dict[str | int, YamlValue] = {key: node.value for key, node in children.items()}
    return Node(value, over.file, over.line, over.path, over.error, children=children)


def load_document(path: Path, error: type[NetsurveyError]) -> tuple[Node, bytes]:
    """Read and parse a YAML file (the one loader): its top node and the raw bytes."""
    data, raw = load_yaml(path, error=error)
    return Node({} if data is None else data, path, 1, "", error), raw


# ---------------------------------------------------------------------- coercions
# Each takes a loaded value and returns the typed value or raises ValueError saying what
# is wrong; ``Node.convert`` adds the location.


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def as_str(value: YamlValue) -> str:
    """Text, trimmed and not empty; a number or date reads as written (``0101``)."""
    if isinstance(value, (bool, dict, list)) or value is None:
        raise ValueError(f"expected text (got {_kind(value)})")
    text = scalar_text(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def as_slug(value: YamlValue) -> str:
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


def as_int(value: YamlValue, lo: int | None = None, hi: int | None = None) -> int:
    """A whole number (or text holding one); a bool is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected a whole number (got {_kind(value)})")
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"expected a whole number (got {str(value)[:40]!r})") from None
    _check_range(number, lo, hi)
    return number


def as_float(value: YamlValue, lo: float | None = None, hi: float | None = None) -> float:
    """A finite number (or text holding one); a bool is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected a number (got {_kind(value)})")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"expected a number (got {str(value)[:40]!r})") from None
    except OverflowError:
        raise ValueError("the number is too large") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number (got {scalar_text(value)!r})")
    _check_range(number, lo, hi)
    return number


def _check_range(number: float, lo: float | None, hi: float | None) -> None:
    if (lo is None or number >= lo) and (hi is None or number <= hi):
        return
    if lo is not None and hi is not None:
        raise ValueError(f"{_shown(number)} is outside {_shown(lo)}..{_shown(hi)}")
    if lo is not None and number < lo:
        raise ValueError(f"{_shown(number)} is less than {_shown(lo)}")
    if hi is not None:
        raise ValueError(f"{_shown(number)} is more than {_shown(hi)}")


def _shown(number: float) -> str:
    return str(number) if isinstance(number, int) else f"{number:g}"


def as_flag(value: YamlValue) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false (got {_kind(value)})")
    return value


def as_choice(value: YamlValue, options: tuple[str, ...]) -> str:
    text = as_str(value)
    if text not in options:
        close = difflib.get_close_matches(text, options, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"must be one of {', '.join(options)} (got {text!r}){hint}")
    return text


def as_ip(value: YamlValue) -> str:
    text = as_str(value)
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValueError(f"not an IP address (got {text!r})") from None


def as_network(value: YamlValue) -> str:
    text = as_str(value)
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise ValueError(f"not a subnet such as 10.12.0.0/16 (got {text!r})") from None


def as_host(value: YamlValue) -> str:
    """An IP address or a DNS host name."""
    text = as_str(value)
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if not _HOST_NAME.match(text):
        raise ValueError(f"not an IP address or host name (got {text!r})")
    return text
