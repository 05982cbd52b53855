"""Seeded, counter-based random numbers: the same school gets the same draws.

Each number is SplitMix64 of (school key, stream, element, draw), so a school's
draws do not depend on which other schools are scored with it, on chunking or
on padding; what-if variants of a school share its draws (common random
numbers), which keeps upgrade comparisons free of Monte-Carlo noise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netsurvey.scoring.batch_arrays import Batch

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
MIX_2 = np.uint64(0x94D049BB133111EB)
TWO_PI = 2.0 * np.pi

# Streams: one per random quantity (docs/model.md §8).
ROOM_OFFSET = 1
ROOM_NOISE = 2
ROOM_DEMAND = 3
ROOM_BACKGROUND = 4
STAFF_BACKGROUND = 5
FOREIGN_UTILISATION = 6
WAN_PICK = 7
WAN_BIAS = 8
TEST_BURST = 9
CART_POWER_FACTOR = 10
CART_CHARGING_SHARE = 11


def _splitmix(z: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64 finaliser, in place on ``z`` (which it returns)."""
    shifted = np.empty_like(z)
    for shift, factor in ((30, MIX_1), (27, MIX_2)):
        np.right_shift(z, np.uint64(shift), out=shifted)
        np.bitwise_xor(z, shifted, out=z)
        np.multiply(z, factor, out=z)
    np.right_shift(z, np.uint64(31), out=shifted)
    np.bitwise_xor(z, shifted, out=z)
    return z


def school_key(seed: int, school_id: str) -> int:
    """A 64-bit key from the run seed and the school id."""
    digest = hashlib.sha256(f"{seed}:{school_id}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def _bits(keys: NDArray[np.uint64], stream: int, elements: int, draws: int) -> NDArray[np.uint64]:
    """Hash array of shape (draws, schools, elements)."""
    draw_index = np.arange(draws, dtype=np.uint64)[:, None, None]
    element_index = np.arange(elements, dtype=np.uint64)[None, None, :]
    counter = (np.uint64(stream) << np.uint64(48)) | (element_index << np.uint64(24)) | draw_index
    with np.errstate(over="ignore"):
        steps = (counter + np.uint64(1)) * GOLDEN
        state = np.add(keys[None, :, None], steps)
        return _splitmix(state)


def uniform(
    keys: NDArray[np.uint64], stream: int, elements: int, draws: int
) -> NDArray[np.float32]:
    """U(0, 1) of shape (draws, schools, elements), never exactly 0 or 1 (24-bit resolution)."""
    bits = _bits(keys, stream, elements, draws)
    np.right_shift(bits, np.uint64(40), out=bits)
    return (bits.astype(np.float32) + np.float32(0.5)) * np.float32(1.0 / 16777216.0)


def normal(keys: NDArray[np.uint64], stream: int, elements: int, draws: int) -> NDArray[np.float32]:
    """Standard normal of shape (draws, schools, elements): Box-Muller on one 64-bit hash."""
    bits = _bits(keys, stream, elements, draws)
    high = ((bits >> np.uint64(40)).astype(np.float32) + np.float32(0.5)) * np.float32(2.0**-24)
    np.bitwise_and(bits, np.uint64(0xFFFFFF), out=bits)
    angle = (bits.astype(np.float32) + np.float32(0.5)) * np.float32(TWO_PI * 2.0**-24)
    radius = np.sqrt(np.float32(-2.0) * np.log(high))
    return np.asarray(radius * np.cos(angle), dtype=np.float32)


def triangular_from_uniform(
    u: NDArray[np.floating[Any]], low: float, mode: float, high: float
) -> NDArray[np.float64]:
    """Inverse CDF of the triangular distribution."""
    span = high - low
    if span <= 0:
        return np.full(np.shape(u), low, dtype=np.float64)
    split = (mode - low) / span
    left = low + np.sqrt(u * span * (mode - low))
    right = high - np.sqrt((1.0 - u) * span * (high - mode))
    return np.asarray(np.where(u < split, left, right), dtype=np.float64)


def keys_array(seed: int, school_ids: list[str]) -> NDArray[np.uint64]:
    return np.array([school_key(seed, sid) for sid in school_ids], dtype=np.uint64)


@dataclass(frozen=True)
class Draws:
    """Standardised random numbers of a chunk, as float64 (draw, school, element)."""

    room_offset: NDArray[np.float64]
    room_noise: NDArray[np.float64]
    room_demand: NDArray[np.float64]
    room_background: NDArray[np.float64]
    staff_background: NDArray[np.float64]
    foreign: NDArray[np.float64]
    wan_pick: NDArray[np.float64]
    wan_bias: NDArray[np.float64]
    test_burst: NDArray[np.float64]
    cart_pf: NDArray[np.float64]
    cart_share: NDArray[np.float64]


def make_draws(batch: Batch, draws: int) -> Draws:
    keys = batch.keys
    rooms = batch.pupils.shape[1]
    aps = batch.ap_mask.shape[1]
    carts = batch.cart_mask.shape[1]

    def n(stream: int, size: int) -> NDArray[np.float64]:
        return normal(keys, stream, size, draws).astype(np.float64)

    def u(stream: int, size: int) -> NDArray[np.float64]:
        return uniform(keys, stream, size, draws).astype(np.float64)

    return Draws(
        room_offset=n(ROOM_OFFSET, rooms),
        room_noise=n(ROOM_NOISE, rooms),
        room_demand=n(ROOM_DEMAND, rooms),
        room_background=n(ROOM_BACKGROUND, rooms),
        staff_background=n(STAFF_BACKGROUND, 1)[:, :, 0],
        foreign=n(FOREIGN_UTILISATION, aps),
        wan_pick=u(WAN_PICK, 1)[:, :, 0],
        wan_bias=u(WAN_BIAS, 1)[:, :, 0],
        test_burst=u(TEST_BURST, 1)[:, :, 0],
        cart_pf=u(CART_POWER_FACTOR, carts),
        cart_share=u(CART_CHARGING_SHARE, carts),
    )
