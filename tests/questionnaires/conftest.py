"""Fixtures for the questionnaire tests."""

from __future__ import annotations

import pytest
from flask_babel import force_locale


@pytest.fixture
def english():
    """Messages in English (their message ids), for tests of the pure modules."""
    with force_locale("en"):
        yield
