"""Per-room results as a terminal table (rich) and as Markdown."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from netsurvey.wifi.analysis import RoomResult

VERDICT_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "missing": "dim"}
HEADERS = (
    "Room",
    "Pts",
    "Verdict",
    "Median / best",
    "SNR",
    "2.4 / 5 GHz",
    "Serving AP",
    "Co-ch",
    "Adj-ch",
    "Busy",
    "Link",
    "iperf3",
)


def _dbm(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value / 1e6:.0f} Mbit/s"


def row(result: RoomResult) -> list[str]:
    if result.verdict == "missing":
        return [result.room, "0", "not measured", *["–"] * (len(HEADERS) - 3)]
    snr = (
        "–"
        if result.snr_db is None
        else f"{result.snr_db:.0f} dB" + ("*" if result.snr_estimated else "")
    )
    serving = result.serving_ap or (result.serving_bssid or "–")
    if result.serving_channel is not None:
        serving += f" ch {result.serving_channel}"
        if result.serving_width_mhz:
            serving += f"/{result.serving_width_mhz}"
    busy = (
        "–"
        if result.channel_utilization_ratio is None
        else f"{result.channel_utilization_ratio:.0%}"
    )
    iperf = _rate(result.iperf_bps)
    if result.iperf_invalid_count:
        iperf += f" ({result.iperf_invalid_count} invalid)"
    return [
        result.room,
        str(result.points_count),
        result.verdict,
        f"{_dbm(result.median_signal_dbm)} / {_dbm(result.best_signal_dbm)} dBm",
        snr,
        f"{_dbm(result.best_24ghz_dbm)} / {_dbm(result.best_5ghz_dbm)}",
        serving,
        "–" if result.co_channel_count is None else str(result.co_channel_count),
        "–" if result.adjacent_channel_count is None else str(result.adjacent_channel_count),
        busy,
        _rate(result.link_tx_bitrate_bps),
        iperf,
    ]


def rich_table(results: Sequence[RoomResult], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for header in HEADERS:
        table.add_column(header, overflow="fold")
    for result in results:
        cells = row(result)
        style = VERDICT_STYLE.get(result.verdict, "")
        cells[2] = f"[{style}]{cells[2]}[/]" if style else cells[2]
        table.add_row(*cells)
    return table


def problems(result: RoomResult) -> list[str]:
    """The checks that did not pass, as sentences."""
    return [f"{c.name}: {c.text}" for c in result.checks if c.verdict != "pass"]


def markdown_table(results: Sequence[RoomResult], title: str) -> str:
    lines = [f"# {title}", "", "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for result in results:
        lines.append("| " + " | ".join(c.replace("|", "/") for c in row(result)) + " |")
    lines.append("")
    lines.append("Signal in dBm of the school's own SSIDs; * = SNR with an assumed noise floor.")
    for result in results:
        for text in problems(result):
            lines.append(f"- {result.room}: {text}")
    return "\n".join(lines) + "\n"
