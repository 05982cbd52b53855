"""Which BSSs share or overlap a channel, from primary channel and width."""

from __future__ import annotations

from probes.wifi_parsers import Bss

# 5 GHz bonding groups start at these channels (UNII-1/2, UNII-2e, UNII-3).
BONDING_BASES = (149, 100, 36)


def occupied_mhz(bss: Bss) -> tuple[float, float] | None:
    """(low, high) edge frequencies the BSS occupies; None when unknown."""
    freq, channel = bss.freq_mhz, bss.channel
    width = bss.width_mhz or 20
    if freq is None:
        return None
    if freq < 3000:  # 2.4 GHz: DSSS/OFDM spread ~22 MHz around the primary
        return (freq - 11.0, freq + 11.0) if width <= 20 else (freq - 31.0, freq + 31.0)
    if channel is None or width <= 20:
        return freq - 10.0, freq + 10.0
    if freq > 5925:
        return freq - 10.0, freq + 10.0 if width <= 20 else freq + width - 10.0
    base = next((b for b in BONDING_BASES if channel >= b), 36)
    per_block = max(1, width // 20)
    index = (channel - base) // 4
    first = base + 4 * (index - index % per_block)
    low = 5000 + 5 * first - 10.0
    return low, low + width


def same_channel(a: Bss, b: Bss) -> bool:
    return a.freq_mhz is not None and a.freq_mhz == b.freq_mhz


def overlapping(a: Bss, b: Bss) -> bool:
    span_a, span_b = occupied_mhz(a), occupied_mhz(b)
    if span_a is None or span_b is None:
        return False
    return span_a[0] < span_b[1] and span_b[0] < span_a[1]


def same_radio(bssid_a: str, bssid_b: str) -> bool:
    """Virtual BSSIDs of one radio share the first five octets and the last's high nibble."""
    return bssid_a[:15] == bssid_b[:15] and bssid_a[15:16] == bssid_b[15:16]
