"""The two-namespace "school" of the bandwidth tests: the laptop (client) and a
server, joined by a veth pair from 198.18.0.0/15, shaped per test with tbf."""

from __future__ import annotations

from dataclasses import dataclass

from netsurvey.lab.iperf3_server import Iperf3Server
from netsurvey.lab.netns import (
    Namespace,
    ProbeRun,
    VethLink,
    add_random_loss,
    clear_loss,
    run_probe_in,
    shape_tbf,
)

LAB_SCOPE = ("198.18.0.0/15",)


@dataclass
class BandwidthLab:
    client: Namespace
    server: Namespace
    link: VethLink
    iperf3: Iperf3Server

    @property
    def server_ip(self) -> str:
        return self.link.b.ip

    def shape(self, rate_bps: float, loss_ratio: float | None = None) -> None:
        """Shape both directions to ``rate_bps``; add random loss on both receivers."""
        for namespace in (self.client, self.server):
            shape_tbf(namespace, "eth0", rate_bps)
            clear_loss(namespace)
            if loss_ratio:
                add_random_loss(namespace, loss_ratio)

    def probe(self, name: str, params: dict[str, str], port: int | None = None) -> ProbeRun:
        return run_probe_in(
            self.client,
            name,
            host=self.server_ip,
            port=port or self.iperf3.port,
            params=params,
            scope_networks=LAB_SCOPE,
        )

    def probe_speedtest(self, params: dict[str, str], scope_hosts: list[str]) -> ProbeRun:
        return run_probe_in(
            self.client,
            "speedtest",
            host=None,
            params=params,
            scope_networks=LAB_SCOPE,
            scope_hosts=scope_hosts,
        )
