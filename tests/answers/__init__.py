"""Tests of the answers: their storage, values, carry-over and keys."""
