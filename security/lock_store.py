"""A Redis lock store whose lock is atomic across replicas.

Rasa's ``RedisLockStore`` issues a ticket by reading the conversation's lock
object, adding the ticket and writing it back: two replicas receiving turns
of one conversation at the same moment both read "no one waiting", both
write, and both process their turn at once (the fault test saw turns lost).
Here the lock is one Redis key set with ``SET NX PX`` (only one caller can
create it) and released by a script that deletes it only for its owner.
Waiting callers poll every 20 ms; order among simultaneous turns is not
guaranteed (it is not defined across replicas anyway).

Configure it in the endpoints file::

    lock_store:
      type: security.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      port: ${REDIS_PORT}
      password: ${REDIS_PASSWORD}
      db: 1
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.02
# Delete the key only if it still holds our token (it may have expired and
# been taken by someone else).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class AtomicRedisLockStore(RedisLockStore):
    """Conversation locks as single Redis keys (``SET NX PX``)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """Connects to Redis.

        Args:
            endpoint_config: The ``lock_store`` section of the endpoints file
                (``url`` is the host); Rasa passes it for a custom lock store.
            kwargs: RedisLockStore's arguments, when built directly (tests).
        """
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)
        logger.info("lock store: atomic Redis locks")

    def _key(self, conversation_id: str) -> str:
        return f"{self.key_prefix}atomic:{conversation_id}"

    @asynccontextmanager
    async def lock(  # type: ignore[override]
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = POLL_SECONDS
    ) -> AsyncIterator[TicketLock]:
        """Holds the conversation's lock for the block (at most ``lock_lifetime`` seconds).

        Raises:
            LockError: The lock was not free within ``lock_lifetime`` seconds.
        """
        key, token = self._key(conversation_id), uuid.uuid4().hex
        deadline = time.monotonic() + lock_lifetime
        lifetime_ms = int(lock_lifetime * 1000)
        while not self.red.set(key, token, nx=True, px=lifetime_ms):
            if time.monotonic() > deadline:
                raise LockError(f"could not acquire the lock of conversation {conversation_id} in {lock_lifetime} s")
            await asyncio.sleep(min(wait_time_in_seconds, POLL_SECONDS))
        try:
            yield TicketLock(conversation_id)
        finally:
            try:
                self.red.eval(_RELEASE, 1, key, token)
            except Exception as error:  # noqa: BLE001 - the key expires by itself
                logger.warning("could not release the lock of %s (%s)", conversation_id, type(error).__name__)
