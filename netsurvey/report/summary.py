"""The municipality summary: one row per school, as .xlsx (openpyxl) and/or .csv.

The workbook has an overview (share of schools meeting the readiness bar per
municipality, against the programme's 90 % indicator) and one sheet per municipality
with traffic-light formatting, a frozen header and filters. Strings from data never
start a cell with = + - @ (they are prefixed with ') and carry no control characters.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from netsurvey.errors import ReportError
from netsurvey.report.locale import Locale
from netsurvey.report.messages import Words
from netsurvey.report.scoresentry import DIMENSIONS, SchoolScores
from netsurvey.report.scoresmessages import Blocking, BottleneckEntry, MissingNote, UpgradeStep
from netsurvey.report.text import clean_text
from netsurvey.report.viewmodel import READINESS_BAR_SCORE
from netsurvey.report.visitfiles import VisitFiles

PROGRAMME_TARGET_RATIO = 0.9  # national indicator: 90 % of schools with strengthened ICT
SUMMARY_TEXT_MAX_CHARS = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
HEADER_FONT = Font(name="Calibri", bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
GREEN_FILL = PatternFill(start_color="C8E6C9", end_color="C8E6C9", fill_type="solid")
AMBER_FILL = PatternFill(start_color="FFF59D", end_color="FFF59D", fill_type="solid")
RED_FILL = PatternFill(start_color="FFCDD2", end_color="FFCDD2", fill_type="solid")


@dataclass(frozen=True)
class SummaryRow:
    school_id: str
    name: str
    municipality: str
    grade: str | None
    overall_score: float | None
    dimension_scores: tuple[float | None, ...]  # in DIMENSIONS order
    bottleneck_dimension: str | None
    bottleneck_text: str | None
    pupils_count: int | None
    wan_download_per_pupil_bps: float | None
    devices_per_pupil_ratio: float | None
    upgrade_cost_eur: float | None
    meets_bar: bool | None  # None: not assessed (incomplete) or no score
    missing: tuple[str, ...]
    complete: bool = True
    bottleneck_source: BottleneckEntry | None = None  # message + params, for Words
    plan_steps: tuple[UpgradeStep, ...] = ()
    plan_reaches_bar: bool | None = None
    plan_grade: str | None = None
    plan_blocking: tuple[Blocking, ...] = ()
    missing_notes: tuple[MissingNote, ...] = ()  # message ids of ``missing``


def safe_cell_text(value: object) -> str:
    """Text that a spreadsheet shows as text: no controls, no formula-looking start."""
    text = clean_text(value, SUMMARY_TEXT_MAX_CHARS).replace("\u200b", "")
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _best_download_bps(visit: VisitFiles) -> float | None:
    known = [t.download_bps for t in visit.facts.speed_tests if t.download_bps is not None]
    return max(known) if known else None


def _upgrade_cost_eur(entry: SchoolScores) -> float | None:
    """The plan's total; for an older scores file, the sum of its recommendations."""
    if entry.upgrade_plan is not None and entry.upgrade_plan.total_cost_eur is not None:
        return entry.upgrade_plan.total_cost_eur
    costs = [r.cost_eur for r in entry.recommendations if r.cost_eur is not None]
    return sum(costs) if costs else None


