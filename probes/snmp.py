"""SNMP capacity probe: switches, access points, PoE, LLDP, UPS/PDU.

``collect`` reads the system group, walks IF-MIB, LLDP/CDP, ENTITY and the vendor
tables named in ``probes/data/snmp_vendors.yaml`` with concurrent GETBULK walks
over one pysnmp engine, waits ``interval_s`` and re-reads the octet counters.
Each sample is one raw artifact (snmprec text); ``parse`` turns the samples into
the shared device model (``details.device``).

Params: ``community_env``/``community_file`` (v1/v2c); ``version`` (2c, 3 or 1);
v3: ``user``, ``auth_protocol`` (SHA, SHA-224..SHA-512, MD5), ``auth_key_env``,
``priv_protocol`` (AES, AES-192, AES-256, DES), ``priv_key_env``, ``context``;
``interval_s`` (5; 0 = one sample, no utilisation), ``timeout_s``, ``retries``,
``max_repetitions``, ``concurrent_walks``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from probes.base import (
    ProbeAuthFailed,
    ProbeError,
    ProbeParamError,
    ProbeParseError,
    ProbeRefused,
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

if TYPE_CHECKING:
    from probes.snmp_vendors import VendorData
    from probes.snmp_walk import Credentials, SnmpSession, WalkOptions

log = logging.getLogger(__name__)

DEFAULT_PORT = 161


@dataclass(frozen=True)
class PollOutcome:
    """One device of :func:`poll_many`: its raw output and result, or the error."""

    target: Target
    raw: RawOutput | None = None
    result: ProbeResult | None = None
    error: ProbeError | None = None


class SnmpProbe:
    name: ClassVar[str] = "snmp"
    summary: ClassVar[str] = "SNMP inventory: interfaces and utilisation, PoE, LLDP, Wi-Fi, UPS/PDU"
    loads_link: ClassVar[bool] = False
    max_concurrency: ClassVar[int] = 16
    default_timeout_s: ClassVar[float] = 120.0

    def __init__(self) -> None:
        self._vendors: VendorData | None = None

    def check(self) -> None:
        try:
            import pysnmp  # noqa: F401
        except ImportError:
            raise ProbeUnavailable(
                "the snmp probe needs pysnmp; install it with: pip install 'pysnmp>=7.1'"
            ) from None

    @property
    def vendors(self) -> VendorData:
        if self._vendors is None:
            from probes.snmp_vendors import load_vendor_data

            self._vendors = load_vendor_data()
        return self._vendors

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        return await self.collect_with(target, params, engine=None)

    async def collect_with(
        self, target: Target, params: Mapping[str, str], engine: Any | None
    ) -> RawOutput:
        """``collect`` on a caller's pysnmp engine (None: a fresh one)."""
        from probes.snmp_walk import SnmpSession

        if not target.host:
            raise ProbeParamError("the snmp probe needs --target HOST[:PORT]")
        credentials = credentials_from(params)
        options = options_from(params)
        interval_s = param_float(params, "interval_s", 5.0)
        if interval_s < 0:
            raise ProbeParamError(f"--param interval_s={interval_s:g}: must be 0 or more")
        port = target.port or DEFAULT_PORT
        address = await resolve_in_scope(target)
        session = SnmpSession(address, port, credentials, options, engine=engine)
        async with session:
            samples = await self._samples(session, interval_s)
        log.debug(
            "snmp %s: %d samples in %d requests", target.label(), len(samples), session.requests
        )
        import pysnmp

        return RawOutput(
            artifacts=tuple(
                RawArtifact(f"snmp-sample-{n}.txt", text.encode("utf-8"))
                for n, text in enumerate(samples, start=1)
            ),
            tool="pysnmp",
            tool_version=str(getattr(pysnmp, "__version__", "")) or None,
            meta={"interval_s": interval_s, "requests": session.requests},
            secrets_used=credentials.secrets(),
        )

    async def _samples(self, session: SnmpSession, interval_s: float) -> list[str]:
        """Sample 1: system group, then the octet counters on their own (so their
        timing is sharp), then everything else. Sample 2: the counters again."""
        from probes.snmp_oids import (
            COUNTER_ROOTS,
            STANDARD_ROOTS,
            SYS_DESCR,
            SYS_OBJECT_ID,
            SYSTEM_OIDS,
        )
        from probes.snmp_sample import SampleWriter

        origin = time.monotonic()
        where = f"{session.host}:{session.port}"
        first = SampleWriter(1, where, session.credentials.version)
        started = time.monotonic()
        system = await session.get(SYSTEM_OIDS)
        first.add_get(system, started - origin, time.monotonic() - origin)
        profiles = self.vendors.select(
            _text_of_row(system, SYS_OBJECT_ID), _text_of_row(system, SYS_DESCR)
        )
        counters = await asyncio.gather(*(session.walk(root) for root in COUNTER_ROOTS))
        vendor_roots = (root for p in profiles for root in sorted(p.walk_roots()))
        roots = [
            r for r in dict.fromkeys([*STANDARD_ROOTS, *vendor_roots]) if r not in COUNTER_ROOTS
        ]
        # Skip the tables this agent does not have: one GETNEXT per 20 tables instead of
        # a walk of every column (each of which would read a page of unrelated rows).
        tables = sorted({root.rsplit(".", 1)[0] for root in roots})
        present = await session.present(tables)
        absent = [t for t in tables if t not in present]
        roots = [root for root in roots if root.rsplit(".", 1)[0] in present]
        first.header.extend(f"# absent {table}" for table in absent)
        scalars = sorted({oid for p in profiles for oid in p.get_oids()})
        started = time.monotonic()
        walks, (extra, get_error) = await asyncio.gather(
            asyncio.gather(*(session.walk(root) for root in roots)),
            _get_keeping_error(session, scalars),
        )
        if scalars:
            first.add_get(extra, started - origin, time.monotonic() - origin)
        if get_error:  # the walks stand; the record says which scalars are missing
            first.header.append(f"# partial GET of vendor scalars: {get_error}")
        for walk in (*counters, *walks):
            first.add_walk(walk, origin)
        texts = [first.text()]
        counter_walks = [w for w in counters if w.rows]
        if interval_s <= 0 or not counter_walks:
            return texts
        await asyncio.sleep(max(0.0, counter_walks[0].started_s + interval_s - time.monotonic()))
        second = SampleWriter(2, where, session.credentials.version)
        started = time.monotonic()
        again = await asyncio.gather(*(session.walk(w.root) for w in counter_walks))
        try:
            uptime = await session.get(SYSTEM_OIDS[2:3])
        except ProbeError as exc:
            uptime = []
            second.header.append(f"# partial {SYSTEM_OIDS[2]}: {exc}")
        second.add_get(uptime, started - origin, time.monotonic() - origin)
        for walk in again:
            second.add_walk(walk, origin)
        texts.append(second.text())
        return texts

    def parse(self, raw: RawOutput) -> ProbeResult:
        from probes.snmp_normalise import normalise
        from probes.snmp_sample import parse_sample

        artifacts = sorted(
            (a for a in raw.artifacts if a.name.startswith("snmp-sample-")), key=lambda a: a.name
        )
        if not artifacts:
            raise ProbeParseError("raw output has no snmp-sample artifacts")
        samples = [parse_sample(a.data.decode("utf-8", errors="replace")) for a in artifacts]
        result = normalise(samples, self.vendors)
        device = result.device
        metrics = device_metrics(device)
        return ProbeResult(
            metrics=metrics,
            details={
                "device": device.to_json(),
                "partial": result.partial,
                "samples": len(samples),
                "interval_s": raw.meta.get("interval_s"),
            },
            status="ok",
            warnings=result.warnings,
        )


