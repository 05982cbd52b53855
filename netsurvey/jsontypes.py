"""The type of parsed JSON, for the few places that hold it before a typed reader does.

``json.loads`` returns ``JsonValue``; readers narrow it with ``isinstance`` and build
typed objects (``records.Measurement``, ``facts``, ``report.scoresfile``). Nothing past a
reader takes or returns these.
"""

from __future__ import annotations

from typing import TypeAlias

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = "dict[str, JsonValue]"

__all__ = ["JsonObject", "JsonValue"]
