"""`netsurvey report`: one school's readiness report as PDF, or many in parallel."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from netsurvey.errors import IntegrityError, ReportError, UsageError
from netsurvey.report.locale import DEFAULT_LANGUAGE, LANGUAGES

# weasyprint takes a second to import: the rendering modules load only when a report
# is actually rendered, so `netsurvey --help` and every other command stay fast.

logger = logging.getLogger(__name__)

DEFAULT_SCORES = Path("out/scores.json")

EXAMPLES = """\
examples:
  netsurvey report visits/jaunciems/v-20261120 --out out/reports/jaunciems.lv.pdf
  netsurvey report visits/jaunciems/v-20261120 --lang en --out jaunciems.en.pdf --scores out/scores.json
  netsurvey report --all visits --out out/reports --lang lv,en --jobs 2

The scores come from `netsurvey score` (default out/scores.json). Reports are written
as <school_id>.<lang>.pdf under --out when --all is given.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="render the readiness report PDF (Latvian or English)",
        description="Render a school's readiness report as an A4 PDF from its visit and scores.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("visit_dir", nargs="?", type=Path, help="the visit directory")
    parser.add_argument(
        "--all",
        dest="all_visits",
        type=Path,
        metavar="VISITS",
        help="render every visit found under this folder (in parallel)",
    )
    parser.add_argument(
        "--lang",
        default=DEFAULT_LANGUAGE,
        help=f"report language: {' or '.join(LANGUAGES)}; with --all a list like lv,en "
        f"(default {DEFAULT_LANGUAGE})",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="output PDF (or output folder with --all)"
    )
    parser.add_argument(
        "--scores",
        type=Path,
        default=DEFAULT_SCORES,
        help=f"scores file written by `netsurvey score` (default {DEFAULT_SCORES})",
    )
    parser.add_argument(
        "--heatmaps",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder with heatmap-<floor>.svg/png images (default VISIT_DIR/out)",
    )
    parser.add_argument(
        "--allow-altered",
        action="store_true",
        help="render a visit whose files no longer match its manifest (or that has none); "
        "every page is stamped 'Pierādījumi mainīti / Evidence altered' and the altered "
        "files are listed (without it such a visit ends with exit 4)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="parallel worker processes with --all (default: one per CPU core)",
    )
    parser.set_defaults(handler=run)


def _languages(value: str) -> list[str]:
    langs = [lang.strip() for lang in value.split(",") if lang.strip()]
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if not langs or unknown:
        raise UsageError(f"--lang {value!r}: unknown language", hint=f"use {', '.join(LANGUAGES)}")
    return langs


def _output_name(visit_dir: Path, seen: set[str]) -> str:
    from netsurvey.report.visitfiles import read_visit_school_id

    school_id = read_visit_school_id(visit_dir)
    base = school_id if isinstance(school_id, str) and school_id.isprintable() else visit_dir.name
    base = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in base)[:80] or "school"
    if base in seen:
        base = f"{base}-{visit_dir.name}"
    seen.add(base)
    return base


def run(args: argparse.Namespace) -> int:
    from netsurvey.report.batch import render_visit
    from netsurvey.report.render import ReportRenderer
    from netsurvey.report.scoresfile import load_scores

    langs = _languages(args.lang)
    if args.all_visits is not None:
        if args.visit_dir is not None:
            raise UsageError("give either VISIT_DIR or --all VISITS, not both")
        return _run_all(
            args.all_visits, langs, args.out, args.scores, args.jobs, args.allow_altered
        )
    if args.visit_dir is None:
        raise UsageError("missing VISIT_DIR", hint="see `netsurvey report --help`")
    if len(langs) != 1:
        raise UsageError("one --lang per PDF", hint="use --all to render several languages")
    scores = load_scores(args.scores)
    out = render_visit(
        args.visit_dir,
        scores,
        ReportRenderer(langs[0]),
        args.out,
        args.heatmaps,
        allow_altered=args.allow_altered,
    )
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _run_all(
    root: Path,
    langs: list[str],
    out_dir: Path,
    scores: Path,
    jobs: int | None,
    allow_altered: bool = False,
) -> int:
    from netsurvey.report.batch import RenderJob, render_many
    from netsurvey.report.scoresfile import load_scores
    from netsurvey.report.visitfiles import find_visit_dirs

    load_scores(scores)  # fail once, early, on a missing or broken scores file
    visits = find_visit_dirs(root)
    if not visits:
        raise ReportError(f"{root}: no visit directories (with visit.json) found")
    seen: set[str] = set()
    names = {visit: _output_name(visit, seen) for visit in visits}
    render_jobs = [
        RenderJob(visit, lang, out_dir / f"{names[visit]}.{lang}.pdf", allow_altered)
        for visit in visits
        for lang in langs
    ]
    results = render_many(render_jobs, scores, jobs)
    failed = [r for r in results if not r.ok]
    for result in results:
        message = str(result.message)
        where = "" if message.startswith(str(result.job.visit_dir)) else f" {result.job.visit_dir}"
        line = f"wrote {result.job.out}" if result.ok else f"failed{where}: {message}"
        print(line, file=sys.stderr)
    if any(r.exit_code == IntegrityError.exit_code for r in failed):
        raise IntegrityError(
            f"{len(failed)} of {len(results)} reports not rendered; evidence altered or not "
            "sealed in at least one visit (see the lines above)",
            hint="`netsurvey verify VISIT_DIR` lists the files; --allow-altered renders "
            "them stamped",
        )
    if failed:
        raise ReportError(
            f"{len(failed)} of {len(results)} reports failed (see the lines above)",
            hint="run `netsurvey score` for visits without scores",
        )
    return 0
