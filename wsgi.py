"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`.

Production is the default here; it refuses to start without SECRET_KEY and DATABASE_URL.
"""

import os

from imvo_survey import create_app

app = create_app(os.environ.get("IMVO_ENV", "production"))
