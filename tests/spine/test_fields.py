"""The one validated-YAML API (``netsurvey.fields``): one error format, one set of
coercions, one unknown-key check, whichever error class the caller passes in."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsurvey.errors import InventoryError, NetsurveyError, ProfileError
from netsurvey.fields import Node, as_float, as_int, as_slug, load_document, overlay

DOC = """\
name: demo
wifi:
  k_cal: 0.8
  streams: 2
  flag: true
rooms:
  - {id: r1, pupils: 20}
  - id: r2
    pupils: yes
"""


def node_of(tmp_path: Path, text: str, error: type[NetsurveyError] = ProfileError) -> Node:
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    node, _ = load_document(path, error)
    return node


def one_line(error: pytest.ExceptionInfo[NetsurveyError]) -> str:
    return error.value.one_line()


@pytest.mark.parametrize("error", [InventoryError, ProfileError])
def test_errors_are_file_line_path_what_in_the_callers_class(
    tmp_path: Path, error: type[NetsurveyError]
) -> None:
    top = node_of(tmp_path, DOC, error)
    rooms = top.get("rooms").items()
    with pytest.raises(error) as caught:
        rooms[1].get("pupils").integer(0, 500)
    assert one_line(caught) == (
        f"{tmp_path / 'doc.yaml'}:9: rooms[1].pupils: expected a whole number (got bool True)"
    )
    with pytest.raises(error, match=r"doc.yaml:3: wifi.k_cal: 0.8 is outside 0.9..2"):
        top.get("wifi").get("k_cal").number(0.9, 2)
    with pytest.raises(error, match=r"doc.yaml:1: \(top level\): missing key 'title'"):
        top.get("title")


def test_the_two_reading_styles_share_one_implementation(tmp_path: Path) -> None:
    wifi = node_of(tmp_path, DOC).get("wifi")
    assert wifi.get("streams").integer(1, 8) == wifi.int_("streams", lo=1, hi=8) == 2
    assert wifi.float_("k_cal", 1.0) == 0.8 and wifi.float_("absent", 1.0) == 1.0
    assert wifi.opt("absent") is None and wifi.int_("absent", None) is None
    assert wifi.get("flag").flag() is True
    with pytest.raises(ProfileError, match=r"wifi\.streams: 2 is more than 1"):
        wifi.int_("streams", 0, hi=1)


def test_unknown_keys_say_did_you_mean(tmp_path: Path) -> None:
    wifi = node_of(tmp_path, DOC).get("wifi")
    with pytest.raises(ProfileError) as caught:
        wifi.check_keys({"k_cal", "stream", "flag"})
    assert one_line(caught).endswith("doc.yaml:4: wifi.streams: unknown key (did you mean 'stream'?)")
    wifi.int_("streams")
    wifi.float_("k_cal")
    with pytest.raises(ProfileError) as unread:
        wifi.done()
    assert one_line(unread).endswith("wifi.flag: unknown key (known keys: k_cal, streams)")
    wifi.done(also_known={"flag"})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "expected a number (got bool True)"),
        ("nan", "expected a finite number (got 'nan')"),
        (10**400, "the number is too large"),
        ([1], "expected a number (got a list)"),
        (-1, "-1 is less than 0"),
    ],
)
def test_numbers_refuse_bools_non_finite_and_ranges(value: int | str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        as_float(value, 0)


def test_whole_numbers_and_ids() -> None:
    assert as_int("12", 1, 12) == 12
    with pytest.raises(ValueError, match="expected a whole number"):
        as_int(1.5)
    with pytest.raises(ValueError, match=r"13 is outside 1\.\.12"):
        as_int(13, 1, 12)
    assert as_slug("ap-1.b_2") == "ap-1.b_2"
    with pytest.raises(ValueError, match="U\\+0430"):
        as_slug("\u0430p-1")


def test_overlay_keeps_where_each_value_came_from(tmp_path: Path) -> None:
    base_path, over_path = tmp_path / "base.yaml", tmp_path / "over.yaml"
    base_path.write_text("a: {x: 1, y: 2}\nlist: [1, 2]\n", encoding="utf-8")
    over_path.write_text("a:\n  y: -3\nlist: [5]\n", encoding="utf-8")
    base, _ = load_document(base_path, ProfileError)
    over, _ = load_document(over_path, ProfileError)
    merged = overlay(base, over)
    section = merged.get("a")
    assert section.get("x").integer() == 1 and merged.get("list").numbers() == (5.0,)
    with pytest.raises(ProfileError, match=r"over.yaml:2: a.y: -3 is less than 0"):
        section.get("y").integer(0)
    with pytest.raises(ProfileError, match=r"base.yaml:1: a.x: unknown key"):
        section.check_keys({"y"})


def test_list_of_holds_mappings(tmp_path: Path) -> None:
    top = node_of(tmp_path, "rooms:\n  - {id: r1}\n  -\n", InventoryError)
    with pytest.raises(InventoryError, match=r"doc.yaml:3: rooms\[1\]: expected a mapping"):
        top.list_of("rooms")
    assert top.list_of("absent") == []
