"""The words drawn into heatmap images, in one language, from the report's locale
catalogue (``heatmap.*`` in report_templates/locales/<lang>.yaml), so that the
Latvian PDF embeds Latvian maps and the English one English maps."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from netsurvey.report.locale import Locale, load_locale

HEATMAP_LANGUAGES = ("en", "lv")
DEFAULT_HEATMAP_LANGUAGE = "en"
VERDICTS = ("pass", "warn", "fail", "missing")


@dataclass(frozen=True)
class HeatmapWords:
    locale: Locale

    @property
    def lang(self) -> str:
        return self.locale.lang

    def t(self, key: str, **values: Any) -> str:
        return self.locale.t(f"heatmap.{key}", **values)

    def number(self, value: float, decimals: int = 0) -> str:
        """``-67``, ``12,5`` in Latvian; no thousands separator (values are small)."""
        text = f"{value:.{decimals}f}"
        if text.startswith("-") and float(text) == 0:
            text = text[1:]
        return text.replace(".", self.locale.decimal_sep)

    def metric_title(self, metric_key: str, fallback: str) -> str:
        key = f"heatmap.metric_{metric_key}"
        return self.locale.t(key) if self.locale.has(key) else fallback

    def verdict(self, verdict: str) -> str:
        return self.t(f"verdict_{verdict if verdict in VERDICTS else 'missing'}")

    def reason(self, check_name: str) -> str:
        key = f"heatmap.reason_{check_name}"
        return self.locale.t(key) if self.locale.has(key) else self.t("reason_other")

    def mark(self, verdict: str, value: float, unit: str) -> str:
        """A threshold line's label: ``pass ≥ -67 dBm``."""
        return self.t(f"mark_{verdict}", value=f"{self.number(value)} {unit}")


@lru_cache(maxsize=4)
def heatmap_words(lang: str = DEFAULT_HEATMAP_LANGUAGE) -> HeatmapWords:
    """The heatmap words for ``lang`` (``en`` or ``lv``); ReportError for another."""
    return HeatmapWords(load_locale(lang))
