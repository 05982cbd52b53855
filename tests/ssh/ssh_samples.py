"""Recorded CLI samples: one folder per case under tests/fixtures/cli/<platform>/<question>/.

``case.yaml`` names the command, where the output comes from (``raw.txt`` next to it,
``corpus:<path>`` in the shared corpus, or ``fakenos:<platform>`` = the output FakeNOS
ships for that platform) and the ``expected`` facts in the shared device model.
Cases parsed by our own templates also hold ``parsed.yml``: the expected TextFSM rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cli"


@dataclass(frozen=True)
class Sample:
    platform: str
    question: str
    name: str
    folder: Path
    command: str
    source: str
    expected: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.platform}/{self.question}/{self.name}"

    def output(self, corpus: Path | None) -> str:
        if self.source == "raw.txt":
            return (self.folder / "raw.txt").read_text(encoding="utf-8")
        kind, _, where = self.source.partition(":")
        if kind == "corpus":
            if corpus is None:
                raise FileNotFoundError("corpus")
            return (corpus / where).read_text(encoding="utf-8")
        if kind == "fakenos":
            return fakenos_output(where, self.command)
        raise ValueError(f"{self.id}: unknown source {self.source!r}")


@cache
def _fakenos_platform(platform: str) -> dict[str, Any]:
    from fakenos.plugins.nos import nos_plugins

    path = next(p for p in nos_plugins[platform] if str(p).endswith(".yaml"))
    data: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return data


def fakenos_output(platform: str, command: str) -> str:
    return str(_fakenos_platform(platform)["commands"][command]["output"])


def load_samples() -> list[Sample]:
    samples = []
    for case_file in sorted(FIXTURES.glob("*/*/*/case.yaml")):
        data = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        folder = case_file.parent
        samples.append(
            Sample(
                platform=folder.parent.parent.name,
                question=folder.parent.name,
                name=folder.name,
                folder=folder,
                command=data["command"],
                source=data["source"],
                expected=data.get("expected") or {},
            )
        )
    return samples


def check_expected(
    device: dict[str, Any], expected: dict[str, Any], where: str, *, combined: bool = False
) -> None:
    """Compare a ``Device.to_json()`` with a case's ``expected`` block (a subset).

    ``combined``: the device was built from all questions at once, so totals that
    several questions contribute to (controller client counts) are not compared."""
    if "system" in expected:
        for key, value in expected["system"].items():
            assert device["system"][key] == value, f"{where}: system.{key}"
    if "interfaces_count" in expected:
        _check_interfaces(device, expected, where)
    if "poe_ports_count" in expected:
        _check_poe(device, expected, where)
    if "neighbors_count" in expected:
        _check_neighbours(device, expected, where)
    if "clients_total" in expected:
        _check_wireless(device, expected, where, combined=combined)


def _check_interfaces(device: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    by_name = {i["name"]: i for i in device["interfaces"]}
    assert len(by_name) >= expected["interfaces_count"], where
    for name, facts in expected["interfaces"].items():
        for key, value in facts.items():
            assert by_name[name][key] == value, f"{where}: interface {name}.{key}"


def _check_poe(device: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    groups = [
        {k: g[k] for k in want}
        for g, want in zip(device["poe"]["groups"], expected["poe_groups"], strict=True)
    ]
    assert groups == expected["poe_groups"], where
    ports = {p["port"]: p for p in device["poe"]["ports"]}
    assert len(ports) >= expected["poe_ports_count"], where
    for name, facts in expected["poe_ports"].items():
        for key, value in facts.items():
            assert ports[name][key] == value, f"{where}: poe port {name}.{key}"


def _check_neighbours(device: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    assert len(device["lldp"]) >= expected["neighbors_count"], where
    for local_port, facts in expected["neighbors"].items():
        protocol = facts.get("protocol")
        found = [
            n
            for n in device["lldp"]
            if n["local_port"] == local_port and protocol in (None, n["protocol"])
        ]
        assert found, f"{where}: no neighbour on {local_port}"
        for key, value in facts.items():
            got = found[0][key]
            assert (list(got) if isinstance(got, tuple) else got) == value, (
                f"{where}: neighbour on {local_port}.{key}"
            )


def _check_wireless(
    device: dict[str, Any], expected: dict[str, Any], where: str, *, combined: bool
) -> None:
    wireless = device["wireless"]
    if not combined:
        assert wireless["clients_total"] == expected["clients_total"], where
    aps = {a["name"]: a for a in wireless["access_points"]}
    assert len(aps) >= expected["access_points_count"], where
    for name, facts in (expected.get("access_points") or {}).items():
        for key, value in facts.items():
            assert aps[name][key] == value, f"{where}: AP {name}.{key}"
