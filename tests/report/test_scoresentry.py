"""The one reader of a scores.json entry: typed, tolerant, missing stays None."""

from __future__ import annotations

import math

from netsurvey.report.locale import load_locale
from netsurvey.report.messages import Words
from netsurvey.report.scoresentry import DIMENSIONS, school_scores
from netsurvey.report.scoresmessages import MissingNote


def test_an_empty_entry_reads_as_nothing_known_never_zero() -> None:
    entry = school_scores({})
    assert entry.school_id is None and entry.overall.score is None
    assert entry.overall.complete and entry.overall.grade is None
    assert [d.key for d in entry.dimensions] == list(DIMENSIONS)
    assert all(d.score is None and d.rho_p90 is None for d in entry.dimensions)
    assert entry.bottleneck is None and entry.upgrade_plan is None and entry.video is None
    assert entry.recommendations == () and entry.missing_notes == () and entry.evidence == ()


def test_wrong_types_are_unknown_and_inf_is_cannot_carry() -> None:
    entry = school_scores(
        {
            "overall": {"score": "57", "grade": ["C"], "status": "complete"},
            "dimensions": {"wifi": {"score": True, "rho_p90": "inf"}, "lan": [1, 2]},
            "scenarios": [{"id": "S2", "dimensions": {"wifi": {"rho_p90": "Infinity"}}}, 7],
            "bottleneck": {"dimension": "wan", "severity": "inf", "params": "not an object"},
            "missing": ["wan: no speedtest samples", None],
        }
    )
    dims = {d.key: d for d in entry.dimensions}
    assert entry.overall.score is None and entry.overall.grade is None
    assert dims["wifi"].score is None and dims["wifi"].rho_p90 == math.inf
    assert dims["lan"].score is None
    assert len(entry.scenarios) == 1 and entry.scenarios[0].cannot_carry
    assert entry.bottleneck is not None and entry.bottleneck.severity == math.inf
    assert entry.bottleneck.params is None and entry.bottleneck.message is None
    assert entry.missing == ("wan: no speedtest samples",)


def test_an_old_entry_without_message_ids_is_worded_from_its_fields() -> None:
    """Before message ids: English sentences in English, generic lines in Latvian."""
    entry = school_scores(
        {
            "bottleneck": {"dimension": "wan", "scenario": "S2", "severity": "inf", "text": "WAN"},
            "recommendations": [{"id": "wan-300", "title": "WAN 300", "cost_eur": 1500}],
            "missing": ["lan: no uplink counters"],
        }
    )
    en, lv = Words(load_locale("en")), Words(load_locale("lv"))
    assert entry.bottleneck is not None
    assert en.bottleneck(entry.bottleneck) == "WAN"
    assert lv.t("states.cannot_carry") in lv.bottleneck(entry.bottleneck)
    assert en.upgrade(entry.recommendations[0]) == "WAN 300"
    assert "wan-300" in lv.upgrade(entry.recommendations[0])
    assert entry.upgrade_plan is None and entry.missing_notes == ()
    assert en.missing_note(entry.missing[0]) == "lan: no uplink counters"


def test_messages_and_params_are_typed() -> None:
    entry = school_scores(
        {
            "bottleneck": {
                "message": "bottleneck.busiest",
                "params": {
                    "element": {"kind": "radio", "ap": "ap-1", "channel": 36, "width_mhz": 80},
                    "room": 101,
                    "placement": "room",
                    "severity_ratio": 0.5,
                },
            },
            "upgrade_plan": {
                "reaches_bar": False,
                "steps": [
                    {
                        "id": "wan-300",
                        "message": "upgrade.wan_tier",
                        "params": {"down_mbps": 300, "up_mbps": 300},
                    },
                    {},
                ],
                "blocking": [
                    {
                        "dimension": "wifi",
                        "message": "plan.blocked.not_enough",
                        "params": {"best_score": 41.0, "tried": "add-ap"},
                    }
                ],
            },
            "missing_notes": [
                {"message": "missing.lan_switch_unread", "params": {"item": "sw-2"}},
                "a sentence is not a note",
            ],
        }
    )
    bottleneck, plan = entry.bottleneck, entry.upgrade_plan
    assert bottleneck is not None and bottleneck.params is not None
    element = bottleneck.params.element
    assert element.kind == "radio" and element.width_mhz == 80.0
    assert dict(element.labels)["channel"] == "36" and bottleneck.params.room == "101"
    assert plan is not None and plan.reaches_bar is False and len(plan.steps) == 1
    step = plan.steps[0]
    assert step.params is not None and step.params.down_mbps == 300.0 and step.cost_eur is None
    assert plan.blocking[0].tried == ("add-ap",) and plan.blocking[0].best_score == 41.0
    assert entry.missing_notes == (
        MissingNote(message="missing.lan_switch_unread", dimension=None, params=(("item", "sw-2"),)),
    )
    en = Words(load_locale("en"))
    assert "sw-2" in en.missing_note(entry.missing_notes[0])
    assert "300" in en.upgrade(step)
