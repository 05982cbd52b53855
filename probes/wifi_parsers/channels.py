"""Frequency <-> channel number and band, as in IEEE 802.11 Annex E."""

from __future__ import annotations


def band_of(freq_mhz: int | None) -> str | None:
    if freq_mhz is None:
        return None
    if 2400 <= freq_mhz <= 2500:
        return "2.4GHz"
    if 5150 <= freq_mhz <= 5925:
        return "5GHz"
    if 5925 < freq_mhz <= 7125:
        return "6GHz"
    return None


def channel_of(freq_mhz: int | None) -> int | None:
    band = band_of(freq_mhz)
    if freq_mhz is None or band is None:
        return None
    if band == "2.4GHz":
        return 14 if freq_mhz == 2484 else (freq_mhz - 2407) // 5
    if band == "5GHz":
        return (freq_mhz - 5000) // 5
    return 2 if freq_mhz == 5935 else (freq_mhz - 5950) // 5


def freq_of(channel: int | None, band: str | None = None) -> int | None:
    """Centre frequency of a primary channel; without a band, 1-14 is 2.4 GHz and
    32-177 is 5 GHz (6 GHz numbers overlap and need ``band="6GHz"``)."""
    if channel is None or channel <= 0:
        return None
    if band == "6GHz":
        return 5935 if channel == 2 else 5950 + 5 * channel
    if band in (None, "2.4GHz") and channel <= 14:
        return 2484 if channel == 14 else 2407 + 5 * channel
    if band in (None, "5GHz") and 32 <= channel <= 177:
        return 5000 + 5 * channel
    return None


def overlaps(freq_a_mhz: int, width_a_mhz: int, freq_b_mhz: int, width_b_mhz: int) -> bool:
    """Do two transmissions' occupied spectra overlap? 2.4 GHz DSSS/OFDM channels
    occupy about 22/20 MHz around their centre; we use 20 MHz for all."""
    half = (width_a_mhz + width_b_mhz) / 2
    return abs(freq_a_mhz - freq_b_mhz) < half
