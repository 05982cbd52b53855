"""`netsurvey summary`: the municipality summary sheet (.xlsx and/or .csv)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsurvey.errors import ReportError, UsageError
from netsurvey.report.locale import DEFAULT_LANGUAGE, LANGUAGES, load_locale
from netsurvey.report.viewmodel import READINESS_BAR_SCORE

if TYPE_CHECKING:
    from netsurvey.report.summary import SummaryRow

DEFAULT_SCORES = Path("out/scores.json")
FORMATS = (".xlsx", ".csv")

EXAMPLES = """\
examples:
  netsurvey summary visits/jaunciems/v-20261120 visits/carnikava/v-20261121 --out out/summary.xlsx
  netsurvey summary visits --out out/summary.xlsx --out out/summary.csv
  netsurvey summary visits --out summary.csv --scores out/scores.json --lang en

A folder that is not itself a visit is searched for visits. The format follows the
file extension (.xlsx or .csv); give --out twice for both.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "summary",
        help="write the municipality summary sheet (xlsx/csv)",
        description="One row per school with grade, dimension scores, bottleneck, key figures "
        "per pupil and indicative upgrade cost; an overview with the share of schools "
        "meeting the readiness bar per municipality.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("visits", nargs="+", type=Path, metavar="VISIT_DIR")
    parser.add_argument(
        "--out",
        type=Path,
        action="append",
        required=True,
        help="output file, .xlsx or .csv (repeat for both)",
    )
    parser.add_argument(
        "--scores",
        type=Path,
        default=DEFAULT_SCORES,
        help=f"scores file written by `netsurvey score` (default {DEFAULT_SCORES})",
    )
    parser.add_argument(
        "--lang", default=DEFAULT_LANGUAGE, choices=LANGUAGES, help="column headings language"
    )
    parser.add_argument(
        "--bar",
        type=float,
        default=READINESS_BAR_SCORE,
        help=f"overall score that counts as ready (default {READINESS_BAR_SCORE:g})",
    )
    parser.add_argument(
        "--allow-altered",
        action="store_true",
        help="include visits whose files no longer match their manifest (or have none); "
        "without it such a visit ends with exit 4",
    )
    parser.set_defaults(handler=run)


def collect_rows(
    visits: list[Path], scores_path: Path, bar_score: float, allow_altered: bool = False
) -> list[SummaryRow]:
    from netsurvey.integrity import open_visit
    from netsurvey.report.scoresfile import load_scores
    from netsurvey.report.summary import summary_row
    from netsurvey.report.visitfiles import find_visit_dirs, visit_files

    scores = load_scores(scores_path)
    visit_dirs = [d for v in visits for d in find_visit_dirs(v)]
    if not visit_dirs:
        raise ReportError("no visit directories (with visit.json) found in the given paths")
    rows = []
    for visit_dir in visit_dirs:
        checked, _ = open_visit(visit_dir, allow_altered)
        visit = visit_files(checked)
        entry = scores.entry_for(visit.path, visit.info.school_id)
        rows.append(summary_row(entry, visit, bar_score))
    return rows


def run(args: argparse.Namespace) -> int:
    from netsurvey.report.summary import write_csv, write_xlsx

    outs: list[Path] = args.out
    bad = [o for o in outs if o.suffix.lower() not in FORMATS]
    if bad:
        raise UsageError(f"--out {bad[0]}: unknown format", hint="use a .xlsx or .csv file name")
    locale = load_locale(args.lang)
    rows = collect_rows(args.visits, args.scores, args.bar, args.allow_altered)
    for out in outs:
        if out.suffix.lower() == ".xlsx":
            write_xlsx(rows, out, locale, args.bar)
        else:
            write_csv(rows, out, locale)
        print(locale.t("terminal.wrote_rows", path=out, count=len(rows)), file=sys.stderr)
    return 0
