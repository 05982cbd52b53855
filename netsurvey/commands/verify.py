"""`netsurvey verify VISIT_DIR...`: check records and raw files against the manifest."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from netsurvey.commands._common import add_command, print_json
from netsurvey.errors import IntegrityError
from netsurvey.integrity import generate_key, sign_visit, verify_visit
from netsurvey.records import write_manifest


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "verify",
        help="check a visit's files against its manifest (sha256), optionally sign it",
        description="Check every record and raw file of a visit against manifest.json and name "
        "any changed, missing or added file. Exit 0 when intact, 4 when not. The manifest "
        "digest printed here is the one printed in the PDF report.",
        examples=[
            "netsurvey verify visits/riga-12-vsk/20261122T081500Z",
            "netsurvey verify --new-key ~/.netsurvey/technician.key",
            "netsurvey verify visits/riga-12-vsk/20261122T081500Z --sign ~/.netsurvey/technician.key --signer 'A. Bērziņš'",
        ],
    )
    parser.add_argument("visits", nargs="*", type=Path, metavar="VISIT_DIR")
    parser.add_argument(
        "--update",
        action="store_true",
        help="(re)write manifest.json from the files as they are now",
    )
    parser.add_argument(
        "--sign", type=Path, metavar="KEY", help="sign the manifest with this Ed25519 private key"
    )
    parser.add_argument("--signer", metavar="NAME", help="name stored with the signature")
    parser.add_argument(
        "--new-key", type=Path, metavar="FILE", help="create an Ed25519 signing key and exit"
    )
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.new_key:
        if args.new_key.exists():
            raise IntegrityError(f"{args.new_key}: already exists", hint="choose another file name")
        print(f"created {args.new_key}; public key fingerprint {generate_key(args.new_key)}")
        return 0
    if not args.visits:
        raise IntegrityError("no visit directory given", hint="netsurvey verify VISIT_DIR")
    worst = 0
    reports = []
    for directory in args.visits:
        if args.update:
            write_manifest(directory)
        if args.sign:
            fingerprint = sign_visit(directory, args.sign, args.signer)
            print(f"signed {directory} with key {fingerprint}", file=sys.stderr)
        report = verify_visit(directory)
        reports.append(report)
        if not report.ok:
            worst = IntegrityError.exit_code
        if not args.json:
            _print(report)
    if args.json:
        print_json([asdict(r) | {"directory": str(r.directory), "ok": r.ok} for r in reports])
    return worst


def _print(report: Any) -> None:
    state = "intact" if report.ok else "NOT INTACT"
    print(f"{report.directory}: {state}; manifest sha256 {report.digest}")
    for label, paths in (
        ("changed", report.changed),
        ("missing", report.missing),
        ("added", report.added),
    ):
        for path in paths:
            print(f"  {label}: {path}")
    for problem in report.record_problems:
        print(f"  record: {problem}")
    if report.signature:
        print(f"  signature: {report.signature}")
