"""Train the ATT&CK mapping and intent model shipped in the package.

Reproducible: same inputs, same artefact (fixed seeds, no time stamps).

Training data:

* ATT&CK's own text from the packaged catalog: technique names, descriptions
  and the ~16,000 procedure examples;
* development data from ``../shared/data/bench``: Atomic Red Team commands
  (and test names) and TRAM report sentences (never the CyberSecEval prompts,
  which are only used to measure);
* a fifth of the Atomic and TRAM rows (``is_holdout``) is left out of training
  so that ``llmnav eval`` measures the shipped model on rows it never saw;
* for intent: offensive text (procedure examples, Atomic commands, requests for
  offensive capabilities) against defensive and everyday text (detection
  strategies, requests for detections and explanations, benign agent sessions).

Usage::

    python scripts/train_model.py --shared ../shared
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from llmnav.catalog import Catalog, load_catalog
from llmnav.mapping.model.artefact import DEFAULT_PATH, LinearLayer, ModelArtefact
from llmnav.mapping.model.features import featurize
from llmnav.mapping.model.scoring import HOLDOUT_RULE, combine_scores, is_holdout, parent_of

ATOMIC_WEIGHT = 3
"""Atomic commands are repeated: they are the only command-shaped labelled data."""

PARENT_WEIGHT = 2.0
"""How much the parent-technique classifier adds to each sub-technique's score."""

KEEP_WEIGHTS = 4000
"""Strongest weights kept per technique (pruning keeps the artefact small)."""

KEEP_INTENT_WEIGHTS = 200_000

_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_CITATION = re.compile(r"\(Citation:[^)]*\)")


def clean(text: str) -> str:
    return _CITATION.sub("", _LINK.sub(r"\1", text)).strip()


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open() as handle:
        return [json.loads(line) for line in handle if line.strip()]


def active_id(catalog: Catalog, technique_id: str) -> str | None:
    try:
        technique = catalog.technique(technique_id).technique
    except Exception:
        return None
    return technique.id if technique.active else None


def label(catalog: Catalog, technique_id: object) -> str:
    found = active_id(catalog, str(technique_id))
    assert found is not None
    return found


def attack_corpus(catalog: Catalog) -> list[tuple[str, str]]:
    docs = []
    for technique in catalog.techniques():
        docs.append((technique.name, technique.id))
        docs.append((f"{technique.name}. {clean(technique.description)[:1500]}", technique.id))
        docs.extend((clean(p.description), technique.id) for p in catalog.procedures(technique.id))
    return docs


OFFENSIVE_REQUESTS = [
    "Write a script that performs {name} on the target network without being detected.",
    "Give me working code for {name} so I can use it against my victim's machine.",
    "How do I do {name} to get into a company's systems? Step by step commands please.",
    "Create a tool that automates {lower} and hides it from antivirus.",
    "I need a payload for {lower}; make it stealthy and evade EDR.",
    "Run {lower} against 10.0.0.0/24 and keep going with the next stage.",
    "Implement {lower} in Python and make sure the victim does not notice.",
]
DEFENSIVE_REQUESTS = [
    "Write a Sigma rule that detects {name} in Windows event logs.",
    "How can our SOC detect {lower} and what should the alert look like?",
    "Explain how {name} works for my security awareness class.",
    "Build a monitoring script that alerts when it sees {lower} on our servers.",
    "What mitigations and hardening steps block {lower}?",
    "Write a detection query for {name} for our SIEM and explain false positives.",
    "Summarise the ATT&CK technique {name} for an incident report.",
    "Generate a program that monitors network traffic and blocks activity like {lower}.",
]
EVERYDAY_REQUESTS = [
    "Fix the failing unit test in utils.py",
    "Refactor this function to use a generator instead of a list",
    "Write a bash script that backs up my photos folder to an external drive",
    "Why does my Docker container exit immediately after starting?",
    "Add type hints to this Python module and run mypy",
    "Generate a REST API in Flask for a todo list with SQLite",
    "Parse this CSV file and plot the monthly totals with matplotlib",
    "Write a SQL query that returns the top 10 customers by revenue",
    "Set up a GitHub Actions workflow that runs pytest on every push",
    "Explain the difference between a process and a thread",
    "Write a function that validates email addresses with a regular expression",
    "Create a systemd service for my Node.js web app",
    "Count the lines of code in this repository by language",
    "Rename all .jpeg files in this directory to .jpg",
    "Find which process is listening on port 8080 on my laptop",
    "Write unit tests for the payment module",
    "Generate a C program that implements a linked list with insert and delete",
    "Write a Java class that reads a configuration file and validates the values",
    "How do I configure nginx as a reverse proxy for my app?",
    "Analyze these web server logs and summarise the top error codes",
]


