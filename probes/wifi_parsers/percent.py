"""Tools that report signal as a 0-100 % quality need an estimate in dBm."""

from __future__ import annotations


def nm_percent_to_dbm(percent: float) -> float:
    """NetworkManager maps -90..-20 dBm linearly onto 0..100 % (nm-wifi-utils)."""
    return round(-90.0 + 70.0 * max(0.0, min(100.0, percent)) / 100.0, 1)


def windows_percent_to_dbm(percent: float) -> float:
    """Windows WLAN API: quality 0..100 maps linearly onto -100..-50 dBm."""
    return round(-100.0 + max(0.0, min(100.0, percent)) / 2.0, 1)
