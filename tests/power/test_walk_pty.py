"""The power walk driven the way a technician uses it: a real terminal (pseudo-tty)."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from netsurvey.power.recordio import POWER_READING, walk_entries
from netsurvey.records import read_visit

pexpect = pytest.importorskip("pexpect")
Child = Any  # a pexpect.spawn; pexpect has no type stubs


@contextmanager
def walk(visit: Path) -> Iterator[Child]:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "netsurvey", "power", "walk", "--visit", str(visit)],
        encoding="utf-8",
        timeout=20,
        env={**os.environ, "COLUMNS": "120", "NO_COLOR": "1"},
        dimensions=(40, 120),
    )
    try:
        yield child
    finally:
        child.close(force=True)


def answer(child: Child, prompt: str, text: str) -> None:
    child.expect_exact(prompt)
    child.sendline(text)


def test_walk_records_every_answer_and_resumes(
    make_visit: Callable[..., Path], tmp_path: Path
) -> None:
    visit = make_visit()
    photo = tmp_path / "breaker label.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg, but bytes all the same")

    with walk(visit) as child:
        child.expect_exact("Room 101 (1 of 3) - recorded here: circuits: c-101; carts: cart-101")
        answer(child, "Choice [n]: ", "c")
        answer(child, "Circuit id", "c-101b")
        answer(child, "Breaker rating, A [16]: ", "400")
        child.expect_exact("! breaker_a: 400 A is outside 2-63 A")
        answer(child, "Breaker rating, A [16]: ", "")
        answer(child, "Breaker curve (B/C/D) [B]: ", "c")
        answer(child, "RCD rating, mA", "")
        answer(child, "RCD shared", "")
        answer(child, "Other loads on it (projector, PC), W [0]: ", "abc")
        child.expect_exact("! other_loads_w: 'abc' is not a number")
        answer(child, "Other loads on it (projector, PC), W [0]: ", "150")
        answer(child, "Sockets on this circuit", "4")
        answer(child, "Metered PDU/UPS", "-")

        answer(child, "Choice [n]: ", "k")
        answer(child, "Cart id", "cart-new")
        answer(child, "Device slots in the cart: ", "30")
        answer(child, "Charger rating on one label, W [45]: ", "2")
        child.expect_exact("! charger_w: 2 W is outside 10-200 W")
        answer(child, "Charger rating on one label, W [45]: ", "65")
        answer(child, "(all/sequenced) [all]: ", "sequenced")
        answer(child, "Slots powered at the same time: ", "40")
        child.expect_exact("! slots_at_once: 40 is more than the cart's 30 slots")
        answer(child, "Slots powered at the same time: ", "10")
        answer(child, "Sequencer time per bank, minutes", "15")
        answer(child, "Battery on one device label, Wh [47]: ", "")
        answer(child, "Circuit the cart is plugged into (id): ", "c-999")
        child.expect_exact("! circuit: 'c-999' is not a declared circuit")
        answer(child, "Declare circuit c-999 now? (Y/n): ", "")
        answer(child, "Breaker rating, A [16]: ", "16")
        for prompt in ("curve", "RCD rating", "RCD shared", "Other loads", "Sockets", "PDU/UPS"):
            answer(child, prompt, "")

        answer(child, "Choice [n]: ", "r")
        answer(child, "Clamp reading on which circuit or cart (id): ", "nope")
        child.expect_exact("! subject: 'nope' is not a declared circuit or cart")
        answer(child, "Clamp reading on which circuit or cart (id): ", "c-101")
        answer(child, "Current, A rms", "6,1")
        answer(child, "Real power, W", "2000")
        child.expect_exact("! power_w: 2000 W is more than 230 V x 6.1 A = 1403 VA")
        answer(child, "Real power, W", "")
        answer(child, "Power factor", "0.58")
        child.expect_exact("saved reading on circuit c-101")

        answer(child, "Choice [n]: ", "p")
        answer(child, "Photo of which label", "c-101")
        answer(child, "Photo file", "/nonexistent/label.jpg")
        child.expect_exact("is not a file")
        answer(child, "Photo file", f"'{photo}'")  # as a file manager drops it: quoted
        child.expect_exact("photo saved as raw/")

        answer(child, "Choice [n]: ", "k")
        answer(child, "Cart id", "cart-half")
        answer(child, "Device slots in the cart: ", "20")
        answer(child, "Charger rating on one label, W [45]: ", "q")
        child.expect_exact("Stopped. Everything entered so far is saved")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0

    entries = {(e.kind, e.entry_id): e for e in walk_entries(read_visit(visit))}
    half = entries[("cart", "cart-half")]
    assert not half.complete and half.fields == {"slots": 20}
    new = entries[("cart", "cart-new")]
    assert new.complete and new.fields["slot_time_s"] == 900 and new.fields["circuit"] == "c-999"
    assert entries[("circuit", "c-999")].complete
    assert entries[("circuit", "c-101b")].fields["curve"] == "C"
    assert (visit / "manifest.json").is_file()

    with walk(visit) as child:
        child.expect_exact("Continuing unfinished cart cart-half in room 101.")
        answer(child, "Charger rating on one label, W [45]: ", "")
        answer(child, "(all/sequenced) [all]: ", "")
        answer(child, "Battery on one device label, Wh [47]: ", "")
        answer(child, "Circuit the cart is plugged into (id): ", "c-101b")
        child.expect_exact("Room 101 (1 of 3)")
        answer(child, "Choice [n]: ", "")
        child.expect_exact("Room 102 (2 of 3)")
        answer(child, "Choice [n]: ", "n")
        child.expect_exact("Room 103 (3 of 3)")
        child.sendeof()  # Ctrl-D stops as well
        child.expect_exact("Stopped.")
        child.expect(pexpect.EOF)

    with walk(visit) as child:
        child.expect_exact("rooms done.")
        child.expect_exact("Room 103 (3 of 3)")  # rooms done before are not asked again
        answer(child, "Choice [n]: ", "")
        answer(child, "Next room id (Enter when all rooms are done): ", "gym")
        child.expect_exact("Room gym (4 of 4)")
        answer(child, "Choice [n]: ", "")
        answer(child, "Next room id (Enter when all rooms are done): ", "")
        child.expect_exact("Walk complete: 5 circuits, 4 carts, 1 clamp readings.")
        child.expect_exact("Verdict: PASS")
        child.expect(pexpect.EOF)

    result = read_visit(visit)
    (reading,) = result.by_probe(POWER_READING)
    assert reading.metrics["current_a"] == 6.1 and reading.metrics["power_factor_ratio"] == 0.58
    assert reading.details["circuit"] == "c-101" and reading.details["source"] == "clamp"
    (photo_record,) = [m for m in result.measurements if m.raw]
    (ref,) = photo_record.raw
    assert ref.media_type == "image/jpeg"
    assert ref.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert (visit / ref.path).read_bytes() == photo.read_bytes()


def test_quit_inside_a_nested_circuit_then_resume_and_ctrl_c(
    make_visit: Callable[..., Path],
) -> None:
    visit = make_visit()
    with walk(visit) as child:
        answer(child, "Choice [n]: ", "k")
        answer(child, "Cart id", "cart-x")
        answer(child, "Device slots in the cart: ", "16")
        for prompt in ("Charger rating", "(all/sequenced)", "Battery"):
            answer(child, prompt, "")
        answer(child, "Circuit the cart is plugged into (id): ", "c-new")
        answer(child, "Declare circuit c-new now? (Y/n): ", "y")
        answer(child, "Breaker rating, A [16]: ", "10")
        answer(child, "Breaker curve (B/C/D) [B]: ", "q")
        child.expect_exact("Stopped.")
        child.expect(pexpect.EOF)

    entries = {(e.kind, e.entry_id): e for e in walk_entries(read_visit(visit))}
    assert entries[("circuit", "c-new")].fields == {"breaker_a": 10}
    assert not entries[("cart", "cart-x")].complete

    with walk(visit) as child:
        child.expect_exact("Continuing unfinished cart cart-x in room 101.")
        answer(child, "Circuit the cart is plugged into (id): ", "c-new")
        answer(child, "Declare circuit c-new now? (Y/n): ", "")
        answer(child, "Breaker curve (B/C/D) [B]: ", "")  # the rating is not asked again
        for prompt in ("RCD rating", "RCD shared", "Other loads", "Sockets", "PDU/UPS"):
            answer(child, prompt, "")
        child.expect_exact("Room 101 (1 of 3)")
        child.expect_exact("Choice [n]: ")
        child.sendintr()  # Ctrl-C
        child.expect_exact("interrupted")
        child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

    entries = {(e.kind, e.entry_id): e for e in walk_entries(read_visit(visit))}
    assert entries[("cart", "cart-x")].complete
    assert entries[("circuit", "c-new")].fields["breaker_a"] == 10
    assert (visit / "manifest.json").is_file()
