"""Appeal actions: the form's validators, submitting, cancelling and status lookups."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pytest

from actions import appeal, appeal_form, appeal_submit, shared
from actions.appeal import (
    ActionAskAppealConfirmed,
    ActionAskAppealConsent,
    ActionAskAppealContested,
    ActionAskAppealDescription,
    ActionCancelAppeal,
    ActionStartAppeal,
)
from actions.appeal_form import ValidateAppealForm
from actions.appeal_status import ActionCheckAppealStatus
from actions.appeal_submit import ActionSubmitAppeal
from security.sealed import seal, unseal
from tests.actions.conftest import FIELD_KEY, make_tracker, responses, slot_events
from tickets import (
    AppealForm,
    InMemoryTicketStore,
    PhoneProblem,
    StoreUnavailableError,
    TicketStatus,
    find_ticket_number,
    read_mobile,
)
from tickets.outbox import JsonlOutbox, OutboxTicketStore

PHONE = "13812345678"
MASKED = "138****5678"
SEALED_PHONE = seal(PHONE, FIELD_KEY)
ID_NUMBER = "11010519491231002X"
CARD_NUMBER = "6222021234567890123"
OTHER_SENDER = "someone-else"

FILLED = {
    "appeal_contested": "OVERDUE_RECORD",
    "appeal_description": "我一直按时还花呗，从来没有逾期过，系统却说我有逾期记录。",
    "appeal_phone": SEALED_PHONE,
    "appeal_consent": True,
    "appeal_confirmed": True,
}


def numbers(*values: str):
    """A number factory that hands out the given ticket numbers in order."""
    queue = list(values)
    return lambda: queue.pop(0)


@pytest.fixture()
def store(monkeypatch) -> InMemoryTicketStore:
    """An in-memory store behind the actions' seam, with predictable numbers."""
    memory = InMemoryTicketStore(number_factory=numbers("JB7K3M9Q", "JB2M9XTA", "JB8P4RWE", "JB5T7WKD"))
    monkeypatch.setattr(shared, "ticket_store", lambda: memory)
    return memory


