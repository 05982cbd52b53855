"""`netsurvey score`: readiness scores, bottlenecks and upgrade advice (out/scores.json)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from netsurvey.commands._common import print_json
from netsurvey.errors import UsageError

if TYPE_CHECKING:
    from netsurvey.integrity import IntegrityState
    from netsurvey.scoring.features import SchoolFeatures
    from netsurvey.scoring.profile import Profile
from netsurvey.scoring.profile import (
    DEFAULT_DRAWS,
    DEFAULT_PROFILE,
    DEFAULT_SEED,
    available_profiles,
)

# numpy and the model load only when scoring runs, so other commands start fast.

logger = logging.getLogger(__name__)

EXAMPLES = """\
examples:
  netsurvey score visits/jaunciems/v-20261120 --out out/scores.json
  netsurvey score visits/*/v-* --out out/scores.json --profile lv-2024 --draws 2000
  netsurvey score --features plans/three-schools.yaml --json
  netsurvey score --features plans/what-if.yaml --profile uk-dfe --out out/plan.json
  netsurvey score --features my.yaml --profile my-profile.yaml --seed 7 --no-upgrades

Planning mode (--features) scores schools described directly by their rooms, pupils,
survey RSSI, APs, links, WAN samples, carts and circuits (docs/features-format.md).
The same inputs, profile and seed always give the same scores.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score readiness per school: grades, bottleneck, upgrade advice",
        description=(
            "Run the vectorised throughput model over visits (or a features file) and\n"
            "write scores.json: a 0-100 score and grade per dimension (Wi-Fi, LAN, WAN,\n"
            "PoE, power) and scenario, the named bottleneck, engineering figures and a\n"
            "costed upgrade plan."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "visit_dirs",
        nargs="*",
        type=Path,
        metavar="VISIT_DIR",
        help="visit directories written by `netsurvey survey`",
    )
    parser.add_argument(
        "--features",
        type=Path,
        metavar="FILE.yaml",
        help="planning mode: score the schools described in this file",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write scores.json (default out/scores.json unless --json)",
    )
    parser.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        metavar="NAME|FILE",
        help=f"scoring profile: {', '.join(available_profiles())} or a YAML file "
        f"(default {DEFAULT_PROFILE})",
    )
    parser.add_argument(
        "--draws",
        type=int,
        default=DEFAULT_DRAWS,
        help=f"Monte-Carlo draws per school (default {DEFAULT_DRAWS})",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--allow-altered",
        action="store_true",
        help="score visits whose files no longer match their manifest (or have none); "
        "scores.json marks them, and reports are stamped 'Evidence altered'",
    )
    parser.add_argument("--json", action="store_true", help="print scores.json to stdout")
    parser.add_argument(
        "--lang",
        default="en",
        choices=("lv", "en"),
        help="language of the table printed on stderr (default en); scores.json is the same",
    )
    parser.add_argument(
        "--no-upgrades",
        action="store_true",
        help="skip the upgrade recommender (faster for large batches)",
    )
    parser.set_defaults(handler=run)


def _schools(
    args: argparse.Namespace,
    profile: Profile,
) -> tuple[
    tuple[SchoolFeatures, ...],
    tuple[IntegrityState | None, ...],
    tuple[tuple[dict[str, Any], ...], ...],
]:
    """The schools to score, each with what the integrity gate found (None: planned) and
    its whole-class test records (set beside the model in scores.json)."""
    from netsurvey.facts import load_facts
    from netsurvey.integrity import open_visit
    from netsurvey.scoring.features import load_features
    from netsurvey.scoring.from_visit import features_of_facts

    if args.features is not None and args.visit_dirs:
        raise UsageError("give either VISIT_DIR... or --features, not both")
    if args.features is not None:
        schools = load_features(args.features)
        return schools, (None,) * len(schools), ((),) * len(schools)
    if not args.visit_dirs:
        raise UsageError("nothing to score", hint="give VISIT_DIR... or --features FILE.yaml")
    features, states, class_tests = [], [], []
    for path in args.visit_dirs:
        visit, state = open_visit(path, args.allow_altered)
        facts = load_facts(visit)
        features.append(features_of_facts(facts, profile))
        states.append(state)
        class_tests.append(tuple(m.to_json() for m in facts.class_tests))
    return tuple(features), tuple(states), tuple(class_tests)


def run(args: argparse.Namespace) -> int:
    from netsurvey.classtest.compare import comparisons_json
    from netsurvey.scoring.output import scores_document, write_scores
    from netsurvey.scoring.pipeline import score_schools
    from netsurvey.scoring.profile import load_profile

    if not 10 <= args.draws <= 100_000:
        raise UsageError(f"--draws {args.draws}: use 10 to 100000 (1000 is plenty)")
    profile = load_profile(args.profile)
    schools, integrity, class_tests = _schools(args, profile)
    with ScoringProgress(quiet=args.json or getattr(args, "quiet", False)) as progress:
        results = score_schools(
            schools,
            profile,
            draws=args.draws,
            seed=args.seed,
            upgrades=not args.no_upgrades,
            progress=progress,
        )
    for result, state, tests in zip(results, integrity, class_tests, strict=True):
        if state is not None:
            result["integrity"] = state.to_json()
        if tests:
            result["class_tests"] = comparisons_json(result, tests)
    document = scores_document(results, profile, args.draws, args.seed)
    out = args.out if args.out is not None else (None if args.json else Path("out/scores.json"))
    if out is not None:
        write_scores(document, out)
    if args.json:
        print_json(document)
    elif out is not None:
        _summary(out, profile.name, profile.version, args.lang)
    return 0


class ScoringProgress:
    """Progress of a long scoring run on stderr: a bar on a terminal, otherwise a plain
    line at most every few seconds (and nothing for runs that finish quickly)."""

    LABELS: ClassVar[dict[str, str]] = {
        "model": "scoring schools",
        "upgrades": "searching upgrade plans",
    }

    def __init__(self, quiet: bool, every_s: float = 5.0) -> None:
        from rich.console import Console

        self.console = Console(file=sys.stderr, highlight=False)
        self.quiet = quiet
        self.every_s = every_s
        self.started = time.monotonic()
        self.last_line = self.started
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> ScoringProgress:
        if self.console.is_terminal and not self.quiet:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self._bar = Progress(
                "{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=self.console, transient=True,
            )  # fmt: skip
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        label = self.LABELS.get(stage, stage)
        if self._bar is not None:
            if stage not in self._tasks:
                self._tasks[stage] = self._bar.add_task(label, total=total)
            self._bar.update(self._tasks[stage], completed=done, total=total)
            return
        now = time.monotonic()
        if not self.quiet and now - self.last_line >= self.every_s:
            self.last_line = now
            self.console.print(f"{label}: {done}/{total} ({now - self.started:.0f} s)")


def _summary(out: Path, profile: str, version: str, lang: str = "en") -> None:
    """The per-school table on stderr, read back from the file just written (so it shows
    what scores.json says), every word from the locale catalogue."""
    from netsurvey.report.locale import load_locale
    from netsurvey.report.scoresfile import load_scores
    from netsurvey.report.terminal import score_table

    schools = load_scores(out).schools
    sys.stderr.write(score_table(schools, load_locale(lang), profile, version, out))
