"""Latvian throughout (issue #17, item 1): complete catalogues, no English in lv outputs.

The outputs checked are the ones the issue names: the Latvian PDF before the evidence
appendix, the Latvian summary (xlsx and csv) and the terminal table of
`netsurvey score --lang lv`. They are made from a real scorer run on the fixture
visit, so every message the scorer emits for it passes through the catalogue.
The word list is the before-stop hook's list plus a few more common English words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from netsurvey.report.locale import load_locale, templates_dir
from netsurvey.report.messages import Words
from netsurvey.report.scoresmessages import missing_notes
from netsurvey.scoring.profile import available_profiles, load_profile
from netsurvey.scoring.scores import BOTTLENECK_TEXT_EN, ELEMENT_TEXT_EN

from .conftest import VISIT_REL, pdf_text, requires_tool

HOOK_WORDS = (
    "the|is|of|and|with|its|what|can|carry|saturated|busiest|element|capacity|demand|"
    "Sequence|symmetric|Replace|circuit|class|streams|fallback|link|peak|every"
)
MORE_WORDS = "cannot|upgrade|would|which|there|this|that|only|without|from|per|room|switch"
ENGLISH = re.compile(rf"\b({HOOK_WORDS}|{MORE_WORDS})\b", re.IGNORECASE)
BILINGUAL_KEYS = {"integrity.stamp_altered", "integrity.stamp_unsealed"}  # by contract
MESSAGE_PREFIXES = ("bottleneck.", "upgrade.", "plan.blocked.", "missing.", "elements.")


PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
PATH = re.compile(r"\S*/\S*/\S*")  # file paths are names, not words


def english_words(text: str) -> list[str]:
    text = PATH.sub(" ", PLACEHOLDER.sub(" ", text))
    return sorted({m.group(0) for m in ENGLISH.finditer(text)})


def _catalogue_keys(lang: str) -> set[str]:
    return set(load_locale(lang).strings)


def test_both_catalogues_have_the_same_keys() -> None:
    assert _catalogue_keys("lv") == _catalogue_keys("en")


def test_every_key_the_templates_and_code_use_exists() -> None:
    used: set[str] = set()
    sources = [*templates_dir().glob("*.html")]
    sources += Path(__file__).resolve().parents[2].joinpath("netsurvey", "report").glob("*.py")
    for path in sources:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9.]+)["']""", path.read_text()))
    assert used, "no t(...) calls found"
    used = {key for key in used if not key.endswith((".", "_"))}  # prefixes of built keys
    for lang in ("lv", "en"):
        missing = sorted(used - _catalogue_keys(lang))
        assert not missing, f"{lang}: {missing}"


def test_every_scorer_message_and_profile_title_has_words() -> None:
    whatif_source = (
        Path(__file__).resolve().parents[2] / "netsurvey" / "scoring" / "whatif.py"
    ).read_text()
    messages = set(BOTTLENECK_TEXT_EN) | {f"elements.{kind}" for kind in ELEMENT_TEXT_EN}
    messages |= set(re.findall(r'"((?:upgrade|plan\.blocked)\.[a-z_]+)"', whatif_source))
    assert {"upgrade.wan_tier", "plan.blocked.not_enough"} <= messages
    title_ids = {
        scenario.title_id
        for name in available_profiles()
        for scenario in load_profile(name).scenarios
    }
    assert None not in title_ids, "every built-in scenario names its title_id"
    for lang in ("lv", "en"):
        keys = _catalogue_keys(lang)
        assert not sorted(messages - keys), lang
        assert not sorted(
            f"scenario_titles.{t}" for t in title_ids if f"scenario_titles.{t}" not in keys
        )


def test_latvian_catalogue_has_no_english_words() -> None:
    strings = load_locale("lv").strings
    found = {
        key: english_words(str(value))
        for key, value in strings.items()
        if key not in BILINGUAL_KEYS and english_words(str(value))
    }
    assert not found


def test_latvian_numbers_dates_and_units() -> None:
    locale = load_locale("lv")
    words = Words(locale)
    assert locale.number(1234.5, 1) == "1\u00a0234,5"
    assert words.mbps(300) == "300\u00a0Mbit/s" and words.percent(2.41) == "241\u00a0%"
    from datetime import datetime

    assert locale.date(datetime(2026, 12, 4)) == "2026. gada 4. decembris"


