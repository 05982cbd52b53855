"""SNMP transport for the snmp probe: one pysnmp engine per session, GET and
GETBULK subtree walks, varbinds rendered as snmprec-style ``OID|TAG|VALUE`` text.

A walk that breaks off mid-way (timeout, agent error, OID not increasing) keeps
what it got and names the reason, so the caller can report a partial result.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from pyasn1.type import univ
from pysnmp.entity.engine import SnmpEngine
from pysnmp.entity.rfc3413 import cmdgen
from pysnmp.error import PySnmpError
from pysnmp.hlapi.v3arch.asyncio import CommunityData, UdpTransportTarget, UsmUserData
from pysnmp.hlapi.v3arch.asyncio import auth as usm
from pysnmp.hlapi.v3arch.asyncio.lcd import CommandGeneratorLcdConfigurator
from pysnmp.proto import errind, rfc1902, rfc1905

from probes.base import ProbeAuthFailed, ProbeFailed, ProbeParamError, ProbeRefused, ProbeTimeout

log = logging.getLogger(__name__)

AUTH_PROTOCOLS: dict[str, Any] = {
    "MD5": usm.USM_AUTH_HMAC96_MD5,
    "SHA": usm.USM_AUTH_HMAC96_SHA,
    "SHA1": usm.USM_AUTH_HMAC96_SHA,
    "SHA-224": usm.USM_AUTH_HMAC128_SHA224,
    "SHA-256": usm.USM_AUTH_HMAC192_SHA256,
    "SHA-384": usm.USM_AUTH_HMAC256_SHA384,
    "SHA-512": usm.USM_AUTH_HMAC384_SHA512,
}
PRIV_PROTOCOLS: dict[str, Any] = {
    "DES": usm.USM_PRIV_CBC56_DES,
    "3DES": usm.USM_PRIV_CBC168_3DES,
    "AES": usm.USM_PRIV_CFB128_AES,
    "AES-128": usm.USM_PRIV_CFB128_AES,
    "AES-192": usm.USM_PRIV_CFB192_AES,
    "AES-256": usm.USM_PRIV_CFB256_AES,
}
AUTH_ERRORS = (
    errind.WrongDigest,
    errind.UnknownUserName,
    errind.UnknownSecurityName,
    errind.AuthenticationFailure,
    errind.AuthenticationError,
    errind.DecryptionError,
    errind.UnsupportedSecurityLevel,
    errind.UnknownCommunityName,
)


def protocol_key(name: str) -> str:
    """'sha256', 'SHA-256', 'sha_256' -> 'SHA-256'; 'aes256' -> 'AES-256'."""
    cleaned = name.strip().upper().replace("_", "-")
    for prefix in ("SHA", "AES"):
        if cleaned.startswith(prefix) and len(cleaned) > len(prefix) and cleaned[3] != "-":
            cleaned = f"{prefix}-{cleaned[3:]}"
    return {"SHA-1": "SHA", "AES-128": "AES"}.get(cleaned, cleaned)


@dataclass(frozen=True)
class Credentials:
    """How to authenticate; secret values live only here, never in records."""

    version: str = "2c"  # "1", "2c" or "3"
    community: str | None = field(default=None, repr=False)
    user: str | None = None
    auth_protocol: str = "SHA"
    auth_key: str | None = field(default=None, repr=False)
    priv_protocol: str = "AES"
    priv_key: str | None = field(default=None, repr=False)
    context: str = ""

    def __post_init__(self) -> None:
        if self.version not in ("1", "2c", "3"):
            raise ProbeParamError(f"--param version={self.version!r}: expected 1, 2c or 3")
        if self.version == "3":
            if not self.user:
                raise ProbeParamError("SNMPv3 needs --param user=NAME")
            if protocol_key(self.auth_protocol) not in AUTH_PROTOCOLS:
                raise ProbeParamError(
                    f"--param auth_protocol={self.auth_protocol!r}: expected one of "
                    f"{', '.join(AUTH_PROTOCOLS)}"
                )
            if self.priv_key and protocol_key(self.priv_protocol) not in PRIV_PROTOCOLS:
                raise ProbeParamError(
                    f"--param priv_protocol={self.priv_protocol!r}: expected one of "
                    f"{', '.join(PRIV_PROTOCOLS)}"
                )
            if self.priv_key and not self.auth_key:
                raise ProbeParamError("SNMPv3 privacy needs an auth key too (auth_key_env)")
        elif not self.community:
            raise ProbeParamError("missing --param community_env=VARIABLE (or community_file)")

    def secrets(self) -> tuple[str, ...]:
        values = (self.community, self.auth_key, self.priv_key)
        return tuple(v for v in values if v)

    def auth_data(self) -> CommunityData | UsmUserData:
        if self.version != "3":
            return CommunityData(self.community, mpModel=0 if self.version == "1" else 1)
        if not self.auth_key:
            return UsmUserData(self.user)
        auth = AUTH_PROTOCOLS[protocol_key(self.auth_protocol)]
        if not self.priv_key:
            return UsmUserData(self.user, authKey=self.auth_key, authProtocol=auth)
        priv = PRIV_PROTOCOLS[protocol_key(self.priv_protocol)]
        return UsmUserData(
            self.user,
            authKey=self.auth_key,
            privKey=self.priv_key,
            authProtocol=auth,
            privProtocol=priv,
        )


@dataclass(frozen=True)
class WalkOptions:
    timeout_s: float = 2.0
    retries: int = 2
    max_repetitions: int = 25
    concurrent_walks: int = 8


@dataclass(frozen=True)
class Walk:
    """One walked subtree: its rows (``OID|TAG|VALUE``), when, and why it stopped early."""

    root: str
    rows: tuple[str, ...]
    started_s: float
    finished_s: float
    error: str | None = None
    # One entry per response: (last OID in it, request sent, response received).
    pages: tuple[tuple[str, float, float], ...] = ()


# --------------------------------------------------------------------------- values

ERROR_STATUS = {
    1: "tooBig", 2: "noSuchName", 3: "badValue", 4: "readOnly", 5: "genError",
    6: "noAccess", 13: "resourceUnavailable", 16: "authorizationError",
}  # fmt: skip

Response = tuple[object, int, list[tuple[tuple[int, ...], Any]]]
# Out-of-order answers are followed only this far: beyond it a decreasing OID ends the
# walk (an agent that cycles through new OIDs forever would otherwise never stop).
MAX_UNORDERED_ROWS = 100_000


def oid_tuple(oid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in oid.strip(".").split(".") if part)


def oid_text(oid: tuple[int, ...]) -> str:
    return ".".join(map(str, oid))


def render(oid: str, value: Any) -> str | None:
    """snmprec line for one varbind; None for the 'no value' exceptions."""
    if isinstance(value, rfc1905.NoSuchObject | rfc1905.NoSuchInstance | rfc1905.EndOfMibView):
        return None
    for cls, tag in _INTEGER_TAGS:
        if isinstance(value, cls):
            return f"{oid}|{tag}|{int(value)}"
    if isinstance(value, rfc1902.IpAddress):
        return f"{oid}|64|{'.'.join(str(b) for b in value.asOctets())}"
    if isinstance(value, univ.ObjectIdentifier):
        return f"{oid}|6|{oid_text(tuple(value))}"
    if isinstance(value, univ.OctetString):
        data = bytes(value.asOctets())
        if all(32 <= byte < 127 for byte in data) and b"|" not in data:
            return f"{oid}|4|{data.decode('ascii')}"
        return f"{oid}|4x|{data.hex()}"
    return f"{oid}|4|{value.prettyPrint()}"


_INTEGER_TAGS: tuple[tuple[type[Any], str], ...] = (
    (rfc1902.Counter64, "70"),
    (rfc1902.Counter32, "65"),
    (rfc1902.TimeTicks, "67"),
    (rfc1902.Gauge32, "66"),
    (rfc1902.Unsigned32, "66"),
    (univ.Integer, "2"),
)


def _take(
    varbinds: list[tuple[tuple[int, ...], Any]],
    prefix: tuple[int, ...],
    rows: list[str],
    seen: set[tuple[int, ...]],
    cursor: tuple[int, ...],
) -> tuple[tuple[int, ...], bool, str | None]:
    """Add one response's rows under ``prefix`` to ``rows``; returns the new cursor,
    whether the walk is finished and why it stopped early (None: it did not)."""
    for oid, value in varbinds:
        if isinstance(value, rfc1905.EndOfMibView) or oid[: len(prefix)] != prefix:
            return cursor, True, None
        # Some agents list a table row by row, not in OID order: a smaller OID not
        # seen before is still new data; one seen before means a loop.
        if oid in seen or (oid <= cursor and len(seen) >= MAX_UNORDERED_ROWS):
            return cursor, True, f"OID not increasing at {oid_text(oid)} (after {len(rows)} rows)"
        seen.add(oid)
        line = render(oid_text(oid), value)
        if line is not None:
            rows.append(line)
        cursor = oid
    return cursor, False, None


# --------------------------------------------------------------------------- session


class SnmpSession:
    """One agent, spoken to through a pysnmp engine. Use as ``async with``.

    Requests go straight to pysnmp's RFC 3413 command generators with numeric OIDs:
    the high-level API would resolve every OID through the MIB compiler, which costs
    about a second per engine and buys nothing here.
    """

    def __init__(
        self,
        host: str,
        port: int,
        credentials: Credentials,
        options: WalkOptions,
        engine: SnmpEngine | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.credentials = credentials
        self.options = options
        self._own_engine = engine is None
        self.engine = engine or SnmpEngine()
        self._target_name: str | None = None
        self._limit = asyncio.Semaphore(max(1, options.concurrent_walks))
        self.requests = 0

    async def __aenter__(self) -> SnmpSession:
        try:
            target = await UdpTransportTarget.create(
                (self.host, self.port),
                timeout=self.options.timeout_s,
                retries=self.options.retries,
            )
        except PySnmpError as exc:  # an unresolvable host name
            raise ProbeRefused(f"cannot resolve {self.host}: {exc}") from None
        self._target_name, _ = CommandGeneratorLcdConfigurator().configure(
            self.engine, self.credentials.auth_data(), target, self.credentials.context
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._own_engine:
            self.engine.close_dispatcher()

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    async def _request(self, generator: Any, *args: Any) -> Response:
        assert self._target_name is not None, "use SnmpSession as 'async with'"
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()

        def done(
            engine: Any,
            handle: Any,
            indication: Any,
            status: Any,
            index: Any,
            varbinds: Any,
            context: Any,
        ) -> None:
            if not future.cancelled():
                rows = [(tuple(name), value) for name, value in varbinds or ()]
                future.set_result((indication, int(status or 0), rows))

        self.requests += 1
        generator.send_varbinds(
            self.engine, self._target_name, None, self.credentials.context, *args, done
        )
        return await future

    def _fail(self, indication: object) -> ProbeFailed:
        if isinstance(indication, errind.RequestTimedOut):
            hint = (
                "check the address, that SNMP is enabled and the community is right"
                if self.credentials.version != "3"
                else "check the address and that SNMP is enabled"
            )
            return ProbeTimeout(
                f"no SNMP answer from {self.where} within {self.options.timeout_s:g} s "
                f"({self.options.retries} retries); {hint}"
            )
        if isinstance(indication, AUTH_ERRORS):
            return ProbeAuthFailed(
                f"SNMPv{self.credentials.version} authentication refused by {self.where}: "
                f"{indication}; check user, auth/priv protocols and keys"
            )
        return ProbeFailed(f"SNMP error from {self.where}: {indication}")

    async def get(self, oids: Sequence[str], chunk: int = 20) -> list[str]:
        """GET ``oids`` (in chunks); missing objects are left out. Raises on failure."""
        rows: list[str] = []
        for start in range(0, len(oids), chunk):
            part = [(univ.ObjectIdentifier(o), univ.Null("")) for o in oids[start : start + chunk]]
            indication, status, varbinds = await self._request(cmdgen.GetCommandGenerator(), part)
            if indication:
                raise self._fail(indication)
            if status:
                if self.credentials.version == "1" and status == 2:  # noSuchName: try one by one
                    for oid in oids[start : start + chunk]:
                        rows.extend(await self._get_one_v1(oid))
                    continue
                raise ProbeFailed(f"SNMP GET refused by {self.where}: error-status {status}")
            for name, value in varbinds:
                line = render(oid_text(name), value)
                if line is not None:
                    rows.append(line)
        return rows

    async def _get_one_v1(self, oid: str) -> list[str]:
        part = [(univ.ObjectIdentifier(oid), univ.Null(""))]
        indication, status, varbinds = await self._request(cmdgen.GetCommandGenerator(), part)
        if indication:
            raise self._fail(indication)
        if status:
            return []
        lines = (render(oid_text(name), value) for name, value in varbinds)
        return [line for line in lines if line is not None]

    async def present(self, subtrees: Sequence[str], chunk: int = 20) -> set[str]:
        """Which of ``subtrees`` hold any object: one GETNEXT per ``chunk`` subtrees
        (SNMPv1 agents, which end a multi-varbind GETNEXT with an error, get all)."""
        if self.credentials.version == "1":
            return set(subtrees)
        found: set[str] = set()
        for start in range(0, len(subtrees), chunk):
            part = list(subtrees[start : start + chunk])
            request = [(univ.ObjectIdentifier(o), univ.Null("")) for o in part]
            indication, status, varbinds = await self._request(
                cmdgen.NextCommandGenerator(), request
            )
            if indication:
                raise self._fail(indication)
            if status or len(varbinds) != len(part):
                found.update(part)  # cannot tell: walk them all
                continue
            for subtree, (oid, value) in zip(part, varbinds, strict=True):
                if isinstance(value, rfc1905.EndOfMibView):
                    continue
                if oid[: len(oid_tuple(subtree))] == oid_tuple(subtree):
                    found.add(subtree)
        return found

    async def walk(self, root: str) -> Walk:
        """Walk the subtree under ``root`` with GETBULK (GETNEXT on v1)."""
        async with self._limit:
            return await self._walk(root)

    async def _walk(self, root: str) -> Walk:
        prefix = oid_tuple(root)
        rows: list[str] = []
        started = time.monotonic()
        cursor = prefix
        error: str | None = None
        pages: list[tuple[str, float, float]] = []
        seen: set[tuple[int, ...]] = set()
        repetitions = self.options.max_repetitions
        while True:
            request = [(univ.ObjectIdentifier(cursor), univ.Null(""))]
            sent = time.monotonic()
            if self.credentials.version == "1":
                response = await self._request(cmdgen.NextCommandGenerator(), request)
            else:
                response = await self._request(
                    cmdgen.BulkCommandGenerator(), 0, repetitions, request
                )
            indication, status, varbinds = response
            received = time.monotonic()
            if indication:
                if not rows and not isinstance(indication, errind.RequestTimedOut):
                    raise self._fail(indication)
                error = f"{self._fail(indication)} (after {len(rows)} rows)"
                break
            if status:
                if self.credentials.version == "1" and status == 2:  # noSuchName = end of MIB
                    break
                if status == 1 and repetitions > 1:  # tooBig: ask for fewer rows at once
                    repetitions //= 2
                    continue
                error = (
                    f"agent answered {ERROR_STATUS.get(status, status)} after "
                    f"{oid_text(cursor)} ({len(rows)} rows read)"
                )
                break
            cursor_before = cursor
            cursor, finished, error = _take(varbinds, prefix, rows, seen, cursor)
            advanced = cursor != cursor_before
            if advanced:
                pages.append((oid_text(cursor), sent, received))
            if finished or not advanced:
                break
        if error:
            log.info("walk of %s on %s stopped early: %s", root, self.where, error)
        return Walk(root, tuple(rows), started, time.monotonic(), error, tuple(pages))
