"""Bandwidth accuracy table, written to bench/bandwidth.json (needs root).

Two namespaces joined by a veth pair, shaped with tbf both ways to 20, 100 and 500
Mbit/s. For each rate and direction: plain ``iperf3 -J`` (1 stream, 10 s, the
reference), our iperf3 probe with its defaults (3 samples x 3 s, 4 streams), and our
speedtest probe against the lab speedtest server (4 s per direction), all compared
with the TCP goodput limit rate x 1448/1514. Then 100 Mbit/s with 1% random loss:
UDP loss and jitter from the probe, and TCP from the probe vs plain iperf3.

    sudo .venv/bin/python bench/bench_bandwidth.py [RATE_MBIT ...]
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from netsurvey.lab.iperf3_server import Iperf3Server  # noqa: E402
from netsurvey.lab.netns import (  # noqa: E402
    Namespace,
    VethLink,
    add_random_loss,
    clear_loss,
    default_burst_bytes,
    run_probe_in,
    shape_tbf,
)
from netsurvey.lab.speedtest_server import SpeedtestServerProcess  # noqa: E402

GOODPUT = 1448 / 1514
SCOPE = ("198.18.0.0/15",)
SPEEDTEST_NAMES = ["www.speedtest.net", "c.speedtest.net"]
OUT = REPO / "bench" / "bandwidth.json"


def error_pct(measured: float | None, expected: float) -> float | None:
    return None if measured is None else round((measured / expected - 1) * 100, 2)


def plain_iperf3(client: Namespace, host: str, port: int, args: list[str]) -> tuple[float, float]:
    started = time.monotonic()
    completed = client.run(["iperf3", "-c", host, "-p", str(port), "-J", *args], timeout_s=60)
    elapsed = time.monotonic() - started
    end = json.loads(completed.stdout)["end"]
    return float(end["sum_received"]["bits_per_second"]), elapsed


def shape(client: Namespace, server: Namespace, rate_bps: float, loss: float | None = None) -> None:
    for namespace in (client, server):
        shape_tbf(namespace, "eth0", rate_bps)
        clear_loss(namespace)
        if loss:
            add_random_loss(namespace, loss)


def main() -> int:
    if os.geteuid() != 0:
        print("bench_bandwidth needs root (network namespaces)", file=sys.stderr)
        return 2
    rates_mbit = [float(a) for a in sys.argv[1:]] or [20.0, 100.0, 500.0]
    rows: list[dict[str, Any]] = []
    loss_rows: list[dict[str, Any]] = []
    started = time.monotonic()
    with (
        Namespace("benchc") as client,
        Namespace("benchs") as server,
        VethLink(client, server) as link,
        Iperf3Server(bind=link.b.ip, namespace=server) as iperf3,
    ):
        client.set_hosts(dict.fromkeys(SPEEDTEST_NAMES, link.b.ip))
        with SpeedtestServerProcess(server, bind=link.b.ip, port=80, test_length_s=4):
            for rate_mbit in rates_mbit:
                rate_bps = rate_mbit * 1e6
                expected = rate_bps * GOODPUT
                shape(client, server, rate_bps)
                for direction in ("download", "upload"):
                    reverse = ["-R"] if direction == "download" else []
                    cli_bps, cli_s = plain_iperf3(
                        client, link.b.ip, iperf3.port, ["-t", "10", *reverse]
                    )
                    probe = run_probe_in(client, "iperf3", host=link.b.ip, port=iperf3.port,
                                         params={"direction": direction}, scope_networks=SCOPE)  # fmt: skip
                    probe_bps = probe.metrics.get("throughput_bps")
                    row: dict[str, Any] = {
                        "rate_mbit": rate_mbit,
                        "tbf_burst_bytes": default_burst_bytes(rate_bps),
                        "direction": direction,
                        "goodput_limit_bps": expected,
                        "iperf3_cli": {
                            "measured_bps": cli_bps,
                            "error_pct": error_pct(cli_bps, expected),
                            "duration_s": round(cli_s, 2),
                        },
                        "probe": {
                            "measured_p50_bps": probe_bps,
                            "p10_bps": probe.metrics.get("throughput_p10_bps"),
                            "p90_bps": probe.metrics.get("throughput_p90_bps"),
                            "error_pct": error_pct(probe_bps, expected),
                            "duration_s": round(probe.duration_s, 2),
                            "ratio_to_cli": None
                            if probe_bps is None
                            else round(probe_bps / cli_bps, 4),
                            "error": probe.error_message,
                        },
                    }
                    rows.append(row)
                    print(f"{rate_mbit:5.0f} Mbit/s {direction:8s} cli {cli_bps / 1e6:7.2f} "
                          f"probe {(probe_bps or 0) / 1e6:7.2f} ({row['probe']['error_pct']}%)", flush=True)  # fmt: skip
                speed = run_probe_in(client, "speedtest", host=None, params={},
                                     scope_networks=SCOPE, scope_hosts=SPEEDTEST_NAMES)  # fmt: skip
                for row in rows[-2:]:
                    key = "download_bps" if row["direction"] == "download" else "upload_bps"
                    measured = speed.metrics.get(key)
                    row["speedtest"] = {
                        "measured_p50_bps": measured,
                        "error_pct": error_pct(measured, expected),
                        "duration_s": round(speed.duration_s, 2),  # both directions plus latency
                        "ratio_to_cli": None
                        if measured is None
                        else round(measured / row["iperf3_cli"]["measured_bps"], 4),
                        "error": speed.error_message,
                    }
                    print(f"{rate_mbit:5.0f} Mbit/s {row['direction']:8s} speedtest "
                          f"{(measured or 0) / 1e6:7.2f} ({row['speedtest']['error_pct']}%)", flush=True)  # fmt: skip

            shape(client, server, 100e6, loss=0.01)
            udp = run_probe_in(client, "iperf3", host=link.b.ip, port=iperf3.port,
                               params={"protocol": "udp", "rate_bps": "90e6", "seconds": "5",
                                       "samples": "1"}, scope_networks=SCOPE)  # fmt: skip
            tcp = run_probe_in(client, "iperf3", host=link.b.ip, port=iperf3.port, params={},
                               scope_networks=SCOPE)  # fmt: skip
            cli_bps, cli_s = plain_iperf3(
                client, link.b.ip, iperf3.port, ["-t", "9", "-P", "4", "-R"]
            )
            loss_rows.append({
                "rate_mbit": 100.0, "loss_configured_ratio": 0.01,
                "udp_loss_ratio": udp.metrics.get("loss_ratio"), "udp_jitter_s": udp.metrics.get("jitter_s"),
                "udp_throughput_bps": udp.metrics.get("throughput_bps"),
                "tcp_probe_bps": tcp.metrics.get("throughput_bps"), "tcp_cli_bps": cli_bps,
                "tcp_probe_vs_cli_pct": error_pct(tcp.metrics.get("throughput_bps"), cli_bps),
                "tcp_retransmit_ratio": tcp.metrics.get("retransmit_ratio"),
                "tcp_loss_flagged": tcp.details.get("loss_suspected"),
                "tcp_warnings": list(tcp.warnings),
            })  # fmt: skip
            print(json.dumps(loss_rows[-1], indent=1), flush=True)
    worst = max(abs(r["probe"]["error_pct"] or 99) for r in rows)
    worst_speed = max(abs(r["speedtest"]["error_pct"] or 99) for r in rows)
    result = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "kernel": platform.release(),
            "python": platform.python_version(),
        },
        "iperf3_version": subprocess.run(
            ["iperf3", "--version"], capture_output=True, text=True, check=False
        ).stdout.splitlines()[0],
        "method": __doc__,
        "rows": rows,
        "loss": loss_rows,
        "summary": {
            "probe_worst_abs_error_pct": worst,
            "speedtest_worst_abs_error_pct": worst_speed,
            "probe_within_5pct": worst <= 5,
            "speedtest_within_10pct": worst_speed <= 10,
            "probe_max_duration_s": max(r["probe"]["duration_s"] for r in rows),
        },
        "wall_s": round(time.monotonic() - started, 1),
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT} in {result['wall_s']} s; summary {result['summary']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
