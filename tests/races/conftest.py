"""A real multi-process server for race tests: gunicorn with 4 workers on the test
database, and clients that fire requests at the same moment (TESTING.md, "Races").

A single-threaded test client cannot show a race; these tests can."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import PASSWORD, free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Reply:
    """What the server answered to one request."""

    status: int
    body: str
    location: str | None


class Browser:
    """A client with its own cookie jar (one browser), talking to the live server."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies),
                                                   _NoRedirect())

    def request(self, method: str, path: str, data: dict | list | None = None) -> Reply:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        try:
            with self._opener.open(request, timeout=60) as answer:
                return Reply(answer.status, answer.read().decode(), answer.headers.get("Location"))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), error.headers.get("Location"))

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, data: dict | list | None = None) -> Reply:
        return self.request("POST", path, data or {})

    def login(self, email: str, password: str = PASSWORD) -> None:
        reply = self.post("/auth/login", {"email": email, "password": password})
        assert reply.status == 302, f"login of {email} failed: {reply.status}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def at_once(calls) -> list:
    """Run the callables in threads released together by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


class LiveServer:
    """gunicorn -w 4 serving `wsgi:app` on the test database, on a free port."""

    def __init__(self, database_url: str, instance_dir: Path, log: Path, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, "IMVO_ENV": "testing", "IMVO_TEST_DATABASE_URL": database_url,
                       "IMVO_INSTANCE_PATH": str(instance_dir), "MAIL_FILE_DIR": str(instance_dir / "outbox"),
                       **env}
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{self.port}", "--timeout", "60",
             "wsgi:app"], cwd=PROJECT_ROOT, env=environment, stdout=self._log_file, stderr=subprocess.STDOUT,
            start_new_session=True)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start within 60 s")

    def browser(self) -> Browser:
        return Browser(self.url)

    def errors(self) -> str:
        """What the workers logged as errors (tracebacks), for assertions."""
        text = self.log.read_text()
        return text if "Traceback" in text else ""

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log_file.close()


@pytest.fixture
def live_server(app, database_url, instance_dir, tmp_path):
    """The app served by gunicorn with 4 worker processes (stopped after the test)."""
    from imvo_survey.extensions import db

    db.session.commit()  # what the test made before must be visible to the workers
    server = LiveServer(database_url, instance_dir, tmp_path / "gunicorn.log")
    yield server
    server.stop()