def summary_row(
    entry: SchoolScores, visit: VisitFiles, bar_score: float = READINESS_BAR_SCORE
) -> SummaryRow:
    school = visit.school
    overall = entry.overall
    scores = {d.key: d.score for d in entry.dimensions}
    bottleneck = entry.bottleneck
    plan = entry.upgrade_plan
    pupils = school.pupils_count
    download_bps = _best_download_bps(visit)
    devices = school.devices_in_use
    return SummaryRow(
        school_id=clean_text(entry.school_id or visit.info.school_id or "?", 80),
        name=clean_text(entry.name or school.name or "?"),
        municipality=clean_text(entry.municipality or school.municipality or "?"),
        grade=clean_text(overall.grade, 3) if overall.grade and overall.complete else None,
        overall_score=overall.score,
        dimension_scores=tuple(scores.get(d) for d in DIMENSIONS),
        bottleneck_dimension=clean_text(bottleneck.dimension, 40)
        if bottleneck is not None and bottleneck.dimension
        else None,
        bottleneck_text=clean_text(bottleneck.text, SUMMARY_TEXT_MAX_CHARS)
        if bottleneck is not None and bottleneck.text
        else None,
        pupils_count=pupils,
        wan_download_per_pupil_bps=download_bps / pupils
        if download_bps is not None and pupils
        else None,
        devices_per_pupil_ratio=devices / pupils if devices is not None and pupils else None,
        upgrade_cost_eur=_upgrade_cost_eur(entry),
        meets_bar=None if overall.score is None else overall.score >= bar_score,
        missing=tuple(clean_text(m) for m in entry.missing),
        complete=overall.complete,
        bottleneck_source=bottleneck,
        plan_steps=entry.recommendations if plan is None else plan.steps,
        plan_reaches_bar=None if plan is None else plan.reaches_bar,
        plan_grade=clean_text(plan.final_grade, 3) if plan is not None and plan.final_grade else None,
        plan_blocking=() if plan is None else plan.blocking,
        missing_notes=entry.missing_notes,
    )


def _headers(locale: Locale) -> list[str]:
    t = locale.t
    return [
        t("sheet.school_id"),
        t("sheet.school"),
        t("sheet.municipality"),
        t("sheet.grade"),
        t("sheet.overall"),
        *[t(f"dimensions.{d}") for d in DIMENSIONS],
        t("sheet.bottleneck"),
        t("sheet.bottleneck_text"),
        t("sheet.pupils"),
        t("sheet.wan_per_pupil"),
        t("sheet.devices_per_pupil"),
        t("sheet.upgrade_cost"),
        t("sheet.meets_bar"),
        t("sheet.missing"),
        t("sheet.plan_path"),
        t("sheet.plan_grade"),
        t("sheet.plan_reaches"),
        t("sheet.plan_blocked"),
    ]


def _meets_bar_cell(row: SummaryRow, locale: Locale) -> str | None:
    if not row.complete:
        return locale.t("sheet.not_assessed")
    if row.meets_bar is None:
        return None
    return locale.t("common.yes" if row.meets_bar else "common.no")


def _values(row: SummaryRow, locale: Locale, words: Words | None = None) -> list[Any]:
    words = words or Words(locale)

    def dim(key: str | None) -> str | None:
        if key is None:
            return None
        name = f"dimensions.{key}"
        return locale.t(name) if locale.has(name) else safe_cell_text(key)

    bottleneck = words.bottleneck(row.bottleneck_source) if row.bottleneck_source else None
    path = " → ".join(words.upgrade(step) for step in row.plan_steps)
    blocking = "; ".join(words.blocking(b) for b in row.plan_blocking)

    return [
        safe_cell_text(row.school_id),
        safe_cell_text(row.name),
        safe_cell_text(row.municipality),
        None if row.grade is None else safe_cell_text(row.grade),
        row.overall_score,
        *row.dimension_scores,
        dim(row.bottleneck_dimension),
        None if bottleneck is None else safe_cell_text(bottleneck),
        row.pupils_count,
        None if row.wan_download_per_pupil_bps is None else row.wan_download_per_pupil_bps / 1e6,
        row.devices_per_pupil_ratio,
        row.upgrade_cost_eur,
        _meets_bar_cell(row, locale),
        safe_cell_text("; ".join(words.missing_note(m) for m in row.missing_notes or row.missing))
        if row.missing
        else None,
        safe_cell_text(path) if path else None,
        row.plan_grade if row.complete else None,
        None
        if row.plan_reaches_bar is None
        else locale.t("common.yes" if row.plan_reaches_bar else "common.no"),
        safe_cell_text(blocking) if blocking else None,
    ]


