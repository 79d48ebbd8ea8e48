"""Threat-intel signals: catalog names and indicator feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmnav.catalog import Catalog
from llmnav.config import Config
from llmnav.errors import ConfigError
from llmnav.scoring import NameMatcher, load_intel


def test_name_matcher_finds_groups_malware_and_tools_as_whole_words(
    catalog: Catalog, config: Config
) -> None:
    names = NameMatcher.from_catalog(catalog, config.aries)
    found = names.find("Run mimikatz.exe, then a Cobalt Strike beacon like APT28 does.")
    assert [(h.entity_id, h.kind) for h in found] == [
        ("S0002", "tool"),
        ("S0154", "malware"),
        ("G0007", "group"),
    ]


def test_name_matcher_ignores_everyday_words_and_system_utilities(
    catalog: Catalog, config: Config
) -> None:
    names = NameMatcher.from_catalog(catalog, config.aries)
    assert names.find("net user; ping the page anchor; ipconfig; Expand the tick box") == []


def test_csv_feed_matches_indicators_not_inside_longer_tokens(tmp_path: Path) -> None:
    feed_file = tmp_path / "feed.csv"
    feed_file.write_text(
        "Indicator,Type,Description\n203.0.113.77,ipv4-addr,drop\nevil.example,domain-name,c2\n"
    )
    feed = load_intel(feed_file)
    assert [i.value for i in feed.match("curl http://EVIL.example/x; ping 203.0.113.77")] == [
        "203.0.113.77",
        "evil.example",
    ]
    assert feed.match("203.0.113.771 and notevil.example") == []


def test_stix_feed_reads_indicator_patterns(tmp_path: Path) -> None:
    bundle = {
        "type": "bundle",
        "id": "bundle--1",
        "objects": [
            {"type": "indicator", "id": "indicator--1", "name": "drop server",
             "pattern": "[ipv4-addr:value = '198.51.100.9'] OR [domain-name:value = 'x.test']",
             "pattern_type": "stix"},
            {"type": "malware", "id": "malware--1", "name": "ignored"},
        ],
    }  # fmt: skip
    feed_file = tmp_path / "feed.json"
    feed_file.write_text(json.dumps(bundle))
    feed = load_intel(feed_file)
    assert [(i.value, i.kind, i.label) for i in feed.indicators] == [
        ("198.51.100.9", "ipv4-addr", "drop server"),
        ("x.test", "domain-name", "drop server"),
    ]


def test_csv_feed_without_indicator_column_names_the_file(tmp_path: Path) -> None:
    feed_file = tmp_path / "bad.csv"
    feed_file.write_text("ip,note\n1.2.3.4,x\n")
    with pytest.raises(ConfigError, match="needs an `indicator`") as error:
        load_intel(feed_file)
    assert error.value.location is not None
    assert error.value.location.path.endswith("bad.csv")


def test_missing_or_empty_feed_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read intel file"):
        load_intel(tmp_path / "nope.csv")
    empty = tmp_path / "empty.json"
    empty.write_text('{"type": "bundle", "objects": []}')
    with pytest.raises(ConfigError, match="holds no indicators"):
        load_intel(empty)
