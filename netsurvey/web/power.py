"""Routes of the power walk: the terminal questionnaire's forms (circuit, cart, clamp
reading, photo, room done) posted whole, checked by the same field rules, saved as the
same ``cart_inventory`` / ``power_reading`` records as `netsurvey power walk`."""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from netsurvey.errors import NetsurveyError
from netsurvey.power.recordio import reading_record, walk_entries, walk_entry_record
from netsurvey.power.spec import MeasuredLoad
from netsurvey.power.walk import context_problem, save_photo
from netsurvey.power.walkforms import FORMS, AnswerError, Field
from netsurvey.web.context import FieldContext, context_of
from probes.base import RawArtifact

PHOTO_MAX_BYTES = 20 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/gif")
ENTRY_KINDS = ("circuit", "cart", "reading", "photo")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/power", page),
        web.get("/power/parts", parts),
        web.post("/power/{kind}", submit),
    ]


def _state(ctx: FieldContext) -> dict[str, Any]:
    """Circuits and carts (inventory + walk), entries so far, rooms done."""
    school = ctx.visit.school
    circuits: dict[str, str | None] = {c.id: c.room for c in school.circuits}
    carts: dict[str, str | None] = {c.id: c.room for c in school.carts}
    entries = walk_entries(ctx.visit.read())
    for entry in entries:
        if entry.complete and entry.kind == "circuit":
            circuits[entry.entry_id] = entry.room
        if entry.complete and entry.kind == "cart":
            carts[entry.entry_id] = entry.room
    rooms = [r.id for r in school.rooms]
    rooms += sorted({e.room for e in entries if e.room and e.room not in rooms})
    done = {e.entry_id for e in entries if e.kind == "room_done"}
    return {
        "forms": {kind: FORMS[kind] for kind in ENTRY_KINDS},
        "circuits": circuits,
        "carts": carts,
        "entries": [e for e in entries if e.kind != "room_done"],
        "rooms": rooms,
        "rooms_done": done,
    }


async def page(request: web.Request) -> web.Response:
    ctx = context_of(request)
    state = await asyncio.to_thread(_state, ctx)
    return ctx.page("power.html", active="power", **state)


async def parts(request: web.Request) -> web.Response:
    ctx = context_of(request)
    state = await asyncio.to_thread(_state, ctx)
    return web.json_response({"entries": ctx.render("_power_entries.html", **state)})


def parse_form(
    kind: str,
    texts: Mapping[str, str],
    circuits: Mapping[str, str | None],
    carts: Mapping[str, str | None],
) -> tuple[dict[str, Any], list[str]]:
    """Every field of one form: parsed by the walk's own rules, problems listed by field."""
    answers: dict[str, Any] = {}
    problems: list[str] = []
    fields: tuple[Field, ...] = FORMS[kind]
    for field in fields:
        if field.name == "path" or not field.applies(answers):
            continue
        try:
            value = field.parse(texts.get(field.name, ""))
        except AnswerError as exc:
            problems.append(str(exc))
            continue
        problem = context_problem(kind, field.name, value, answers, circuits, carts)
        if problem:  # the shared rules speak the terminal's keys; say it for the page
            problems.append(
                problem.replace("; q to stop", "").replace(
                    "with c or k", "with the circuit or cart form"
                )
            )
            continue
        if kind == "cart" and field.name == "circuit" and value not in circuits:
            problems.append(
                f"circuit: {value!r} is not a declared circuit (declared: "
                f"{', '.join(sorted(circuits)) or 'none yet'}); add it with the circuit form first"
            )
            continue
        answers[field.name] = value
    return answers, problems


def _texts(form: MultiDictProxy[Any]) -> dict[str, str]:
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


