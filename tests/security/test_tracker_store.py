"""The masking tracker store: what is saved has no personal data; the live tracker keeps it."""

from __future__ import annotations

from cryptography.fernet import Fernet
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from security.sealed import seal
from security.tracker_store import MaskingTrackerStore

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
