"""Diagnosis actions: facts from messages, engine-chosen questions, explanations."""

from __future__ import annotations

import pytest

from actions.appeal import ActionDeclineAppeal, ActionOfferAppeal
from actions.diagnosis import MAX_QUESTIONS, ActionAskDiagnosisAnswer, ActionExplainDiagnosis, ActionStartDiagnosis
from actions.diagnosis_form import ValidateDiagnosisForm
from eligibility import load_engine
from tests.actions.conftest import make_tracker, responses, slot_events
from tests.support.simulator import NOTHING_EXPLAINS_IT


def form_tracker(text, intent, facts, asked=(), pending=None, slots=None):
    all_slots = {
        "diagnosis_facts": dict(facts),
        "diagnosis_asked": list(asked),
        "diagnosis_pending_fact": pending,
        **(slots or {}),
    }
    return make_tracker(text, intent, slots=all_slots, active_loop="diagnosis_form", requested_slot="diagnosis_answer")


async def test_headline_question_starts_with_the_score_and_says_it_is_one_factor(dispatcher, domain):
    tracker = make_tracker("芝麻分750为什么开不了借呗", "ask_why_cannot_open")

    events = await ActionStartDiagnosis().run(dispatcher, tracker, domain)

    slots = slot_events(events)
    assert slots["diagnosis_facts"] == {"zhima_score": 750}
    assert slots["diagnosis_mode"] == "cannot_open"
    assert slots["diagnosis_asked"] == []
    assert responses(dispatcher) == ["utter_diagnosis_intro", "utter_score_only_one_factor"]


async def test_one_message_fills_three_facts(dispatcher, domain):
    tracker = make_tracker("我芝麻分750，花呗逾期过一次，也开了网商贷，为啥开不了借呗", "ask_why_cannot_open")

    events = await ActionStartDiagnosis().run(dispatcher, tracker, domain)

    facts = slot_events(events)["diagnosis_facts"]
    assert facts == {"zhima_score": 750, "has_overdue": True, "has_wangshangdai": True}


async def test_closed_jiebei_records_that_the_user_had_it(dispatcher, domain):
    tracker = make_tracker("我的借呗怎么不见了啊 之前还有的", "ask_jiebei_closed")

    events = await ActionStartDiagnosis().run(dispatcher, tracker, domain)

    slots = slot_events(events)
    assert slots["diagnosis_mode"] == "closed"
    assert slots["diagnosis_facts"]["had_jiebei_before"] is True
    assert responses(dispatcher) == ["utter_closed_intro"]


async def test_seventy_points_is_clarified_and_not_used_in_the_diagnosis(dispatcher, domain):
    tracker = make_tracker("我芝麻分才70分 为什么开不了借呗", "ask_why_cannot_open")

    events = await ActionStartDiagnosis().run(dispatcher, tracker, domain)

    assert "zhima_score" not in slot_events(events)["diagnosis_facts"]
    assert responses(dispatcher)[0] == "utter_score_out_of_range"
    assert dispatcher.messages[0]["suggested_score"] == 700


async def test_score_given_earlier_in_the_conversation_is_used(dispatcher, domain):
    tracker = make_tracker("为什么开不了借呗", "ask_why_cannot_open", slots={"zhima_score": 720.0})

    events = await ActionStartDiagnosis().run(dispatcher, tracker, domain)

    assert slot_events(events)["diagnosis_facts"] == {"zhima_score": 720}


async def test_ask_uses_the_engines_next_question_with_buttons(dispatcher, domain):
    tracker = form_tracker("", "ask_why_cannot_open", {"zhima_score": 750})

    events = await ActionAskDiagnosisAnswer().run(dispatcher, tracker, domain)

    slots = slot_events(events)
    pending = slots["diagnosis_pending_fact"]
    assert pending is not None
    assert slots["diagnosis_asked"] == [pending]
    [message] = dispatcher.messages
    assert message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny", "/dont_know"]


async def test_asking_again_after_an_interruption_does_not_count_twice(dispatcher, domain):
    first = await ActionAskDiagnosisAnswer().run(dispatcher, form_tracker("", "faq", {"zhima_score": 750}), domain)
    pending = slot_events(first)["diagnosis_pending_fact"]

    again = await ActionAskDiagnosisAnswer().run(
        dispatcher, form_tracker("", "faq", {"zhima_score": 750}, asked=[pending], pending=pending), domain
    )

    assert slot_events(again)["diagnosis_asked"] == [pending]


