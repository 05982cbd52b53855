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


def make_filters(locale: Locale) -> dict[str, Filter]:
    no_data = locale.t("common.no_data")

    def num(value: float | None, digits: int = 0) -> str:
        return no_data if _is_missing(value) else locale.number(float(value or 0.0), digits)

    def with_unit(value: float | None, scale: float, digits: int, unit_key: str) -> str:
        if _is_missing(value):
            return no_data
        return f"{locale.number(float(value or 0.0) / scale, digits)}\u00a0{locale.t(unit_key)}"

    def mbps(bps: float | None, digits: int = 1) -> str:
        return with_unit(bps, 1e6, digits, "units.mbps")

    def ms(seconds: float | None, digits: int = 1) -> str:
        return with_unit(seconds, 1e-3, digits, "units.ms")

    def seconds(value: float | None, digits: int = 0) -> str:
        return with_unit(value, 1.0, digits, "units.s")

    def watts(value: float | None, digits: int = 0) -> str:
        return with_unit(value, 1.0, digits, "units.w")

    def amps(value: float | None, digits: int = 1) -> str:
        return with_unit(value, 1.0, digits, "units.a")

    def dbm(value: float | None, digits: int = 0) -> str:
        return with_unit(value, 1.0, digits, "units.dbm")

    def db(value: float | None, digits: int = 0) -> str:
        return with_unit(value, 1.0, digits, "units.db")

    def mhz(value: float | None) -> str:
        return with_unit(value, 1.0, 0, "units.mhz")

    cannot_carry = locale.t("states.cannot_carry")

    def pct(ratio: float | None, digits: int = 0) -> str:
        if _is_missing(ratio):
            return no_data
        if math.isinf(float(ratio or 0.0)):
            return cannot_carry  # an infinite load: the element cannot carry it at all
        return f"{locale.number(float(ratio or 0.0) * 100.0, digits)}\u00a0%"

    def eur(value: float | None) -> str:
        if _is_missing(value):
            return no_data
        return f"{locale.number(float(value or 0.0), 0)}\u00a0€"

    def score(value: float | None) -> str:
        return num(value, 0)

    def rho(value: float | None) -> str:
        if _is_missing(value):
            return no_data
        if math.isinf(float(value or 0.0)):
            return cannot_carry
        return f"{locale.number(float(value or 0.0), 2)}×"

    def date(value: datetime | None) -> str:
        return no_data if value is None else locale.date(value.astimezone(UTC))

    def datetime_(value: datetime | None) -> str:
        return no_data if value is None else locale.datetime(value.astimezone(UTC))

    def timestamp(value: datetime | None) -> str:
        if value is None:
            return no_data
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")

    def figure_label(key: str) -> str:
        name, _, rest = key.partition(".")
        label_key = f"figures.{name}"
        label = locale.t(label_key) if locale.has(label_key) else name
        return f"{label} · {rest.replace('.', ' · ')}" if rest else label

    def figure_value(row: Any) -> str:
        item = row.value
        if item == "":
            return locale.t("common.none")  # an empty list: nothing, as opposed to no data
        if not isinstance(item, int | float) or isinstance(item, bool):
            return value(item)
        name = row.key.partition(".")[0]
        if name.endswith("_s"):
            return seconds(item, 1)
        if name.endswith("_h"):
            return with_unit(item, 1.0, 1, "units.h")
        if name.endswith("_bps"):
            return mbps(item)
        if name.endswith("_ratio"):
            return pct(item)
        if name.endswith("_w"):
            return watts(item)
        return value(item)

    def text(value: Any) -> str:
        return no_data if value is None or value == "" else str(value)

    def dim(key: str) -> str:
        name = f"dimensions.{key}"
        return locale.t(name) if locale.has(name) else key

    def yesno(value: bool | None) -> str:
        return no_data if value is None else locale.t("common.yes" if value else "common.no")

    def value(item: Any) -> str:
        if _is_missing(item):
            return no_data
        if isinstance(item, float | int) and not isinstance(item, bool):
            return locale.number(float(item), 0 if float(item).is_integer() else 2)
        return str(item)

    return {
        "num": num,
        "mbps": mbps,
        "ms": ms,
        "seconds": seconds,
        "watts": watts,
        "amps": amps,
        "dbm": dbm,
        "db": db,
        "mhz": mhz,
        "pct": pct,
        "eur": eur,
        "score": score,
        "rho": rho,
        "date": date,
        "datetime": datetime_,
        "timestamp": timestamp,
        "figure_label": figure_label,
        "figure_value": figure_value,
        "text": text,
        "dim": dim,
        "yesno": yesno,
        "value": value,
    }
