"""QR codes of the server's address, for a phone on the same network (segno)."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str) -> str:
    """An inline SVG (no external file, no script) the page can show."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=6,
        border=2,
        xmldecl=False,
        svgns=True,
        title="address for a phone",
    )
    return buffer.getvalue().decode("utf-8")


def qr_terminal(url: str) -> str:
    """Block characters for the terminal (two modules per character cell)."""
    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()
