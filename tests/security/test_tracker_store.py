"""The masking tracker store: what is saved has no personal data; the live tracker keeps it."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerDeserialisationException
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    FollowupAction,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from security.sealed import seal
from security.tracker_store import MaskingTrackerStore, QuickInMemoryTrackerStore, QuickRedisTrackerStore, event_class

DOMAIN = Domain.load("domain.yml")
PHONE = "13812345678"
SEALED = seal(PHONE, Fernet.generate_key().decode("ascii"))


def conversation() -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "cust-1",
        [
            ActionExecuted("action_listen"),
            UserUttered(f"我手机{PHONE}", {"name": "inform", "confidence": 1.0}, [{"entity": "n", "value": PHONE}]),
            SlotSet("appeal_phone", f"我手机{PHONE}"),
            SlotSet("appeal_phone", SEALED),
            BotUttered("好的，记下了 138****5678"),
        ],
        slots=DOMAIN.slots,
    )


async def test_the_saved_conversation_is_masked_and_the_live_one_is_not():
    store = MaskingTrackerStore(domain=DOMAIN)
    live = conversation()

    await store.save(live)
    saved = await store.retrieve("cust-1")

    user = saved.events[1]
    assert user.text == "我手机138****5678"
    assert user.parse_data["text"] == "我手机138****5678"
    assert user.entities == [{"entity": "n", "value": "138****5678"}]
    assert [event.value for event in saved.events if isinstance(event, SlotSet)] == ["我手机138****5678", SEALED]
    assert saved.get_slot("appeal_phone") == SEALED
    assert PHONE in live.events[1].text  # the turn in progress still reads the number
    assert len(saved.events) == len(live.events)


async def test_the_inner_store_is_configured_like_any_tracker_store():
    store = MaskingTrackerStore(domain=DOMAIN, inner={"type": "in_memory"})

    await store.save(conversation())

    assert list(await store.keys()) == ["cust-1"]
    assert await store.retrieve_full_tracker("cust-1") is not None
    assert store.domain is DOMAIN


async def test_text_that_only_looks_sealed_is_masked():
    store = MaskingTrackerStore(domain=DOMAIN)
    tracker = DialogueStateTracker.from_events(
        "cust-2",
        [UserUttered(f"sealed:v1: 我的手机{PHONE}", {"name": "inform", "confidence": 1.0})],
        slots=DOMAIN.slots,
    )

    await store.save(tracker)

    assert (await store.retrieve("cust-2")).events[0].text == "sealed:v1: 我的手机138****5678"


async def test_events_read_from_the_store_are_not_masked_again_but_new_ones_are():
    store = MaskingTrackerStore(domain=DOMAIN)
    await store.save(conversation())
    tracker = await store.retrieve("cust-1")
    read = list(tracker.events)

    tracker.update(UserUttered(f"再说一遍 {PHONE}", {"name": "inform", "confidence": 1.0}))
    await store.save(tracker)
    saved = await store.retrieve("cust-1")

    assert saved.events[-1].text == "再说一遍 138****5678"
    assert [event.as_dict() for event in list(saved.events)[: len(read)]] == [event.as_dict() for event in read]


async def test_a_tracker_that_was_not_read_from_the_store_is_masked_whole():
    store = MaskingTrackerStore(domain=DOMAIN)
    await store.save(conversation())
    await store.retrieve("cust-1")  # remembered, but a different tracker is saved

    await store.save(conversation())
    saved = await store.retrieve("cust-1")

    assert saved.events[1].text == "我手机138****5678"
    assert [e.value for e in saved.events if isinstance(e, SlotSet)] == ["我手机138****5678", SEALED]


def every_kind_of_event() -> DialogueStateTracker:
    """A conversation over two sessions with the events a diagnosis and an appeal write."""
    return DialogueStateTracker.from_events(
        "cust-2",
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered(
                "芝麻分720开不了借呗",
                {"name": "ask_why_cannot_open", "confidence": 0.97},
                [{"entity": "zhima_score", "value": 720, "start": 3, "end": 6}],
            ),
            ActionExecuted("diagnosis_form"),
            ActiveLoop("diagnosis_form"),
            SlotSet("requested_slot", "diagnosis_answer"),
            BotUttered("最近有没有逾期？", {"buttons": [{"title": "有", "payload": "/affirm"}]}),
            ActionExecuted("action_listen"),
            UserUttered("没有", {"name": "deny", "confidence": 0.9}),
            ActionExecuted("diagnosis_form"),
            SlotSet("requested_slot", None),
            ActiveLoop(None),
            FollowupAction("action_listen"),
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered("借呗利息怎么算", {"name": "faq", "confidence": 0.9}),
            ActionReverted(),
            UserUtteranceReverted(),
            ConversationPaused(),
            ConversationResumed(),
        ],
        slots=DOMAIN.slots,
    )


def test_the_quick_read_builds_the_tracker_rasa_builds():
    quick, rasa = QuickInMemoryTrackerStore(DOMAIN), InMemoryTrackerStore(DOMAIN)
    stored = rasa.serialise_tracker(every_kind_of_event())

    ours, theirs = quick.deserialise_tracker("cust-2", stored), rasa.deserialise_tracker("cust-2", stored)

    assert [type(event) for event in ours.events] == [type(event) for event in theirs.events]
    assert list(ours.events) == list(theirs.events)
    assert ours.current_state() == theirs.current_state()
    assert ours.active_loop == theirs.active_loop


async def test_the_quick_store_returns_the_last_session_as_rasa_does():
    quick, rasa = QuickInMemoryTrackerStore(DOMAIN), InMemoryTrackerStore(DOMAIN)
    for store in (quick, rasa):
        await store.save(every_kind_of_event())

    ours, theirs = await quick.retrieve("cust-2"), await rasa.retrieve("cust-2")

    assert list(ours.events) == list(theirs.events)
    assert len(ours.events) < len(every_kind_of_event().events)  # the first session is left out


def test_every_event_class_is_found_as_rasa_finds_it():
    for kind in all_subclasses(Event):
        assert event_class(kind.type_name) is Event.resolve_by_type(kind.type_name), kind


def test_what_rasa_skips_is_skipped():
    stored = json.dumps(
        {
            "events": [
                {"timestamp": 1},
                {"event": "topic", "timestamp": 2},
                {"event": None, "timestamp": 3},
                {"event": "action", "name": "action_listen", "timestamp": 4},
            ]
        }
    )
    quick, rasa = QuickInMemoryTrackerStore(DOMAIN), InMemoryTrackerStore(DOMAIN)

    ours, theirs = quick.deserialise_tracker("cust-3", stored), rasa.deserialise_tracker("cust-3", stored)

    assert list(ours.events) == list(theirs.events) == [ActionExecuted("action_listen", timestamp=4)]


@pytest.mark.parametrize("store", [QuickInMemoryTrackerStore(DOMAIN), InMemoryTrackerStore(DOMAIN)])
def test_an_unknown_event_type_is_refused_as_rasa_refuses_it(store):
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        store.deserialise_tracker("cust-3", '{"events": [{"event": "no_such_event", "timestamp": 1}]}')


def test_stored_bytes_that_are_not_text_are_refused():
    with pytest.raises(TrackerDeserialisationException, match="cust-3"):
        QuickInMemoryTrackerStore(DOMAIN).deserialise_tracker("cust-3", b"\x80 not json")


def test_memory_and_redis_stores_are_built_with_the_quick_read():
    store = MaskingTrackerStore(domain=DOMAIN, fallback={"type": "redis", "url": "127.0.0.1", "port": 1})

    assert isinstance(store.inner, QuickInMemoryTrackerStore)
    assert isinstance(store._fallback, QuickRedisTrackerStore)
