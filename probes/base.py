"""The small contract every field probe follows.

A probe is a class with a ``name`` and three methods:

* ``check()`` – preflight, no I/O on the network: is the tool installed, do we have
  root, is the Python extra importable? Raises ``ProbeUnavailable`` with a sentence
  that tells the technician what to install or how to run.
* ``async collect(target, params)`` – the only method that does I/O. Returns a
  ``RawOutput``: the tool's raw bytes (kept as evidence), the tool and its version.
  Failures raise a ``ProbeError`` subclass; the runner records them.
* ``parse(raw)`` – pure: ``RawOutput`` -> ``ProbeResult`` (metrics with unit-suffixed
  names plus JSON details). Tested on recorded real output with no network.

Exceptions (all inherit the matching builtin so generic handlers still work)::

    ProbeError(Exception)
    ├── ProbeUnavailable(ProbeError, RuntimeError)   tool/privilege/extra missing
    ├── ProbeFailed(ProbeError)                      the measurement failed
    │   ├── ProbeTimeout(ProbeFailed, TimeoutError)  no answer in time
    │   ├── ProbeRefused(ProbeFailed, ConnectionError) refused / unreachable / busy
    │   └── ProbeAuthFailed(ProbeFailed, PermissionError) wrong community/key/password
    ├── ProbeParseError(ProbeError, ValueError)      raw output not understood
    ├── ProbeParamError(ProbeError, ValueError)      bad or missing --param
    └── ScopeViolation(ProbeError, PermissionError)  address outside the declared scope

This module never imports ``netsurvey``: probes are usable on their own.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal, Protocol, TypeAlias, runtime_checkable

JSONValue: TypeAlias = "bool | int | float | str | list[JSONValue] | dict[str, JSONValue] | None"
Status = Literal["ok", "failed", "skipped", "invalid"]
STATUSES: tuple[Status, ...] = ("ok", "failed", "skipped", "invalid")


class ProbeError(Exception):
    """Base of every probe-level error; the runner turns these into failed records."""


class ProbeUnavailable(ProbeError, RuntimeError):
    pass


class ProbeFailed(ProbeError):
    pass


class ProbeTimeout(ProbeFailed, TimeoutError):
    pass


class ProbeRefused(ProbeFailed, ConnectionError):
    pass


class ProbeAuthFailed(ProbeFailed, PermissionError):
    pass


class ProbeParseError(ProbeError, ValueError):
    pass


class ProbeParamError(ProbeError, ValueError):
    pass


class ScopeViolation(ProbeError, PermissionError):
    pass


# --------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """Where a probe may send packets: declared subnets, named hosts and loopback.

    ``check(host)`` raises ``ScopeViolation`` *before* any packet is sent. Host names
    are allowed only when listed in ``hosts`` (test servers, or hosts the user named on
    the command line); a declared name stands for the addresses it resolves to
    (``check_resolved``), an undeclared name's addresses must be in scope themselves.
    """

    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    hosts: frozenset[str] = frozenset()
    origin: str = "the school's scope"  # named in the refusal message
    fix_hint: str = "add it to the school's `scope` or `test_servers` in the inventory"

    @classmethod
    def from_strings(
        cls, networks: Iterable[str], hosts: Iterable[str] = (), **kwargs: str
    ) -> Scope:
        nets = tuple(ipaddress.ip_network(n, strict=False) for n in networks)
        return cls(networks=nets, hosts=frozenset(h.lower() for h in hosts), **kwargs)

    @classmethod
    def adhoc(cls, host: str) -> Scope:
        """Scope of an ad-hoc ``netsurvey probe --target HOST``: that host and loopback."""
        networks: list[str] = []
        with contextlib.suppress(ValueError):
            networks.append(str(ipaddress.ip_address(host)))
        return cls.from_strings(
            networks, hosts=[host], origin="--target", fix_hint="name it with --target"
        )

    def allows(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            name = host.lower().rstrip(".")
            return name == "localhost" or name in self.hosts
        if address.is_loopback:
            return True
        return any(address.version == n.version and address in n for n in self.networks)

    def check(self, host: str) -> None:
        if not self.allows(host):
            raise ScopeViolation(
                f"refused to contact {host}: outside {self.origin}; {self.fix_hint}"
            )

    def check_resolved(self, name: str, address: str) -> None:
        """Check an address that ``name`` resolved to, before contacting it."""
        if name.lower().rstrip(".") in self.hosts or self.allows(address):
            return
        raise ScopeViolation(
            f"refused to contact {name}: it resolves to {address}, outside {self.origin}; "
            f"{self.fix_hint}"
        )


LOOPBACK_ONLY = Scope(origin="loopback", fix_hint="only 127.0.0.0/8 is allowed here")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Target:
    """What one probe job points at. ``scope`` bounds every address the probe contacts."""

    host: str | None = None
    port: int | None = None
    device_id: str | None = None
    platform: str | None = None
    scope: Scope = LOOPBACK_ONLY

    def label(self) -> str:
        where = self.host or "local"
        if self.port is not None:
            where = f"{where}:{self.port}"
        return f"{self.device_id} ({where})" if self.device_id else where


@dataclass(frozen=True)
class RawArtifact:
    """One piece of raw evidence, written to the visit's raw/ folder with its sha256."""

    name: str  # file name suggestion, e.g. "iperf3-download.json"
    data: bytes
    media_type: str = "text/plain"