async def submit(request: web.Request) -> web.Response:
    ctx = context_of(request)
    kind = request.match_info["kind"]
    if kind not in (*ENTRY_KINDS, "room_done"):
        raise web.HTTPNotFound(text="no such form\n")
    form = await request.post()
    texts = _texts(form)
    photo: RawArtifact | None = None
    if kind == "photo":
        photo_or_problem = _photo(form.get("photo"))
        if isinstance(photo_or_problem, str):
            return _fail(photo_or_problem)
        photo = photo_or_problem
    # Checked and written under the visit's lock: two tabs never race for an entry id.
    async with ctx.visit.lock:
        state = await asyncio.to_thread(_state, ctx)
        try:
            message = _save(ctx, kind, texts, state, photo)
        except AnswerError as exc:
            return _fail(str(exc))
        except NetsurveyError as exc:
            return _fail(exc.one_line())
    return await _saved(ctx, message)


def _photo(upload: Any) -> RawArtifact | str:
    """The uploaded photo as evidence, or what is wrong with it."""
    if not isinstance(upload, web.FileField):
        return "photo: take or choose a photo first"
    data = upload.file.read(PHOTO_MAX_BYTES + 1)
    if not data:
        return "photo: the file is empty"
    if len(data) > PHOTO_MAX_BYTES:
        return f"photo: larger than {PHOTO_MAX_BYTES // 2**20} MB"
    media = upload.content_type or mimetypes.guess_type(upload.filename)[0] or ""
    if media not in PHOTO_TYPES:
        return f"photo: {media or 'unknown type'} is not a photo (JPEG, PNG, WebP, HEIC)"
    return RawArtifact(upload.filename or "photo", data, media)


def _save(
    ctx: FieldContext,
    kind: str,
    texts: Mapping[str, str],
    state: Mapping[str, Any],
    photo: RawArtifact | None,
) -> str:
    """Write one form's records (the caller holds the lock); returns what to tell."""
    room = texts.get("room") or None
    if room is not None and room not in state["rooms"]:
        raise AnswerError(f"room: {room!r} is not a room of this school")
    if kind == "room_done":
        if room is None:
            raise AnswerError("room: which room is done?")
        ctx.visit.append_locked(walk_entry_record("room_done", room, room, {}, complete=True))
        return f"Room {room} marked done."
    answers, problems = parse_form(kind, texts, state["circuits"], state["carts"])
    if problems:
        raise AnswerError("; ".join(problems))
    if kind in ("circuit", "cart"):
        entry_id = str(answers.pop("id"))
        known = state["circuits"] if kind == "circuit" else state["carts"]
        verb = "updated" if entry_id in known else "saved"
        ctx.visit.append_locked(walk_entry_record(kind, entry_id, room, answers, complete=True))
        return f"{kind.capitalize()} {entry_id} {verb}."
    # Readings and photos are numbered per visit, as in the terminal walk.
    entry_id = f"{kind}-{1 + sum(1 for e in state['entries'] if e.kind == kind)}"
    if kind == "reading":
        subject = str(answers["subject"])
        load = MeasuredLoad(
            subject="circuit" if subject in state["circuits"] else "cart",
            subject_id=subject,
            source="clamp",
            reference=entry_id,
            current_a=answers.get("current_a"),
            power_w=answers.get("power_w"),
            power_factor_ratio=answers.get("power_factor_ratio"),
        )
        ctx.visit.append_locked(
            walk_entry_record("reading", entry_id, room, answers, complete=True),
            reading_record(load, room),
        )
        return f"Reading {entry_id} on {load.subject} {subject} saved."
    assert photo is not None
    record = save_photo(ctx.visit.writer, entry_id, room, answers, photo)
    ref = record.raw[0]
    return f"Photo saved as {ref.path} (sha256 {ref.sha256[:12]}…)."


def _fail(*problems: str) -> web.Response:
    return web.json_response({"ok": False, "error": "; ".join(problems)}, status=400)


async def _saved(ctx: FieldContext, message: str) -> web.Response:
    await ctx.visit.seal_async()
    ctx.broker.publish("visit", {"version": ctx.visit.version()})
    return web.json_response({"ok": True, "saved": True, "summary": [message]})
