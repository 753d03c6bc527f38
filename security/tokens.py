"""Customer tokens: HS256 JWTs that the host page signs and the chat channels verify.

A token names the customer in ``sub`` and must carry ``exp``; the channels use
the customer id as the conversation id, so a conversation, its appeal tickets
and its handoffs belong to the person the host page signed in. Only HS256 is
accepted (no ``none``, no algorithm chosen by the token).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import jwt

from security import TEXTS

ALGORITHM = "HS256"
# Customer ids become conversation ids and ticket owners: keep them plain.
_CUSTOMER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}")


class TokenError(ValueError):
    """A token is missing, malformed, forged, expired or names no valid customer."""


@dataclass(frozen=True)
class Customer:
    """Who a verified token names, and until when (UNIX seconds)."""

    customer_id: str
    expires_at: float = 0.0


def verify(token: str | None, secret: str) -> Customer:
    """Checks a customer token.

    Args:
        token: The compact JWT (without ``Bearer``).
        secret: The HS256 secret.

    Returns:
        The customer it names.

    Raises:
        TokenError: Why the token is refused (safe to log; never contains the token).
    """
    if not token:
        raise TokenError("no token")
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError:
        raise TokenError("token expired") from None
    except jwt.InvalidSignatureError:
        raise TokenError("bad signature") from None
    except jwt.PyJWTError as error:
        raise TokenError(f"invalid token ({type(error).__name__})") from None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not _CUSTOMER_ID.fullmatch(subject):
        raise TokenError("the token names no valid customer id")
    return Customer(customer_id=subject, expires_at=float(claims["exp"]))


def issue(customer_id: str, secret: str, lifetime_seconds: int = 3600, now: float | None = None) -> str:
    """Signs a token for ``customer_id`` (what a host page's back end does; used by tests and the demo).

    Raises:
        TokenError: ``customer_id`` is not a valid customer id.
    """
    if not _CUSTOMER_ID.fullmatch(customer_id):
        raise TokenError(TEXTS("customer_id_invalid", customer_id=customer_id))
    issued = int(time.time() if now is None else now)
    return jwt.encode(
        {"sub": customer_id, "iat": issued, "exp": issued + lifetime_seconds}, secret, algorithm=ALGORITHM
    )
