"""`netsurvey score`: readiness scores, bottlenecks and upgrade advice (out/scores.json)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsurvey.commands._common import print_json
from netsurvey.errors import UsageError

if TYPE_CHECKING:
    from netsurvey.scoring.features import SchoolFeatures
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
    parser.add_argument("--json", action="store_true", help="print scores.json to stdout")
    parser.add_argument(
        "--no-upgrades",
        action="store_true",
        help="skip the upgrade recommender (faster for large batches)",
    )
    parser.set_defaults(handler=run)


def _schools(args: argparse.Namespace) -> tuple[SchoolFeatures, ...]:
    from netsurvey.scoring.features import load_features
    from netsurvey.scoring.from_visit import features_from_visit

    if args.features is not None and args.visit_dirs:
        raise UsageError("give either VISIT_DIR... or --features, not both")
    if args.features is not None:
        return load_features(args.features)
    if not args.visit_dirs:
        raise UsageError("nothing to score", hint="give VISIT_DIR... or --features FILE.yaml")
    return tuple(features_from_visit(path) for path in args.visit_dirs)


def run(args: argparse.Namespace) -> int:
    from netsurvey.scoring.output import scores_document, write_scores
    from netsurvey.scoring.pipeline import score_schools
    from netsurvey.scoring.profile import load_profile

    if not 10 <= args.draws <= 100_000:
        raise UsageError(f"--draws {args.draws}: use 10 to 100000 (1000 is plenty)")
    profile = load_profile(args.profile)
    schools = _schools(args)
    results = score_schools(
        schools, profile, draws=args.draws, seed=args.seed, upgrades=not args.no_upgrades
    )
    document = scores_document(results, profile, args.draws, args.seed)
    out = args.out if args.out is not None else (None if args.json else Path("out/scores.json"))
    if out is not None:
        write_scores(document, out)
    if args.json:
        print_json(document)
    else:
        _summary(results, profile.name, profile.version, out)
    return 0


def _summary(results: list[dict[str, Any]], profile: str, version: str, out: Path | None) -> None:
    lines = [f"scored {len(results)} school(s) with profile {profile} v{version}"]
    for result in results:
        overall = result["overall"]
        score = "n/a" if overall["score"] is None else f"{overall['score']:5.1f} {overall['grade']}"
        bottleneck = result["bottleneck"]
        lines.append(
            f"  {result['school_id']:<24} {score}  "
            f"{bottleneck['text'] if bottleneck else 'no scored dimension'}"
        )
        if result["missing"]:
            lines.append(f"    missing: {'; '.join(result['missing'])}")
    if out is not None:
        lines.append(f"wrote {out}")
    sys.stderr.write("\n".join(lines) + "\n")
