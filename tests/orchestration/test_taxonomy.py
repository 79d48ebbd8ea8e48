"""The AIO taxonomy: loading, checks, lookups, and docs/aio.md kept in step with aio.yaml."""

from __future__ import annotations

import copy
import doctest
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

import llmnav.orchestration.taxonomy
from llmnav.config import load_config
from llmnav.errors import CatalogError
from llmnav.orchestration.taxonomy import (
    AioTactic,
    AioTechnique,
    load_taxonomy,
    parse_taxonomy,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "aio.md"
SHARED_SETTINGS = ("min_confidence", "min_intent", "ignore_hosts")


def raw() -> dict[str, Any]:
    text = resources.files("llmnav").joinpath("orchestration/data/aio.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def normalise(text: str) -> str:
    return " ".join(text.split())


def test_taxonomy_docstrings_run() -> None:
    result = doctest.testmod(llmnav.orchestration.taxonomy, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_taxonomy_loads_four_tactics_and_ten_techniques_in_file_order() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.version == "1.0"
    assert [t.id for t in taxonomy.tactics] == ["AIO.TA01", "AIO.TA02", "AIO.TA03", "AIO.TA04"]
    assert [t.id for t in taxonomy.techniques] == [f"AIO.T{n:04d}" for n in range(1, 11)]
    assert taxonomy.tactics[0] == AioTactic(
        id="AIO.TA01",
        shortname="aio-autonomy",
        name="Autonomous Operation",
        description=taxonomy.tactics[0].description,
    )
    assert isinstance(taxonomy.technique("AIO.T0009"), AioTechnique)


def test_taxonomy_is_cached() -> None:
    assert load_taxonomy() is load_taxonomy()


def test_taxonomy_lookups() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.tactic_of("AIO.T0010").shortname == "aio-evasion"
    assert taxonomy.tactic("aio-leverage").id == "AIO.TA03"
    assert [t.id for t in taxonomy.techniques_of("AIO.TA03")] == ["AIO.T0006", "AIO.T0009"]
    assert taxonomy.technique("AIO.T0001").config_key == "T0001"


def test_taxonomy_unknown_ids_raise_catalog_error() -> None:
    taxonomy = load_taxonomy()
    with pytest.raises(CatalogError, match=r"Unknown AIO technique 'T1059'"):
        taxonomy.technique("T1059")
    with pytest.raises(CatalogError, match=r"Unknown AIO tactic 'AIO.TA09'"):
        taxonomy.tactic("AIO.TA09")


def test_taxonomy_definitions_are_one_line_text() -> None:
    for technique in load_taxonomy().techniques:
        assert technique.definition == normalise(technique.definition)
        assert technique.definition.endswith(".")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["techniques"][1].update(id="AIO.T0001"), "Duplicate technique id 'AIO.T0001'"),
        (lambda d: d["techniques"][0].update(id="AIO.1"), "does not match AIO.T<4 digits>"),
        (lambda d: d["tactics"][0].update(id="TA01"), "does not match AIO.TA<2 digits>"),
        (lambda d: d["tactics"][1].update(id="AIO.TA01"), "Duplicate tactic 'AIO.TA01'"),
        (lambda d: d["tactics"][1].update(shortname="aio-autonomy"), "Duplicate tactic"),
        (lambda d: d["tactics"][0].update(shortname="Aio Autonomy"), "is not lowercase"),
        (lambda d: d["techniques"][2].update(tactic="AIO.TA09"), "Unknown tactic 'AIO.TA09'"),
        (lambda d: d["techniques"][3].pop("definition"), "Missing or empty 'definition'"),
        (lambda d: d.update(techniques=[]), "'techniques' must be a non-empty list"),
    ],
)
def test_taxonomy_invalid_file_is_rejected(change: Any, message: str) -> None:
    data = copy.deepcopy(raw())
    change(data)
    with pytest.raises(CatalogError, match=re.escape(message)) as caught:
        parse_taxonomy(data)
    assert caught.value.location is not None
    assert caught.value.location.path == "orchestration/data/aio.yaml"


def test_taxonomy_error_names_the_field() -> None:
    data = copy.deepcopy(raw())
    data["techniques"][2]["tactic"] = "AIO.TA09"
    with pytest.raises(CatalogError) as caught:
        parse_taxonomy(data)
    assert str(caught.value) == (
        "Unknown tactic 'AIO.TA09' in orchestration/data/aio.yaml (field techniques[2].tactic)"
    )


def test_taxonomy_settings_exist_in_the_configuration() -> None:
    orchestration = load_config().orchestration
    for technique in load_taxonomy().techniques:
        section = getattr(orchestration, technique.config_key, None)
        for setting in technique.settings:
            if setting in SHARED_SETTINGS:
                assert hasattr(orchestration, setting), setting
            else:
                assert section is not None and hasattr(section, setting), (technique.id, setting)


def test_docs_repeat_every_id_name_and_definition_verbatim() -> None:
    docs = normalise(DOCS.read_text(encoding="utf-8"))
    data = raw()
    for tactic in data["tactics"]:
        for key in ("id", "shortname", "name", "description"):
            assert normalise(tactic[key]) in docs, (tactic["id"], key)
    for technique in data["techniques"]:
        for key in ("id", "name", "definition"):
            assert normalise(technique[key]) in docs, (technique["id"], key)
        assert f"### {technique['id']} {technique['name']}" in docs


def test_docs_name_every_setting_of_every_behaviour() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    orchestration = load_config().orchestration
    for technique in load_taxonomy().techniques:
        section_text = docs.split(f"### {technique.id} ", 1)[1].split("\n### ", 1)[0]
        section = getattr(orchestration, technique.config_key, None)
        for name in type(section).model_fields if section is not None else ():
            value = getattr(section, name)
            entry = f"`orchestration.{technique.config_key}.{name}`"
            assert entry in section_text, entry
            if not isinstance(value, tuple):
                assert f"{entry} (default {value:g})" in section_text, entry
        for name in technique.settings:
            if name in SHARED_SETTINGS:
                assert f"`orchestration.{name}` (shared" in section_text, (technique.id, name)


def test_docs_explain_strength_and_loading_in_the_navigator() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for heading in ("## Tactics", "## Behaviours", "## Evidence and strength"):
        assert f"\n{heading}\n" in docs
    assert "\n## Load the AIO matrix in the stock ATT&CK Navigator\n" in docs
    assert "llmnav aio bundle -o aio-bundle.json" in docs
    assert '"identifier": "aio"' in docs and "OUT/layers/aio-" in docs
    assert "strength **0.5**" in docs and "**1.0** at twice the threshold" in docs
