"""ARiES scoring: actor profiles, the score with its breakdown, technique scores, actors.csv.

>>> from llmnav.catalog import load_catalog
>>> from llmnav.config import load_config
>>> from llmnav.scoring import score_store, load_scores, write_actors_csv
>>> from llmnav.store.duckdb import Store
>>> with Store.open(":memory:") as store:
...     score_store(store, load_config(), load_catalog())
[]

See ``docs/aries.md`` for what each part measures and how to tune it.
"""

from __future__ import annotations

from llmnav.scoring.aries import (
    load_scores,
    save_scores,
    score_profile,
    score_profiles,
    score_store,
)
from llmnav.scoring.config import AriesConfig
from llmnav.scoring.intel import Indicator, IntelFeed, NameMatcher, load_intel
from llmnav.scoring.model import DIMENSIONS, ActorScore, Component, TechniqueScore
from llmnav.scoring.outputs import (
    ACTORS_CSV_COLUMNS,
    TECHNIQUES_CSV_COLUMNS,
    write_actors_csv,
    write_techniques_csv,
)
from llmnav.scoring.profile import (
    ActionEvidence,
    ActorProfile,
    TechniqueUse,
    build_profiles,
)
from llmnav.scoring.rubric import Grade, LlmGrader, grade_rubric
from llmnav.scoring.techniques import risk_weight, risk_weights, technique_scores

__all__ = [
    "ACTORS_CSV_COLUMNS",
    "DIMENSIONS",
    "TECHNIQUES_CSV_COLUMNS",
    "ActionEvidence",
    "ActorProfile",
    "ActorScore",
    "AriesConfig",
    "Component",
    "Grade",
    "Indicator",
    "IntelFeed",
    "LlmGrader",
    "NameMatcher",
    "TechniqueScore",
    "TechniqueUse",
    "build_profiles",
    "grade_rubric",
    "load_intel",
    "load_scores",
    "risk_weight",
    "risk_weights",
    "save_scores",
    "score_profile",
    "score_profiles",
    "score_store",
    "technique_scores",
    "write_actors_csv",
    "write_techniques_csv",
]
