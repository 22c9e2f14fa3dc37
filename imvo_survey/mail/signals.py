"""What the mail worker announces, for the features above it to act on: the mail package
imports none of them (rounds, registration, ...), they connect here."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent by `imvo mail send` once per pass, before the outbox is sent, with the app as
#: sender. A receiver queues the mail that has come due (the rounds' scheduled reminders)
#: and returns how many messages it queued; the worker commits after it.
worker_pass = _signals.signal("worker-pass")