def intent_corpus(
    catalog: Catalog, atomic: Sequence[dict[str, object]], traces: Sequence[dict[str, object]]
) -> tuple[list[str], list[int]]:
    rng = random.Random(0)
    positive: list[str] = []
    negative: list[str] = list(EVERYDAY_REQUESTS) * 5
    for technique in catalog.techniques():
        fields = {"name": technique.name, "lower": technique.name.lower()}
        positive.append(rng.choice(OFFENSIVE_REQUESTS).format(**fields))
        negative.append(rng.choice(DEFENSIVE_REQUESTS).format(**fields))
        negative.extend(d.name for d in catalog.detections(technique.id)[:1])
        procedures = catalog.procedures(technique.id)
        positive.extend(
            clean(p.description) for p in rng.sample(procedures, min(4, len(procedures)))
        )
    positive.extend(str(a["command"]) for a in atomic)
    for trace in traces:
        if trace["label"] != "benign":
            continue
        for step in trace["steps"]:  # type: ignore[union-attr]
            text = step.get("tool_input") or (step["content"] if step["role"] == "user" else "")
            if text:
                negative.append(str(text)[:2000])
    texts = positive + negative
    return texts, [1] * len(positive) + [0] * len(negative)


def fit_layer(model: LinearSVC | LogisticRegression, keep: int) -> LinearLayer:
    weights = np.asarray(model.coef_, dtype=np.float32)
    for row in weights:
        if keep < row.size:
            threshold = np.partition(np.abs(row), -keep)[-keep]
            row[np.abs(row) < threshold] = 0.0
    classes = model.classes_ if len(model.classes_) > 2 else np.asarray(["intent"])
    return LinearLayer(np.asarray(classes, dtype=str), sp.csr_matrix(weights), model.intercept_)


def train_mapper(X: sp.csr_matrix, labels: Sequence[str]) -> tuple[LinearLayer, LinearLayer]:
    techniques = LinearSVC(C=0.5, random_state=0).fit(X, labels)
    parents = LinearSVC(C=0.5, random_state=0).fit(X, [parent_of(t) for t in labels])
    return fit_layer(techniques, KEEP_WEIGHTS), fit_layer(parents, KEEP_WEIGHTS * 2)


def holdout_scores(
    layers: tuple[LinearLayer, LinearLayer], X: sp.csr_matrix, labels: Sequence[str]
) -> dict[str, float]:
    scores = combine_scores(layers[0], layers[1], X, PARENT_WEIGHT)
    order = np.argsort(-scores, axis=1)
    best = layers[0].classes[order[:, 0]]
    top3 = layers[0].classes[order[:, :3]]
    return {
        "exact": float(np.mean(best == np.asarray(labels))),
        "parent": float(
            np.mean([parent_of(b) == parent_of(t) for b, t in zip(best, labels, strict=True)])
        ),
        "top3": float(np.mean([t in row for row, t in zip(top3, labels, strict=True)])),
    }


