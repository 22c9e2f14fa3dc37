"""The client side of the load benchmark (benchmarks/load.py): a minimal browser on
http.client (its own cookies, forms read from the page as a browser reads them), a
recorder of every request's time and outcome, and a closed loop that fetches pages as
fast as the server answers (for the throughput figures).

Only the standard library: the benchmark adds no dependency.
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

TIMEOUT = 60


# --- recording --------------------------------------------------------------------------

@dataclass
class Recorder:
    """Every request's kind (page, save, autosave, ...), duration and, when it failed, why."""

    samples: list[tuple[str, float]] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sample(self, kind: str, seconds: float) -> None:
        self.samples.append((kind, seconds))  # list.append is atomic

    def error(self, kind: str) -> None:
        with self._lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1

    def times(self, *kinds: str) -> list[float]:
        return [seconds for kind, seconds in self.samples if kind in kinds]


def percentiles(times: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 in milliseconds (zeros when nothing was measured)."""
    if len(times) < 2:
        return (times[0] * 1000,) * 3 if times else (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


# --- the browser ------------------------------------------------------------------------

@dataclass
class Reply:
    """An answer: status, body, and where a redirect leads (a path)."""

    status: int
    text: str
    location: str | None


class RequestFailed(Exception):
    """A request that got no answer (refused, reset, timed out)."""


class Browser:
    """One browser: keeps its cookies, times each request into the recorder. With
    `think` set, the person pauses 0.5-1.5 times that many seconds before each request
    (not counted in its time)."""

    def __init__(self, port: int, recorder: Recorder, think: float = 0.0, rng: random.Random | None = None):
        self.port = port
        self.recorder = recorder
        self.cookies: dict[str, str] = {}
        self.think = think
        self.rng = rng or random.Random()

    def request(self, kind: str, method: str, path: str, data: list | dict | None = None,
                headers: dict | None = None) -> Reply:
        if self.think:
            time.sleep(self.think * self.rng.uniform(0.5, 1.5))
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        # gunicorn's sync workers close the connection after each answer: one per request.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode()
        except (OSError, http.client.HTTPException) as error:
            self.recorder.error(f"no answer ({type(error).__name__})")
            raise RequestFailed(path) from error
        finally:
            connection.close()
        self.recorder.sample(kind, time.perf_counter() - start)
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _sep, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        location = answer.headers.get("Location")
        if location:
            location = urlsplit(location)._replace(scheme="", netloc="").geturl()
        return Reply(answer.status, text, location)

    def get(self, path: str) -> Reply:
        """Load a page (timed as a page)."""
        return self.request("page", "GET", path)


# --- forms as a browser reads them ------------------------------------------------------

@dataclass
class Control:
    """An answer field the person can change: radios, checkboxes, a select or a text box."""

    kind: str  # radio, checkbox, select, multiselect, number, text
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    """A form on a page: what it would post as it stands, and what can be changed."""

    action: str | None
    attrs: dict
    values: dict[str, list[str]] = field(default_factory=dict)
    controls: dict[str, Control] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of submit buttons

    def pairs(self) -> list[tuple[str, str]]:
        """The (name, value) pairs the form would post now."""
        return [(name, value) for name, values in self.values.items() for value in values]


class FormReader(HTMLParser):
    """The forms of a page. Fields inside a question shown only under a condition
    (data-show-if) are posted but not offered for changing: the benchmark changes only
    answers that are always shown, so none is cleared by a condition it changed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._divs: list[bool] = []
        self._select: tuple[str, Control] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self._form = Form(attrs.get("action"), attrs)
            self.forms.append(self._form)
        elif tag == "div":
            self._divs.append("data-show-if" in attrs)
        if self._form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        conditional = any(self._divs)
        if tag == "input" and name:
            self._input(attrs, name, conditional)
        elif tag == "button" and name and attrs.get("type", "submit") == "submit":
            self._form.buttons.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            control = Control("multiselect" if "multiple" in attrs else "select")
            self._select = (name, control)
            self._form.values.setdefault(name, [])
            if not conditional:
                self._form.controls[name] = control
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if value:
                self._select[1].options.append(value)
            if "selected" in attrs:
                self._form.values[self._select[0]].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.values[name] = [""]
            if not conditional:
                self._form.controls[name] = Control("text")

    def _input(self, attrs: dict, name: str, conditional: bool) -> None:
        kind, value = attrs.get("type", "text"), attrs.get("value", "")
        if kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("radio", "checkbox"):
            self._form.values.setdefault(name, [])
            if "checked" in attrs:
                self._form.values[name].append(value)
            if not conditional:
                self._form.controls.setdefault(name, Control(kind)).options.append(value)
            return
        self._form.values[name] = [value]
        if kind != "hidden" and not conditional:
            numeric = attrs.get("inputmode") in ("numeric", "decimal")
            self._form.controls[name] = Control("number" if numeric else "text")

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "div" and self._divs:
            self._divs.pop()
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    """The forms of a page."""
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_posting_to(html: str, suffix: str) -> Form | None:
    """The page's form whose action ends in `suffix` (the start or submit button's)."""
    return next((form for form in forms_of(html) if (form.action or "").endswith(suffix)), None)


def typed_value(control: Control, rng: random.Random) -> list[str]:
    """What a person might choose or type in a field (always a valid answer: one option
    of a list, so an exclusive "none of these" is never combined with another)."""
    if control.kind in ("radio", "checkbox", "select"):
        return [rng.choice(control.options)]
    if control.kind == "multiselect":
        return rng.sample(control.options, min(len(control.options), rng.randint(1, 3)))
    if control.kind == "number":
        return [str(rng.randint(0, 999))]
    return [f"Antwoord {rng.randint(1, 10**6)}"]


def autosave_reply(reply: Reply) -> dict | None:
    """The JSON of an autosave's answer (None when it is not JSON, e.g. an error page)."""
    try:
        return json.loads(reply.text)
    except ValueError:
        return None


# --- the closed loop --------------------------------------------------------------------

def hammer(browsers: list[Browser], paths: list[str], seconds: float, kind: str) -> float:
    """Each browser fetches the paths in turn, as fast as answers come, for `seconds`;
    every answer but a 200 is counted as an error. Returns the requests per second."""
    done = [0] * len(browsers)
    stop = time.perf_counter() + seconds

    def run(index: int, browser: Browser) -> None:
        turn = index
        while time.perf_counter() < stop:
            path = paths[turn % len(paths)]
            turn += 1
            try:
                reply = browser.request(kind, "GET", path)
            except RequestFailed:
                continue
            if reply.status != 200:
                browser.recorder.error(f"{kind}: HTTP {reply.status}")
            done[index] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i, b), daemon=True) for i, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - start)
