"""The one YAML loader for inventories, feature files and scoring profiles.

It is safe on hostile files and remembers where every value came from:

- mappings load as ``SourceMap`` (a dict with ``line_of(key)``) and sequences as
  ``SourceList`` (a list with ``line_of(index)``), so validation errors can say
  ``FILE:LINE: schools[0].devices[2].mgmt_ip: ...``;
- a file larger than the input limit is refused before it is parsed
  (``DEFAULT_MAX_INPUT_BYTES``; the CLI's ``--max-input-bytes`` raises it through
  ``input_size_limit``);
- aliases may expand to at most ``ALIAS_EXPANSION_BUDGET`` values in all, and an alias
  inside its own anchor is refused, so a "billion laughs" file fails in milliseconds;
- numbers follow YAML 1.2: ``2e3`` is a number (PyYAML's YAML 1.1 rules read it as
  text), and ``.inf``, ``.nan`` and overflowing literals such as ``1e999`` are refused.
  Numbers keep their source text (``YamlInt.source``), so an id written ``0101`` or
  ``2e3`` stays the text the user wrote (see ``scalar_text``).

What it returns is a ``YamlValue``; ``netsurvey.fields.Node`` is the one way to read it
(located values, coercions, unknown-key checks).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any, TypeAlias

import yaml

from netsurvey.errors import NetsurveyError

DEFAULT_MAX_INPUT_BYTES = 8 * 1024 * 1024
ALIAS_EXPANSION_BUDGET = 100_000  # values reached through aliases, in the whole document

_max_input_bytes: ContextVar[int] = ContextVar(
    "netsurvey_max_input_bytes", default=DEFAULT_MAX_INPUT_BYTES
)


@contextmanager
def input_size_limit(max_bytes: int) -> Iterator[None]:
    """Within this block, YAML inputs may be up to ``max_bytes`` long."""
    token = _max_input_bytes.set(max_bytes)
    try:
        yield
    finally:
        _max_input_bytes.reset(token)


def max_input_bytes() -> int:
    return _max_input_bytes.get()


class SourceMap(dict[Any, Any]):
    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class SourceList(list[Any]):
    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


# What the loader returns (mappings are ``SourceMap``, sequences ``SourceList``; a date or
# time written plainly loads as ``date``/``datetime``). Keys are text, or whole numbers as
# written (``pupils: {7: 61}``).
YamlValue: TypeAlias = (
    "str | int | float | bool | date | dict[str | int, YamlValue] | list[YamlValue] | None"
)


class YamlInt(int):
    """An int that remembers how it was written (``0101`` is 65 in YAML 1.1)."""

    source: str


class YamlFloat(float):
    """A float that remembers how it was written."""

    source: str


def scalar_text(value: object) -> str:
    """The text a scalar was written as: ``id: 0101`` -> '0101', not '65'."""
    source = getattr(value, "source", None)
    return source if isinstance(source, str) else str(value)


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that netsurvey will not load (alias bomb, non-finite number...)."""

    def __init__(self, problem: str, mark: Any, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.hint = hint


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.expanded_by_aliases = 0
        self.open_anchors: set[str] = set()
        self.node_sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            anchor = str(event.anchor)
            if anchor in self.open_anchors:
                raise _Refused(
                    f"alias *{anchor} refers to its own anchor (endless nesting)",
                    event.start_mark,
                    "point the alias at a value defined before it",
                )
            node = self.anchors.get(anchor)
            if node is not None:
                self.expanded_by_aliases += _size(node, self.node_sizes)
                if self.expanded_by_aliases > ALIAS_EXPANSION_BUDGET:
                    raise _Refused(
                        f"aliases expand to more than {ALIAS_EXPANSION_BUDGET} values "
                        "(an alias bomb?)",
                        event.start_mark,
                        "write the values out or use fewer aliases",
                    )
            return super().compose_node(parent, index)
        anchor_name = getattr(event, "anchor", None)
        if anchor_name is None:
            return super().compose_node(parent, index)
        self.open_anchors.add(anchor_name)
        try:
            return super().compose_node(parent, index)
        finally:
            self.open_anchors.discard(anchor_name)


def _size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values ``node`` stands for once every alias in it is written out."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    if isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total = 1 + sum(_size(k, sizes) + _size(v, sizes) for k, v in node.value)
    else:
        total = 1
    sizes[id(node)] = total
    return total


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> SourceMap:
    loader.flatten_mapping(node)
    result = SourceMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_text = scalar_text(key) if not isinstance(key, str) else key
        if key_text in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key_text!r}", key_node.start_mark
            )
        # Keep the original key type for numeric keys such as grades: {7: 61}.
        result[key if isinstance(key, int) and not isinstance(key, bool) else key_text] = (
            loader.construct_object(value_node, deep=True)
        )
        result.key_lines[key_text] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> SourceList:
    result = SourceList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> YamlInt:
    try:
        number = YamlInt(loader.construct_yaml_int(node))
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise _Refused(
            f"{str(node.value)[:20]}… has too many digits to be a number",
            node.start_mark,
            "write an ordinary number",
        ) from None
    number.source = str(node.value)
    return number


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> YamlFloat:
    value = loader.construct_yaml_float(node)
    if not math.isfinite(value):
        raise _Refused(
            f"{str(node.value)[:40]} is not a finite number (infinity, NaN or too large)",
            node.start_mark,
            "write an ordinary number such as 2e3 or 1500",
        )
    number = YamlFloat(value)
    number.source = str(node.value)
    return number


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
# YAML 1.2 core schema: an exponent without a dot (2e3, 1E-6) is a number too.
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


class YamlSourceError(NetsurveyError, ValueError):
    exit_code = 2


def read_limited(path: Path, error: type[NetsurveyError], what: str = "file") -> bytes:
    """The bytes of ``path``, refusing anything over the input size limit."""
    limit = max_input_bytes()
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})", hint="check the path") from None
    if len(raw) > limit:
        how_big = f" ({size} bytes)" if size > limit else ""
        raise error(
            f"{path}: the {what}{how_big} is larger than the {limit}-byte input limit",
            hint="check it is the right file, or raise the limit with --max-input-bytes",
        )
    return raw


def load_yaml(
    path: Path, error: type[NetsurveyError] = YamlSourceError
) -> tuple[YamlValue, bytes]:
    """Load ``path`` keeping line numbers; returns the data and the raw bytes (for hashing)."""
    raw = read_limited(path, error)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{path}:{line}: not valid UTF-8 text", hint="save the file as UTF-8") from None
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader checks the first characters right away
        data: YamlValue = loader.get_single_data()
        return data, raw
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise error(
            f"{path}:{line}: a control character (code {exc.character!r}) is not allowed in YAML",
            hint="remove it or re-save the file as plain UTF-8 text",
        ) from None
    except _Refused as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise error(f"{path}:{line}: {exc.problem}", hint=exc.hint) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(
            f"{path}:{line}: YAML syntax: {problem}", hint="fix the indentation or quoting"
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: YAML error: {exc}") from None
    except RecursionError:
        line = loader.get_mark().line + 1 if loader is not None else 0
        raise error(
            f"{path}:{line}: the YAML is nested too deeply", hint="flatten the structure"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
