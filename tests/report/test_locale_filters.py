"""Locale files and filters: same keys in lv and en, per-locale numbers and dates."""

from __future__ import annotations

from datetime import UTC, datetime

from netsurvey.report.filters import make_filters
from netsurvey.report.locale import load_locale


def test_lv_and_en_have_the_same_keys() -> None:
    lv, en = load_locale("lv"), load_locale("en")
    assert set(lv.strings) == set(en.strings)
    assert all(str(v).strip() for k, v in lv.strings.items() if not k.startswith("format."))


def test_missing_values_read_no_data_never_zero() -> None:
    for lang, no_data in (("lv", "nav datu"), ("en", "no data")):
        f = make_filters(load_locale(lang))
        for name in ("num", "mbps", "ms", "watts", "pct", "eur", "score", "dbm", "date", "text"):
            assert f[name](None) == no_data, name


def test_numbers_and_dates_per_locale() -> None:
    lv, en = make_filters(load_locale("lv")), make_filters(load_locale("en"))
    assert lv["mbps"](187_340_000.0) == "187,3\u00a0Mbit/s"
    assert en["mbps"](187_340_000.0) == "187.3\u00a0Mbit/s"
    assert lv["eur"](2570) == "2\u00a0570\u00a0€"
    assert en["eur"](2570) == "2,570\u00a0€"
    assert lv["pct"](0.46) == "46\u00a0%"
    when = datetime(2026, 11, 20, 8, 55, tzinfo=UTC)
    assert lv["date"](when) == "2026. gada 20. novembris"
    assert en["date"](when) == "20 November 2026"
    assert lv["ms"](0.0146) == "14,6\u00a0ms"


def test_every_string_the_template_asks_for_exists() -> None:
    import re

    from netsurvey.report.locale import templates_dir

    template = (templates_dir() / "report.html").read_text(encoding="utf-8")
    keys = set(re.findall(r"""\bt\(\s*"([a-z0-9_.]+)"\s*[,)]""", template))
    assert len(keys) > 50
    for lang in ("lv", "en"):
        strings = load_locale(lang).strings
        assert sorted(k for k in keys if k not in strings) == [], lang
