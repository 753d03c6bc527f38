"""The staff commands against a real SQL tracker store, and the loop into faqtool.

Conversations are written into an SQLite tracker store by Rasa's own
SQLTrackerStore, as a running server would write them; the commands read them
through an endpoints file, as staff run them.
"""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from review.cli import cli
from tests.review.events import answered, fell_back

REPO = Path(__file__).resolve().parents[2]


def shifted(events: list[dict], start: float) -> list[dict]:
    """The events moved to ``start`` (the helpers write them at a fixed time)."""
    first = events[0]["timestamp"]
    return [dict(event, timestamp=start + event["timestamp"] - first) for event in events]


CONVERSATIONS = {
    "conv-annual-fee-1": fell_back("借呗有年费吗", 0),
    "conv-annual-fee-2": fell_back("借呗有没有年费", 0) + answered("转人工", "human_handoff", 30),
    "conv-annual-fee-3": answered("借呗年费是多少", "faq/interest_rate", 0) + answered("转人工", "human_handoff", 20),
    "conv-phone": fell_back("我手机13812345678换号了借呗咋办", 0, suggested=True),
    "conv-fine": answered("借呗怎么还款", "faq/repayment", 0),
}


@pytest.fixture()
def endpoints(tmp_path: Path) -> Path:
    database = tmp_path / "trackers.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(database))
    now = time.time() - 3600
    for index, (sender_id, events) in enumerate(CONVERSATIONS.items()):
        tracker = DialogueStateTracker.from_dict(sender_id, shifted(events, now + index * 60))
        asyncio.run(store.save(tracker))
    store.engine.dispose()
    path = tmp_path / "endpoints.yml"
    path.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {database}\n", encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_unanswered_questions_are_listed_grouped_with_counts_and_masked(endpoints):
    result = run("unanswered", "--since", "7d", "--endpoints", str(endpoints))

    assert result.exit_code == 0, result.output
    assert result.stderr == f"正在读取 {endpoints} 的对话记录（最近 7 天）……\n共 5 个对话。\n"
    assert result.stdout.startswith("没答好的问题 4 条（没听懂 2 条、答后转人工 1 条、猜您想问 1 条），归成 2 组：\n")
    first, second = (line for line in result.stdout.splitlines() if " 次  [" in line)
    assert first.startswith("   3 次") and "答后转人工" in first and "没听懂" in first
    assert "示例对话 conv-annual-fee-1" in first
    assert second.startswith("   1 次  [猜您想问]")
    assert "13812345678" not in result.stdout and "138****5678" in result.stdout


def test_the_export_is_an_faq_spreadsheet_that_faqtool_imports_once_filled(endpoints, tmp_path):
    exported = tmp_path / "unanswered.csv"
    result = run("unanswered", "--endpoints", str(endpoints), "--export", str(exported))
    assert result.exit_code == 0, result.output

    raw = exported.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["问题"] for row in rows[:3]] == ["借呗有年费吗", "借呗有没有年费", "借呗年费是多少"]
    assert rows[0]["次数"] == "3" and all(row["键"] == "" and row["答案"] == "" for row in rows)

    # Staff fill in the annual-fee group and drop the rest.
    for row in rows[:3]:
        row["键"] = "annual_fee"
    rows[0]["答案"] = "借呗本身不收年费，借款按日计息，以借款合同为准。"
    filled = tmp_path / "filled.csv"
    with filled.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:3])
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    imported = subprocess.run(
        [sys.executable, "-m", "faqtool", "import", str(filled), "--data-dir", str(data)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    written = (data / "faq" / "annual_fee.yml").read_text(encoding="utf-8")
    assert all(question in written for question in ("借呗有年费吗", "借呗有没有年费", "借呗年费是多少"))
    assert "借呗本身不收年费" in written


def test_the_report_holds_a_chart_for_each_figure(endpoints, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tickets.db'}")
    out = tmp_path / "report.html"

    result = run("report", "--endpoints", str(endpoints), "--out", str(out))

    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    for chart in ("conversations-per-day", "turns-per-day", "labels", "miss-rates", "diagnoses", "appeals"):
        assert f'id="{chart}"' in page
    assert "<script" not in page and "http" not in page  # self-contained
    assert "<tr><td>统计范围</td><td>最近 30 天</td></tr>" in page
    assert result.stdout == f"报告已写到 {out}\n"
    assert "13812345678" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["unanswered", "--since", "a week"], "“a week”看不懂"),
        (["unanswered", "--since", "0d"], "“0d”看不懂"),
    ],
)
def test_a_bad_period_is_refused_in_words(args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr == f"错误：{message}，请写成天数或小时数，例如 7d 或 24h。\n"


def test_conversations_in_memory_cannot_be_read_and_it_says_why(tmp_path):
    memory = tmp_path / "endpoints.yml"
    memory.write_text("tracker_store:\n  type: InMemoryTrackerStore\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["unanswered", "--endpoints", str(memory)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"错误：读不到对话记录：{memory} 把对话保存在 Rasa 服务器的内存里：服务器一停对话就没了，后台命令也访问不到"
    )