async def test_dont_know_is_never_asked_again(dispatcher, domain):
    first = await ActionAskDiagnosisAnswer().run(
        dispatcher, form_tracker("", "dont_know", {"zhima_score": 750}), domain
    )
    skipped = slot_events(first)["diagnosis_pending_fact"]

    second = await ActionAskDiagnosisAnswer().run(
        dispatcher, form_tracker("", "dont_know", {"zhima_score": 750}, asked=[skipped]), domain
    )

    assert slot_events(second)["diagnosis_pending_fact"] not in (None, skipped)


@pytest.mark.parametrize(
    ("answer", "text", "intent", "expected"),
    [
        ("yes", "是的", "affirm", True),
        ("no", "没有", "deny", False),
        ("我开了网商贷", "我开了网商贷", "inform", True),
        ("没有网商贷", "没有网商贷", "inform", False),
    ],
)
async def test_answer_is_recorded_for_the_pending_fact(answer, text, intent, expected, dispatcher, domain):
    tracker = form_tracker(text, intent, {"zhima_score": 750}, asked=["has_wangshangdai"], pending="has_wangshangdai")

    result = ValidateDiagnosisForm().validate_diagnosis_answer(answer, dispatcher, tracker, domain)

    assert result["diagnosis_answer"] is None
    assert result["diagnosis_facts"] == {"zhima_score": 750, "has_wangshangdai": expected}
    assert result["diagnosis_pending_fact"] is None
    assert dispatcher.messages == []


async def test_dont_know_records_nothing(dispatcher, domain):
    tracker = form_tracker("不知道", "dont_know", {"zhima_score": 750}, asked=["high_debt"], pending="high_debt")

    result = ValidateDiagnosisForm().validate_diagnosis_answer("unknown", dispatcher, tracker, domain)

    assert result["diagnosis_facts"] == {"zhima_score": 750}
    assert result["diagnosis_pending_fact"] is None
    assert dispatcher.messages == []


async def test_free_text_answer_can_fill_another_fact_too(dispatcher, domain):
    tracker = form_tracker("我是学生，没逾期过", "inform", {}, asked=["has_overdue"], pending="has_overdue")

    result = ValidateDiagnosisForm().validate_diagnosis_answer("我是学生，没逾期过", dispatcher, tracker, domain)

    assert result["diagnosis_facts"] == {"is_student": True, "has_overdue": False}


async def test_unclear_answer_is_skipped_not_asked_again(dispatcher, domain):
    tracker = form_tracker("嗯这个嘛", "inform", {}, asked=["high_debt"], pending="high_debt")

    result = ValidateDiagnosisForm().validate_diagnosis_answer("嗯这个嘛", dispatcher, tracker, domain)

    assert result["diagnosis_facts"] == {}
    assert result["diagnosis_pending_fact"] is None
    assert responses(dispatcher) == ["utter_diagnosis_answer_unclear"]


async def test_yes_to_a_number_question_is_skipped(dispatcher, domain):
    tracker = form_tracker("是的", "affirm", {}, asked=["age"], pending="age")

    result = ValidateDiagnosisForm().validate_diagnosis_answer("yes", dispatcher, tracker, domain)

    assert result["diagnosis_facts"] == {}
    assert result["diagnosis_pending_fact"] is None
    assert responses(dispatcher) == ["utter_diagnosis_answer_unclear"]


@pytest.mark.parametrize(("text", "age"), [("28", 28), ("二十三", 23), ("我今年45了", 45)])
async def test_bare_number_answers_the_age_question_not_the_score(text, age, dispatcher, domain):
    tracker = form_tracker(text, "inform_score", {"zhima_score": 700}, asked=["age"], pending="age")
    tracker.latest_message["entities"] = [{"entity": "zhima_score", "value": age}]

    result = ValidateDiagnosisForm().validate_diagnosis_answer(text, dispatcher, tracker, domain)

    assert result["diagnosis_facts"] == {"zhima_score": 700, "age": age}
    assert dispatcher.messages == []


async def test_score_answer_out_of_range_is_clarified_not_recorded(dispatcher, domain):
    tracker = form_tracker("70", "inform_score", {}, asked=["zhima_score"], pending="zhima_score")
    tracker.latest_message["entities"] = [{"entity": "zhima_score", "value": 70}]

    result = ValidateDiagnosisForm().validate_diagnosis_answer("70", dispatcher, tracker, domain)

    assert "diagnosis_facts" not in result
    assert result["diagnosis_pending_fact"] == "zhima_score"
    assert responses(dispatcher) == ["utter_score_out_of_range"]


