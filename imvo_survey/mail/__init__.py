"""The outbox page of the secretariat: queued, sent and failed messages."""

from flask import Blueprint

bp = Blueprint("mailbox", __name__)