SCORE_COLUMNS = range(5, 5 + 1 + len(DIMENSIONS))  # 1-based: overall + dimensions
_NUMBER_FORMATS = {
    **{c: "0.0" for c in SCORE_COLUMNS},
    5 + len(DIMENSIONS) + 3: "0",
    5 + len(DIMENSIONS) + 4: "0.00",
    5 + len(DIMENSIONS) + 5: "0.00",
    5 + len(DIMENSIONS) + 6: "#,##0",
}


def _sheet_title(name: str, used: set[str]) -> str:
    base = _SHEET_TITLE_FORBIDDEN.sub("_", name.replace("\u200b", "")).strip() or "?"
    base = base[:31]
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


GOOD_SCORE = 70.0


def _traffic_lights(ws: Any, rows_count: int, bar_score: float) -> None:
    """Green >= 70, amber from the bar to 70, red below the bar; empty cells stay plain
    (missing data is not a zero, so it must not turn red)."""
    if rows_count == 0:
        return
    first, last = get_column_letter(SCORE_COLUMNS[0]), get_column_letter(SCORE_COLUMNS[-1])
    cells = f"{first}2:{last}{rows_count + 1}"
    top_left = f"{first}2"
    rules = (
        (f"AND(ISNUMBER({top_left}),{top_left}>={GOOD_SCORE:g})", GREEN_FILL),
        (
            f"AND(ISNUMBER({top_left}),{top_left}>={bar_score:g},{top_left}<{GOOD_SCORE:g})",
            AMBER_FILL,
        ),
        (f"AND(ISNUMBER({top_left}),{top_left}<{bar_score:g})", RED_FILL),
    )
    for formula, fill in rules:
        ws.conditional_formatting.add(cells, FormulaRule(formula=[formula], fill=fill))


