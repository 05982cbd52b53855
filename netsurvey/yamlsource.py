"""YAML loading that remembers where every value came from (file and line).

Mappings load as ``SourceMap`` (a dict with ``line_of(key)``) and sequences as
``SourceList`` (a list with ``line_of(index)``), so validation errors can say
``FILE:LINE: schools[0].devices[2].mgmt_ip: ...``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from netsurvey.errors import NetsurveyError


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


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> SourceMap:
    loader.flatten_mapping(node)
    result = SourceMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_text = str(key) if not isinstance(key, str) else key
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


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlSourceError(NetsurveyError, ValueError):
    exit_code = 2


def load_yaml(path: Path, error: type[NetsurveyError] = YamlSourceError) -> tuple[Any, bytes]:
    """Load ``path`` keeping line numbers; returns the data and the raw bytes (for hashing)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})", hint="check the path") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{path}:{line}: not valid UTF-8 text", hint="save the file as UTF-8") from None
    try:
        return yaml.load(text, Loader=_Loader), raw
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise error(
            f"{path}:{line}: a control character (code {exc.character!r}) is not allowed in YAML",
            hint="remove it or re-save the file as plain UTF-8 text",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(
            f"{path}:{line}: YAML syntax: {problem}", hint="fix the indentation or quoting"
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: YAML error: {exc}") from None
