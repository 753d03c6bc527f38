"""Eligibility engine: ranks the likely causes why 借呗 cannot be opened.

Pure Python (standard library + PyYAML); rules, labels, questions and texts
are YAML data under ``eligibility/data/``. Nothing is loaded at import time.

Example::

    from eligibility import load_engine

    engine = load_engine()
    diagnosis = engine.evaluate({"zhima_score": 760, "has_overdue": False})
    for cause in diagnosis.top(3):
        print(cause.cause_id, cause.label, cause.status, cause.confidence)
    if diagnosis.next_fact and not diagnosis.decisive:
        question = engine.question(diagnosis.next_fact)
"""

from __future__ import annotations

from eligibility.engine import Engine
from eligibility.errors import RuleFileError
from eligibility.extraction import extract_facts
from eligibility.loader import CHECKLIST_FACT, DEFAULT_DATA_DIR, load_engine
from eligibility.model import Cause, CauseResult, CauseStatus, Checklist, Diagnosis, Evidence, Question, QuestionKind

__all__ = [
    "CHECKLIST_FACT",
    "DEFAULT_DATA_DIR",
    "Cause",
    "CauseResult",
    "CauseStatus",
    "Checklist",
    "Diagnosis",
    "Engine",
    "Evidence",
    "Question",
    "QuestionKind",
    "RuleFileError",
    "extract_facts",
    "load_engine",
]
