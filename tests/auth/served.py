"""The app served for real by `gunicorn -w N` with the production configuration, on a
free port, against the test database: for what only several processes can show."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from ..conftest import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Each access-log line: worker pid (gunicorn writes it as <pid>), status, method, path.
LOG_FORMAT = "%(p)s %(s)s %(m)s %(U)s"


@dataclass
class Served:
    """A running gunicorn: where it listens and what its workers logged."""

    port: int
    access_log: Path

    def requests(self) -> list[tuple[int, int, str, str]]:
        """(pid, status, method, path) of every request logged (complete once gunicorn has stopped)."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return [(int(pid.strip("<>")), int(status), method, path)
                for pid, status, method, path in (line.split(" ", 3) for line in lines)]


@contextmanager
def gunicorn(database_url: str, folder: Path, workers: int = 4, **environment: str):
    """Serve the app with `workers` processes until the block ends (stopped by its pid)."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ, "IMVO_ENV": "production", "SECRET_KEY": "served-in-a-test-" + "x" * 32,
        "DATABASE_URL": database_url, "IMVO_BASE_URL": f"http://127.0.0.1:{port}",
        "MAIL_BACKEND": "file", "IMVO_ALLOW_FILE_MAIL": "1", "MAIL_FILE_DIR": str(folder / "mail"),
        "IMVO_INSTANCE_PATH": str(folder),
        "IMVO_SECURE_COOKIES": "0", **environment,
    }
    served = Served(port=port, access_log=folder / "access.log")
    output = (folder / "gunicorn.out").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(served.access_log), "--access-logformat", LOG_FORMAT, "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(served, process, folder / "gunicorn.out")
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


def _wait_until_up(served: Served, process: subprocess.Popen, output: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{output.read_text()}")
        try:
            if Browser(served.port).get("/health").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{output.read_text()}")


class Browser:
    """A minimal browser on http.client: keeps the session cookie and fills in the form token."""

    def __init__(self, port: int, forwarded_for: str | None = None):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.forwarded_for = forwarded_for

    def _send(self, method: str, path: str, body: str | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response

    def get(self, path: str) -> http.client.HTTPResponse:
        return self._send("GET", path)

    def post_form(self, path: str, data: dict) -> http.client.HTTPResponse:
        """GET the page for its form token, then POST `data` with it."""
        page = self.get(path).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self._send("POST", path, urlencode({**data, "csrf_token": token}))