async def test_form_keeps_asking_while_the_engine_has_a_question(dispatcher, domain):
    tracker = form_tracker("", "affirm", {"zhima_score": 750})

    required = await ValidateDiagnosisForm().required_slots(["diagnosis_answer"], dispatcher, tracker, domain)

    assert required == ["diagnosis_answer"]


async def test_form_stops_when_a_decisive_cause_is_found(dispatcher, domain):
    tracker = form_tracker("", "affirm", {"zhima_score": 760, "has_wangshangdai": True})

    required = await ValidateDiagnosisForm().required_slots(["diagnosis_answer"], dispatcher, tracker, domain)

    assert required == []


async def test_form_stops_after_the_question_limit(dispatcher, domain):
    asked = ["has_overdue", "high_debt", "active_account", "many_credit_inquiries", "age", "income_info_authorized"]
    assert len(asked) == MAX_QUESTIONS
    tracker = form_tracker("", "dont_know", {"zhima_score": 750}, asked=asked)

    required = await ValidateDiagnosisForm().required_slots(["diagnosis_answer"], dispatcher, tracker, domain)

    assert required == []


async def test_answer_to_the_last_question_is_still_validated(dispatcher, domain):
    asked = ["has_overdue", "high_debt", "active_account", "many_credit_inquiries", "income_info_authorized"]
    asked.append("has_wangshangdai")
    tracker = form_tracker("是的", "affirm", {"zhima_score": 750}, asked=asked, pending="has_wangshangdai")
    tracker.slots["diagnosis_answer"] = "yes"
    tracker.events = [
        {"event": "user", "text": "是的"},
        {"event": "slot", "name": "diagnosis_answer", "value": "yes"},
    ]
    form = ValidateDiagnosisForm()

    events = await form.run(dispatcher, tracker, domain)

    slots = slot_events(events)
    assert slots["diagnosis_facts"] == {"zhima_score": 750, "has_wangshangdai": True}
    assert slots["requested_slot"] is None


async def test_wangshangdai_is_explained_first_for_a_good_profile_with_wangshangdai(dispatcher, domain):
    facts = {**NOTHING_EXPLAINS_IT, "has_wangshangdai": True}
    tracker = make_tracker("是的", "affirm", slots={"diagnosis_facts": facts})

    events = await ActionExplainDiagnosis().run(dispatcher, tracker, domain)

    [result] = dispatcher.messages
    assert result["response"] == "utter_diagnosis_result"
    assert result["labels"][0] == "已开通网商贷"
    assert result["causes"].startswith("1. **已开通网商贷**（可能性较高）\n")
    assert slot_events(events)["diagnosis_result"]["causes"][0] == "WANGSHANGDAI_OPENED"
    assert "appeal_offered" not in slot_events(events)


async def test_nothing_explained_means_policy_adjustment_and_an_appeal_offer(dispatcher, domain):
    tracker = make_tracker("没有", "deny", slots={"diagnosis_facts": NOTHING_EXPLAINS_IT})

    events = await ActionExplainDiagnosis().run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["labels"][0] == "风控策略调整"
    assert responses(dispatcher) == ["utter_diagnosis_result", "utter_offer_appeal"]
    slots = slot_events(events)
    assert slots["appeal_offered"] is True
    assert slots["appeal_context"] == "POLICY_ADJUSTMENT"


async def test_at_most_three_causes_are_explained(dispatcher, domain):
    facts = {"zhima_score": 520, "has_overdue": True, "high_debt": True, "is_student": True, "has_wangshangdai": True}
    tracker = make_tracker("是的", "affirm", slots={"diagnosis_facts": facts})

    await ActionExplainDiagnosis().run(dispatcher, tracker, domain)

    [result] = dispatcher.messages
    assert len(result["labels"]) == 3
    assert [line[:2] for line in result["causes"].splitlines() if line[:1].isdigit()] == ["1.", "2.", "3."]
    assert result["causes"].count("建议：") == 3


async def test_low_score_yields_score_low(dispatcher, domain):
    tracker = make_tracker("是的", "affirm", slots={"diagnosis_facts": {"zhima_score": 560}})

    await ActionExplainDiagnosis().run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["labels"][0] == "芝麻分偏低"


