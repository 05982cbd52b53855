"""Scorer message ids + params -> words from the locale catalogue.

scores.json names what it found with message ids and parameters (docs/contracts.md §4);
this module is the one place that turns them into text, for the PDF, the summary sheet
and the terminal table alike.  Older scores files carry only English sentences: those
are shown as they are in English, and in other languages replaced by a generic line
built from the structured fields, so no English sentence reaches a Latvian page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from netsurvey.report.locale import Locale
from netsurvey.report.text import clean_text

INFINITE = "inf"


def _is_infinite(value: Any) -> bool:
    return value == INFINITE or (isinstance(value, float) and math.isinf(value) and value > 0)


class Words:
    """Renders scorer messages in one language."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale

    # ---- small pieces -------------------------------------------------------------
    def t(self, key: str, **values: Any) -> str:
        return self.locale.t(key, **values)

    def has(self, key: str) -> bool:
        return self.locale.has(key)

    def number(self, value: float, digits: int = 0) -> str:
        return self.locale.number(value, digits)

    def unit(self, value: float, unit_key: str, digits: int = 0) -> str:
        return f"{self.number(value, digits)}\u00a0{self.t(unit_key)}"

    def mbps(self, value_mbps: float) -> str:
        if value_mbps >= 1000 and value_mbps % 1000 == 0:
            return self.unit(value_mbps / 1000, "units.gbps")
        digits = next((d for d in (0, 1, 2) if abs(round(value_mbps, d) - value_mbps) < 1e-9), 2)
        return self.unit(value_mbps, "units.mbps", digits)

    def benchmark_name(self, row: Any) -> str:
        """The funder's name: the catalogue's (benchmark_names.<id>) or the profile's body."""
        key = f"benchmark_names.{row.id}"
        return self.t(key) if row.id and self.has(key) else clean_text(row.body, 120)

    def percent(self, ratio: float) -> str:
        return f"{self.number(ratio * 100.0, 0)}\u00a0%"

    def dimension(self, key: Any) -> str:
        name = f"dimensions.{key}"
        return self.t(name) if isinstance(key, str) and self.has(name) else clean_text(key, 40)

    def id_list(self, items: Any) -> str:
        if isinstance(items, str):
            return clean_text(items, 120)
        if isinstance(items, Sequence):
            return ", ".join(clean_text(i, 40) for i in items)
        return ""

    def scenario_title(self, title_id: Any, fallback: Any = None) -> str | None:
        key = f"scenario_titles.{title_id}"
        if isinstance(title_id, str) and self.has(key):
            return self.t(key)
        if self.locale.lang == "en" and fallback:
            return clean_text(fallback)
        return None

    # ---- elements and bottleneck -------------------------------------------------
    def element(self, ref: Mapping[str, Any]) -> str:
        kind = ref.get("kind")
        key = f"elements.{kind}"
        if not isinstance(kind, str) or not self.has(key):
            return self.t("elements.unknown")
        values = {k: clean_text(v, 60) for k, v in ref.items() if k != "kind"}
        if "width_mhz" in ref and isinstance(ref["width_mhz"], int | float):
            values["width"] = self.unit(float(ref["width_mhz"]), "units.mhz")
        return self.t(key, **values)

    def bottleneck(self, data: Mapping[str, Any]) -> str | None:
        """The bottleneck sentence; ``None`` when scores.json has no bottleneck."""
        if not data:
            return None
        message, params = data.get("message"), data.get("params")
        if isinstance(message, str) and isinstance(params, dict) and self.has(message):
            return self._bottleneck_message(message, params)
        if self.locale.lang == "en" and data.get("text"):
            return clean_text(data["text"], 600)
        return self._bottleneck_generic(data)

    def _bottleneck_message(self, message: str, params: Mapping[str, Any]) -> str:
        ref = params.get("element")
        element = self.element(ref if isinstance(ref, dict) else {})
        room = clean_text(params.get("room"), 60)
        placement = params.get("placement")
        if placement == "class_online" and room:
            where = self.t("bottleneck.where_class_online", element=element, room=room)
        elif placement == "room" and room:
            where = self.t("bottleneck.where_room", element=element, room=room)
        else:
            where = element
        severity = params.get("severity_ratio")
        shown = (
            self.percent(float(severity))
            if isinstance(severity, int | float) and not _is_infinite(severity)
            else ""
        )
        scenario = clean_text(params.get("scenario"), 20)
        title = self.scenario_title(params.get("scenario_title_id"))
        return self.t(
            message,
            where=where[:1].upper() + where[1:],
            severity=shown,
            scenario=f"{scenario} ({title})" if title else scenario,
        )

    def _bottleneck_generic(self, data: Mapping[str, Any]) -> str:
        severity = data.get("severity")
        if _is_infinite(severity):
            shown = self.t("states.cannot_carry")
        elif isinstance(severity, int | float):
            shown = self.percent(float(severity))
        else:
            shown = self.t("common.no_data")
        return self.t(
            "bottleneck.generic",
            dimension=self.dimension(data.get("dimension")),
            scenario=clean_text(data.get("scenario"), 20) or self.t("common.no_data"),
            severity=shown,
        )

    # ---- upgrades and the plan ---------------------------------------------------
    def upgrade(self, step: Mapping[str, Any]) -> str:
        message, params = step.get("message"), step.get("params")
        if isinstance(message, str) and isinstance(params, dict) and self.has(message):
            return self._upgrade_message(message, params)
        if self.locale.lang == "en":
            return clean_text(step.get("title") or step.get("id") or "?")
        return self.t(
            "upgrade.generic",
            dimension=self.dimension(step.get("dimension")),
            id=clean_text(step.get("id"), 60),
        )

    def _upgrade_message(self, message: str, params: Mapping[str, Any]) -> str:
        def num(key: str) -> float:
            value = params.get(key)
            return float(value) if isinstance(value, int | float) else 0.0

        count = int(num("count")) if "count" in params else 1
        values: dict[str, Any] = {"count": count}
        if message == "upgrade.wan_tier":
            values.update(down=self.mbps(num("down_mbps")), up=self.mbps(num("up_mbps")))
            if num("down_mbps") == num("up_mbps"):
                message = "upgrade.wan_tier_symmetric"
        elif message == "upgrade.add_ap":
            values["rooms"] = self.id_list(params.get("rooms"))
            if count > 1:
                message = "upgrade.add_ap_many"
        elif message == "upgrade.channel_plan":
            values["width"] = self.unit(num("width_mhz"), "units.mhz")
        elif message == "upgrade.poe_switch":
            values["budget"] = self.unit(num("budget_w"), "units.w")
        elif message == "upgrade.cart_sequencing":
            values["slots"] = int(num("slots_at_once"))
        elif message == "upgrade.new_circuit":
            values["breaker"] = self.unit(num("breaker_a"), "units.a")
        return self.t(message, **values)

    def blocking(self, item: Mapping[str, Any]) -> str:
        message, params = item.get("message"), item.get("params")
        params = params if isinstance(params, dict) else {}
        dimension = self.dimension(item.get("dimension"))
        if not isinstance(message, str) or not self.has(message):
            return self.t("plan.blocked.generic", dimension=dimension)
        best = params.get("best_score")
        tried = params.get("tried")
        return self.t(
            message,
            dimension=dimension,
            best=self.number(float(best), 0) if isinstance(best, int | float) else "?",
            tried=self.id_list(tried) if tried else self.t("common.none"),
        )

    # ---- missing-data notes ------------------------------------------------------
    def missing_note(self, note: Any) -> str:
        """A missing-data note in this language: a ``missing_notes`` entry (message id +
        params). A bare English sentence (a ``missing`` line of an older scores file) is
        shown as it is in English; in other languages it becomes ``missing.other`` with
        its dimension, pointing to the evidence appendix, where the words are kept."""
        if isinstance(note, dict):
            data: dict[str, Any] = note
        else:
            text = clean_text(note, 300)
            dimension = text.partition(":")[0].strip() if ":" in text else None
            data = {"message": "missing.other", "dimension": dimension, "text": text}
        message, params = data.get("message"), data.get("params")
        params = params if isinstance(params, dict) else {}
        if self.locale.lang == "en" and data.get("text"):
            return clean_text(data["text"], 300)
        if isinstance(message, str) and message != "missing.other" and self.has(message):
            values = {k: clean_text(v, 120) for k, v in params.items()}
            try:
                return self.t(message, **values)
            except (KeyError, IndexError):
                pass
        return self.t("missing.other", dimension=self.dimension(data.get("dimension") or "?"))

    # ---- coverage and funders' checklists ----------------------------------------
    def coverage_line(self, row: Any) -> str:
        """One line of "left to measure" for a CoverageRow (viewmodel)."""
        measure = row.measure
        key = f"coverage.{measure}"
        values = {
            "dimension": self.dimension(row.dimension),
            "measured": "?" if row.measured is None else row.measured,
            "expected": "?" if row.expected is None else row.expected,
            "required": row.required if row.required is not None else row.expected or "?",
        }
        text = (
            self.t(key, **values)
            if measure and self.has(key)
            else self.t("coverage.generic", dimension=values["dimension"])
        )
        if row.missing_items:
            text += "; " + self.t("coverage.items", items=self.id_list(row.missing_items))
        return text

    def benchmark_target(self, row: Any) -> str:
        """A funder's target in words: per user, per pupil, per school or a Wi-Fi level."""
        if row.metric == "wifi_standard":
            standard = f"benchmark_text.standards.{row.min_standard}"
            name = self.t(standard) if self.has(standard) else clean_text(row.min_standard, 8)
            return self.t("benchmark_text.wifi_standard", standard=name)
        if row.fixed_mbps is not None:
            text = self.t("benchmark_text.fixed", rate=self.mbps(row.fixed_mbps))
        elif row.per_user_mbps is not None:
            key = "per_student" if row.basis == "students" else "per_user"
            text = self.t(f"benchmark_text.{key}", rate=self.mbps(row.per_user_mbps))
            if row.min_mbps:
                text += ", " + self.t("benchmark_text.minimum", minimum=self.mbps(row.min_mbps))
        else:
            text = self.t("common.no_data")
        direction = "up" if row.metric == "wan_up" else "down"
        return f"{text} ({self.t(f'benchmark_text.direction_{direction}')})"

    def benchmark_measured(self, row: Any) -> str:
        if row.metric == "wifi_standard":
            if row.aps_count is None or row.aps_meeting_count is None:
                return self.t("common.no_data")
            return self.t(
                "benchmark_text.aps_meeting", meeting=row.aps_meeting_count, total=row.aps_count
            )
        if row.measured_bps is None:
            return self.t("common.no_data")
        measured = self.mbps(round(row.measured_bps / 1e6, 1))
        if row.target_bps:
            return f"{measured} / {self.mbps(round(row.target_bps / 1e6, 1))}"
        return measured
