"""One blocking netmiko session: connect, run the listed read-only commands, disconnect.

Runs in a worker thread (netmiko is synchronous). Connection-level faults raise a
``ProbeError``; a device that stops answering or shows an unexpected prompt part-way
ends the session early and the result says why, so what was collected is kept.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import logging
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import paramiko
from netmiko import ConnectHandler
from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoBaseException,
    NetmikoTimeoutException,
    ReadTimeout,
)

from probes.base import ProbeAuthFailed, ProbeFailed, ProbeRefused, ProbeTimeout
from probes.ssh_platforms import check_read_only

log = logging.getLogger(__name__)

REDACTED = "********"
E = TypeVar("E", bound=BaseException)


@dataclass(frozen=True)
class SessionRequest:
    host: str
    port: int
    device_type: str  # netmiko device_type
    username: str
    password: str
    commands: tuple[str, ...]
    timeout_s: float
    known_hosts: Path | None = None  # OpenSSH known_hosts file; new hosts are appended


@dataclass(frozen=True)
class CommandRun:
    command: str
    output: str | None  # None = no answer (see ``error``)
    duration_s: float
    error: str | None = None


@dataclass(frozen=True)
class SessionResult:
    runs: tuple[CommandRun, ...]
    transcript: str  # everything the device sent and we typed, secrets redacted
    host_key_sha256: str | None
    aborted: str | None  # why the session ended before the last command


class _KeptBuffer(io.BytesIO):
    """Session log buffer that survives netmiko closing it on disconnect."""

    def close(self) -> None:
        pass


def _open_socket(request: SessionRequest) -> socket.socket:
    where = f"{request.host}:{request.port}"
    try:
        return socket.create_connection(
            (request.host, request.port), timeout=min(request.timeout_s, 10.0)
        )
    except ConnectionRefusedError:
        raise ProbeRefused(
            f"{where}: connection refused; check that SSH is enabled on the device "
            f"and the port is right"
        ) from None
    except TimeoutError:
        raise ProbeTimeout(f"{where}: no answer to the SSH connection attempt") from None
    except OSError as exc:
        raise ProbeRefused(f"{where}: cannot connect ({exc.strerror or exc})") from None


def _host_key_fingerprint(connection: Any) -> str | None:
    try:
        key = connection.remote_conn_pre.get_transport().get_remote_server_key()
    except AttributeError:
        return None
    digest = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def _connect(request: SessionRequest, log_buffer: io.BytesIO) -> Any:
    sock = _open_socket(request)
    settings: dict[str, Any] = {
        "device_type": request.device_type,
        "host": request.host,
        "port": request.port,
        "username": request.username,
        "password": request.password,
        "sock": sock,
        "conn_timeout": min(request.timeout_s, 10.0),
        "auth_timeout": min(request.timeout_s, 10.0),
        "banner_timeout": min(request.timeout_s, 10.0),
        "timeout": request.timeout_s,
        "allow_agent": False,
        "use_keys": False,
        "session_log": log_buffer,
        "session_log_record_writes": True,
    }
    if request.known_hosts is not None:
        settings.update(alt_host_keys=True, alt_key_file=str(request.known_hosts))
    try:
        return _handshake(settings, request)
    except BaseException:
        sock.close()
        raise


def _handshake(settings: dict[str, Any], request: SessionRequest) -> Any:
    where = f"{request.host}:{request.port}"
    try:
        return ConnectHandler(**settings)
    except NetmikoAuthenticationException:
        raise ProbeAuthFailed(
            f"{where}: login refused for user {request.username!r}; check the username and "
            f"the password the password_env/password_file points to"
        ) from None
    except (ReadTimeout, ValueError):
        raise ProbeFailed(
            f"{where}: logged in, but the device never showed a prompt netmiko's "
            f"{request.device_type} driver recognises (a banner waiting for a key, a password "
            f"change, or another platform?); check --param platform"
        ) from None
    except (NetmikoTimeoutException, paramiko.SSHException) as exc:
        changed = _cause(exc, paramiko.BadHostKeyException)
        if changed is not None:
            raise ProbeAuthFailed(
                f"{where}: the SSH host key changed (now {_key_text(changed.key)}); the device "
                f"may have been replaced, or someone is in the middle. Check, then remove the "
                f"old line for [{request.host}]:{request.port} from {request.known_hosts}"
            ) from None
        if isinstance(exc, NetmikoTimeoutException):
            raise ProbeTimeout(
                f"{where}: SSH session setup timed out ({_first_line(exc)})"
            ) from None
        raise ProbeRefused(f"{where}: SSH connection failed ({_first_line(exc)})") from None
    except (EOFError, OSError) as exc:
        raise ProbeRefused(f"{where}: SSH connection failed ({_first_line(exc)})") from None
    except NetmikoBaseException as exc:
        raise ProbeFailed(f"{where}: SSH session failed ({_first_line(exc)})") from None


def _cause(exc: BaseException, kind: type[E]) -> E | None:
    """``exc`` itself or the first exception of type ``kind`` in its cause chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _key_text(key: Any) -> str:
    digest = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")
    return f"{key.get_name()} SHA256:{digest}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def _stall_reason(command: str, transcript: str, timeout_s: float) -> str:
    lines = [line.strip() for line in transcript.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    if last and not last.endswith(command):  # something other than our echoed command
        return f"unexpected prompt {last[-60:]!r} after {command!r}"
    return f"device stopped answering during {command!r} (no prompt within {timeout_s:g} s)"


def _settled_prompt_pattern(connection: Any) -> str:
    """Swallow prompts still on their way from the driver's login RETURNs (so none is
    taken for the end of the first answer), then read the prompt once: every answer
    must end with exactly that prompt."""
    quiet_since = time.monotonic()
    deadline = quiet_since + 3.0
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 0.3:
        time.sleep(0.05)
        if connection.read_channel():
            quiet_since = time.monotonic()
    prompt = str(connection.find_prompt()).strip()
    return re.escape(prompt) + r"[ \t]*$"


def _strip_prompt_lines(output: str, base_prompt: str) -> str:
    """Drop bare prompt lines netmiko left at the end (RouterOS' '[user@host] > ')."""
    lines = output.splitlines()
    prompt = base_prompt.strip()
    while (
        lines
        and prompt
        and lines[-1].strip().startswith(prompt)
        and (len(lines[-1].strip()) <= len(prompt) + 3)
    ):
        lines.pop()
    return "\n".join(lines)


def _known_host(request: SessionRequest) -> bool:
    if request.known_hosts is None or not request.known_hosts.is_file():
        return False
    keys = paramiko.HostKeys(str(request.known_hosts))
    return (
        keys.lookup(f"[{request.host}]:{request.port}" if request.port != 22 else request.host)
        is not None
    )


def run_session(request: SessionRequest) -> SessionResult:
    """Blocking: run every command of ``request`` in one SSH session."""
    for command in request.commands:
        check_read_only(command)
    already_known = _known_host(request)
    log_buffer = _KeptBuffer()
    connection = _connect(request, log_buffer)
    runs: list[CommandRun] = []
    aborted: str | None = None
    fingerprint = _host_key_fingerprint(connection)
    try:
        if request.known_hosts is not None and not already_known:
            with contextlib.suppress(OSError):
                connection.remote_conn_pre.save_host_keys(str(request.known_hosts))
        runs, aborted = _run_commands(connection, request, log_buffer)
    finally:
        _close(connection)
    secrets = (request.password,)
    return SessionResult(
        runs=tuple(
            CommandRun(r.command, r.output and _redact(r.output, secrets), r.duration_s, r.error)
            for r in runs
        ),
        transcript=_redact(log_buffer.getvalue().decode("utf-8", errors="replace"), secrets),
        host_key_sha256=fingerprint,
        aborted=aborted,
    )


def _close(connection: Any) -> None:
    """End the SSH session by closing it: the device frees the line at once. netmiko's
    own logout would first probe for configuration mode, which costs seconds on some
    drivers and could meet a device in an unknown state."""
    for closable in (connection.remote_conn, connection.remote_conn_pre):
        with contextlib.suppress(Exception):
            closable.close()
    with contextlib.suppress(Exception):
        connection.session_log.close()


def _run_commands(
    connection: Any, request: SessionRequest, log_buffer: io.BytesIO
) -> tuple[list[CommandRun], str | None]:
    """Run the commands in order; stop at the first that gets no proper answer."""
    try:
        prompt_pattern = _settled_prompt_pattern(connection)
    except (ReadTimeout, ValueError, OSError, EOFError, NetmikoBaseException) as exc:
        raise ProbeFailed(
            f"{request.host}:{request.port}: logged in, but no usable prompt ({_first_line(exc)})"
        ) from None
    runs: list[CommandRun] = []
    for index, command in enumerate(request.commands):
        started = time.monotonic()
        try:
            output = connection.send_command(
                command,
                read_timeout=request.timeout_s,
                strip_prompt=True,
                strip_command=True,
                expect_string=prompt_pattern,  # no extra RETURN per command
            )
        except (ReadTimeout, OSError, EOFError, NetmikoBaseException) as exc:
            if isinstance(exc, ReadTimeout):
                transcript = log_buffer.getvalue().decode("utf-8", errors="replace")
                aborted = _stall_reason(command, transcript, request.timeout_s)
            else:
                aborted = f"session lost during {command!r} ({_first_line(exc)})"
            runs.append(CommandRun(command, None, time.monotonic() - started, aborted))
            runs.extend(
                CommandRun(c, None, 0.0, "not run: session ended early")
                for c in request.commands[index + 1 :]
            )
            return runs, aborted
        output = _strip_prompt_lines(str(output), str(connection.base_prompt or ""))
        runs.append(CommandRun(command, output, time.monotonic() - started))
    return runs, None