async def test_disputed_overdue_offers_an_appeal_about_the_overdue_record(dispatcher, domain):
    tracker = make_tracker("我从来没逾期过，凭什么说我有逾期", "dispute_record")

    events = await ActionOfferAppeal().run(dispatcher, tracker, domain)

    assert responses(dispatcher) == ["utter_dispute_acknowledged", "utter_offer_appeal"]
    assert slot_events(events) == {"appeal_offered": True, "appeal_context": "OVERDUE_RECORD"}


async def test_dispute_without_a_record_named_takes_the_diagnosis_context(dispatcher, domain):
    result = {"causes": ["ACCOUNT_RISK", "HIGH_DEBT"], "facts": {}}
    tracker = make_tracker("这个结果不对", "dispute_record", slots={"diagnosis_result": result})

    events = await ActionOfferAppeal().run(dispatcher, tracker, domain)

    assert slot_events(events)["appeal_context"] == "ACCOUNT_RISK"


async def test_declining_the_appeal_clears_the_offer(dispatcher, domain):
    events = await ActionDeclineAppeal().run(dispatcher, make_tracker("不用了", "deny"), domain)

    assert slot_events(events) == {"appeal_offered": False}
    assert responses(dispatcher) == ["utter_anything_else"]


@pytest.mark.parametrize(
    ("pending", "text", "intent", "answer"),
    [
        # Answers in words, whatever the NLU took them for.
        ("high_debt", "我没有其他欠款", "faq", "我没有其他欠款"),
        ("high_debt", "有两笔", "faq", "yes"),
        ("has_wangshangdai", "木有", "nlu_fallback", "no"),
        ("has_wangshangdai", "这个不太清楚", "faq", "unknown"),
        ("age", "25", "nlu_fallback", "25"),
        ("age", "不记得", "faq", "unknown"),
        ("is_student", "已经毕业了", "faq", "已经毕业了"),
        # Words that answer only this question (the fact's reply patterns).
        ("active_account", "用得挺多的", "nlu_fallback", "yes"),
        ("many_credit_inquiries", "最近办了好几张卡", "inform", "yes"),
        ("shows_xinyongdai", "不是信用贷", "faq", "no"),
        # A statement the engine cannot read is still the answer.
        ("has_wangshangdai", "这个我得问问我老婆", "inform", "这个我得问问我老婆"),
    ],
)
async def test_a_reply_in_words_answers_the_pending_question(pending, text, intent, answer, dispatcher, domain):
    tracker = form_tracker(text, intent, {"zhima_score": 750}, asked=[pending], pending=pending)
    assert await ValidateDiagnosisForm().extract_diagnosis_answer(dispatcher, tracker, domain) == {
        "diagnosis_answer": answer
    }


@pytest.mark.parametrize(
    ("pending", "text", "intent"),
    [
        ("high_debt", "借呗利息怎么算", "faq"),
        # It names a fact but asks about it: never taken as "I was overdue".
        ("high_debt", "逾期一天有影响吗", "faq"),
        ("high_debt", "没有借呗入口怎么办", "ask_why_cannot_open"),
        ("age", "不问了", "stop_diagnosis"),
        ("has_wangshangdai", "转人工", "human_handoff"),
    ],
)
async def test_a_message_that_answers_nothing_fills_nothing(pending, text, intent, dispatcher, domain):
    tracker = form_tracker(text, intent, {"zhima_score": 750}, asked=[pending], pending=pending)
    assert await ValidateDiagnosisForm().extract_diagnosis_answer(dispatcher, tracker, domain) == {}


async def test_nothing_is_extracted_before_a_question_was_asked(dispatcher, domain):
    tracker = form_tracker("芝麻分750为什么开不了借呗", "ask_why_cannot_open", {}, pending=None)
    assert await ValidateDiagnosisForm().extract_diagnosis_answer(dispatcher, tracker, domain) == {}


async def test_a_question_missed_twice_is_skipped_with_a_word(dispatcher, domain):
    first = await ActionAskDiagnosisAnswer().run(dispatcher, form_tracker("", "faq", {"zhima_score": 750}), domain)
    pending = slot_events(first)["diagnosis_pending_fact"]
    asked = [pending]

    again = await ActionAskDiagnosisAnswer().run(
        dispatcher, form_tracker("", "faq", {"zhima_score": 750}, asked=asked, pending=pending), domain
    )
    assert slot_events(again)["diagnosis_pending_fact"] == pending
    assert slot_events(again)["diagnosis_repeats"] == 1

    dispatcher.messages.clear()
    third = await ActionAskDiagnosisAnswer().run(
        dispatcher,
        form_tracker("", "faq", {"zhima_score": 750}, asked=asked, pending=pending, slots={"diagnosis_repeats": 1}),
        domain,
    )
    slots = slot_events(third)
    [message] = dispatcher.messages
    assert message["response"] == "utter_diagnosis_next_after_skip"
    assert slots["diagnosis_pending_fact"] not in (None, pending)
    assert message["question"] == load_engine().question(slots["diagnosis_pending_fact"]).text
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny", "/dont_know"]
    assert slots["diagnosis_repeats"] == 0


