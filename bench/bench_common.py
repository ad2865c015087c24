"""Constants and helpers shared by the benchmark scripts."""

from __future__ import annotations

import math
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIAGRAM = ROOT / "processes" / "case_lifecycle.bpmn"
PROCESS_ID = "case_lifecycle"
USER = {"username": "cm-borchen", "password": "demo"}
MUNICIPALITY = "Borchen"

# Form data that validates against forms/*.json, per user task (bpmn_id).
PAYLOADS = {
    "first_contact": {"contact_date": "2026-11-01", "concerns": "Arbeit"},
    "consent": {
        "consent_given": True,
        "consent_date": "2026-11-01",
        "data_processing": True,
        "confidentiality_release_agencies": ["jobcenter"],
    },
    "assessment": {
        "needs": [{"life_area": "work_training"}],
        "legal_domain": "none",
        "route": "accompaniment",
    },
    "goal_agreement": {
        "agreement_date": "2026-11-01",
        "goals": [{"goal": "Ausbildungsplatz", "target_date": "2027-06-30"}],
    },
    "evaluation": {"evaluation_date": "2026-11-15", "continue": True},
}
# Issue 23's targets for a task completion over HTTP (keep-alive, SQLite): median and the ratio of
# the long-running case to a young one.
TARGET_MEDIAN_MS = 4.0
TARGET_RATIO = 1.1
# Plain SpiffWorkflow is also measured at this many prior evaluations: with this diagram its
# default task iterator (max_depth=1000) stops finding the loop's gateway a little later.
RAW_MIDPOINT = 300


# --------------------------------------------------------------------------- statistics


def summarize(name: str, samples_ns: list[int], **extra) -> dict:
    ms = sorted(s / 1e6 for s in samples_ns)
    p95 = ms[max(0, math.ceil(0.95 * len(ms)) - 1)]
    return {
        "name": name,
        "n": len(ms),
        "median_ms": statistics.median(ms),
        "p95_ms": p95,
        "min_ms": ms[0],
        "max_ms": ms[-1],
        **extra,
    }


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- CPU accounting