async def resolve_in_scope(target: Target) -> str:
    """The address to send to: ``target.host`` itself, or what its name resolves to,
    which must be inside the target's scope as well."""
    host = str(target.host)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return host
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, family=socket.AF_INET, type=socket.SOCK_DGRAM)
    except OSError as exc:
        raise ProbeRefused(
            f"cannot resolve {host}: {exc}; check the name or use an address"
        ) from None
    address = str(infos[0][4][0])
    target.scope.check_resolved(host, address)
    return address


def _text_of_row(rows: Sequence[str], oid: str) -> str | None:
    """The value of ``oid`` among rendered ``OID|TAG|VALUE`` rows, as text."""
    for row in rows:
        if row.startswith(oid + "|"):
            _, tag, value = row.split("|", 2)
            return bytes.fromhex(value).decode("utf-8", "replace") if tag == "4x" else value
    return None


async def _get_keeping_error(session: SnmpSession, oids: list[str]) -> tuple[list[str], str | None]:
    """GET ``oids``. When the agent refuses the request (an error status), each OID is
    asked alone so one bad object costs only itself; what failed is returned as text
    instead of losing the whole sample. Timeouts and auth failures still raise."""
    if not oids:
        return [], None
    try:
        return await session.get(oids), None
    except (ProbeTimeout, ProbeAuthFailed):
        raise
    except ProbeError:
        pass
    rows: list[str] = []
    failed: list[str] = []
    for oid in oids:
        try:
            rows.extend(await session.get([oid]))
        except (ProbeTimeout, ProbeAuthFailed):
            raise
        except ProbeError as exc:
            failed.append(f"{oid} ({exc})")
    return rows, ("refused " + ", ".join(failed)) if failed else None


