"""The whole way, as in production: gunicorn serves the page that asks for a whole
round's export, the job waits in Redis while no worker runs, and `imvo jobs work` (a
process of its own, started afterwards, over the same queue) does it; the file is
downloaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

from ..auth.served import PROJECT_ROOT, Browser, gunicorn
from ..conftest import PASSWORD, REDIS_URL
from .test_jobs import _round


def test_a_job_asked_for_on_the_web_is_done_by_the_worker_started_later(app, database_url, tmp_path, secretariat,
                                                                         redis_prefix):
    round = _round()
    folder = tmp_path / "served"
    queue = {"IMVO_JOBS_URL": REDIS_URL, "IMVO_JOBS_QUEUE": redis_prefix, "RATELIMIT_STORAGE_URI": REDIS_URL,
             "IMVO_RATELIMIT_KEY_PREFIX": redis_prefix}
    with gunicorn(database_url, folder, workers=2, **queue) as served:
        browser = Browser(served.port)
        assert browser.post_form("/auth/login", {"email": secretariat.email, "password": PASSWORD}).status == 302
        asked = browser.post_form(f"/matrix/{round.slug}/export.json", {"measure": "share"})
        assert asked.status == 302
        job_page = urlsplit(asked.getheader("Location")).path
        assert "Wachten op de verwerker" in browser.get(job_page).text
        env = {**os.environ, "IMVO_ENV": "production", "SECRET_KEY": "served-in-a-test-" + "x" * 32,
               "DATABASE_URL": database_url, "IMVO_INSTANCE_PATH": str(folder), "MAIL_BACKEND": "file",
               "IMVO_ALLOW_FILE_MAIL": "1", "IMVO_BASE_URL": f"http://127.0.0.1:{served.port}", **queue}
        with (folder / "worker.out").open("w") as output:
            worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "work"],
                                      cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 90
                while "/download" not in (page := browser.get(job_page).text) and time.monotonic() < deadline:
                    assert worker.poll() is None, (folder / "worker.out").read_text()
                    time.sleep(0.5)
            finally:
                worker.terminate()
                worker.wait(timeout=30)
        assert "/download" in page, (folder / "worker.out").read_text()
        download = browser.get(f"{job_page}/download")
        assert download.status == 200
        assert {row["code"] for row in json.loads(download.text)["rows"]} >= {"voedsel_drank", "energie"}
