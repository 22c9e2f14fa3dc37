"""The worker's part in tests: do every queued task now, in this process, with the
app's own queue (huey's SQLite file in the test instance folder), as `imvo jobs work`
would one after the other."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit


def work(app) -> int:
    """Do the queued tasks; returns how many."""
    queue = app.extensions["huey"]
    done = 0
    while (task := queue.dequeue()) is not None:
        queue.execute(task)
        done += 1
    return done


def download_export(client, url: str):
    """An export as the page asks for it (a POST with the page's parameters): at once
    when filtered; for a whole round, through its background job, done here. The
    answer is read and closed."""
    parts = urlsplit(url)
    answer = client.post(parts.path, data=dict(parse_qsl(parts.query)))
    if answer.status_code == 302 and "/jobs/" in answer.location:
        work(client.application)
        answer = client.get(f"{urlsplit(answer.location).path}/download")
    answer.get_data()  # read (and kept on the answer), so the file can be closed here
    answer.close()
    return answer
