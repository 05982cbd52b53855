"""Print a cart assessment for people: tables per circuit, RCD and cart, then fixes."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from netsurvey.power.verdicts import SiteAssessment

_STYLE = {"pass": "green", "fail": "bold red"}


def _verdict(text: str) -> str:
    return f"[{_STYLE.get(text, '')}]{text.upper()}[/]"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _amps(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} A"


def _table(title: str) -> Table:
    return Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, title_style="bold"
    )


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"


def render_assessment(result: SiteAssessment, console: Console) -> None:
    verdict = result.verdict
    headline = "no carts or circuits declared" if verdict is None else _verdict(verdict)
    console.print(f"[bold]Charging carts, school {result.school_id}:[/] {headline}")
    if result.circuits:
        _print_circuits(result, console)
    if result.rcds:
        _print_rcds(result, console)
    if result.carts:
        _print_carts(result, console)
    if result.recommendations:
        _print_recommendations(result, console)
    for note in result.notes:
        console.print(f" [yellow]note[/] {note}", highlight=False)
    _print_assumptions(result, console)


def _print_circuits(result: SiteAssessment, console: Console) -> None:
    table = _table("Circuits")
    for column in (
        "circuit",
        "breaker",
        "carts (at once)",
        "load",
        "use of limit",
        "fits",
        "verdict",
    ):
        wraps = column in ("carts (at once)", "fits")
        table.add_column(column, no_wrap=not wraps)
    for c in result.circuits:
        table.add_row(
            c.circuit_id + (f" ({c.room})" if c.room else ""),
            c.breaker,
            ", ".join(c.carts) + f" ({c.concurrent_chargers})" if c.carts else "-",
            _amps(c.used_a) + (" est" if c.measured_a is None else " meas"),
            f"{c.utilisation_ratio:.0%} of {_amps(c.limit_a)}",
            _count(c.carts_capacity, "cart") + ", " + _count(c.chargers_capacity, "charger"),
            _verdict(c.verdict) + (" [yellow]inrush[/]" if c.inrush_risk else ""),
        )
    console.print(table)
    for c in result.circuits:
        if c.measured_a is not None:
            console.print(f" {c.circuit_id} measured: {c.current_source}", highlight=False)


def _print_rcds(result: SiteAssessment, console: Console) -> None:
    table = _table("RCDs (adapters charging at once)")
    for column in ("RCD", "circuits", "adapters", "leak worst", "budget", "max", "verdict"):
        table.add_column(column)
    for r in result.rcds:
        table.add_row(
            r.rcd.removeprefix("circuit:"),
            ", ".join(r.circuits),
            str(r.adapters),
            f"{r.leakage_worst_ma:.1f} mA",
            f"{r.budget_ma:g}/{r.rcd_ma:g} mA",
            str(r.max_adapters_worst),
            _verdict(r.verdict),
        )
    console.print(table)


def _print_carts(result: SiteAssessment, console: Console) -> None:
    table = _table("Carts")
    for column in (
        "cart",
        "room",
        "circuit",
        "slots",
        "at once",
        "load",
        "per device",
        "full cycle",
        "verdict",
    ):
        table.add_column(column, no_wrap=True)
    for k in result.carts:
        table.add_row(
            k.cart_id,
            k.room or "-",
            k.circuit,
            str(k.slots),
            str(k.concurrent_slots),
            _amps(k.used_a) + (" est" if k.measured_a is None else " meas"),
            _hours(k.per_device_s),
            _hours(k.cycle_s) + ("" if k.fits_overnight else " [red]>night[/]"),
            _verdict(k.verdict),
        )
    console.print(table)
    for k in result.carts:
        for reason in k.reasons:
            console.print(f" {k.cart_id}: {reason}", highlight=False)


def _print_recommendations(result: SiteAssessment, console: Console) -> None:
    console.print("[bold]What to do[/]")
    for number, rec in enumerate(result.recommendations, start=1):
        colour = {"must": "red", "should": "yellow"}.get(rec.severity, "cyan")
        console.print(f" {number}. [{colour}]{rec.severity}[/] {rec.text}", highlight=False)


def _print_assumptions(result: SiteAssessment, console: Console) -> None:
    s = result.settings
    console.print(
        f"[dim]Assumed: charger {s.charger_w:g} W at {s.charger_efficiency_ratio:.0%} efficiency, "
        f"PF {s.charger_pf:g} (mode of {s.charger_pf_low:g}-{s.charger_pf_high:g}) where not "
        f"measured; continuous limit {s.continuous_ratio:g} x rating; RCD budget "
        f"{s.rcd_design_ratio:.0%} of its rating at {s.leakage_worst_ma:g} mA per adapter "
        f"(worst case); battery {s.battery_wh:g} Wh charged at {s.battery_charge_w:g} W; "
        f"overnight {s.overnight_window_s / 3600:g} h.[/]",
        highlight=False,
    )
