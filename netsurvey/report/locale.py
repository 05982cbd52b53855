"""Locale strings (report_templates/locales/<lang>.yaml) and per-locale number/date formats."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from netsurvey.errors import ReportError

LANGUAGES = ("lv", "en")
DEFAULT_LANGUAGE = "lv"
TEMPLATES_ENV = "NETSURVEY_REPORT_TEMPLATES"


def templates_dir() -> Path:
    """$NETSURVEY_REPORT_TEMPLATES, else report_templates/ beside the package (a source
    checkout), else the copy a wheel installs under <prefix>/share/netsurvey/."""
    configured = os.environ.get(TEMPLATES_ENV)
    if configured:
        return Path(configured).resolve()
    checkout = (Path(__file__).resolve().parents[2] / "report_templates").resolve()
    installed = Path(sys.prefix) / "share" / "netsurvey" / "report_templates"
    return installed if not checkout.is_dir() and installed.is_dir() else checkout


def _flatten(prefix: str, data: Mapping[object, object], out: dict[str, str]) -> None:
    """YAML nesting -> dotted keys (``months.1``); every leaf as its text."""
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(f"{name}.", value, out)
        else:
            out[name] = str(value)


@dataclass(frozen=True)
class Locale:
    lang: str
    strings: Mapping[str, str]

    def t(self, key: str, **values: object) -> str:
        """The string for ``key``; ``{name}`` placeholders filled from ``values``."""
        try:
            text = self.strings[key]
        except KeyError:
            raise ReportError(
                f"locale {self.lang}: missing string {key!r}",
                hint=f"add it to report_templates/locales/{self.lang}.yaml",
            ) from None
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self.strings

    @property
    def decimal_sep(self) -> str:
        return self.strings.get("format.decimal", ".")

    @property
    def group_sep(self) -> str:
        return self.strings.get("format.group", ",")

    def number(self, value: float, digits: int = 0) -> str:
        text = f"{value:,.{digits}f}"
        return (
            text.replace(",", "\x00").replace(".", self.decimal_sep).replace("\x00", self.group_sep)
        )

    def date(self, value: datetime) -> str:
        month = self.t(f"months.{value.month}")
        return self.t("format.date", day=value.day, month=month, year=value.year)

    def datetime(self, value: datetime) -> str:
        return self.t(
            "format.datetime", date=self.date(value), time=value.strftime("%H:%M"), tz="UTC"
        )


def load_locale(lang: str, directory: Path | None = None) -> Locale:
    if lang not in LANGUAGES:
        raise ReportError(
            f"unknown report language {lang!r}", hint=f"use one of: {', '.join(LANGUAGES)}"
        )
    path = (directory or templates_dir()) / "locales" / f"{lang}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: cannot read locale ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ReportError(f"{path}: invalid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ReportError(f"{path}: expected a mapping of strings")
    strings: dict[str, str] = {}
    _flatten("", data, strings)
    return Locale(lang=lang, strings=strings)