@dataclass(frozen=True)
class RawOutput:
    """What ``collect`` returns: raw evidence plus the facts needed to parse it."""

    artifacts: tuple[RawArtifact, ...]
    tool: str
    tool_version: str | None = None
    meta: Mapping[str, JSONValue] = field(default_factory=dict)
    # Secret values used during collection: records redact them from raw files.
    secrets_used: tuple[str, ...] = ()

    def artifact(self, name: str) -> RawArtifact:
        for artifact in self.artifacts:
            if artifact.name == name:
                return artifact
        raise ProbeParseError(f"raw output has no artifact named {name!r}")

    def text(self, name: str | None = None) -> str:
        artifact = self.artifacts[0] if name is None else self.artifact(name)
        return artifact.data.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class ProbeResult:
    """What ``parse`` returns. Metric names carry their unit (``_bps``, ``_s``, ``_dbm``,
    ``_w``, ``_ratio``); a missing value is None, never 0."""

    metrics: Mapping[str, float | None] = field(default_factory=dict)
    details: Mapping[str, JSONValue] = field(default_factory=dict)
    status: Status = "ok"
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Warnings quote evidence (SSIDs, host names): keep them valid UTF-8 text.
        clean = tuple(w.encode("utf-8", "replace").decode("utf-8") for w in self.warnings)
        object.__setattr__(self, "warnings", clean)


@contextlib.contextmanager
def reading_evidence(name: str) -> Iterator[None]:
    """Raw evidence that is not what ``collect`` wrote (edited, cut short, from another
    version) fails as one ProbeParseError naming the file, whatever broke inside."""
    try:
        yield
    except ProbeError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
            RecursionError) as exc:  # fmt: skip
        raise ProbeParseError(
            f"{name}: not the evidence this probe writes ({type(exc).__name__}: {exc})"
        ) from None


# --------------------------------------------------------------------------- contract


@runtime_checkable
class Probe(Protocol):
    name: ClassVar[str]
    summary: ClassVar[str]
    # Probes that load a link (bandwidth tests) hold the runner's link lock so that
    # two of them never overlap and spoil each other's numbers.
    loads_link: ClassVar[bool]
    max_concurrency: ClassVar[int]
    default_timeout_s: ClassVar[float]

    def check(self) -> None: ...

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput: ...

    def parse(self, raw: RawOutput) -> ProbeResult: ...


# --------------------------------------------------------------------------- helpers


def param_float(params: Mapping[str, str], key: str, default: float) -> float:
    value = params.get(key)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ProbeParamError(f"--param {key}={value!r}: expected a number") from None


def param_int(params: Mapping[str, str], key: str, default: int) -> int:
    value = params.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ProbeParamError(f"--param {key}={value!r}: expected a whole number") from None


def param_bool(params: Mapping[str, str], key: str, default: bool) -> bool:
    value = params.get(key)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ProbeParamError(f"--param {key}={value!r}: expected true or false")


def secret_param(params: Mapping[str, str], name: str, *, required: bool = True) -> str | None:
    """Resolve a secret given by reference: ``NAME_env`` (environment variable) or
    ``NAME_file`` (file whose first line is the secret). Literal ``NAME`` is refused,
    so a secret never lands in shell history, inventories or records."""
    if name in params:
        raise ProbeParamError(
            f"--param {name}=... would put a secret on the command line; "
            f"use --param {name}_env=VARIABLE or --param {name}_file=PATH"
        )
    env_name = params.get(f"{name}_env")
    if env_name:
        value = os.environ.get(env_name)
        if value is None:
            raise ProbeParamError(
                f"{name}_env={env_name}: environment variable {env_name} is not set; "
                f"export it before running"
            )
        return value
    file_name = params.get(f"{name}_file")
    if file_name:
        try:
            lines = Path(file_name).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ProbeParamError(
                f"{name}_file={file_name}: cannot read ({exc.strerror})"
            ) from None
        if not lines or not lines[0].strip():
            raise ProbeParamError(f"{name}_file={file_name}: the file is empty")
        return lines[0].strip()
    if required:
        raise ProbeParamError(f"missing --param {name}_env=VARIABLE (or {name}_file=PATH)")
    return None
