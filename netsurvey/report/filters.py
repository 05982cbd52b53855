"""Jinja filters: SI values -> human units, per locale. ``None`` -> "no data", never 0."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from netsurvey.report.locale import Locale

Filter = Callable[..., str]


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


class _Filters:
    """The filters of one locale, as methods; ``make_filters`` hands them to jinja by name."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self.no_data = locale.t("common.no_data")
        self.cannot_carry = locale.t("states.cannot_carry")

    def num(self, value: float | None, digits: int = 0) -> str:
        if _is_missing(value):
            return self.no_data
        return self.locale.number(float(value or 0.0), digits)

    def with_unit(self, value: float | None, scale: float, digits: int, unit_key: str) -> str:
        if _is_missing(value):
            return self.no_data
        number = self.locale.number(float(value or 0.0) / scale, digits)
        return f"{number}\u00a0{self.locale.t(unit_key)}"

    def mbps(self, bps: float | None, digits: int = 1) -> str:
        return self.with_unit(bps, 1e6, digits, "units.mbps")

    def ms(self, seconds: float | None, digits: int = 1) -> str:
        return self.with_unit(seconds, 1e-3, digits, "units.ms")

    def seconds(self, value: float | None, digits: int = 0) -> str:
        return self.with_unit(value, 1.0, digits, "units.s")

    def watts(self, value: float | None, digits: int = 0) -> str:
        return self.with_unit(value, 1.0, digits, "units.w")

    def amps(self, value: float | None, digits: int = 1) -> str:
        return self.with_unit(value, 1.0, digits, "units.a")

    def dbm(self, value: float | None, digits: int = 0) -> str:
        return self.with_unit(value, 1.0, digits, "units.dbm")

    def db(self, value: float | None, digits: int = 0) -> str:
        return self.with_unit(value, 1.0, digits, "units.db")

    def mhz(self, value: float | None) -> str:
        return self.with_unit(value, 1.0, 0, "units.mhz")

    def pct(self, ratio: float | None, digits: int = 0) -> str:
        if _is_missing(ratio):
            return self.no_data
        if math.isinf(float(ratio or 0.0)):
            return self.cannot_carry  # an infinite load: the element cannot carry it at all
        return f"{self.locale.number(float(ratio or 0.0) * 100.0, digits)}\u00a0%"

    def eur(self, value: float | None) -> str:
        if _is_missing(value):
            return self.no_data
        return f"{self.locale.number(float(value or 0.0), 0)}\u00a0€"

    def score(self, value: float | None) -> str:
        return self.num(value, 0)

    def rho(self, value: float | None) -> str:
        if _is_missing(value):
            return self.no_data
        if math.isinf(float(value or 0.0)):
            return self.cannot_carry
        return f"{self.locale.number(float(value or 0.0), 2)}×"

    def date(self, value: datetime | None) -> str:
        return self.no_data if value is None else self.locale.date(value.astimezone(UTC))

    def datetime_(self, value: datetime | None) -> str:
        return self.no_data if value is None else self.locale.datetime(value.astimezone(UTC))

    def timestamp(self, value: datetime | None) -> str:
        if value is None:
            return self.no_data
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")

    def figure_label(self, key: str) -> str:
        name, _, rest = key.partition(".")
        label_key = f"figures.{name}"
        label = self.locale.t(label_key) if self.locale.has(label_key) else name
        return f"{label} · {rest.replace('.', ' · ')}" if rest else label

    def figure_value(self, row: Any) -> str:
        item = row.value
        if item == "":
            return self.locale.t("common.none")  # an empty list: nothing, as opposed to no data
        if not isinstance(item, int | float) or isinstance(item, bool):
            return self.value(item)
        name = row.key.partition(".")[0]
        if name.endswith("_s"):
            return self.seconds(item, 1)
        if name.endswith("_h"):
            return self.with_unit(item, 1.0, 1, "units.h")
        if name.endswith("_bps"):
            return self.mbps(item)
        if name.endswith("_ratio"):
            return self.pct(item)
        if name.endswith("_w"):
            return self.watts(item)
        return self.value(item)

    def text(self, value: Any) -> str:
        return self.no_data if value is None or value == "" else str(value)

    def dim(self, key: str) -> str:
        name = f"dimensions.{key}"
        return self.locale.t(name) if self.locale.has(name) else key

    def yesno(self, value: bool | None) -> str:
        if value is None:
            return self.no_data
        return self.locale.t("common.yes" if value else "common.no")

    def value(self, item: Any) -> str:
        if _is_missing(item):
            return self.no_data
        if isinstance(item, float | int) and not isinstance(item, bool):
            return self.locale.number(float(item), 0 if float(item).is_integer() else 2)
        return str(item)


def make_filters(locale: Locale) -> dict[str, Filter]:
    f = _Filters(locale)
    return {
        "num": f.num,
        "mbps": f.mbps,
        "ms": f.ms,
        "seconds": f.seconds,
        "watts": f.watts,
        "amps": f.amps,
        "dbm": f.dbm,
        "db": f.db,
        "mhz": f.mhz,
        "pct": f.pct,
        "eur": f.eur,
        "score": f.score,
        "rho": f.rho,
        "date": f.date,
        "datetime": f.datetime_,
        "timestamp": f.timestamp,
        "figure_label": f.figure_label,
        "figure_value": f.figure_value,
        "text": f.text,
        "dim": f.dim,
        "yesno": f.yesno,
        "value": f.value,
    }
