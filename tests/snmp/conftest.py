"""snmp test fixtures: snmpsim agents serving the corpus and our own recordings."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from netsurvey.lab.snmpsim import SnmpsimAgent, V3User
from probes.base import ProbeResult, RawOutput, Target
from probes.snmp import PollOutcome, SnmpProbe, poll_many

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "snmprec"
STALLING = ("midwalk_stall",)  # its delay blocks the whole agent: served alone
V3_USERS = (
    V3User("authpriv", "auth-key-2026", "SHA256", "priv-key-2026", "AES256"),
    V3User("authonly", "auth-only-2026", "SHA"),
)


def _copy(names: list[str], into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / f"{name}.snmprec", into / f"{name}.snmprec")
    return into


def _fixture_names(stalling: bool) -> list[str]:
    names = sorted(p.stem for p in FIXTURES.glob("*.snmprec"))
    return [n for n in names if (n in STALLING) == stalling]


@pytest.fixture(scope="session")
def corpus_agent(corpus: Path) -> Iterator[SnmpsimAgent]:
    with SnmpsimAgent(corpus / "snmprec") as agent:
        yield agent


@pytest.fixture(scope="session")
def fixture_agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnmpsimAgent]:
    data = _copy(_fixture_names(stalling=False), tmp_path_factory.mktemp("snmprec"))
    with SnmpsimAgent(data, v3_users=V3_USERS) as agent:
        yield agent


@pytest.fixture(scope="session")
def stalling_agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnmpsimAgent]:
    data = _copy(_fixture_names(stalling=True), tmp_path_factory.mktemp("snmprec-stall"))
    with SnmpsimAgent(data) as agent:
        yield agent


@pytest.fixture
def run_probe(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """run_probe(agent, community, **params) -> (RawOutput, ProbeResult)."""

    def run(agent: SnmpsimAgent, community: str, **params: str) -> tuple[RawOutput, ProbeResult]:
        monkeypatch.setenv("NETSURVEY_TEST_COMMUNITY", community)
        merged: Mapping[str, str] = {
            "community_env": "NETSURVEY_TEST_COMMUNITY",
            "interval_s": "0",
            **params,
        }
        probe = SnmpProbe()
        raw = asyncio.run(probe.collect(Target("127.0.0.1", agent.port), merged))
        return raw, probe.parse(raw)

    return run


@pytest.fixture(scope="session")
def corpus_polled(corpus_agent: SnmpsimAgent) -> dict[str, dict[str, Any]]:
    """Every corpus walk read by the snmp probe (``details`` by walk name): all polled
    at once over one engine, as ``netsurvey survey`` polls a school's devices."""
    names = sorted(corpus_agent.communities)
    jobs = []
    with pytest.MonkeyPatch.context() as patch:
        for number, name in enumerate(names):
            variable = f"NETSURVEY_SNMP_COMMUNITY_{number}"
            patch.setenv(variable, name)
            target = Target("127.0.0.1", corpus_agent.port, device_id=name)
            # One snmpsim process answers for all walks: a generous timeout keeps a
            # busy CI machine from turning its queue into timeouts.
            params = {"community_env": variable, "interval_s": "0", "timeout_s": "10"}
            jobs.append((target, params))
        outcomes: list[PollOutcome] = asyncio.run(poll_many(jobs, concurrency=8))
    assert [o.target.device_id for o in outcomes] == names
    result = {}
    for outcome in outcomes:
        assert outcome.error is None, f"{outcome.target.device_id}: {outcome.error}"
        assert outcome.result is not None
        result[str(outcome.target.device_id)] = {
            **outcome.result.details,
            "warnings": list(outcome.result.warnings),
        }
    return result


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The LibreNMS conformance summary, when the conformance suite ran."""
    from tests.snmp.conformance import REPORT_KEY

    report = config.stash.get(REPORT_KEY, None)
    if report is not None:
        terminalreporter.write_sep("-", "LibreNMS conformance")
        for line in report.lines():
            terminalreporter.write_line(line)