def _print_setup(ws: Any) -> None:
    """Landscape, one page wide, header row repeated: municipalities print these sheets."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def _school_sheet(ws: Any, rows: Sequence[SummaryRow], locale: Locale, bar_score: float) -> None:
    ws.append(_headers(locale))
    ws.row_dimensions[1].height = 45
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.alignment = HEADER_ALIGNMENT
    words = Words(locale)
    for row in rows:
        ws.append(_values(row, locale, words))
    for column, number_format in _NUMBER_FORMATS.items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    _traffic_lights(ws, len(rows), bar_score)
    _print_setup(ws)
    widths = {1: 14, 2: 34, 3: 18, 4: 9, 5 + len(DIMENSIONS) + 2: 50}
    missing_column = 5 + len(DIMENSIONS) + 8
    widths |= {missing_column: 50, missing_column + 1: 70, missing_column + 4: 50}
    for column in range(1, len(_headers(locale)) + 1):
        ws.column_dimensions[get_column_letter(column)].width = widths.get(column, 13)


def _share(rows: Sequence[SummaryRow]) -> tuple[int, int, float | None]:
    """(complete assessments, meeting the bar, share): the programme indicator counts
    only complete assessments; an incomplete one is neither ready nor not ready."""
    judged = [r for r in rows if r.complete and r.meets_bar is not None]
    meeting = sum(1 for r in judged if r.meets_bar)
    return len(judged), meeting, (meeting / len(judged)) if judged else None


def _overview_sheet(
    ws: Any, by_municipality: Mapping[str, Sequence[SummaryRow]], locale: Locale, bar_score: float
) -> None:
    t = locale.t
    ws.append(
        [
            t("sheet.municipality"),
            t("sheet.schools"),
            t("sheet.assessed"),
            t("sheet.meeting_bar"),
            t("sheet.share"),
            t("sheet.target"),
            t("sheet.on_track"),
        ]
    )
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.alignment = HEADER_ALIGNMENT
    all_rows: list[SummaryRow] = []
    for municipality, rows in by_municipality.items():
        all_rows.extend(rows)
        ws.append(_overview_values(safe_cell_text(municipality), rows, locale))
    ws.append(_overview_values(t("sheet.total"), all_rows, locale))
    for cell in ws[ws.max_row]:
        cell.font = HEADER_FONT
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "0%"
    share_cells = f"E2:E{ws.max_row}"
    ws.conditional_formatting.add(
        share_cells,
        CellIsRule(
            operator="greaterThanOrEqual", formula=[str(PROGRAMME_TARGET_RATIO)], fill=GREEN_FILL
        ),
    )
    ws.conditional_formatting.add(
        share_cells,
        CellIsRule(
            operator="between", formula=["0.5", str(PROGRAMME_TARGET_RATIO - 1e-9)], fill=AMBER_FILL
        ),
    )
    ws.conditional_formatting.add(
        share_cells, CellIsRule(operator="lessThan", formula=["0.5"], fill=RED_FILL)
    )
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{ws.max_row - 1}"
    ws.append([])
    ws.append([t("sheet.bar_note", bar=f"{bar_score:g}", target=f"{PROGRAMME_TARGET_RATIO:.0%}")])
    ws.row_dimensions[1].height = 30
    _print_setup(ws)
    ws.column_dimensions["A"].width = 30
    for column in "BCDEFG":
        ws.column_dimensions[column].width = 18


def _overview_values(label: str, rows: Sequence[SummaryRow], locale: Locale) -> list[Any]:
    assessed, meeting, share = _share(rows)
    on_track = (
        None
        if share is None
        else locale.t("common.yes" if share >= PROGRAMME_TARGET_RATIO else "common.no")
    )
    return [label, len(rows), assessed, meeting, share, PROGRAMME_TARGET_RATIO, on_track]


def _collation_key(text: str) -> str:
    """Latvian-friendly order: Ā after all A…, Š after all S… (NFD puts the mark after)."""
    return unicodedata.normalize("NFD", text.casefold())


def _row_order(row: SummaryRow) -> tuple[str, str, str]:
    return (_collation_key(row.municipality), _collation_key(row.name), row.school_id)


def group_by_municipality(rows: Iterable[SummaryRow]) -> dict[str, list[SummaryRow]]:
    groups: dict[str, list[SummaryRow]] = {}
    for row in sorted(rows, key=_row_order):
        groups.setdefault(row.municipality, []).append(row)
    return groups


def write_xlsx(
    rows: Sequence[SummaryRow], out: Path, locale: Locale, bar_score: float = READINESS_BAR_SCORE
) -> Path:
    workbook = Workbook(write_only=False)
    overview = workbook.active
    used: set[str] = set()
    overview.title = _sheet_title(locale.t("sheet.overview"), used)
    groups = group_by_municipality(rows)
    _overview_sheet(overview, groups, locale, bar_score)
    for municipality, school_rows in groups.items():
        _school_sheet(
            workbook.create_sheet(_sheet_title(municipality, used)), school_rows, locale, bar_score
        )
    _save(out, workbook.save)
    return out


_CSV_DIGITS = {"0.0": 1, "0.00": 2, "#,##0": 0, "0": 0}


def _csv_cell(value: Any, column: int, locale: Locale) -> Any:
    """Numbers as the sheet shows them, with the language's decimal sign (lv: comma)."""
    if value is None:
        return ""
    if isinstance(value, float):
        digits = _CSV_DIGITS.get(_NUMBER_FORMATS.get(column, ""), 2)
        return f"{value:.{digits}f}".replace(".", locale.decimal_sep)
    return value


def write_csv(rows: Sequence[SummaryRow], out: Path, locale: Locale) -> Path:
    def save(path: Path) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(_headers(locale))
            words = Words(locale)
            for row in sorted(rows, key=_row_order):
                values = _values(row, locale, words)
                writer.writerow([_csv_cell(v, i + 1, locale) for i, v in enumerate(values)])

    _save(out, save)
    return out


def _save(out: Path, save: Any) -> None:
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        save(tmp)
        tmp.replace(out)
    except OSError as exc:
        raise ReportError(f"{out}: cannot write summary ({exc.strerror})") from exc
    finally:
        tmp.unlink(missing_ok=True)
