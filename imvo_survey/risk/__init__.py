"""The risk analysis: risk entries kept by the secretariat, import shares, relevance set
by hand, and a risk page per sector; read by staff, kept by the secretariat."""

from flask import Blueprint

bp = Blueprint("risk", __name__)
