"""Logging in and out, login sessions, password reset and change."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
