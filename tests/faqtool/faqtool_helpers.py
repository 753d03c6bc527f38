"""Helpers shared by the faqtool tests."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

CONVERSATION_NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - 你好
    - 在吗
- intent: ask_open_requirements
  examples: |
    - 开通借呗要什么条件
    - 芝麻分[700](zhima_score)能开借呗吗
"""

CREDIT_LIMIT_FAQ = """\
version: "3.1"
nlu:
- intent: faq/credit_limit
  examples: |
    - 借呗额度怎么提高
    - 为什么借呗额度变少了
responses:
  utter_faq/credit_limit:
  - text: |-
      额度由系统综合评估。
      以支付宝页面为准。
    buttons:
    - title: 转人工
      payload: /human_handoff
"""

HEADER = ["key", "question", "answer"]


def write_csv(path: Path, rows: Sequence[Sequence[str]], encoding: str = "utf-8") -> Path:
    """Write rows as a CSV file the way a spreadsheet program does (CRLF)."""
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def annual_fee_rows(count: int = 6) -> list[list[str]]:
    """Header plus ``count`` question rows of a valid new key, answer on the first."""
    questions = [
        "借呗有年费吗",
        "借呗收不收年费",
        "开通借呗要交钱吗",
        "借呗每年要交管理费吗",
        "借呗有没有服务费",
        "不借钱借呗收费吗",
    ]
    rows = [HEADER]
    for index, question in enumerate(questions[:count]):
        answer = "借呗一般不收年费，只按实际借款和天数计息。\n以支付宝页面和借款合同为准。" if index == 0 else ""
        rows.append(["annual_fee", question, answer])
    return rows


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under directory (relative path -> bytes), hidden ones included."""
    return {
        str(path.relative_to(directory)): path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file()
    }