def _scorer_note_keys() -> set[str]:
    """Every note key the scorer's source passes to ``note(...)`` / ``Note.of(...)``."""
    scoring = Path(__file__).resolve().parents[2] / "netsurvey" / "scoring"
    keys: set[str] = set()
    for path in scoring.glob("*.py"):
        keys |= set(re.findall(r'(?:\.note|Note\.of)\(\s*"([a-z_0-9]+)"', path.read_text()))
    return keys


def test_every_note_the_scorer_can_write_has_lv_and_en_words() -> None:
    """Each note kind (and each key the scorer's source names) renders in both languages
    with the same parameters as its English ``missing`` sentence; none reads English in lv."""
    from netsurvey.scoring.notes import DIMENSION_NONE, NOTE_KINDS, Note

    used = _scorer_note_keys() | set(DIMENSION_NONE.values())
    assert len(used) >= 15, used
    assert not sorted(used - set(NOTE_KINDS)), "the scorer names a note NOTE_KINDS lacks"
    for lang in ("lv", "en"):
        words = Words(load_locale(lang))
        for key, kind in NOTE_KINDS.items():
            assert words.has(f"missing.{key}"), f"{lang}: missing.{key}"
            holes = set(PLACEHOLDER.findall(str(words.locale.strings[f"missing.{key}"])))
            assert holes == {f"{{{name}}}" for name in kind.params}, f"{lang}: missing.{key}"
            note = Note.of(key, **{name: "x-1" for name in kind.params})
            written = json.loads(json.dumps([note.to_json()]))  # as scores.json holds it
            shown = words.missing_note(missing_notes(written)[0])
            assert "x-1" in shown or not kind.params, (lang, key, shown)
            if lang == "lv":
                assert not english_words(shown), (key, shown)


def test_notes_carry_ids_and_the_english_sentence_for_old_readers() -> None:
    from netsurvey.scoring.notes import Note

    note = Note.of("lan_uplink_guessed", item="sw-2", port="Gi0/1")
    assert note.english == "lan: uplink of sw-2 guessed as Gi0/1 (fastest port)"
    assert note.to_json() == {
        "message": "missing.lan_uplink_guessed",
        "params": {"item": "sw-2", "port": "Gi0/1"},
        "dimension": "lan",
    }
    with pytest.raises(ValueError, match="unknown missing-data note"):
        Note.of("lan_no_such_note")
    with pytest.raises(ValueError, match="expected"):
        Note.of("lan_switch_unread")  # its {item} is required


def test_an_old_english_note_is_never_shown_in_english_in_latvian() -> None:
    """scores.json files written before ``missing_notes`` carry only sentences."""
    lv, en = Words(load_locale("lv")), Words(load_locale("en"))
    old = "lan: uplink of sw-2 guessed as Gi0/1 (fastest port)"
    assert en.missing_note(old) == old
    shown = lv.missing_note(old)
    assert not english_words(shown) and "(LAN)" in shown


def write_survey_maps(work: Path, out: Path) -> None:
    """Real heatmaps in lv and en (`netsurvey wifi point --replay` on the Wi-Fi test
    school's recordings, then `netsurvey wifi heatmap`) into ``out``, as
    ``floor-1-signal[.lv].svg|png``: the report embeds the one in its language."""
    import contextlib
    import io

    from netsurvey.cli import main
    from netsurvey.inventory import load_inventory
    from netsurvey.records import create_visit

    wifi = Path(__file__).resolve().parents[1] / "fixtures" / "wifi"
    inventory = load_inventory(wifi / "school.yaml")
    school = inventory.schools[0]
    survey = create_visit(
        work / "survey", school_id=school.id, school_json=school.to_json(),
        inventory_path=inventory.path, inventory_sha256=inventory.sha256,
        operator="test", visit_id="v1",
    )  # fmt: skip
    commands = [
        ["wifi", "point", "--visit", str(survey), "--room", room, "--scans", "1",
         "--replay", str(wifi / "walk" / f"{room}-1.json")]
        for room in ("101", "102", "103")
    ]  # fmt: skip
    commands.append(
        ["wifi", "heatmap", "--visit", str(survey), "--out", str(out), "--metric", "signal",
         "--lang", "lv", "--lang", "en"]
    )  # fmt: skip
    for argv in commands:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert main(argv) == 0, argv