def credentials_from(params: Mapping[str, str]) -> Credentials:
    from probes.snmp_walk import Credentials

    version = (params.get("version") or "2c").strip().lower().removeprefix("v")
    version = {"2": "2c", "1c": "1"}.get(version, version)
    if version == "3":
        return Credentials(
            version="3",
            user=params.get("user"),
            auth_protocol=params.get("auth_protocol") or "SHA",
            auth_key=secret_param(params, "auth_key", required=False),
            priv_protocol=params.get("priv_protocol") or "AES",
            priv_key=secret_param(params, "priv_key", required=False),
            context=params.get("context") or "",
        )
    return Credentials(
        version=version,
        community=secret_param(params, "community"),
        context=params.get("context") or "",
    )


def options_from(params: Mapping[str, str]) -> WalkOptions:
    from probes.snmp_walk import WalkOptions

    options = WalkOptions(
        timeout_s=param_float(params, "timeout_s", 2.0),
        retries=param_int(params, "retries", 2),
        max_repetitions=param_int(params, "max_repetitions", 25),
        concurrent_walks=param_int(params, "concurrent_walks", 8),
    )
    if options.timeout_s <= 0 or options.retries < 0 or options.max_repetitions < 1:
        raise ProbeParamError("timeout_s must be > 0, retries >= 0 and max_repetitions >= 1")
    return options


async def poll_many(
    jobs: Sequence[tuple[Target, Mapping[str, str]]],
    *,
    concurrency: int = SnmpProbe.max_concurrency,
    probe: SnmpProbe | None = None,
) -> list[PollOutcome]:
    """Collect and parse many devices at once over one engine, at most
    ``concurrency`` in flight; outcomes come back in input order and a device that
    fails does not stop the others."""
    from pysnmp.entity.engine import SnmpEngine

    probe = probe or SnmpProbe()
    engine = SnmpEngine()
    limit = asyncio.Semaphore(max(1, concurrency))

    async def one(target: Target, params: Mapping[str, str]) -> PollOutcome:
        async with limit:
            try:
                raw = await probe.collect_with(target, params, engine)
                return PollOutcome(target, raw=raw, result=probe.parse(raw))
            except ProbeError as exc:
                return PollOutcome(target, error=exc)

    try:
        return list(await asyncio.gather(*(one(t, p) for t, p in jobs)))
    finally:
        engine.close_dispatcher()
