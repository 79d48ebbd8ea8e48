"""``Catalog.search``: exact ids, then names and aliases, then BM25 text matches."""

from __future__ import annotations

import pytest

from llmnav.catalog import Catalog
from llmnav.catalog.search import Doc, SearchIndex, plain_text, tokenize
from llmnav.errors import CatalogError


def test_search_exact_id_first_then_subtechniques(mini_catalog: Catalog) -> None:
    hits = mini_catalog.search("T1003")
    assert [(h.id, h.match) for h in hits[:2]] == [("T1003", "id"), ("T1003.001", "parent")]


def test_search_exact_name_beats_text(mini_catalog: Catalog) -> None:
    hits = mini_catalog.search("brute force")
    assert (hits[0].id, hits[0].match) == ("T1110", "name")


def test_search_alias_finds_group(mini_catalog: Catalog) -> None:
    hits = mini_catalog.search("Fancy Bear")
    assert (hits[0].kind, hits[0].id, hits[0].match) == ("group", "G0007", "alias")


def test_search_text_ranks_most_specific_first(mini_catalog: Catalog) -> None:
    hits = mini_catalog.search("dump lsass memory")
    assert hits[0].id == "T1003.001" and hits[0].match == "text"
    assert hits[0].score >= hits[-1].score


def test_search_revoked_id_finds_replacement_with_note(mini_catalog: Catalog) -> None:
    hit = mini_catalog.search("T1081")[0]
    assert (hit.id, hit.match) == ("T1552", "id")
    assert hit.note == "T1081 was revoked and replaced by T1552 (Unsecured Credentials)"


def test_search_leaves_out_inactive_unless_asked(mini_catalog: Catalog) -> None:
    assert "T1062" not in [h.id for h in mini_catalog.search("hypervisor rootkit")]
    hits = mini_catalog.search("hypervisor", active_only=False)
    assert (hits[0].id, hits[0].match) == ("T1062", "name")


def test_search_kinds_and_limit(mini_catalog: Catalog) -> None:
    hits = mini_catalog.search("credentials", limit=2, kinds=["software"])
    assert [h.kind for h in hits] == ["software"]
    assert len(mini_catalog.search("credential", limit=2)) == 2
    assert mini_catalog.search("   ") == []
    with pytest.raises(CatalogError, match="Unknown search kind 'actor'"):
        mini_catalog.search("x", kinds=["actor"])


def test_tokenize_stems_and_drops_stop_words() -> None:
    assert tokenize("Dumping the credentials") == ["dump", "credential"]
    assert plain_text("[Net](https://x/S0039) runs <code>net use</code>") == "Net runs net use"


def test_search_index_bm25_prefers_name_words() -> None:
    index = SearchIndex(
        [
            Doc("technique", "T1", "Web Shell", (), "a script on a server"),
            Doc("technique", "T2", "Server Software", (), "web shell web shell mentioned"),
        ]
    )
    assert [doc.id for doc, _ in index.query("web shell")] == ["T1", "T2"]
