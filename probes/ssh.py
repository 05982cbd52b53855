"""SSH/CLI collector: the same device facts as the SNMP probe, read over the CLI.

``collect`` logs in with netmiko (in a worker thread), runs only the read-only
commands ``probes/data/ssh_platforms.yaml`` lists for the platform and keeps the
session transcript (secrets redacted) plus each command's output as raw evidence.
``parse`` turns those outputs into the shared ``Device`` model with TextFSM
(ntc-templates, or ``probes/templates/`` where ntc-templates has none).

Params: ``platform`` (or the target's platform), ``username``, ``password_env`` /
``password_file``, ``port`` (default 22), ``timeout_s`` (per command, default 20; the
whole job is bounded by the runner's timeout, default 120 s),
``known_hosts`` (optional OpenSSH known_hosts file: a changed key fails the job,
a new host is added), ``questions`` (optional comma list to ask only some).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, ClassVar

from probes.base import (
    ProbeError,
    ProbeParamError,
    ProbeParseError,
    ProbeResult,
    ProbeTimeout,
    ProbeUnavailable,
    RawArtifact,
    RawOutput,
    Target,
    param_float,
    param_int,
    secret_param,
)
from probes.device import device_metrics
from probes.ssh_completeness import unread_blocks
from probes.ssh_normalise import build_device, normalise
from probes.ssh_parse import parse_command
from probes.ssh_platforms import QUESTIONS, CommandSpec, PlatformSpec, platform_spec
from probes.ssh_session import SessionRequest, SessionResult, run_session

COMMANDS_ARTIFACT = "ssh-commands.json"
TRANSCRIPT_ARTIFACT = "ssh-transcript.txt"
DEFAULT_PORT = 22
COMMAND_TIMEOUT_S = 20.0
LOGIN_ALLOWANCE_S = 40.0  # netmiko itself gives up on a prompt-less login after ~20 s


def _tool_version() -> str | None:
    try:
        return version("netmiko")
    except PackageNotFoundError:
        return None


def _selected(platform: PlatformSpec, params: Mapping[str, str]) -> list[tuple[str, CommandSpec]]:
    wanted = params.get("questions")
    if not wanted:
        return list(platform.commands())
    asked = [q.strip() for q in wanted.split(",") if q.strip()]
    unknown = [q for q in asked if q not in QUESTIONS]
    if unknown:
        raise ProbeParamError(
            f"--param questions: unknown {', '.join(unknown)}; known: {', '.join(QUESTIONS)}"
        )
    return [(q, c) for q, c in platform.commands() if q in asked]


def session_request(
    target: Target, params: Mapping[str, str]
) -> tuple[PlatformSpec, SessionRequest, list[tuple[str, CommandSpec]]]:
    """Validate params (no I/O beyond reading a password file) into a session request."""
    if not target.host:
        raise ProbeParamError("the ssh probe needs --target HOST[:PORT]")
    platform = platform_spec(params.get("platform") or target.platform)
    username = params.get("username")
    if not username:
        raise ProbeParamError("missing --param username=NAME (the device login)")
    password = secret_param(params, "password") or ""
    port = target.port or param_int(params, "port", DEFAULT_PORT)
    timeout_s = param_float(params, "timeout_s", COMMAND_TIMEOUT_S)
    if timeout_s <= 0:
        raise ProbeParamError(f"--param timeout_s={timeout_s:g}: must be above 0")
    known_hosts = params.get("known_hosts")
    selected = _selected(platform, params)
    request = SessionRequest(
        host=target.host,
        port=port,
        device_type=platform.netmiko,
        username=username,
        password=password,
        commands=tuple(dict.fromkeys(spec.command for _, spec in selected)),
        timeout_s=timeout_s,
        known_hosts=Path(known_hosts) if known_hosts else None,
    )
    return platform, request, selected


def _raw_output(
    platform: PlatformSpec,
    request: SessionRequest,
    selected: list[tuple[str, CommandSpec]],
    result: SessionResult,
) -> RawOutput:
    runs = {run.command: run for run in result.runs}
    commands = [
        {
            "question": question,
            "command": spec.command,
            "output": runs[spec.command].output,
            "error": runs[spec.command].error,
            "duration_s": round(runs[spec.command].duration_s, 3),
        }
        for question, spec in selected
    ]
    document = {
        "platform": platform.name,
        "host": request.host,
        "port": request.port,
        "host_key_sha256": result.host_key_sha256,
        "aborted": result.aborted,
        "commands": commands,
    }
    return RawOutput(
        artifacts=(
            RawArtifact(
                COMMANDS_ARTIFACT,
                json.dumps(document, indent=1).encode(),
                "application/json",
            ),
            RawArtifact(TRANSCRIPT_ARTIFACT, result.transcript.encode()),
        ),
        tool="netmiko",
        tool_version=_tool_version(),
        meta={"platform": platform.name},
        secrets_used=(request.password,),
    )


class SshProbe:
    name: ClassVar[str] = "ssh"
    summary: ClassVar[str] = "switch/controller facts over SSH (netmiko + TextFSM)"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 8
    default_timeout_s: ClassVar[float] = 120.0  # whole session; per command: timeout_s

    def check(self) -> None:
        try:
            import netmiko  # noqa: F401
            import ntc_templates  # noqa: F401
            import textfsm  # noqa: F401
        except ImportError as exc:
            raise ProbeUnavailable(
                f"the ssh probe needs netmiko, textfsm and ntc-templates ({exc.name} is "
                f"missing); install with: pip install netmiko ntc-templates"
            ) from None

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        platform, request, selected = session_request(target, params)
        budget_s = LOGIN_ALLOWANCE_S + request.timeout_s * (len(request.commands) + 1)
        try:
            result = await asyncio.wait_for(asyncio.to_thread(run_session, request), budget_s)
        except ProbeError:
            raise
        except TimeoutError:
            raise ProbeTimeout(
                f"{target.label()}: SSH session still running after {budget_s:g} s; gave up"
            ) from None
        raw = _raw_output(platform, request, selected, result)
        if result.runs and all(run.output is None for run in result.runs):
            error = ProbeTimeout(f"{target.label()}: {result.aborted or 'no command answered'}")
            error.raw = raw  # type: ignore[attr-defined]  # kept as evidence by the runner
            raise error
        return raw

    def parse(self, raw: RawOutput) -> ProbeResult:
        try:
            document: dict[str, Any] = json.loads(raw.text(COMMANDS_ARTIFACT))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ProbeParseError(f"{COMMANDS_ARTIFACT} is not valid JSON ({exc})") from None
        platform = platform_spec(document["platform"])
        specs = {(q, c.command): c for q, c in platform.commands()}
        answers: dict[str, list[dict[str, Any]]] = {}
        warnings: list[str] = []
        summary = []
        for entry in document["commands"]:
            question, command = entry["question"], entry["command"]
            status, rows = "ok", 0
            if entry.get("output") is None:
                status = "no_answer"
                warnings.append(f"{command}: {entry.get('error') or 'no output'}")
            else:
                spec = specs.get((question, command))
                if spec is None:
                    raise ProbeParseError(f"{command!r} is not in the {platform.name} table")
                try:
                    parsed = parse_command(platform, spec, entry["output"])
                except ProbeParseError as exc:
                    status = "unparsed"
                    warnings.append(str(exc))
                else:
                    answers.setdefault(question, []).extend(parsed)
                    rows = len(parsed)
                    own = build_device({question: parsed}, platform.vendor)
                    unread = unread_blocks(spec, entry["output"], own)
                    if unread:
                        status = "partial"
                        warnings.append(unread)
            summary.append(
                {
                    "question": question,
                    "command": command,
                    "status": status,
                    "rows": rows,
                    "duration_s": entry.get("duration_s"),
                }
            )
        normalised = normalise(answers, platform.vendor)
        for question, notes in normalised.notes.items():
            warnings.extend(notes)
            for entry in summary:
                if entry["question"] == question and entry["status"] == "ok":
                    entry["status"] = "partial"
        device = normalised.device
        metrics = device_metrics(device)
        return ProbeResult(
            metrics=metrics,
            details={
                "device": device.to_json(),
                "platform": platform.name,
                "commands": list(summary),
                "partial": bool(warnings),
                "host_key_sha256": document.get("host_key_sha256"),
            },
            status="ok" if answers else "failed",
            warnings=tuple(warnings),
        )


async def collect_many(
    jobs: Sequence[tuple[Target, Mapping[str, str]]],
    *,
    max_concurrency: int = SshProbe.max_concurrency,
) -> list[RawOutput | ProbeError]:
    """Collect from many devices at once (at most ``max_concurrency`` sessions), in order.

    A device that fails gives its ``ProbeError`` in its slot; the others finish.
    """
    if max_concurrency < 1:
        raise ProbeParamError(f"max_concurrency={max_concurrency}: must be at least 1")
    probe = SshProbe()
    gate = asyncio.Semaphore(max_concurrency)

    async def one(target: Target, params: Mapping[str, str]) -> RawOutput | ProbeError:
        async with gate:
            try:
                return await probe.collect(target, params)
            except ProbeError as exc:
                return exc

    return list(await asyncio.gather(*(one(t, p) for t, p in jobs)))
