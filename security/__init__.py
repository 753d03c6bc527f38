"""What protects customers' data and the servers: masking, secrets, limits, authentication.

Pure modules (no Rasa import): :mod:`security.pii` (masking personal data in
text and JSON), :mod:`security.sealed` (encrypting a slot value the action
server needs on a later turn), :mod:`security.limits` (message limits and
rate limiting), :mod:`security.tokens` (customer JWTs), :mod:`security.config`
(settings from the environment). Adapters: :mod:`security.channels` (Rasa
input channels), :mod:`security.tracker_store` (the masking tracker store),
:mod:`security.action_server` (the action server behind a shared secret),
:mod:`security.retention` (deleting old or one customer's data).

``TEXTS`` holds what the staff commands (:mod:`security.cli`) print, and the
messages of the errors that reach them, in ``texts.yml``; the chat channels'
replies to customers are in ``messages.yml``.
"""

from __future__ import annotations

from pathlib import Path

from stafftext import Texts

TEXTS = Texts(Path(__file__).with_name("texts.yml"))
