"""The terminal table `netsurvey score` prints on stderr, in the catalogue's language.

One line per school (score and grade, or "incomplete" with the dimensions that lack
evidence, then the bottleneck), its missing-data notes, and its path to the bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from netsurvey.report.locale import Locale
from netsurvey.report.messages import Words
from netsurvey.report.scoresentry import Grade, SchoolScores
from netsurvey.report.scoresmessages import UpgradePlanEntry
from netsurvey.report.text import clean_text


def _overall(words: Words, overall: Grade) -> str:
    if not overall.complete:
        missing = ", ".join(words.dimension(d) for d in overall.missing_dimensions)
        return f"{words.t('terminal.incomplete')} ({words.t('terminal.missing')}: {missing});"
    if overall.score is None:
        return words.t("common.no_data")
    return f"{words.number(overall.score, 1):>5} {clean_text(overall.grade, 3)}"


def _plan_line(words: Words, plan: UpgradePlanEntry) -> str | None:
    if plan.already_at_bar:
        return words.t("plan.already")
    cost = plan.total_cost_eur
    shown_cost = f"{words.number(cost, 0)}\u00a0€" if cost is not None else ""
    path = " → ".join(words.upgrade(step) for step in plan.steps)
    line = f"{path} ({shown_cost})" if path else ""
    if not plan.reaches_bar:
        blocking = "; ".join(words.blocking(b) for b in plan.blocking)
        line = " ".join(part for part in (line, blocking) if part)
    return line or None


def _school_lines(words: Words, school: SchoolScores) -> list[str]:
    said = (
        words.bottleneck(school.bottleneck)
        if school.bottleneck is not None
        else words.t("terminal.no_dimension")
    )
    school_id = clean_text(school.school_id, 40)
    lines = [f"  {school_id:<24} {_overall(words, school.overall)}  {said}"]
    missing = school.missing_notes or school.missing
    if missing:
        notes = "; ".join(words.missing_note(note) for note in missing)
        lines.append(f"    {words.t('terminal.missing')}: {notes}")
    if school.upgrade_plan is not None:
        line = _plan_line(words, school.upgrade_plan)
        if line:
            lines.append(f"    {words.t('terminal.plan')}: {line}")
    return lines


def score_table(
    results: Sequence[SchoolScores],
    locale: Locale,
    profile: str,
    version: str,
    out: Path | None,
) -> str:
    """The table for the scorer's school entries (as scores.json holds them, read back)."""
    words = Words(locale)
    lines = [words.t("terminal.scored", count=len(results), profile=profile, version=version)]
    for result in results:
        lines.extend(_school_lines(words, result))
    if out is not None:
        lines.append(words.t("terminal.wrote", path=out))
    return "\n".join(lines) + "\n"