async def test_the_answer_cleared_at_the_start_says_nothing(dispatcher, domain):
    tracker = form_tracker("芝麻分750为什么开不了借呗", "ask_why_cannot_open", {"zhima_score": 750})
    assert ValidateDiagnosisForm().validate_diagnosis_answer(None, dispatcher, tracker, domain) == {}
    assert dispatcher.messages == []


# Four ordinary questions answered with nothing found: the diagnosis is not settled.
FOUR_ANSWERED = {"zhima_score": 720, "has_overdue": False, "high_debt": False, "active_account": True}
FOUR_ASKED = ["has_overdue", "high_debt", "active_account", "many_credit_inquiries"]


def checklist_tracker(text, intent, facts=FOUR_ANSWERED, asked=(*FOUR_ASKED, "checklist")):
    return form_tracker(text, intent, facts, asked=asked, pending="checklist")


async def test_after_four_unsettled_questions_the_rarer_situations_are_named_at_once(dispatcher, domain):
    tracker = form_tracker("", "deny", {**FOUR_ANSWERED, "many_credit_inquiries": False}, asked=FOUR_ASKED)

    events = await ActionAskDiagnosisAnswer().run(dispatcher, tracker, domain)

    slots = slot_events(events)
    assert slots["diagnosis_pending_fact"] == "checklist"
    assert slots["diagnosis_asked"] == [*FOUR_ASKED, "checklist"]
    [message] = dispatcher.messages
    assert message["text"] == load_engine().checklist.question.text
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [("都没有", "/deny"), ("不清楚", "/dont_know")]


async def test_the_checklist_is_asked_once(dispatcher, domain):
    tracker = form_tracker("", "deny", FOUR_ANSWERED, asked=[*FOUR_ASKED, "checklist"])

    events = await ActionAskDiagnosisAnswer().run(dispatcher, tracker, domain)

    assert slot_events(events)["diagnosis_pending_fact"] not in ("checklist", None)


async def test_a_settled_diagnosis_needs_no_checklist(dispatcher, domain):
    facts = {**FOUR_ANSWERED, "has_overdue": True}
    tracker = form_tracker("", "affirm", facts, asked=FOUR_ASKED)

    assert await ValidateDiagnosisForm().required_slots(["diagnosis_answer"], dispatcher, tracker, domain) == []


@pytest.mark.parametrize(
    ("text", "intent", "found"),
    [
        ("都没有", "deny", dict(load_engine().checklist.none)),
        ("没有", "deny", dict(load_engine().checklist.none)),
        ("我还是学生", "inform", {"is_student": True}),
        ("身份证过期了", "inform", {"identity_complete": False}),
        ("小号上有借呗", "inform", {"other_account_has_jiebei": True}),
        ("入口显示的是信用贷", "inform", {"shows_xinyongdai": True}),
        ("我58了", "inform", {"age": 58}),
        ("五十八岁", "inform", {"age": 58}),
        ("不清楚", "dont_know", {}),
    ],
)
async def test_a_reply_to_the_checklist_names_its_situation_or_none(text, intent, found, dispatcher, domain):
    tracker = checklist_tracker(text, intent)

    extracted = await ValidateDiagnosisForm().extract_diagnosis_answer(dispatcher, tracker, domain)
    result = ValidateDiagnosisForm().validate_diagnosis_answer(
        extracted["diagnosis_answer"], dispatcher, tracker, domain
    )

    assert result["diagnosis_facts"] == {**FOUR_ANSWERED, **found}
    assert result["diagnosis_pending_fact"] is None


async def test_a_question_back_at_the_checklist_interrupts_it(dispatcher, domain):
    tracker = checklist_tracker("学生能开借呗吗", "ask_open_requirements")

    assert await ValidateDiagnosisForm().extract_diagnosis_answer(dispatcher, tracker, domain) == {}
