"""From a diagnosis to a filed appeal, a staff status change, and the lookup.

Runs over the REST channel against the real servers; the staff step uses the
`python -m tickets` command on the same database as the action server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.support.rest import first_cause, run_diagnosis, send, texts
from tests.support.simulator import NOTHING_EXPLAINS_IT

pytestmark = pytest.mark.integration

TICKET = re.compile(r"JB[0-9A-Z]{6}")
PHONE = "13812341234"


def staff_cli(stack, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=stack.database_url, TICKETS_OUTBOX_PATH=str(stack.outbox_path))
    return subprocess.run(
        [sys.executable, "-m", "tickets", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_diagnosis_to_filed_appeal_to_status_set_by_staff(stack):
    user = "e2e-appellant"
    seen = run_diagnosis(stack.url, user, "芝麻分很高还是开不了借呗", NOTHING_EXPLAINS_IT)
    assert "风控策略调整" in first_cause(seen)

    # Accept the offered appeal; what is contested comes from the diagnosis.
    seen = texts(send(stack.url, user, "/affirm"))
    seen += texts(send(stack.url, user, "我一直按时还款，也经常用支付宝，希望人工复核一下借呗的评估"))
    seen += texts(send(stack.url, user, PHONE))
    seen += texts(send(stack.url, user, "/affirm"))  # consent to be contacted
    summary = "\n".join(seen)
    assert "138****1234" in summary
    assert PHONE not in summary

    filed = "\n".join(texts(send(stack.url, user, "/affirm")))  # confirm the summary
    [number] = set(TICKET.findall(filed))
    assert "95188" in filed

    listed = staff_cli(stack, "show", number)
    assert listed.returncode == 0, listed.stderr
    assert "POLICY_ADJUSTMENT" in listed.stdout  # the staff listing names the contested cause by its id
    assert PHONE not in listed.stdout

    note = "已人工复核，账户评估正常，请一个月后再查看借呗入口"
    changed = staff_cli(stack, "set-status", number, "resolved", "--note", note)
    assert changed.returncode == 0, changed.stderr

    status = "\n".join(texts(send(stack.url, user, "我的申诉进度怎么样了")))
    assert number in status
    assert note in status

    stranger = "\n".join(texts(send(stack.url, "e2e-stranger", f"帮我查一下申诉单{number}的进度")))
    assert note not in stranger