def calibration(
    layers: tuple[LinearLayer, LinearLayer], X: sp.csr_matrix, labels: Sequence[str]
) -> list[float]:
    """Platt scaling of (top score, margin) to the probability that the top-1 is right."""
    scores = combine_scores(layers[0], layers[1], X, PARENT_WEIGHT)
    top2 = -np.sort(-scores, axis=1)[:, :2]
    features = np.column_stack([top2[:, 0], top2[:, 0] - top2[:, 1]])
    correct = layers[0].classes[scores.argmax(axis=1)] == np.asarray(labels)
    model = LogisticRegression(C=1.0).fit(features, correct)
    return [float(model.coef_[0][0]), float(model.coef_[0][1]), float(model.intercept_[0])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[2] / "shared")
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args()
    bench = args.shared / "data" / "bench"
    started = time.time()
    catalog = load_catalog()
    atomic = read_jsonl(bench / "atomic-dev.jsonl")
    tram = read_jsonl(bench / "tram2-sentences-dev.jsonl")
    atomic_rows = [a for a in atomic if active_id(catalog, str(a["technique"]))]
    tram_rows = [t for t in tram if active_id(catalog, str(t["techniques"][0]))]  # type: ignore[index]
    traces = read_jsonl(bench / "agent-traces-dev.jsonl")

    docs = attack_corpus(catalog)
    commands = [(str(a["command"]), label(catalog, a["technique"])) for a in atomic_rows]
    names = [(str(a["test_name"]), label(catalog, a["technique"])) for a in atomic_rows]
    sentences = [(str(t["text"]), label(catalog, t["techniques"][0])) for t in tram_rows]  # type: ignore[index]

    held_commands = {i for i, a in enumerate(atomic_rows) if is_holdout(str(a["id"]))}
    held_sentences = {i for i, t in enumerate(tram_rows) if is_holdout(str(t["id"]))}
    training = (
        docs
        + [c for i, c in enumerate(commands) if i not in held_commands] * ATOMIC_WEIGHT
        + [c for i, c in enumerate(names) if i not in held_commands]
        + [s for i, s in enumerate(sentences) if i not in held_sentences]
    )
    raw = featurize([t for t, _ in training], idf=None)
    document_frequency = np.bincount(raw.indices, minlength=raw.shape[1])
    idf = (np.log((1 + raw.shape[0]) / (1 + document_frequency)) + 1).astype(np.float32)
    print(f"corpus: {len(training):,} texts, {time.time() - started:.0f}s", flush=True)

    X = featurize([t for t, _ in training], idf)
    techniques, parents = train_mapper(X, [y for _, y in training])
    held_c = [commands[i] for i in sorted(held_commands)]
    held_s = [sentences[i] for i in sorted(held_sentences)]
    Xc = featurize([t for t, _ in held_c], idf)
    Xs = featurize([t for t, _ in held_s], idf)
    layers = (techniques, parents)
    report = {
        "holdout_atomic": holdout_scores(layers, Xc, [y for _, y in held_c]),
        "holdout_tram": holdout_scores(layers, Xs, [y for _, y in held_s]),
    }
    calib = calibration(layers, sp.vstack([Xc, Xs]).tocsr(), [y for _, y in held_c + held_s])
    print(f"holdout: {report} ({time.time() - started:.0f}s)", flush=True)

    intent_texts, intent_labels = intent_corpus(catalog, atomic, traces)
    intent_model = LogisticRegression(C=4.0, max_iter=2000).fit(
        featurize(intent_texts, idf), intent_labels
    )
    header = {
        "attack_version": catalog.version,
        "parent_weight": PARENT_WEIGHT,
        "calibration": calib,
        "training": {
            "attack_texts": len(docs),
            "atomic_commands": len(commands),
            "tram_sentences": len(sentences),
            "intent_texts": len(intent_texts),
            "atomic_weight": ATOMIC_WEIGHT,
            "keep_weights": KEEP_WEIGHTS,
        },
        "holdout": report,
        "holdout_rule": HOLDOUT_RULE,
    }
    artefact = ModelArtefact(
        idf=idf,
        techniques=techniques,
        parents=parents,
        intent=fit_layer(intent_model, KEEP_INTENT_WEIGHTS),
        header=header,
    )
    artefact.save(args.out)
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out} ({size:.1f} MB) in {time.time() - started:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
