"""Reading the model's answer: untrusted JSON in, checked candidates out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmnav.catalog import Catalog, load_catalog
from llmnav.mapping.base import Candidate
from llmnav.mapping.llm import EVIDENCE_PENALTY, AnswerError, read_answer
from llmnav.mapping.llm.answer import extract_json, find_evidence

MIMIKATZ = 'powershell -c "mimikatz sekurlsa::logonpasswords"'


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def answer(*techniques: dict[str, Any], key: str = "1") -> str:
    return json.dumps({"results": [{"id": key, "techniques": list(techniques)}]})


def tech(technique_id: Any, confidence: Any = 0.9, evidence: Any = "mimikatz") -> dict[str, Any]:
    return {"technique_id": technique_id, "confidence": confidence, "evidence": evidence}


def test_read_answer_keeps_good_candidates_best_first(catalog: Catalog) -> None:
    text = answer(
        tech("T1059.001", 0.6, "powershell"),
        tech("T1003.001", 0.95, "sekurlsa::logonpasswords"),
    )
    assert read_answer(text, [MIMIKATZ], catalog, detail="llm m") == [
        [
            Candidate("T1003.001", 0.95, "sekurlsa::logonpasswords", "llm m"),
            Candidate("T1059.001", 0.6, "powershell", "llm m"),
        ]
    ]


def test_read_answer_ignores_text_and_code_fences_around_the_json(catalog: Catalog) -> None:
    text = f"Here is the mapping:\n```json\n{answer(tech('T1003.001'))}\n```\nLet me know!"
    assert [c.technique_id for c in read_answer(text, [MIMIKATZ], catalog)[0] or []] == [
        "T1003.001"
    ]
    chatty = f"Sure. {answer(tech('T1003.001'))} I hope this helps {{not json}}"
    assert read_answer(chatty, [MIMIKATZ], catalog)[0] == read_answer(text, [MIMIKATZ], catalog)[0]


@pytest.mark.parametrize("text", ["", "I cannot help with that.", '{"results": [', "42"])
def test_read_answer_without_json_raises_answer_error(catalog: Catalog, text: str) -> None:
    with pytest.raises(AnswerError, match=r"^The model's answer has no JSON object"):
        read_answer(text, [MIMIKATZ], catalog)


def test_read_answer_drops_unknown_malformed_and_deprecated_ids(catalog: Catalog) -> None:
    text = answer(
        tech("T9999"),  # not in ATT&CK
        tech("T1026"),  # deprecated, no replacement
        tech("TA0006"),  # a tactic
        tech("mimikatz"),
        tech(1003),
        tech("T1003.001 - LSASS Memory"),  # id with its name is fine
    )
    found = read_answer(text, [MIMIKATZ], catalog)[0]
    assert [c.technique_id for c in found or []] == ["T1003.001"]


def test_read_answer_follows_revoked_ids_and_merges_duplicates(catalog: Catalog) -> None:
    text = answer(
        tech("T1002", 0.8, "powershell"),  # revoked: T1560 Archive Collected Data
        tech("T1560", 0.4, "powershell"),
        tech("t1003/001", 0.7, "mimikatz"),
    )
    found = read_answer(text, [MIMIKATZ], catalog, detail="llm m")[0]
    assert found == [
        Candidate(
            "T1560",
            0.8,
            "powershell",
            "llm m; T1002 was revoked and replaced by T1560 (Archive Collected Data)",
        ),
        Candidate("T1003.001", 0.7, "mimikatz", "llm m"),
    ]


@pytest.mark.parametrize(
    ("confidence", "score"),
    [(1.7, 1.0), (-0.2, 0.0), (85, 1.0), ("0.25", 0.25), (1, 1.0), (float("inf"), 1.0)],
)
def test_read_answer_clamps_scores_to_0_1(catalog: Catalog, confidence: Any, score: float) -> None:
    found = read_answer(answer(tech("T1003.001", confidence)), [MIMIKATZ], catalog)[0]
    assert [c.score for c in found or []] == [score]


@pytest.mark.parametrize("confidence", ["null", '"high"', "true", "[0.9]", "NaN"])
def test_read_answer_drops_candidates_without_a_numeric_confidence(
    catalog: Catalog, confidence: str
) -> None:
    entry = f'{{"technique_id": "T1003.001", "confidence": {confidence}, "evidence": "x"}}'
    text = f'{{"results": [{{"id": "1", "techniques": [{entry}]}}]}}'
    assert read_answer(text, [MIMIKATZ], catalog) == [[]]


def test_read_answer_drops_evidence_not_in_the_input_and_lowers_the_score(
    catalog: Catalog,
) -> None:
    text = answer(
        tech("T1003.001", 0.9, "procdump -ma lsass.exe"),  # invented
        tech("T1059.001", 0.8, None),  # missing
    )
    found = read_answer(text, [MIMIKATZ], catalog)[0]
    assert found == [
        Candidate("T1003.001", round(0.9 * EVIDENCE_PENALTY, 4), "", "llm"),
        Candidate("T1059.001", round(0.8 * EVIDENCE_PENALTY, 4), "", "llm"),
    ]


def test_read_answer_keeps_the_inputs_own_text_for_evidence_differing_in_case(
    catalog: Catalog,
) -> None:
    found = read_answer(answer(tech("T1003.001", 0.9, "MIMIKATZ  SEKURLSA")), [MIMIKATZ], catalog)
    assert [c.evidence for c in found[0] or []] == ["mimikatz sekurlsa"]


def test_read_answer_maps_results_to_inputs_by_id_and_ignores_strangers(catalog: Catalog) -> None:
    text = json.dumps(
        {
            "results": [
                {"id": 2, "techniques": [tech("T1033", 0.7, "whoami")]},
                {"id": "7", "techniques": [tech("T1003.001")]},
                "nonsense",
                {"id": "1", "techniques": "T1003.001"},
            ],
            "note": "extra keys are ignored",
        }
    )
    found = read_answer(text, [MIMIKATZ, "whoami /all", "ls"], catalog)
    assert found == [None, [Candidate("T1033", 0.7, "whoami", "llm")], None]


def test_read_answer_cuts_to_max_techniques(catalog: Catalog) -> None:
    scores = {"T1059.001": 0.9, "T1059": 0.8, "T1003": 0.7, "T1003.001": 0.6}
    text = answer(*(tech(t, s, "powershell") for t, s in scores.items()))
    found = read_answer(text, [MIMIKATZ], catalog, max_techniques=2)[0]
    assert [c.technique_id for c in found or []] == ["T1059.001", "T1059"]


def test_read_answer_salvages_complete_results_from_a_cut_off_answer(catalog: Catalog) -> None:
    full = json.dumps(
        {
            "results": [
                {"id": "1", "techniques": [tech("T1003.001")]},
                {"id": "2", "techniques": [tech("T1033", 0.7, "whoami")]},
            ]
        }
    )
    cut = full[: full.index('"whoami"}')]
    found = read_answer(cut, [MIMIKATZ, "whoami /all"], catalog)
    assert [c.technique_id for c in found[0] or []] == ["T1003.001"]
    assert found[1] is None


def test_extract_json_prefers_the_whole_text_then_fences_then_the_first_object() -> None:
    assert extract_json('{"a": 1}') == {"a": 1}
    assert extract_json('```\n{"a": 2}\n```') == {"a": 2}
    assert extract_json('noise {"a": 3} {"a": 4}') == {"a": 3}


def test_find_evidence_requires_a_span_of_the_input() -> None:
    assert find_evidence("sekurlsa", MIMIKATZ) == "sekurlsa"
    assert find_evidence("Sekurlsa::LogonPasswords", MIMIKATZ) == "sekurlsa::logonpasswords"
    assert find_evidence("lsass.exe", MIMIKATZ) is None
    assert find_evidence("  ", MIMIKATZ) is None
