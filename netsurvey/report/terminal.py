"""The terminal table `netsurvey score` prints on stderr, in the catalogue's language.

One line per school (score and grade, or "incomplete" with the dimensions that lack
evidence, then the bottleneck), its missing-data notes, and its path to the bar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from netsurvey.report.locale import Locale
from netsurvey.report.messages import Words
from netsurvey.report.text import clean_text


def _overall(words: Words, overall: Mapping[str, Any]) -> str:
    if overall.get("status") == "incomplete":
        missing = ", ".join(words.dimension(d) for d in overall.get("missing_dimensions") or [])
        return f"{words.t('terminal.incomplete')} ({words.t('terminal.missing')}: {missing});"
    score = overall.get("score")
    if not isinstance(score, int | float):
        return words.t("common.no_data")
    return f"{words.number(float(score), 1):>5} {clean_text(overall.get('grade'), 3)}"


def _plan_line(words: Words, plan: Mapping[str, Any]) -> str | None:
    steps = plan.get("steps") or []
    if plan.get("already_at_bar"):
        return words.t("plan.already")
    cost = plan.get("total_cost_eur")
    shown_cost = f"{words.number(float(cost), 0)}\u00a0€" if isinstance(cost, int | float) else ""
    path = " → ".join(words.upgrade(step) for step in steps if isinstance(step, dict))
    line = f"{path} ({shown_cost})" if path else ""
    if not plan.get("reaches_bar"):
        blocking = "; ".join(
            words.blocking(b) for b in plan.get("blocking") or [] if isinstance(b, dict)
        )
        line = " ".join(part for part in (line, blocking) if part)
    return line or None


def score_table(
    results: Sequence[Mapping[str, Any]],
    locale: Locale,
    profile: str,
    version: str,
    out: Path | None,
) -> str:
    words = Words(locale)
    lines = [words.t("terminal.scored", count=len(results), profile=profile, version=version)]
    for result in results:
        bottleneck = result.get("bottleneck")
        said = (
            words.bottleneck(bottleneck)
            if isinstance(bottleneck, dict)
            else words.t("terminal.no_dimension")
        )
        school = clean_text(result.get("school_id"), 40)
        lines.append(f"  {school:<24} {_overall(words, result.get('overall') or {})}  {said}")
        missing = result.get("missing_notes") or result.get("missing") or []
        if missing:
            notes = "; ".join(words.missing_note(note) for note in missing)
            lines.append(f"    {words.t('terminal.missing')}: {notes}")
        plan = result.get("upgrade_plan")
        if isinstance(plan, dict):
            line = _plan_line(words, plan)
            if line:
                lines.append(f"    {words.t('terminal.plan')}: {line}")
    if out is not None:
        lines.append(words.t("terminal.wrote", path=out))
    return "\n".join(lines) + "\n"