@pytest.fixture(scope="module")
def latvian_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """scores.json from a real scorer run on the fixture visit, then every lv output
    (the PDF with a real heatmap, made in both languages, in its out/ folder)."""
    import shutil

    from netsurvey.cli import main

    from .conftest import FIXTURES

    work = tmp_path_factory.mktemp("lv")
    shutil.copytree(FIXTURES, work / "ws", symlinks=True)
    visit = work / "ws" / VISIT_REL
    write_survey_maps(work, visit / "out")
    scores = work / "scores.json"
    capture = work / "terminal.txt"
    import contextlib
    import io

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(["score", str(visit), "--out", str(scores), "--draws", "100", "--lang", "lv"])
    assert code == 0, stderr.getvalue()
    capture.write_text(stderr.getvalue(), encoding="utf-8")
    pdf, xlsx, csv_path = work / "r.lv.pdf", work / "s.xlsx", work / "s.csv"
    for argv in (
        ["report", str(visit), "--scores", str(scores), "--lang", "lv", "--out", str(pdf)],
        ["summary", str(visit), "--scores", str(scores), "--lang", "lv", "--out", str(xlsx),
         "--out", str(csv_path)],
    ):  # fmt: skip
        with contextlib.redirect_stderr(io.StringIO()):
            assert main(argv) == 0, argv
    workbook = openpyxl.load_workbook(xlsx)
    cells = [
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]
    text = pdf_text(pdf)
    before_appendix = text.rsplit(load_locale("lv").t("evidence.title"), 1)[0]
    lines = [line for line in capture.read_text().splitlines() if "warning:" not in line]
    return {
        "pdf": before_appendix,
        "xlsx": "\n".join(cells),
        "csv": csv_path.read_text(encoding="utf-8-sig"),
        "terminal": "\n".join(lines),
    }


@requires_tool("pdftotext")
@pytest.mark.parametrize("output", ["pdf", "xlsx", "csv", "terminal"])
def test_latvian_outputs_have_no_english_words(
    latvian_outputs: dict[str, str], output: str
) -> None:
    text = latvian_outputs[output]
    assert len(text) > 100
    found = english_words(text)
    context = [line for line in text.splitlines() if english_words(line)][:5]
    assert not found, f"{output}: {found} in {context}"


@requires_tool("pdftotext")
def test_latvian_pdf_uses_decimal_comma_and_latvian_dates(latvian_outputs: dict[str, str]) -> None:
    text = latvian_outputs["pdf"]
    assert "2026. gada 20. novembris" in text
    numbers = re.findall(r"\b\d+[.,]\d+\s?(?:Mbit/s|W|A|%|ms)", text)
    assert numbers and all("," in n for n in numbers), numbers[:10]


@requires_tool("pdftotext")
def test_each_pdf_embeds_the_heatmap_in_its_own_language(
    latvian_outputs: dict[str, str], tmp_path: Path
) -> None:
    """The Latvian PDF shows the lv map's words (and, via the English-word check above,
    none of the en map's); the English PDF shows the en map."""
    import contextlib
    import io
    import shutil

    from netsurvey.cli import main

    from .conftest import FIXTURES

    lv_text = latvian_outputs["pdf"]
    for words in ("mērījumu punkts", "nav mērīts", "atbilst ≥ -67 dBm", "Signāls (dBm)"):
        assert words in lv_text, words
    assert "survey point" not in lv_text

    shutil.copytree(FIXTURES, tmp_path / "ws", symlinks=True)
    visit = tmp_path / "ws" / VISIT_REL
    write_survey_maps(tmp_path, visit / "out")
    pdf = tmp_path / "r.en.pdf"
    argv = ["report", str(visit), "--scores", str(tmp_path / "ws" / "scores.json"),
            "--lang", "en", "--out", str(pdf)]  # fmt: skip
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(argv) == 0
    en_text = pdf_text(pdf)
    for words in ("survey point, filled with its value", "pass ≥ -67 dBm", "Floor 1"):
        assert words in en_text, words
    assert "mērījumu punkts" not in en_text
