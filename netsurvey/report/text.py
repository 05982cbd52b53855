"""Make strings from data safe to show: no control or bidi-override characters, bounded length."""

from __future__ import annotations

import re
import unicodedata

DISPLAY_MAX_CHARS = 200
LONG_TOKEN_CHARS = 64  # longer unbroken runs get break opportunities (a sha256 is 64)
BREAK_EVERY_CHARS = 24
ZERO_WIDTH_SPACE = "\u200b"
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ufeff\ufff9-\ufffb]")


def clean_text(value: object, max_chars: int = DISPLAY_MAX_CHARS) -> str:
    """A data string as inert display text: controls stripped, newlines/tabs as spaces, cut."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _UNSAFE.sub("", text).replace("\n", " ").replace("\t", " ").replace("\r", " ")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cs")
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return _breakable(text)


_LONG_TOKEN = re.compile(rf"\S{{{LONG_TOKEN_CHARS + 1},}}")


def _breakable(text: str) -> str:
    """Insert zero-width spaces into very long unbroken runs so tables can wrap them."""

    def split(match: re.Match[str]) -> str:
        token = match.group(0)
        chunks = [token[i : i + BREAK_EVERY_CHARS] for i in range(0, len(token), BREAK_EVERY_CHARS)]
        return ZERO_WIDTH_SPACE.join(chunks)

    return _LONG_TOKEN.sub(split, text)


def clean_optional(value: object, max_chars: int = DISPLAY_MAX_CHARS) -> str | None:
    if value is None:
        return None
    text = clean_text(value, max_chars)
    return text or None
