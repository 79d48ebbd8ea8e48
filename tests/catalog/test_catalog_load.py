"""Catalog files, ``load_catalog`` and ``import_bundle``."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from typing import Any

import pytest

from llmnav.catalog import build_catalog_data, import_bundle, load_catalog, read_bundle
from llmnav.catalog.files import dumps_catalog, read_catalog_file, write_catalog_file
from llmnav.catalog.load import catalog_files, user_catalog_dir
from llmnav.errors import CatalogError

DATA = Path(__file__).resolve().parent.parent / "data" / "catalog"
MINI = DATA / "mini-attack.json"


def test_catalog_file_is_deterministic_and_round_trips(
    mini_bundle: dict[str, Any], tmp_path: Path
) -> None:
    data = build_catalog_data(mini_bundle, source=MINI.name)
    assert dumps_catalog(data) == dumps_catalog(build_catalog_data(mini_bundle, source=MINI.name))
    path = write_catalog_file(data, tmp_path / "enterprise-attack-99.1.jsonl.gz")
    header, parts = read_catalog_file(path)
    assert header["meta"] == data["meta"] and header["core"] == data["core"]
    assert sorted(parts) == ["detections", "procedures"]
    # The file is plain gzip: one JSON line per part.
    assert len(gzip.decompress(path.read_bytes()).splitlines()) == 3


def test_import_bundle_writes_loadable_catalog(tmp_path: Path) -> None:
    catalog = import_bundle(MINI, tmp_path)
    assert Path(catalog.source) == tmp_path / "enterprise-attack-99.1.jsonl.gz"
    assert catalog.meta["source"] == "mini-attack.json"
    assert len(catalog.meta["source_sha256"]) == 64
    again = load_catalog(path=tmp_path, version="99.1")
    assert again is catalog  # cached per file
    assert again.technique("T1081").id == "T1552"
    assert [p.source_id for p in again.procedures("T1003.001")] == ["G0007", "S0002"]
    assert again.detections("T1003.001")[0].id == "DET0001"


def test_import_bundle_reads_gzip(tmp_path: Path) -> None:
    packed = tmp_path / "mini-attack.json.gz"
    packed.write_bytes(gzip.compress(MINI.read_bytes()))
    catalog = import_bundle(packed, tmp_path / "out")
    assert catalog.version == "99.1"
    assert catalog_files(tmp_path / "out") == {
        ("enterprise-attack", "99.1"): tmp_path / "out" / "enterprise-attack-99.1.jsonl.gz"
    }


def test_import_bundle_defaults_to_user_catalog_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMNAV_CATALOG_DIR", str(tmp_path / "home"))
    assert user_catalog_dir() == tmp_path / "home"
    import_bundle(MINI)
    assert load_catalog(version="99.1").version == "99.1"
    assert load_catalog("enterprise").version == "18.1"  # the packaged one stays the default


def test_load_catalog_checks_domain_and_version_of_a_file(tmp_path: Path) -> None:
    path = Path(import_bundle(MINI, tmp_path).source)
    with pytest.raises(CatalogError) as info:
        load_catalog("mobile", path)
    assert str(info.value) == f"This catalog holds enterprise-attack, not mobile-attack in {path}"
    with pytest.raises(CatalogError, match=r"This catalog is ATT&CK 99\.1, not 17\.0"):
        load_catalog(path=path, version="17.0")


def test_load_catalog_picks_newest_version_in_directory(
    mini_bundle: dict[str, Any], tmp_path: Path
) -> None:
    import_bundle(MINI, tmp_path)
    older = build_catalog_data(mini_bundle, version="9.0", source="old.json")
    older["meta"]["version"] = "9.0"
    write_catalog_file(older, tmp_path / "enterprise-attack-9.0.jsonl.gz")
    assert load_catalog(path=tmp_path).version == "99.1"
    assert load_catalog(path=tmp_path, version="9.0").version == "9.0"


def test_load_catalog_reloads_a_changed_file(tmp_path: Path) -> None:
    first = import_bundle(MINI, tmp_path)
    path = Path(first.source)
    path.write_bytes(path.read_bytes())  # same content, new mtime
    shutil.copystat(MINI, path)  # an old mtime, different from the first load
    assert load_catalog(path=path) is not first


def test_load_catalog_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMNAV_CATALOG_DIR", str(tmp_path / "none"))
    with pytest.raises(CatalogError, match="Unknown ATT&CK domain 'pre-attack'"):
        load_catalog("pre-attack")
    with pytest.raises(CatalogError, match=r"ATT&CK 12\.0 of enterprise-attack is not installed"):
        load_catalog(version="12.0")
    with pytest.raises(CatalogError, match="No enterprise-attack catalog; import a bundle"):
        load_catalog(path=tmp_path)
    with pytest.raises(CatalogError, match="Cannot read catalog file: No such file"):
        load_catalog(path=tmp_path / "missing.jsonl.gz")


def test_loading_a_stix_bundle_as_catalog_explains(tmp_path: Path) -> None:
    packed = tmp_path / "bundle.jsonl.gz"
    packed.write_bytes(gzip.compress(MINI.read_bytes()))
    with pytest.raises(CatalogError) as info:
        load_catalog(path=packed)
    assert str(info.value) == (
        "This is a STIX bundle, not an llmnav catalog; import it first with "
        f"`llmnav catalog import BUNDLE` (or llmnav.catalog.import_bundle) in {packed}"
    )


def test_loading_a_damaged_catalog_names_the_file(tmp_path: Path) -> None:
    path = Path(import_bundle(MINI, tmp_path).source)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(CatalogError) as info:
        load_catalog(path=path)
    assert str(info.value) == (
        "The catalog file is damaged (the parts after the header do not add up); "
        f"rebuild it with `llmnav catalog import BUNDLE` in {path}"
    )
    path.write_bytes(b"plain text")
    with pytest.raises(CatalogError, match="Not an llmnav catalog file"):
        load_catalog(path=path)


def test_broken_bundle_error_names_file_and_line() -> None:
    broken = DATA / "broken.json"
    with pytest.raises(CatalogError) as info:
        import_bundle(broken)
    assert info.value.location is not None
    assert (info.value.location.path, info.value.location.line) == (str(broken), 3)
    assert str(info.value) == (
        "Cannot read STIX bundle: not valid JSON (Expecting property name enclosed in double "
        f"quotes, column 1) in {broken}:3"
    )


def test_bundle_without_attack_objects_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as info:
        import_bundle(DATA / "no-attack.json", tmp_path)
    assert str(info.value) == (
        "Cannot tell the ATT&CK version: the bundle has no x-mitre-collection with "
        "x_mitre_version; pass the version explicitly in no-attack.json"
    )
    with pytest.raises(CatalogError, match=r"no x-mitre-tactic objects .* in no-attack\.json"):
        import_bundle(DATA / "no-attack.json", tmp_path, version="1.0", domain="enterprise")
    assert list(tmp_path.iterdir()) == []


def test_read_bundle_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"Cannot read STIX bundle: No such file or directory"):
        read_bundle(tmp_path / "nope.json")
    bad_gzip = tmp_path / "bad.json.gz"
    bad_gzip.write_bytes(gzip.compress(b'{"type": "bundle"')[:-8])
    with pytest.raises(CatalogError, match=r"Cannot read STIX bundle: .* in .*bad\.json\.gz$"):
        read_bundle(bad_gzip)
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CatalogError, match="the file holds JSON but not an object"):
        read_bundle(listing)
