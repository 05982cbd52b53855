"""Scorer message ids + params -> words from the locale catalogue.

scores.json names what it found with message ids and parameters (docs/contracts.md §4);
this module is the one place that turns them into text, for the PDF, the summary sheet
and the terminal table alike.  Older scores files carry only English sentences: those
are shown as they are in English, and in other languages replaced by a generic line
built from the structured fields, so no English sentence reaches a Latvian page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from netsurvey.report.locale import Locale
from netsurvey.report.scoresentry import Benchmark, CoverageRow
from netsurvey.report.scoresmessages import (
    Blocking,
    BottleneckEntry,
    BottleneckParams,
    ElementRef,
    MissingNote,
    UpgradeParams,
    UpgradeStep,
)
from netsurvey.report.text import clean_text


class Words:
    """Renders scorer messages in one language."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale

    # ---- small pieces -------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
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

    def benchmark_name(self, row: Benchmark) -> str:
        """The funder's name: the catalogue's (benchmark_names.<id>) or the profile's body."""
        key = f"benchmark_names.{row.id}"
        return self.t(key) if row.id and self.has(key) else clean_text(row.body, 120)

    def percent(self, ratio: float) -> str:
        return f"{self.number(ratio * 100.0, 0)}\u00a0%"

    def dimension(self, key: str | None) -> str:
        name = f"dimensions.{key}"
        return self.t(name) if key is not None and self.has(name) else clean_text(key, 40)

    def id_list(self, items: Sequence[str]) -> str:
        return ", ".join(clean_text(i, 40) for i in items)

    def scenario_title(self, title_id: str | None, fallback: str | None = None) -> str | None:
        key = f"scenario_titles.{title_id}"
        if title_id is not None and self.has(key):
            return self.t(key)
        if self.locale.lang == "en" and fallback:
            return clean_text(fallback)
        return None

    # ---- elements and bottleneck -------------------------------------------------
    def element(self, ref: ElementRef) -> str:
        key = f"elements.{ref.kind}"
        if ref.kind is None or not self.has(key):
            return self.t("elements.unknown")
        values = {k: clean_text(v, 60) for k, v in ref.labels}
        if ref.width_mhz is not None:
            values["width"] = self.unit(ref.width_mhz, "units.mhz")
        return self.t(key, **values)

    def bottleneck(self, found: BottleneckEntry) -> str:
        """The bottleneck sentence: from its message id, else (an older scores file) the
        English sentence in English or a generic line built from its fields."""
        if found.message is not None and found.params is not None and self.has(found.message):
            return self._bottleneck_message(found.message, found.params)
        if self.locale.lang == "en" and found.text:
            return clean_text(found.text, 600)
        return self._bottleneck_generic(found)

    def _bottleneck_message(self, message: str, params: BottleneckParams) -> str:
        element = self.element(params.element)
        room = clean_text(params.room, 60)
        if params.placement == "class_online" and room:
            where = self.t("bottleneck.where_class_online", element=element, room=room)
        elif params.placement == "room" and room:
            where = self.t("bottleneck.where_room", element=element, room=room)
        else:
            where = element
        severity = params.severity_ratio
        shown = self.percent(severity) if severity is not None and math.isfinite(severity) else ""
        scenario = clean_text(params.scenario, 20)
        title = self.scenario_title(params.scenario_title_id)
        return self.t(
            message,
            where=where[:1].upper() + where[1:],
            severity=shown,
            scenario=f"{scenario} ({title})" if title else scenario,
        )

    def _bottleneck_generic(self, found: BottleneckEntry) -> str:
        severity = found.severity
        if severity is not None and math.isinf(severity):
            shown = self.t("states.cannot_carry")
        elif severity is not None:
            shown = self.percent(severity)
        else:
            shown = self.t("common.no_data")
        return self.t(
            "bottleneck.generic",
            dimension=self.dimension(found.dimension),
            scenario=clean_text(found.scenario, 20) or self.t("common.no_data"),
            severity=shown,
        )

    # ---- upgrades and the plan ---------------------------------------------------
    def upgrade(self, step: UpgradeStep) -> str:
        if step.message is not None and step.params is not None and self.has(step.message):
            return self._upgrade_message(step.message, step.params)
        if self.locale.lang == "en":
            return clean_text(step.title or step.id or "?")
        return self.t(
            "upgrade.generic",
            dimension=self.dimension(step.dimension),
            id=clean_text(step.id, 60),
        )

    def _amount(self, value: float | None, unit_key: str) -> str:
        return self.t("common.no_data") if value is None else self.unit(value, unit_key)

    def _upgrade_message(self, message: str, params: UpgradeParams) -> str:
        count = 1 if params.count is None else params.count
        values: dict[str, object] = {"count": count}
        if message == "upgrade.wan_tier":
            down, up = params.down_mbps, params.up_mbps
            no_data = self.t("common.no_data")
            values.update(
                down=no_data if down is None else self.mbps(down),
                up=no_data if up is None else self.mbps(up),
            )
            if down == up:
                message = "upgrade.wan_tier_symmetric"
        elif message == "upgrade.add_ap":
            values["rooms"] = self.id_list(params.rooms)
            if count > 1:
                message = "upgrade.add_ap_many"
        elif message == "upgrade.channel_plan":
            values["width"] = self._amount(params.width_mhz, "units.mhz")
        elif message == "upgrade.poe_switch":
            values["budget"] = self._amount(params.budget_w, "units.w")
        elif message == "upgrade.cart_sequencing":
            values["slots"] = "?" if params.slots_at_once is None else params.slots_at_once
        elif message == "upgrade.new_circuit":
            values["breaker"] = self._amount(params.breaker_a, "units.a")
        return self.t(message, **values)

    def blocking(self, item: Blocking) -> str:
        dimension = self.dimension(item.dimension)
        if item.message is None or not self.has(item.message):
            return self.t("plan.blocked.generic", dimension=dimension)
        best = item.best_score
        return self.t(
            item.message,
            dimension=dimension,
            best=self.number(best, 0) if best is not None else "?",
            tried=self.id_list(item.tried) if item.tried else self.t("common.none"),
        )

    # ---- missing-data notes ------------------------------------------------------
    def missing_note(self, note: MissingNote | str) -> str:
        """A missing-data note in this language: a ``missing_notes`` entry (message id +
        params). A bare English sentence (a ``missing`` line of an older scores file) is
        shown as it is in English; in other languages it becomes ``missing.other`` with
        its dimension, pointing to the evidence appendix, where the words are kept."""
        if isinstance(note, str):
            text = clean_text(note, 300)
            dimension = text.partition(":")[0].strip() if ":" in text else None
            note = MissingNote(message="missing.other", dimension=dimension, text=text)
        if self.locale.lang == "en" and note.text:
            return clean_text(note.text, 300)
        message = note.message
        if message is not None and message != "missing.other" and self.has(message):
            values = {k: clean_text(v, 120) for k, v in note.params}
            try:
                return self.t(message, **values)
            except (KeyError, IndexError):
                pass
        return self.t("missing.other", dimension=self.dimension(note.dimension or "?"))

    # ---- coverage and funders' checklists ----------------------------------------
    def coverage_line(self, row: CoverageRow) -> str:
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

    def benchmark_target(self, row: Benchmark) -> str:
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

    def benchmark_measured(self, row: Benchmark) -> str:
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
