"""Unanswered questions as an FAQ spreadsheet and as a listing for staff.

The spreadsheet has faqtool's columns (键, 问题, 答案: docs/faq.md), with 问题
filled, one row per distinct question, the rows of a group together; staff
fill in 键 and 答案 and import it (`make faq-check` / `make faq-import`). Two
more columns help them and are ignored by faqtool (with a warning): how often
the group was asked and what the assistant took it for.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from review import TEXTS
from review.analysis import Group, Miss
from security.pii import mask_personal_data
from stafftext import LIST_SEPARATOR

# The spreadsheet's columns are a file format (faqtool reads them), not text for staff.
COLUMNS = ("键", "问题", "答案", "次数", "助手的理解")
MISS_NAMES = {
    Miss.FALLBACK: TEXTS("miss_fallback"),
    Miss.SUGGESTED: TEXTS("miss_suggested"),
    Miss.HUMAN_AFTER_ANSWER: TEXTS("miss_human_after_answer"),
    Miss.REPHRASED: TEXTS("miss_rephrased"),
}


def shown(text: str) -> str:
    """A question as staff may see it: personal data masked (again, in case)."""
    return mask_personal_data(text).text


def spreadsheet(groups: Sequence[Group]) -> bytes:
    """The groups as a CSV in faqtool's import format, UTF-8 with BOM (Excel opens it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for members in groups:
        for index, text in enumerate(members.texts):
            extra = (str(members.count), members.guess) if index == 0 else ("", "")
            writer.writerow(("", shown(text), "", *extra))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def listing(groups: Sequence[Group], limit: int) -> list[str]:
    """The largest groups, one line each: count, reasons, guess, example conversation, questions."""
    lines = []
    for members in groups[:limit]:
        reasons = LIST_SEPARATOR.join(sorted({MISS_NAMES[q.miss] for q in members.questions}))
        texts = " | ".join(shown(t) for t in members.texts[:3])
        more = TEXTS("group_more_wordings", count=len(members.texts)) if len(members.texts) > 3 else ""
        example = members.example.turn.sender_id
        fields = {"count": members.count, "reasons": reasons, "guess": members.guess, "sender_id": example}
        lines.append(TEXTS("group_line", questions=texts, more=more, **fields))
    return lines
