"""The questions of the power walk: one form per entry kind, one field per answer.

A field knows how to parse an answer, its default, whether it may be left empty,
when it is asked at all, and which plausibility rule of ``validate`` it obeys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeAlias

from netsurvey.power.spec import SEQUENCING
from netsurvey.power.validate import CURVES, field_problem

# One parsed answer: a number (int for whole-number fields), a text or a choice, or None
# for an optional field left empty. Walk records store them as they are.
Answer: TypeAlias = float | int | str | None
Answers: TypeAlias = Mapping[str, Answer]


class AnswerError(ValueError):
    """An answer that cannot be used; the message names the field and what to type."""


@dataclass(frozen=True)
class Field:
    name: str
    question: str
    kind: str = "float"  # float | int | str | choice
    default: str | None = None  # shown in [brackets]; Enter takes it
    optional: bool = False  # "-" (or Enter without default) leaves it empty
    choices: tuple[str, ...] = ()
    rule: str | None = None  # "circuit" | "cart" | "reading": which plausibility rule applies
    scale: float = 1.0  # asked in minutes, stored in seconds, etc.
    when: Callable[[Answers], bool] | None = None

    def applies(self, answers: Answers) -> bool:
        return self.when is None or self.when(answers)

    def parse(self, text: str) -> Answer:
        text = text.strip()
        if text in ("", "-"):
            if text == "" and self.default is not None:
                return self.parse(self.default)
            if self.optional:
                return None
            raise AnswerError(f"{self.name}: an answer is needed here")
        if self.kind == "str":
            return text
        if self.kind == "choice":
            match = [c for c in self.choices if c.lower() == text.lower()]
            if not match:
                raise AnswerError(f"{self.name}: {text!r} is not one of {', '.join(self.choices)}")
            return match[0]
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            unit = " (a whole number)" if self.kind == "int" else ""
            raise AnswerError(f"{self.name}: {text!r} is not a number{unit}") from None
        value: float | int = number * self.scale
        if self.kind == "int":
            if number != int(number):
                raise AnswerError(f"{self.name}: {text!r} must be a whole number")
            value = int(number)
        if self.rule is not None:
            problem = field_problem(self.rule, self.name, float(value))
            if problem:
                raise AnswerError(problem)
        return value


def _sequenced(answers: Answers) -> bool:
    return answers.get("sequencing") == "sequenced"


CIRCUIT_FORM = (
    Field("id", "Circuit id (as on the board, e.g. c-204 or F12)", kind="str"),
    Field("breaker_a", "Breaker rating, A", default="16", rule="circuit"),
    Field("curve", "Breaker curve (B/C/D)", kind="choice", default="B", choices=CURVES),
    Field("rcd_ma", "RCD rating, mA ('-' if none)", default="30", optional=True, rule="circuit"),
    Field(
        "rcd_group",
        "RCD shared with other circuits? its name ('-' = own RCD)",
        kind="str",
        optional=True,
    ),
    Field("other_loads_w", "Other loads on it (projector, PC), W", default="0", rule="circuit"),
    Field(
        "sockets",
        "Sockets on this circuit ('-' if unknown)",
        kind="int",
        optional=True,
        rule="circuit",
    ),
    Field("pdu", "Metered PDU/UPS device id feeding it ('-' if none)", kind="str", optional=True),
)

CART_FORM = (
    Field("id", "Cart id (e.g. cart-204)", kind="str"),
    Field("slots", "Device slots in the cart", kind="int", rule="cart"),
    Field("charger_w", "Charger rating on one label, W", default="45", rule="cart"),
    Field(
        "sequencing",
        "Charging: all slots at once, or sequenced (all/sequenced)",
        kind="choice",
        default="all",
        choices=SEQUENCING,
    ),
    Field(
        "slots_at_once", "Slots powered at the same time", kind="int", rule="cart", when=_sequenced
    ),
    Field(
        "slot_time_s",
        "Sequencer time per bank, minutes ('-' if unknown)",
        optional=True,
        scale=60.0,
        rule="cart",
        when=_sequenced,
    ),
    Field("battery_wh", "Battery on one device label, Wh", default="47", rule="cart"),
    Field("circuit", "Circuit the cart is plugged into (id)", kind="str"),
)

READING_FORM = (
    Field("subject", "Clamp reading on which circuit or cart (id)", kind="str"),
    Field(
        "current_a", "Current, A rms ('-' if the meter shows only W)", optional=True, rule="reading"
    ),
    Field("power_w", "Real power, W ('-' if not shown)", optional=True, rule="reading"),
    Field(
        "power_factor_ratio",
        "Power factor, 0.1-1 ('-' if not shown)",
        optional=True,
        rule="reading",
    ),
)

PHOTO_FORM = (
    Field("subject", "Photo of which label (circuit/cart id, or a word)", kind="str"),
    Field("path", "Photo file (path; drag it into the terminal)", kind="str"),
)

FORMS = MappingProxyType(
    {"circuit": CIRCUIT_FORM, "cart": CART_FORM, "reading": READING_FORM, "photo": PHOTO_FORM}
)
