"""The `netsurvey` command: a thin shell over the library.

Commands live in ``netsurvey.commands.<name>`` (each exposes ``register``). Expected
errors (``NetsurveyError``) print one line on stderr and exit with their code;
``--debug`` shows the traceback instead. Exit codes:

    0 success · 1 some probes failed / partial result · 2 usage, inventory, scope or
    profile error (also refused input: too large, alias bomb, non-finite number) ·
    3 visit records unreadable · 4 integrity check failed · 5 report could not be
    rendered · 6 lab could not be brought up · 130 interrupted (Ctrl-C) ·
    143 terminated (SIGTERM)

SIGTERM is handled as Ctrl-C is (finished work is kept, worker processes stop) and
ends with one line on stderr and exit 143. Logs and warnings go to stderr, one line
each; stdout carries only results (``--json`` output stays valid JSON).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from netsurvey import __version__
from netsurvey.errors import NetsurveyError
from netsurvey.options import OPTION_RULES, byte_count
from netsurvey.yamlsource import DEFAULT_MAX_INPUT_BYTES, input_size_limit

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 128 + signal.SIGTERM
MAX_INPUT_HELP = (
    "largest inventory, features or profile file to read, in bytes or with a K/M/G "
    f"suffix (default {DEFAULT_MAX_INPUT_BYTES // 2**20}M)"
)

EPILOG = """\
examples:
  netsurvey doctor
  netsurvey inventory check inventories/example.yaml
  netsurvey plan inventories/example.yaml --school riga-12-vsk
  netsurvey survey inventories/example.yaml --school riga-12-vsk --out visits --operator "A. Bērziņš"
  netsurvey probe reachability --target 127.0.0.1

exit codes: 0 ok, 1 some probes failed, 2 usage/inventory/scope error or refused input,
            3 records unreadable, 4 integrity check failed, 5 report error, 6 lab error,
            130 interrupted (Ctrl-C), 143 terminated (SIGTERM)

limits: inventory, features and profile files larger than --max-input-bytes (default 8M)
are refused; raise it for a very large school (e.g. --max-input-bytes 64M).
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
    parser.add_argument(
        "--max-input-bytes", type=byte_count, default=DEFAULT_MAX_INPUT_BYTES, metavar="N",
        help=MAX_INPUT_HELP,
    )  # fmt: skip
    for command in _subcommands(parser):
        _apply_option_rules(command)
        # Also accepted after the command name: `netsurvey score --max-input-bytes 64M ...`.
        command.add_argument(
            "--max-input-bytes", type=byte_count, default=argparse.SUPPRESS, metavar="N",
            help=MAX_INPUT_HELP,
        )  # fmt: skip
    return parser


def _subcommands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every command parser below ``parser``, nested ones (``inventory check``) included."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found += [child, *_subcommands(child)]
    return found


def _apply_option_rules(command: argparse.ArgumentParser) -> None:
    """One rule per shared option name (``--jobs``, ``--timeout``), on every command."""
    for action in command._actions:
        for option in action.option_strings:
            if option in OPTION_RULES:
                action.type = OPTION_RULES[option]


class OneLineFormatter(logging.Formatter):
    """``warning: message`` on one line, whatever the message holds."""

    def __init__(self, debug: bool) -> None:
        super().__init__()
        self.debug = debug

    def format(self, record: logging.LogRecord) -> str:
        message = " ".join(record.getMessage().split())
        where = f" [{record.name}]" if self.debug else ""
        text = f"{record.levelname.lower()}{where}: {message}"
        if self.debug and record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def configure_logging(debug: bool, quiet: bool) -> None:
    level = logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(debug))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("netsurvey").setLevel(level)
    logging.getLogger("probes").setLevel(level)
    logging.captureWarnings(True)  # Python warnings too: one line each, through the handler


class SigtermAsInterrupt:
    """While installed, SIGTERM does what Ctrl-C does (the current SIGINT handler runs:
    KeyboardInterrupt, or asyncio's cancellation of the running survey) and is remembered,
    so the command ends with exit 143 instead of 130."""

    def __init__(self) -> None:
        self.received = False

    def __enter__(self) -> SigtermAsInterrupt:
        # Handlers can only be set from the main thread (main() may run elsewhere in tests).
        self.installed = threading.current_thread() is threading.main_thread()
        if self.installed:
            self.previous = signal.signal(signal.SIGTERM, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.installed:
            signal.signal(signal.SIGTERM, self.previous)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received = True
        on_interrupt = signal.getsignal(signal.SIGINT)
        if callable(on_interrupt):
            on_interrupt(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.debug, args.quiet)
    with SigtermAsInterrupt() as sigterm:
        return _run(args, sigterm)


def _run(args: argparse.Namespace, sigterm: SigtermAsInterrupt) -> int:
    try:
        with input_size_limit(args.max_input_bytes):
            code: int = args.handler(args)
        if sigterm.received:
            print("netsurvey: terminated (SIGTERM); finished work is kept", file=sys.stderr)
            return EXIT_TERMINATED
        return code
    except NetsurveyError as exc:
        if args.debug:
            raise
        print(f"netsurvey: error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        if sigterm.received:
            print("netsurvey: terminated (SIGTERM); finished work is kept", file=sys.stderr)
            return EXIT_TERMINATED
        print("netsurvey: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
