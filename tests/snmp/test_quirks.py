"""SNMPv1 and the lab helpers (corpus quirks are in test_corpus.py)."""

from __future__ import annotations

from pathlib import Path

from netsurvey.lab.snmprec import COUNTER64, moving_counter, number, text, write_snmprec
from netsurvey.lab.snmpsim import SnmpsimAgent, answers_get


def test_snmpv1_has_no_counter64_but_still_interfaces(
    fixture_agent: SnmpsimAgent, run_probe
) -> None:  # type: ignore[no-untyped-def]
    raw, result = run_probe(fixture_agent, "backwards", version="1")
    assert "|70|" not in raw.text()  # the agent has ifHCInOctets, v1 cannot carry it
    assert len(result.details["device"]["interfaces"]) == 1
    assert result.details["partial"] is False


def test_write_snmprec_sorts_by_oid_and_agent_serves_it(tmp_path: Path) -> None:
    path = write_snmprec(
        tmp_path / "data" / "lab.snmprec",
        [
            number("1.3.6.1.2.1.1.3.0", "67", 5),
            text("1.3.6.1.2.1.1.10.0", "after"),
            text("1.3.6.1.2.1.1.1.0", "line\nwith newline"),
            moving_counter("1.3.6.1.2.1.31.1.1.1.6.1", 100, tag=COUNTER64),
        ],
    )
    lines = path.read_text().splitlines()
    assert [line.split("|")[0] for line in lines] == [
        "1.3.6.1.2.1.1.1.0",
        "1.3.6.1.2.1.1.3.0",
        "1.3.6.1.2.1.1.10.0",
        "1.3.6.1.2.1.31.1.1.1.6.1",
    ]
    assert lines[0] == "1.3.6.1.2.1.1.1.0|4x|" + b"line\nwith newline".hex()
    assert lines[3].endswith("|70:numeric|rate=100,initial=0")
    agent = SnmpsimAgent(path.parent)
    with agent:
        assert agent.communities == ("lab",)
        assert answers_get("127.0.0.1", agent.port, "lab")
        pid = agent.pid
    assert pid is not None
    assert (
        not Path(f"/proc/{pid}").exists()
        or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    )
