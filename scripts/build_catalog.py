"""Build the packaged ATT&CK catalogs from the STIX bundles in ``SHARED/data/attack``.

Usage::

    python scripts/build_catalog.py --shared ../shared      # or: make catalog

For every ``<domain>-<version>.json.gz`` bundle it writes
``src/llmnav/catalog/data/<domain>.jsonl.gz`` and checks the catalog's counts against
the bundle's ``<domain>-<version>.counts.json`` when there is one. It also copies
MITRE's ``LICENSE-ATTACK.txt`` and writes ``NOTICE``. The output is deterministic: the
same bundles give the same bytes. Exit status 1 when a count does not match.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from llmnav.catalog.files import SUFFIX, write_catalog_file
from llmnav.catalog.load import read_bundle
from llmnav.catalog.stix import build_catalog_data

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "src" / "llmnav" / "catalog" / "data"
BUNDLE = re.compile(r"^(?P<domain>[a-z]+-attack)-(?P<version>\d[\d.]*)\.json\.gz$")

NOTICE = """\
llmnav ships data from MITRE ATT&CK®.

This project makes use of ATT&CK®. The files {files} in this directory are
derived from the MITRE ATT&CK® STIX 2.1 bundles, ATT&CK v{versions}
(https://attack.mitre.org/, https://github.com/mitre-attack/attack-stix-data).
They hold a reshaped subset of those bundles: ids, names, descriptions (citation
markers removed), platforms, tactics, relationships, aliases, procedure examples and
detection strategies.

MITRE ATT&CK® and ATT&CK® are registered trademarks of The MITRE Corporation.
ATT&CK® is © The MITRE Corporation:

"© 2025 The MITRE Corporation. This work is reproduced and distributed with the
permission of The MITRE Corporation."

The ATT&CK license and disclaimers are in LICENSE-ATTACK.txt next to this file. The
full ATT&CK Terms of Use are at https://attack.mitre.org/resources/terms-of-use/.
"""

# counts.json key -> catalog stats key
CHECKS = {
    "techniques_active": "techniques",
    "subtechniques_active": "subtechniques",
    "uses_to_technique_active": "procedures",
    "attack_patterns_revoked": "techniques_revoked",
    "attack_patterns_deprecated_not_revoked": "techniques_deprecated",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _expected(counts: dict[str, Any]) -> dict[str, int]:
    """The catalog stats that a bundle's counts file pins down."""
    out = {ours: int(counts[theirs]) for theirs, ours in CHECKS.items() if theirs in counts}
    by_type = counts.get("objects_by_type", {})
    if "tactics" in counts:
        out["tactics"] = len(counts["tactics"])
    if "intrusion-set" in by_type:
        out["groups"] = int(by_type["intrusion-set"]["active"])
    if "campaign" in by_type:
        out["campaigns"] = int(by_type["campaign"]["active"])
    out["software"] = sum(int(by_type.get(t, {}).get("active", 0)) for t in ("malware", "tool"))
    for kind, key in (
        ("x-mitre-detection-strategy", "detection_strategies"),
        ("x-mitre-analytic", "analytics"),
        ("x-mitre-data-component", "data_components"),
    ):
        if kind in by_type:
            out[key] = int(by_type[kind]["active"])
    return out


def build(shared: Path, out_dir: Path = DEFAULT_OUT) -> list[dict[str, Any]]:
    """Build every bundle under ``shared/data/attack`` into ``out_dir``; return a report."""
    attack = shared / "data" / "attack"
    bundles = sorted(p for p in attack.glob("*.json.gz") if BUNDLE.match(p.name))
    if not bundles:
        raise SystemExit(f"error: no <domain>-<version>.json.gz bundles in {attack}")
    report: list[dict[str, Any]] = []
    versions: list[str] = []
    files: list[str] = []
    for bundle_path in bundles:
        data = build_catalog_data(read_bundle(bundle_path), source=bundle_path.name)
        data["meta"]["source_sha256"] = _sha256(bundle_path)
        meta = data["meta"]
        out = write_catalog_file(data, out_dir / f"{meta['domain']}{SUFFIX}")
        files.append(out.name)
        versions.append(f"{meta['version']} ({meta['domain']})")
        counts_path = bundle_path.with_name(bundle_path.name.replace(".json.gz", ".counts.json"))
        mismatches: dict[str, tuple[int, int]] = {}
        if counts_path.exists():
            expected = _expected(json.loads(counts_path.read_text(encoding="utf-8")))
            mismatches = {
                key: (want, meta["counts"].get(key, -1))
                for key, want in expected.items()
                if meta["counts"].get(key) != want
            }
        report.append(
            {
                "bundle": bundle_path.name,
                "catalog": out.name,
                "bytes": out.stat().st_size,
                "domain": meta["domain"],
                "version": meta["version"],
                "counts": meta["counts"],
                "checked": counts_path.exists(),
                "mismatches": mismatches,
            }
        )
    license_src = attack / "LICENSE-ATTACK.txt"
    if license_src.exists():
        shutil.copyfile(license_src, out_dir / "LICENSE-ATTACK.txt")
    (out_dir / "NOTICE").write_text(
        NOTICE.format(files=", ".join(files), versions=", ".join(versions)), encoding="utf-8"
    )
    return report


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    report = build(args.shared, args.out)
    failed = False
    for entry in report:
        c = entry["counts"]
        status = "counts ok" if entry["checked"] else "no counts file"
        if entry["mismatches"]:
            failed = True
            status = "MISMATCH " + ", ".join(
                f"{k}: want {w} got {g}" for k, (w, g) in entry["mismatches"].items()
            )
        print(
            f"{entry['catalog']}: ATT&CK {entry['version']} {entry['domain']}, "
            f"{c['tactics']} tactics, {c['techniques']} techniques, "
            f"{c['subtechniques']} sub-techniques, {c['procedures']} procedures, "
            f"{entry['bytes']:,} bytes; {status}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
