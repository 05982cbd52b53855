"""The `netsurvey` command: a thin shell over the library.

Commands live in ``netsurvey.commands.<name>`` (each exposes ``register``). Expected
errors (``NetsurveyError``) print one line on stderr and exit with their code;
``--debug`` shows the traceback instead. Exit codes:

    0 success · 1 some probes failed / partial result · 2 usage, inventory, scope or
    profile error · 3 visit records unreadable · 4 integrity check failed ·
    5 report could not be rendered · 6 lab could not be brought up · 130 interrupted
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from netsurvey import __version__
from netsurvey.errors import NetsurveyError

EPILOG = """\
examples:
  netsurvey doctor
  netsurvey inventory check inventories/example.yaml
  netsurvey plan inventories/example.yaml --school riga-12-vsk
  netsurvey survey inventories/example.yaml --school riga-12-vsk --out visits --operator "A. Bērziņš"
  netsurvey probe reachability --target 127.0.0.1

exit codes: 0 ok, 1 some probes failed, 2 usage/inventory/scope error, 3 records unreadable,
            4 integrity check failed, 5 report error, 6 lab error, 130 interrupted
"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="netsurvey",
        description="Assess school data networks before they are upgraded: probe, score, report.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"netsurvey {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="only warnings and errors on stderr"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    import netsurvey.commands as commands_package

    for module_info in sorted(
        pkgutil.iter_modules(commands_package.__path__), key=lambda m: m.name
    ):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"netsurvey.commands.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def configure_logging(debug: bool, quiet: bool) -> None:
    from rich.logging import RichHandler

    level = logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO
    handler = RichHandler(show_time=False, show_path=debug, markup=False, rich_tracebacks=debug)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("netsurvey").setLevel(level)
    logging.getLogger("probes").setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.debug, args.quiet)
    try:
        code: int = args.handler(args)
        return code
    except NetsurveyError as exc:
        if args.debug:
            raise
        print(f"netsurvey: error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("netsurvey: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