class FailingStore:
    """A store whose database is always down."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise StoreUnavailableError("ticket database is unavailable")

        return fail


def form_tracker(text, intent, requested_slot, slots=None, entities=None):
    return make_tracker(
        text,
        intent,
        slots=dict(slots or {}),
        entities=entities if entities is not None else [],
        active_loop="appeal_form",
        requested_slot=requested_slot,
    )


def file_ticket(store, sender_id, contested="POLICY_ADJUSTMENT", description="芝麻分很高也没有逾期，就是开不了借呗"):
    form = AppealForm(
        sender_id=sender_id,
        description=description,
        contested_cause_id=contested,
        phone=PHONE,
        consent=True,
    )
    return store.submit_appeal(form).ticket


# --- starting and asking ----------------------------------------------------------


async def test_appeal_offered_by_the_diagnosis_is_prefilled_with_the_cause(dispatcher, domain):
    tracker = make_tracker(
        "好的",
        "affirm",
        slots={"appeal_context": "OVERDUE_RECORD", "appeal_offered": True, "appeal_phone": "13900001111"},
    )

    events = await ActionStartAppeal().run(dispatcher, tracker, domain)

    slots = slot_events(events)
    assert slots["appeal_contested"] == "OVERDUE_RECORD"
    assert slots["appeal_offered"] is False
    # Values of an earlier, unfinished appeal are forgotten.
    assert slots["appeal_phone"] is None
    assert slots["appeal_confirmed"] is None
    assert responses(dispatcher) == ["utter_appeal_intro_with_context"]
    assert dispatcher.messages[0]["contested"] == "存在逾期记录"


@pytest.mark.parametrize("context", [None, "NOT_A_CAUSE"])
async def test_appeal_without_a_known_cause_asks_what_is_contested(context, dispatcher, domain):
    tracker = make_tracker("我要申诉", "request_appeal", slots={"appeal_context": context})

    events = await ActionStartAppeal().run(dispatcher, tracker, domain)

    assert slot_events(events)["appeal_contested"] is None
    assert responses(dispatcher) == ["utter_appeal_intro"]


async def test_contested_question_offers_the_causes_that_can_be_appealed(dispatcher, domain):
    tracker = form_tracker("我要申诉", "request_appeal", "appeal_contested")

    await ActionAskAppealContested().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_appeal_contested"
    titles = {button["title"] for button in message["buttons"]}
    assert titles == {"存在逾期记录", "账户存在风险", "风控策略调整"}
    for button in message["buttons"]:
        assert button["payload"].startswith("/inform{")
        entities = json.loads(button["payload"][len("/inform") :])
        assert appeal.cause_label(entities["appeal_contested"]) == button["title"]


async def test_description_question_names_the_contested_item(dispatcher, domain):
    tracker = form_tracker("", "inform", "appeal_description", slots={"appeal_contested": "ACCOUNT_RISK"})

    await ActionAskAppealDescription().run(dispatcher, tracker, domain)

    assert responses(dispatcher) == ["utter_ask_appeal_description"]
    assert dispatcher.messages[0]["contested"] == "账户存在风险"


async def test_consent_question_shows_the_phone_masked(dispatcher, domain):
    tracker = form_tracker(PHONE, "inform", "appeal_consent", slots={"appeal_phone": SEALED_PHONE})

    await ActionAskAppealConsent().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_appeal_consent"
    assert message["phone"] == MASKED
    assert PHONE not in json.dumps(message, ensure_ascii=False)


async def test_summary_shows_every_field_with_the_phone_masked(dispatcher, domain):
    tracker = form_tracker("同意", "affirm", "appeal_confirmed", slots={**FILLED, "appeal_confirmed": None})

    await ActionAskAppealConfirmed().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_appeal_confirmed"
    assert message["contested"] == "存在逾期记录"
    assert message["description"] == FILLED["appeal_description"]
    assert message["phone"] == MASKED
    assert PHONE not in json.dumps(message, ensure_ascii=False)


async def test_the_summary_repeats_the_users_words_literally(dispatcher, domain):
    hostile = {"appeal_contested": "我的0[记录]不对", "appeal_description": "**不对** {contested} <b>"}
    slots = {**FILLED, **hostile, "appeal_confirmed": None}
    tracker = form_tracker("同意", "affirm", "appeal_confirmed", slots=slots)

    await ActionAskAppealConfirmed().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["contested"] == "我的0［记录］不对"
    assert message["description"] == "＊＊不对＊＊ ｛contested｝ ＜b＞"


def test_every_summary_button_and_field_response_exists_in_the_domain(domain):
    summary = domain["responses"]["utter_ask_appeal_confirmed"][0]
    payloads = [button["payload"] for button in summary["buttons"]]
    assert "/affirm" in payloads
    assert "/cancel_appeal" in payloads
    fields = {
        json.loads(p.replace("{{", "{").replace("}}", "}")[len("/inform") :])["appeal_field"]
        for p in payloads
        if p.startswith("/inform")
    }
    assert fields == {"appeal_contested", "appeal_description", "appeal_phone"}
    for name in appeal_form.PHONE_PROBLEM_RESPONSES.values():
        assert name in domain["responses"]


# --- validating the answers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OVERDUE_RECORD", "OVERDUE_RECORD"),
        ("存在逾期记录", "OVERDUE_RECORD"),
        ("我从来没逾期过，却说我有逾期", "OVERDUE_RECORD"),
        ("账户被限制了，说我账户存在风险", "ACCOUNT_RISK"),
        ("借呗额度突然被清零了", "借呗额度突然被清零了"),
    ],
)
def test_contested_item_becomes_a_cause_or_stays_in_the_users_words(text, expected, dispatcher, domain):
    tracker = form_tracker(text, "inform", "appeal_contested")

    result = ValidateAppealForm().validate_appeal_contested(text, dispatcher, tracker, domain)

    assert result == {"appeal_contested": expected}
    assert dispatcher.messages == []


@pytest.mark.parametrize("text", ["嗯", "借呗" * 40])
def test_contested_item_too_short_or_too_long_is_asked_again(text, dispatcher, domain):
    tracker = form_tracker(text, "inform", "appeal_contested")

    result = ValidateAppealForm().validate_appeal_contested(text, dispatcher, tracker, domain)

    assert result == {"appeal_contested": None}
    assert responses(dispatcher) == ["utter_appeal_contested_invalid"]


def test_description_in_the_users_words_is_kept(dispatcher, domain):
    text = "我上个月花呗是按时还的，银行扣款失败不是我的问题，不应该算逾期。"
    tracker = form_tracker(text, "dispute_record", "appeal_description")

    result = ValidateAppealForm().validate_appeal_description(text, dispatcher, tracker, domain)

    assert result == {"appeal_description": text}
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"我身份证号是{ID_NUMBER}，从来没有逾期过", ID_NUMBER),
        ("我身份证号是11010519491231002*，从来没有逾期过", "11010519491231002*"),
        (f"我的银行卡{CARD_NUMBER}一直正常还款没逾期", CARD_NUMBER),
        ("扣款的卡是 6222 0212 3456 7890 我没逾期", "6222 0212 3456 7890"),
        ("刚收到的验证码是482913，你们帮我查一下为什么说我有风险", "482913"),
        ("支付密码是Abc12345，账户一直是我自己在用", "Abc12345"),
    ],
)
def test_description_with_a_secret_warns_and_does_not_store_it(text, secret, dispatcher, domain):
    tracker = form_tracker(text, "dispute_record", "appeal_description")

    result = ValidateAppealForm().validate_appeal_description(text, dispatcher, tracker, domain)

    stored = result["appeal_description"]
    assert stored is not None
    assert secret not in stored
    assert "*" * 4 in stored
    assert responses(dispatcher) == ["utter_appeal_sensitive_removed"]


def test_description_that_is_only_a_secret_is_asked_again(dispatcher, domain):
    tracker = form_tracker(ID_NUMBER, "inform", "appeal_description")

    result = ValidateAppealForm().validate_appeal_description(ID_NUMBER, dispatcher, tracker, domain)

    assert result == {"appeal_description": None}
    assert responses(dispatcher) == ["utter_appeal_sensitive_removed", "utter_appeal_description_too_short"]


def test_too_short_description_is_asked_again(dispatcher, domain):
    tracker = form_tracker("不对", "deny", "appeal_description")

    result = ValidateAppealForm().validate_appeal_description("不对", dispatcher, tracker, domain)

    assert result == {"appeal_description": None}
    assert responses(dispatcher) == ["utter_appeal_description_too_short"]
    assert dispatcher.messages[0]["min_chars"] == appeal.MIN_DESCRIPTION_CHARS


def test_too_long_description_is_asked_again_with_its_length(dispatcher, domain):
    text = "我一直按时还款" * 60
    tracker = form_tracker(text, "inform", "appeal_description")

    result = ValidateAppealForm().validate_appeal_description(text, dispatcher, tracker, domain)

    assert result == {"appeal_description": None}
    assert responses(dispatcher) == ["utter_appeal_description_too_long"]
    assert dispatcher.messages[0]["length"] == len(text)
    assert dispatcher.messages[0]["max_chars"] == appeal.MAX_DESCRIPTION_CHARS


def test_invalid_phone_is_asked_again_with_the_reason_then_a_valid_one_is_kept(dispatcher, domain, caplog):
    caplog.set_level(logging.DEBUG)
    validator = ValidateAppealForm()

    first = validator.validate_appeal_phone(
        "138123456789", dispatcher, form_tracker("138123456789", "inform", "appeal_phone"), domain
    )
    assert first == {"appeal_phone": None}
    assert responses(dispatcher) == ["utter_appeal_phone_wrong_length"]
    assert dispatcher.messages[0]["count"] == 12

    second = validator.validate_appeal_phone(
        "我的手机号是 138-1234-5678",
        dispatcher,
        form_tracker("我的手机号是 138-1234-5678", "inform", "appeal_phone"),
        domain,
    )
    assert unseal(second["appeal_phone"]) == PHONE
    assert PHONE not in second["appeal_phone"]
    assert PHONE not in caplog.text
    assert "138-1234-5678" not in caplog.text
    assert MASKED in caplog.text


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("不想留电话", "utter_appeal_phone_no_digits"),
        ("1381234", "utter_appeal_phone_wrong_length"),
        ("010-12345678", "utter_appeal_phone_not_mobile"),
        ("12812345678", "utter_appeal_phone_not_mobile"),
    ],
)
def test_refused_phone_says_why(text, response, dispatcher, domain):
    result = ValidateAppealForm().validate_appeal_phone(
        text, dispatcher, form_tracker(text, "inform", "appeal_phone"), domain
    )

    assert result == {"appeal_phone": None}
    assert responses(dispatcher) == [response]


@pytest.mark.parametrize(
    ("text", "number", "problem"),
    [
        ("13812345678", PHONE, None),
        ("+86 138 1234 5678", PHONE, None),
        ("0086-13812345678", PHONE, None),
        ("手机19912345678，座机010-1234567", "19912345678", None),
        ("手机号11812345678", None, PhoneProblem.NOT_MOBILE),
        ("没有", None, PhoneProblem.NO_DIGITS),
    ],
)
def test_mobile_number_is_read_from_the_message(text, number, problem):
    check = read_mobile(text)

    assert check.number == number
    assert check.problem == problem


@pytest.mark.parametrize(
    ("value", "expected", "response"),
    [
        (True, True, None),
        (False, None, "utter_appeal_consent_required"),
        ("随便吧", None, "utter_appeal_consent_unclear"),
        # Typed instead of clicked.
        ("同意", True, None),
        ("可以的", True, None),
        ("不同意", None, "utter_appeal_consent_required"),
    ],
)
def test_only_a_yes_counts_as_consent(value, expected, response, dispatcher, domain):
    tracker = form_tracker(str(value), "inform", "appeal_consent", slots={"appeal_phone": SEALED_PHONE})

    result = ValidateAppealForm().validate_appeal_consent(value, dispatcher, tracker, domain)

    assert result == {"appeal_consent": expected}
    assert responses(dispatcher) == ([] if response is None else [response])


def test_confirming_the_summary_completes_the_form(dispatcher, domain):
    tracker = form_tracker("确认提交", "affirm", "appeal_confirmed", slots=FILLED)

    result = ValidateAppealForm().validate_appeal_confirmed("确认提交", dispatcher, tracker, domain)

    assert result == {"appeal_confirmed": True}


def test_typing_the_submit_button_confirms_whatever_the_nlu_made_of_it(dispatcher, domain):
    tracker = form_tracker("确认提交", "nlu_fallback", "appeal_confirmed", slots=FILLED)

    result = ValidateAppealForm().validate_appeal_confirmed("确认提交", dispatcher, tracker, domain)

    assert result == {"appeal_confirmed": True}


@pytest.mark.parametrize(
    "method",
    [
        "validate_appeal_contested",
        "validate_appeal_description",
        "validate_appeal_phone",
        "validate_appeal_consent",
        "validate_appeal_confirmed",
    ],
)
def test_a_slot_cleared_at_the_start_is_not_answered_and_says_nothing(method, dispatcher, domain):
    tracker = form_tracker("我要申诉", "request_appeal", None)

    result = getattr(ValidateAppealForm(), method)(None, dispatcher, tracker, domain)

    assert list(result.values()) == [None]
    assert dispatcher.messages == []


def test_a_yes_that_mentions_the_phone_without_a_change_still_confirms(dispatcher, domain):
    text = "手机号没问题，提交吧"
    tracker = form_tracker(text, "affirm", "appeal_confirmed", slots=FILLED)

    result = ValidateAppealForm().validate_appeal_confirmed(text, dispatcher, tracker, domain)

    assert result == {"appeal_confirmed": True}


@pytest.mark.parametrize(
    ("text", "intent", "answered"),
    [
        ("改手机号", "faq", True),  # the NLU hears a question about phone numbers
        ("描述改一下", "nlu_fallback", True),
        ("好的 提交吧", "affirm", True),
        ("没问题", "faq", True),
        ("信息都没错", "nlu_fallback", True),
        ("随便吧啊", "nlu_fallback", True),  # not understood: the summary is shown again
        ("利息怎么算", "faq", False),
        ("转人工", "human_handoff", False),
        ("不申诉了", "cancel_appeal", False),
    ],
)
async def test_the_summary_reads_the_message_as_its_answer_first(text, intent, answered, dispatcher, domain):
    tracker = form_tracker(text, intent, "appeal_confirmed", slots=FILLED)

    extracted = await ValidateAppealForm().extract_appeal_confirmed(dispatcher, tracker, domain)

    assert extracted == ({"appeal_confirmed": tracker.latest_message["text"]} if answered else {})


@pytest.mark.parametrize(
    ("text", "intent", "entities", "expected"),
    [
        # Words naming an item answer the question although the NLU heard an FAQ.
        ("逾期记录", "faq", [], "逾期记录"),
        ("存在逾期记录", "faq", [], "存在逾期记录"),
        ("花呗逾期记录不对", "dispute_record", [], "花呗逾期记录不对"),
        ("/inform", "inform", [{"entity": "appeal_contested", "value": "OVERDUE_RECORD"}], "OVERDUE_RECORD"),
        ("评估结果不合理", "inform", [], "评估结果不合理"),
        # A question about something else, or a way out, is left to the rules.
        ("借呗利息怎么算", "faq", [], None),
        ("不申诉了", "cancel_appeal", [], None),
        ("转人工", "human_handoff", [], None),
    ],
)
async def test_the_item_question_reads_the_message_as_its_answer_first(
    text, intent, entities, expected, dispatcher, domain
):
    tracker = form_tracker(text, intent, "appeal_contested", entities=entities)

    extracted = await ValidateAppealForm().extract_appeal_contested(dispatcher, tracker, domain)

    assert extracted == ({} if expected is None else {"appeal_contested": expected})


async def test_the_item_is_not_read_while_another_question_is_asked(dispatcher, domain):
    tracker = form_tracker("逾期记录", "faq", "appeal_description")

    assert await ValidateAppealForm().extract_appeal_contested(dispatcher, tracker, domain) == {}


@pytest.mark.parametrize(
    ("text", "intent", "answered"),
    [
        # Statements are the description, whatever the NLU heard.
        ("我的借呗还款都是自动扣的从没逾期", "faq", True),
        ("我从来没逾期过 不知道为什么说我有逾期", "dispute_record", True),
        ("每个月都按时还款的", "inform", True),
        # An FAQ asked back, or a way out, is left to the rules.
        ("逾期会影响征信吗", "faq", False),
        ("借呗利息怎么算", "faq", False),
        ("不申诉了", "cancel_appeal", False),
        ("转人工", "human_handoff", False),
    ],
)
async def test_the_description_question_reads_a_statement_as_its_answer(text, intent, answered, dispatcher, domain):
    tracker = form_tracker(text, intent, "appeal_description", slots={"appeal_contested": "OVERDUE_RECORD"})

    extracted = await ValidateAppealForm().extract_appeal_description(dispatcher, tracker, domain)

    assert extracted == ({"appeal_description": tracker.latest_message["text"]} if answered else {})


def test_the_interrupting_intents_are_those_the_forms_text_slots_leave_alone(domain):
    # The contested item, the description and the summary are read by extract_ methods (tested above).
    for slot in ("appeal_phone", "appeal_consent"):
        text_mappings = [m for m in domain["slots"][slot]["mappings"] if m["type"] == "from_text"]
        assert [set(m["not_intent"]) for m in text_mappings] == [appeal_form.INTERRUPTING_INTENTS], slot


@pytest.mark.parametrize(
    ("text", "intent", "entities", "field"),
    [
        (
            '/inform{"appeal_field": "appeal_phone"}',
            "inform",
            [{"entity": "appeal_field", "value": "appeal_phone"}],
            "appeal_phone",
        ),
        (
            '/inform{"appeal_field": "appeal_description"}',
            "inform",
            [{"entity": "appeal_field", "value": "appeal_description"}],
            "appeal_description",
        ),
        ("改一下手机号", "inform", [], "appeal_phone"),
        ("电话填错了", "deny", [], "appeal_phone"),
        ("描述我想重新写", "inform", [], "appeal_description"),
        ("申诉事项选错了", "deny", [], "appeal_contested"),
    ],
)
def test_naming_a_field_at_the_summary_asks_that_field_again(text, intent, entities, field, dispatcher, domain):
    tracker = form_tracker(text, intent, "appeal_confirmed", slots=FILLED, entities=entities)

    result = ValidateAppealForm().validate_appeal_confirmed(text, dispatcher, tracker, domain)

    assert result == {field: None, "appeal_confirmed": None}
    assert responses(dispatcher) == ["utter_appeal_correct_field"]


def test_a_no_at_the_summary_shows_the_choices_again(dispatcher, domain):
    tracker = form_tracker("不对", "deny", "appeal_confirmed", slots=FILLED)

    result = ValidateAppealForm().validate_appeal_confirmed("不对", dispatcher, tracker, domain)

    assert result == {"appeal_confirmed": None}
    assert responses(dispatcher) == ["utter_appeal_confirm_unclear"]


# --- submitting and cancelling -----------------------------------------------------


async def test_confirmed_appeal_gets_a_ticket_number_and_next_steps(store, dispatcher, domain):
    tracker = make_tracker("确认提交", "affirm", slots={**FILLED, "diagnosis_result": {"causes": ["OVERDUE_RECORD"]}})

    events = await ActionSubmitAppeal().run(dispatcher, tracker, domain)

    [ticket] = store.list_tickets("test-user")
    assert ticket.number == "JB7K3M9Q"
    assert ticket.contested_cause_id == "OVERDUE_RECORD"
    assert ticket.contested_text is None
    assert ticket.description == FILLED["appeal_description"]
    assert ticket.phone == PHONE
    assert ticket.consent is True
    assert "OVERDUE_RECORD" in ticket.diagnosis_summary
    assert responses(dispatcher) == ["utter_appeal_submitted"]
    assert dispatcher.messages[0]["number"] == "JB7K3M9Q"
    assert dispatcher.messages[0]["phone"] == MASKED
    slots = slot_events(events)
    assert slots["appeal_ticket_number"] == "JB7K3M9Q"
    assert all(slots[name] is None for name in shared.APPEAL_FORM_SLOTS)


async def test_contested_item_in_the_users_words_is_filed_as_text(store, dispatcher, domain):
    tracker = make_tracker("确认", "affirm", slots={**FILLED, "appeal_contested": "借呗额度突然被清零了"})

    await ActionSubmitAppeal().run(dispatcher, tracker, domain)

    [ticket] = store.list_tickets("test-user")
    assert ticket.contested_cause_id is None
    assert ticket.contested_text == "借呗额度突然被清零了"


async def test_submitting_twice_creates_the_ticket_once(store, dispatcher, domain):
    first = await ActionSubmitAppeal().run(dispatcher, make_tracker("确认提交", "affirm", slots=FILLED), domain)
    second = await ActionSubmitAppeal().run(dispatcher, make_tracker("确认提交", "affirm", slots=FILLED), domain)

    assert len(store.list_tickets("test-user")) == 1
    assert slot_events(first)["appeal_ticket_number"] == slot_events(second)["appeal_ticket_number"]
    assert responses(dispatcher) == ["utter_appeal_submitted", "utter_appeal_already_submitted"]


def test_idempotency_key_depends_on_the_sender_and_the_values():
    base = AppealForm(sender_id="a", description="从没逾期过却显示逾期", contested_cause_id="OVERDUE_RECORD")
    same = AppealForm(sender_id="a", description="从没逾期过却显示逾期", contested_cause_id="OVERDUE_RECORD")
    other_sender = AppealForm(sender_id="b", description="从没逾期过却显示逾期", contested_cause_id="OVERDUE_RECORD")
    other_text = AppealForm(sender_id="a", description="从没逾期过却显示有逾期", contested_cause_id="OVERDUE_RECORD")

    assert appeal_submit.idempotency_key(base) == appeal_submit.idempotency_key(same)
    assert appeal_submit.idempotency_key(base) != appeal_submit.idempotency_key(other_sender)
    assert appeal_submit.idempotency_key(base) != appeal_submit.idempotency_key(other_text)


async def test_database_down_queues_the_appeal_without_a_number(monkeypatch, tmp_path, dispatcher, domain, caplog):
    caplog.set_level(logging.DEBUG)
    outbox = JsonlOutbox(tmp_path / "outbox.jsonl")
    queued_store = OutboxTicketStore(FailingStore(), outbox)
    monkeypatch.setattr(shared, "ticket_store", lambda: queued_store)

    events = await ActionSubmitAppeal().run(dispatcher, make_tracker("确认提交", "affirm", slots=FILLED), domain)

    assert responses(dispatcher) == ["utter_appeal_queued"]
    assert dispatcher.messages[0]["phone"] == MASKED
    assert "appeal_ticket_number" not in slot_events(events)
    [entry] = outbox.pending()
    assert entry.form.phone == PHONE
    assert PHONE not in caplog.text


async def test_store_that_fails_outright_says_nothing_was_saved(monkeypatch, dispatcher, domain):
    monkeypatch.setattr(shared, "ticket_store", FailingStore)

    events = await ActionSubmitAppeal().run(dispatcher, make_tracker("确认提交", "affirm", slots=FILLED), domain)

    assert responses(dispatcher) == ["utter_appeal_submit_failed"]
    assert "appeal_ticket_number" not in slot_events(events)


async def test_unconfirmed_form_is_never_filed(store, dispatcher, domain):
    tracker = make_tracker("不申诉了", "cancel_appeal", slots={**FILLED, "appeal_confirmed": None})

    events = await ActionSubmitAppeal().run(dispatcher, tracker, domain)

    assert store.list_tickets("test-user") == []
    assert responses(dispatcher) == ["utter_appeal_cancelled"]
    assert slot_events(events)["appeal_phone"] is None


async def test_cancel_forgets_everything_and_stores_nothing(store, dispatcher, domain):
    tracker = make_tracker("算了不申诉了", "cancel_appeal", slots={**FILLED, "appeal_confirmed": None})

    events = await ActionCancelAppeal().run(dispatcher, tracker, domain)

    assert store.list_tickets("test-user") == []
    assert responses(dispatcher) == ["utter_appeal_cancelled"]
    slots = slot_events(events)
    assert set(slots) == set(shared.APPEAL_FORM_SLOTS)
    assert all(value is None for value in slots.values())


# --- status lookups ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "申诉单号JB7K3M9Q现在什么状态",
        "jb7k3m9q",
        "查一下 jb 7k3-m9q 的进度",
        "单号JB-7K3-M9Q",
        "单号ＪＢ７Ｋ３Ｍ９Ｑ怎么样了",
    ],
)
async def test_own_ticket_is_found_whatever_the_spelling_of_its_number(text, store, dispatcher, domain):
    file_ticket(store, "test-user")

    await ActionCheckAppealStatus().run(dispatcher, make_tracker(text, "check_appeal_status"), domain)

    assert responses(dispatcher) == ["utter_appeal_status_submitted"]
    assert dispatcher.messages[0]["number"] == "JB7K3M9Q"
    assert dispatcher.messages[0]["contested"] == "风控策略调整"


async def test_another_senders_ticket_is_not_found_and_not_shown(store, dispatcher, domain):
    ticket = file_ticket(store, OTHER_SENDER, description="别人的申诉内容，不能给其他人看")

    await ActionCheckAppealStatus().run(
        dispatcher, make_tracker(f"帮我查询工单{ticket.number}", "check_appeal_status"), domain
    )

    assert responses(dispatcher) == ["utter_appeal_status_not_found"]
    shown = json.dumps(dispatcher.messages, ensure_ascii=False)
    assert "别人的申诉内容" not in shown
    assert "风控策略调整" not in shown


async def test_resolved_ticket_shows_the_resolution(store, dispatcher, domain):
    ticket = file_ticket(store, "test-user")
    store.set_status(ticket.number, TicketStatus.RESOLVED, "经复核，逾期记录已更正。")

    await ActionCheckAppealStatus().run(
        dispatcher, make_tracker(f"{ticket.number}有结果了吗", "check_appeal_status"), domain
    )

    assert responses(dispatcher) == ["utter_appeal_status_resolved"]
    assert dispatcher.messages[0]["resolution"] == "经复核，逾期记录已更正。"


@pytest.mark.parametrize(
    ("status", "response"),
    [
        (TicketStatus.IN_REVIEW, "utter_appeal_status_in_review"),
        (TicketStatus.RESOLVED, "utter_appeal_status_resolved_no_note"),
    ],
)
async def test_each_status_has_its_own_wording(status, response, store, dispatcher, domain):
    ticket = file_ticket(store, "test-user")
    store.set_status(ticket.number, status)

    await ActionCheckAppealStatus().run(dispatcher, make_tracker("我的申诉怎么样了", "check_appeal_status"), domain)

    assert responses(dispatcher) == [response]


async def test_without_a_number_all_own_tickets_are_listed_newest_first(monkeypatch, dispatcher, domain):
    times = iter(datetime(2024, 5, day, 2, tzinfo=timezone.utc) for day in (1, 2, 3))
    memory = InMemoryTicketStore(number_factory=numbers("JB7K3M9Q", "JB2M9XTA", "JB8P4RWE"), clock=lambda: next(times))
    monkeypatch.setattr(shared, "ticket_store", lambda: memory)
    file_ticket(memory, "test-user", contested="OVERDUE_RECORD")
    file_ticket(memory, OTHER_SENDER)
    file_ticket(memory, "test-user", contested="ACCOUNT_RISK")

    await ActionCheckAppealStatus().run(dispatcher, make_tracker("查一下工单", "check_appeal_status"), domain)

    assert responses(dispatcher) == [
        "utter_appeal_status_list_header",
        "utter_appeal_status_submitted",
        "utter_appeal_status_submitted",
    ]
    assert dispatcher.messages[0]["count"] == 2
    assert [m["number"] for m in dispatcher.messages[1:]] == ["JB8P4RWE", "JB7K3M9Q"]
    assert [m["created"] for m in dispatcher.messages[1:]] == ["2024-05-03", "2024-05-01"]


async def test_no_tickets_says_so_and_offers_to_file_one(store, dispatcher, domain):
    events = await ActionCheckAppealStatus().run(
        dispatcher, make_tracker("我的申诉进度", "check_appeal_status"), domain
    )

    assert responses(dispatcher) == ["utter_appeal_status_none"]
    assert slot_events(events) == {"appeal_offered": True}


async def test_malformed_number_is_explained(store, dispatcher, domain):
    await ActionCheckAppealStatus().run(dispatcher, make_tracker("单号JB10OIL2", "check_appeal_status"), domain)

    assert responses(dispatcher) == ["utter_appeal_status_bad_number"]
    assert dispatcher.messages[0]["number"] == "JB10OIL2"


async def test_status_lookup_with_the_database_down_says_so(monkeypatch, dispatcher, domain):
    monkeypatch.setattr(shared, "ticket_store", FailingStore)

    events = await ActionCheckAppealStatus().run(dispatcher, make_tracker("申诉进度", "check_appeal_status"), domain)

    assert responses(dispatcher) == ["utter_appeal_status_unavailable"]
    assert events == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("工单号JB2M9XTA", "JB2M9XTA"),
        ("jb 4k8-v2x 进度", "JB4K8V2X"),
        ("JB.7K3.M9Q", "JB7K3M9Q"),
        ("我的申诉怎么样了", None),
        ("JB7K3M9QX", None),
    ],
)
def test_ticket_numbers_are_found_in_free_text(text, expected):
    assert find_ticket_number(text) == expected
