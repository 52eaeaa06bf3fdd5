"""`summarize serve`: the HTTP API and the editors' page, tested against a running server.

A real uvicorn server listens on 127.0.0.1 (a free port, bound before it starts) in a
thread of the test process, and httpx talks to it over TCP; the page is driven in
Debian's Chromium by Playwright (the system browser, never a downloaded one). Models:
the deterministic trigram encoder of ``conftest.py``, wrapped so that a marker word can
make it fail or stall (to prove a failing request does not take the server down, and
that model work runs off the event loop). The ``summarize serve`` command itself is
run as a subprocess and stopped with SIGINT.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import FakeEncoder

from summarize import Summarizer, deduplicate, reconstruct, summarize
from summarize.embed.static_backend import STATIC_MODEL_NAME
from summarize.report import SCHEMA_VERSION, removed_from_json
from summarize.serve import ServeOptions, size_option
from summarize.serve.app import MAX_BODY, create_app
from summarize.serve.engine import Article, Engine, Limits
from summarize.serve.responses import DedupOut, DigestOut, SummaryOut

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # uncalibrated fake model

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BAC_GIANG = (SAMPLES / "bac-giang-co-quan-tinh.txt").read_text("utf-8")
HUE = (SAMPLES / "thua-thien-hue.txt").read_text("utf-8")
LIMIT = 200_000  # the test server's body limit (the default, 10 MB, is checked apart)
TEXT_CAP, BATCH_CAP = 20_000, 40_000  # its caps on characters (defaults checked apart)
HOSTILE_TITLE = (
    'Tin <b>nóng</b> <img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
)


class Trouble(FakeEncoder):
    """The fake encoder, but ``BOOM`` in a text raises and ``SLOW`` in a text stalls;
    texts with ``MARK`` in them are noted in ``marked`` (to see which work ran)."""

    name = "fake-trigram-encoder"
    marked: list[str] = []

    def encode(self, texts, prompt_name: str = "passage"):
        self.marked.extend(t for t in texts if "MARK" in t)
        if any("BOOM" in t for t in texts):
            raise RuntimeError("encoder exploded")
        if any("SLOW" in t for t in texts):
            time.sleep(1.5)
        return super().encode(texts, prompt_name)


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def running(app, timeout: float = 20.0) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread; always stopped, even when a test fails."""
    import uvicorn

    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            assert thread.is_alive(), "the server thread died while starting"
            assert time.monotonic() < deadline, "the server did not start in time"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
        assert not thread.is_alive(), "the server did not stop"


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Engine]]:
    engine = Engine(Summarizer(encoder=Trouble()), Limits(text=TEXT_CAP, batch=BATCH_CAP))
    engine.load()
    with running(create_app(engine, max_body=LIMIT)) as url:
        yield url, engine


@pytest.fixture(scope="module")
def base_url(server: tuple[str, Engine]) -> str:
    return server[0]


@pytest.fixture()
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as c:
        yield c


def _reference(text: str, title: str | None = None, **settings) -> list:
    summarizer = Summarizer(encoder=FakeEncoder()).with_config(**settings)
    return summarizer.summarize(text, title=title).sentences


# ------------------------------------------------------------------------------- API


def test_health_and_docs(client: httpx.Client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["model"] == "fake-trigram-encoder"
    spec = client.get("/openapi.json").json()
    assert {"/api/summarize", "/api/deduplicate", "/api/digest", "/healthz"} <= set(spec["paths"])
    errors = spec["paths"]["/api/summarize"]["post"]["responses"]
    assert {"400", "413", "422", "500"} <= set(errors)  # the error answers are documented
    assert "swagger-ui" in client.get("/docs").text


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_work_offline(client: httpx.Client, page: str) -> None:
    """The docs pages load their scripts from this server, never from a CDN."""
    import re

    html = client.get(page).text
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assets = re.findall(r'(?:src|href)=["\']([^"\']+)["\']', html)
    scripts = [a for a in assets if a.endswith(".js")]
    assert scripts and all(a.startswith("/") and not a.startswith("//") for a in assets)
    for asset in assets:
        r = client.get(asset)
        assert r.status_code == 200, asset
    for script in scripts:
        assert len(client.get(script).content) > 500_000  # the real bundle, not a stub
    assert "/openapi.json" in html


def test_openapi_describes_the_answers(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]

    def answer(path: str) -> dict:
        ref = spec["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]
        return schemas[ref["schema"]["$ref"].rsplit("/", 1)[-1]]

    def item(prop: dict) -> dict:
        return schemas[prop["items"]["$ref"].rsplit("/", 1)[-1]]

    summary = answer("/api/summarize")
    pick = item(summary["properties"]["sentences"])
    assert {"text", "index", "start", "end", "score", "paragraph"} <= set(pick["properties"])
    assert {"removed", "excluded", "method", "query", "budget"} <= set(summary["properties"])
    dedup = answer("/api/deduplicate")
    assert {"text", "removed", "clusters", "counts"} <= set(dedup["properties"])
    cut = item(dedup["properties"]["removed"])
    assert {"cut_start", "cut_text", "kept_index"} <= set(cut["properties"])
    digest = answer("/api/digest")
    story = item(digest["properties"]["stories"])
    assert {"id", "size", "articles", "summary"} <= set(story["properties"])
    for answered in (summary, dedup, digest):  # what the work warned about, on every answer
        assert answered["properties"]["warnings"]["type"] == "array"
        assert "warnings" in answered["required"]
    record = item(digest["properties"]["records"])
    assert {"story", "sentences", "removed", "fields"} <= set(record["properties"])
    request = schemas["SummarizeRequest"]["properties"]
    assert {"text", "html"} <= set(request)


def test_summarize_returns_the_summary_schema(client: httpx.Client) -> None:
    r = client.post("/api/summarize", json={"text": BAC_GIANG, "sentences": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["schema_version"], body["kind"]) == (SCHEMA_VERSION, "summary")
    SummaryOut.model_validate(body)  # the answer is what /openapi.json says, field by field
    picks = body["sentences"]
    expected = _reference(BAC_GIANG, sentences=2)
    assert [p["text"] for p in picks] == [s.text for s in expected]
    for p, s in zip(picks, expected, strict=True):
        assert (p["index"], p["start"], p["end"]) == (s.index, s.start, s.end)
        assert p["score"] == pytest.approx(s.score)
        assert BAC_GIANG[p["start"] : p["end"]] == p["text"]  # offsets index the sent text


def test_summarize_budgets_method_title_and_query(client: httpx.Client) -> None:
    by_ratio = client.post("/api/summarize", json={"text": HUE, "ratio": 0.2}).json()
    assert [p["text"] for p in by_ratio["sentences"]] == [
        s.text for s in _reference(HUE, ratio=0.2)
    ]
    by_words = client.post("/api/summarize", json={"text": HUE, "words": 40}).json()
    assert sum(len(p["text"].split()) for p in by_words["sentences"]) <= 40
    lead = client.post(
        "/api/summarize", json={"text": HUE, "method": "lead", "title": "Huế", "sentences": 1}
    ).json()
    assert lead["method"] == "lead" and lead["title"] == "Huế"
    asked = client.post(
        "/api/summarize", json={"text": HUE, "query": "học tập Bác", "sentences": 1}
    )
    assert asked.status_code == 200 and asked.json()["query"] == "học tập Bác"


def test_lead_with_a_query_is_reported_as_the_python_api_reports_it(client) -> None:
    """With a query the picks answer it and ``method`` only breaks ties: the record says
    so as ``summarize(..., method="lead", query=...)`` does (``query`` set, the model that
    ranked by it named), and the page says it in words."""
    asked = {"method": "lead", "query": "học tập và làm theo Bác", "sentences": 2}
    got = client.post("/api/summarize", json={"text": HUE, **asked}).json()
    SummaryOut.model_validate(got)
    expected = summarize(HUE, model=FakeEncoder(), **asked)
    assert [p["text"] for p in got["sentences"]] == [s.text for s in expected.sentences]
    assert (got["method"], got["query"]) == (expected.method, expected.query)
    assert got["model"] == "fake-trigram-encoder"  # a model ranked them: not plain lead
    plain = client.post("/api/summarize", json={"text": HUE, "method": "lead", "sentences": 2})
    assert plain.json()["query"] is None and plain.json()["model"] is None
    assert [p["index"] for p in plain.json()["sentences"]] != [p["index"] for p in got["sentences"]]
    page = client.post("/", data={"text": HUE, "amount": "2", **asked})
    said = 'picked for the query “<span lang="vi">học tập và làm theo Bác</span>” (lead only'
    assert said in page.text  # the query in the article's language, in the English line


def test_a_query_nothing_answers_is_said_so_by_the_api_and_the_page(client) -> None:
    """``query_matched`` as in the Python result (rank/query.py): false when no sentence
    answers better than an unrelated question; the picks are still there."""
    off = {"query": "bóng đá World Cup", "sentences": 2}
    got = client.post("/api/summarize", json={"text": HUE, **off}).json()
    SummaryOut.model_validate(got)
    assert got["query_matched"] is False and len(got["sentences"]) == 2
    assert got["query_matched"] is summarize(HUE, model=FakeEncoder(), **off).query_matched
    on = client.post("/api/summarize", json={"text": HUE, "query": "học tập và làm theo Bác"})
    assert on.json()["query_matched"] is True
    plain = client.post("/api/summarize", json={"text": HUE}).json()
    assert plain["query_matched"] is None
    page = client.post("/", data={"text": HUE, "amount": "2", **off})
    assert "nothing in the text matches the query" in page.text


def test_the_page_says_a_budget_of_one_in_the_singular(client) -> None:
    """The page showed "1 sentences" as the budget of amount 1 (and "of 1 sentences"
    for a one-sentence text): both in the singular, as the JSON ``budget`` is."""
    one = "Mưa lớn kéo dài khiến nhiều tuyến phố ở Hà Nội ngập sâu trong chiều nay."
    page = client.post("/", data={"text": one, "budget": "sentences", "amount": "1"})
    assert page.status_code == 200
    assert "1 of 1 sentence · " in page.text
    meta = page.text.split('<p class="meta">', 1)[1].split("</p>", 1)[0]
    assert "sentences ·" not in page.text and "budget" not in meta  # the count said once
    # A budget that is not the count of picks is said, as the budget
    page = client.post("/", data={"text": HUE, "budget": "words", "amount": "30"})
    assert page.status_code == 200 and " · budget 30 words · " in page.text
    got = client.post("/api/summarize", json={"text": HUE, "sentences": 1}).json()
    assert got["budget"] == "1 sentence"


def test_html_is_read_as_a_page_not_summarised_with_its_tags(client) -> None:
    paras = "".join(f"<p>{p}</p>" for p in HUE.split("\n")[1:] if p.strip())
    page = (
        "<html><head><title>Tin Huế</title><script>var tracking = 1;</script></head>"
        f"<body><nav>Trang chủ | Thời sự</nav><article>{paras}</article></body></html>"
    )
    r = client.post("/api/summarize", json={"html": page, "sentences": 2})
    assert r.status_code == 200, r.text
    body = SummaryOut.model_validate(r.json())
    expected = summarize(html=page, sentences=2, model=FakeEncoder())
    assert [p.text for p in body.sentences] == [s.text for s in expected.sentences]
    assert body.title == "Tin Huế" and not any("<" in p.text for p in body.sentences)
    cleaned = client.post("/api/deduplicate", json={"html": page}).json()
    assert cleaned["text"] == deduplicate(html=page, model=FakeEncoder()).text
    assert "<p>" not in cleaned["text"] and "tracking" not in cleaned["text"]
    both = client.post("/api/summarize", json={"text": "Một câu.", "html": page})
    assert both.status_code == 422 and "give either text or html, not both" in both.text
    batch = [{"id": "page", "html": page}, {"id": "bg", "text": BAC_GIANG}]
    records = client.post("/api/digest", json={"articles": batch}).json()["records"]
    assert records[0]["title"] == "Tin Huế" and records[0]["error"] is None
    assert not any("<" in p["text"] for p in records[0]["sentences"])


def test_texts_over_the_cap_are_413_before_any_model_work(client) -> None:
    long = "Một câu MARK dài về Huế và Bắc Giang. " * 600
    assert TEXT_CAP < len(long) < LIMIT  # under the byte limit, over the character cap
    Trouble.marked.clear()
    r = client.post("/api/summarize", json={"text": long})
    assert r.status_code == 413, r.text
    assert r.json()["detail"] == (
        f"text too long: {len(long):,} characters; this server takes at most "
        f"{TEXT_CAP:,} characters per text (summarize serve --max-text)"
    )
    assert client.post("/api/deduplicate", json={"text": long}).status_code == 413
    paras = "".join(f"<p>{long[i : i + 1000]}</p>" for i in range(0, len(long), 1000))
    page = f"<html><body><article>{paras}</article></body></html>"
    r = client.post("/api/summarize", json={"html": page})
    assert r.status_code == 413 and r.json()["detail"].startswith("html (its article text) too")
    r = client.post("/api/digest", json={"articles": [{"text": long}]})  # nothing else to do
    assert r.status_code == 413 and r.json()["detail"].startswith("text too long: ")
    r = client.post("/api/digest", json={"articles": [{"text": long}, {"text": long + "."}]})
    assert r.status_code == 413 and r.json()["detail"].startswith(
        "no article to digest: 2 of 2 are too long (the first, article 1: too long: "
    )
    r = client.post("/api/digest", json={"articles": [{"text": long}, {"text": " "}]})
    assert r.status_code == 413, r.text
    assert r.json()["detail"].startswith("no article to digest: 1 of 2 are too long, the others")
    many = [{"text": BAC_GIANG} for _ in range(BATCH_CAP // len(BAC_GIANG) + 1)]
    r = client.post("/api/digest", json={"articles": many})
    assert r.status_code == 413 and "too much text in one request" in r.json()["detail"]
    assert "--max-batch-text" in r.json()["detail"]
    page = client.post("/", data={"text": long})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "characters per text" in page.text
    pasted = "\n---\n".join(a["text"] for a in many)
    page = client.post("/batch", data={"text": pasted})
    assert page.status_code == 413 and 'id="batch-error"' in page.text
    assert Trouble.marked == []  # nothing of it reached the model
    assert Limits() == Limits(200_000, 2_000_000)  # the documented defaults
    options = ServeOptions()
    assert (options.max_text, options.max_batch_text) == (200_000, 2_000_000)


def test_one_article_over_the_cap_is_its_own_error_and_the_others_are_digested(client) -> None:
    """Defect 9 of trial 4: one long article of a 30-record upload refused all 30. It is
    now that article's failed record (as an empty one is, and as ``digest_records()``
    reports a bad item), named as the client knows it, and never sent to the model."""
    long = "Một câu MARK-LONG dài về Huế và Bắc Giang. " * 600
    assert TEXT_CAP < len(long) < LIMIT
    why = (
        f"too long: {len(long):,} characters; this server takes at most {TEXT_CAP:,} "
        "characters per text (summarize serve --max-text)"
    )
    Trouble.marked.clear()
    articles = [{"id": "bg", "text": BAC_GIANG}, {"id": "dai", "title": "Dài", "text": long,
                "url": "https://example.vn/dai"}, {"id": "hue", "text": HUE}]  # fmt: skip
    r = client.post("/api/digest", json={"articles": articles, "sentences": 1})
    assert r.status_code == 200, r.text
    body = r.json()
    DigestOut.model_validate(body)  # the answer's documented shape, failed record included
    assert (body["documents"], body["failed"]) == (3, 1)
    records = {rec["id"]: rec for rec in body["records"]}
    assert [rec["id"] for rec in body["records"]] == ["bg", "dai", "hue"]  # input order
    assert records["dai"]["error"] == f"article 2: {why}"
    assert records["dai"]["title"] == "Dài" and records["dai"]["sentences"] == []
    assert records["dai"]["fields"] == {"url": "https://example.vn/dai"}  # passed through
    for rid, text in (("bg", BAC_GIANG), ("hue", HUE)):
        assert records[rid]["error"] is None
        assert [p["text"] for p in records[rid]["sentences"]] == [
            s.text for s in _reference(text, sentences=1)
        ]
    assert not any("MARK-LONG" in t for t in Trouble.marked)  # never reached the model
    # the page's batch mode: the upload's record named by file, line and id
    upload = _jsonl(*articles)
    page = client.post("/batch", data={"amount": "1"}, files={"files": ("news.jsonl", upload)})
    assert page.status_code == 200, page.text[-600:]
    assert html.escape(f"news.jsonl:2 (dai): {why}", quote=False) in page.text
    assert "3 articles, 1 failed" in page.text and 'id="batch-error"' not in page.text
    # the single-article form: one card each, the long one's card says why
    page = client.post("/", data={"amount": "1"}, files={"files": ("news.jsonl", upload)})
    assert page.status_code == 200 and page.text.count('class="summary-list"') == 2
    assert html.escape(f"news.jsonl:2 (dai): {why}", quote=False) in page.text
    every = _jsonl({"id": "a", "text": long}, {"id": "b", "text": long})
    page = client.post("/", files={"files": ("long.jsonl", every)})
    assert page.status_code == 413 and "long.jsonl:1 (a): too long" in page.text
    assert not any("MARK-LONG" in t for t in Trouble.marked)


def test_a_batch_over_the_article_count_points_to_the_command_line(client) -> None:
    many = [{"text": "Một câu ngắn. Câu thứ hai."}] * 201
    r = client.post("/api/digest", json={"articles": many})
    assert r.status_code == 422
    assert r.json()["detail"] == (
        "at most 200 articles in one batch (got 201); for a larger batch, run "
        "`summarize digest FILE.jsonl -o digest.html` on the command line, which takes any number"
    )
    upload = _jsonl(*many)
    page = client.post("/batch", files={"files": ("big.jsonl", upload)})
    assert page.status_code == 422 and "run `summarize digest FILE.jsonl" in page.text
    page = client.post("/", files={"files": ("big.jsonl", upload)})
    assert page.status_code == 422 and "run `summarize FILE.jsonl` on the command line" in page.text


def test_head_of_the_page_and_its_icon(client: httpx.Client) -> None:
    """Defect 13 of trial 4: ``HEAD /`` was a 405, and the browser's favicon request a 404."""
    get, head = client.get("/"), client.head("/")
    assert head.status_code == 200 and head.content == b""
    kind = "text/html; charset=utf-8"
    assert head.headers["content-type"] == get.headers["content-type"] == kind
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', get.text)
    assert icon and icon.group(1).startswith("data:image/svg+xml,%3Csvg")  # no request made
    from urllib.parse import unquote

    from summarize.serve.page import ICON_SVG

    assert unquote(html.unescape(icon.group(1)).removeprefix("data:image/svg+xml,")) == ICON_SVG
    r = client.get("/favicon.ico")  # for pages that declare none (a JSON answer in a tab)
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    assert r.text == ICON_SVG and client.head("/favicon.ico").status_code == 200


def test_work_of_a_client_that_left_is_skipped_or_stopped(server, caplog) -> None:
    """A client that gives up: queued work never runs, running work stops at the next
    stage, and the next client is served; each is logged once."""
    caplog.set_level(logging.INFO, logger="summarize.serve")
    url, engine = server
    skipped, stopped = engine.skipped, engine.stopped
    Trouble.marked.clear()

    def give_up(text: str, wait: float) -> None:
        with httpx.Client(base_url=url, timeout=wait) as c, pytest.raises(httpx.TimeoutException):
            c.post("/api/summarize", json={"text": text})

    running = threading.Thread(target=give_up, args=("SLOW MARK-A. " + BAC_GIANG, 0.5))
    running.start()  # holds the model 1.5 s in its embedding stage
    time.sleep(0.2)
    queued = threading.Thread(target=give_up, args=("MARK-B. " + HUE, 0.3))
    queued.start()  # waits behind it, and leaves
    running.join(10)
    queued.join(10)
    deadline = time.monotonic() + 10
    while (engine.skipped, engine.stopped) != (skipped + 1, stopped + 1):
        assert time.monotonic() < deadline, (engine.skipped - skipped, engine.stopped - stopped)
        time.sleep(0.05)
    assert not any("MARK-B" in t for t in Trouble.marked)  # the queued text never ran
    logged = [  # one line each (on the stderr of `summarize serve`: the command's test)
        "POST /api/summarize: the client went away while its request waited: skipped",
        "POST /api/summarize: the client went away: its request was stopped",
    ]
    while sorted(r.getMessage() for r in caplog.records if r.name == "summarize.serve") != logged:
        assert time.monotonic() < deadline, [r.getMessage() for r in caplog.records]
        time.sleep(0.05)
    with httpx.Client(base_url=url, timeout=30) as c:
        r = c.post("/api/summarize", json={"text": BAC_GIANG, "sentences": 1})
        assert r.status_code == 200 and len(r.json()["sentences"]) == 1


@pytest.mark.parametrize("job", ["summarize", "deduplicate", "digest"])
def test_a_cancel_during_the_work_stops_it_at_the_next_checkpoint(job: str) -> None:
    """The engine without HTTP: the client leaves while the model embeds (the encoder
    sets the event); the work stops before its next stage, article or model call."""
    from summarize.serve.engine import ClientGone

    gone, leave = threading.Event(), [True]
    calls: list[int] = []

    class Leaving(FakeEncoder):
        def encode(self, texts, prompt_name: str = "passage"):
            calls.append(len(texts))
            if leave[0]:
                gone.set()
            return super().encode(texts, prompt_name)

    engine = Engine(Summarizer(encoder=Leaving()))
    work = {
        "summarize": lambda: engine.summarize(BAC_GIANG, cancel=gone, query="Bắc Giang"),
        "deduplicate": lambda: engine.deduplicate(BAC_GIANG, cancel=gone),
        "digest": lambda: engine.digest(
            [Article(BAC_GIANG), Article(HUE), Article(BAC_GIANG)], cancel=gone
        ),
    }[job]
    with pytest.raises(ClientGone, match="stopped"):
        work()
    assert (engine.stopped, engine.skipped, len(calls)) == (1, 0, 1)
    with pytest.raises(ClientGone, match="skipped"):
        work()  # already gone before it started: nothing runs
    assert (engine.skipped, len(calls)) == (1, 1)
    gone.clear()
    leave[0] = False
    assert work() is not None  # the engine and its lock are fine afterwards


def test_page_asks_for_the_amount_and_shows_errors_by_their_form(client) -> None:
    for budget, says in (("ratio", "give the ratio"), ("words", "give the number of words")):
        r = client.post("/", data={"text": BAC_GIANG, "budget": budget, "amount": ""})
        assert r.status_code == 422 and says in r.text, budget  # not quietly 3 sentences
        assert 'id="error"' in r.text and 'id="batch-error"' not in r.text
    r = client.post("/", data={"text": BAC_GIANG, "budget": "sentences", "amount": ""})
    assert r.status_code == 200 and r.text.count('<li data-index="') == 3  # the default
    r = client.post("/batch", data={"text": BAC_GIANG, "budget": "ratio", "amount": ""})
    assert r.status_code == 422 and "give the ratio" in r.text
    assert 'id="error"' not in r.text and 'id="batch-error"' in r.text
    assert r.text.index('id="batch"') < r.text.index('id="batch-error"')  # in the batch card


def test_size_options_read_as_max_bytes_reads_them() -> None:
    from summarize.errors import ConfigError

    assert size_option("10MB", "--max-body") == 10_000_000
    assert size_option("10MiB", "--max-body") == MAX_BODY
    assert size_option("512k", "--max-body") == 512_000
    assert size_option("200000", "--max-text") == 200_000
    assert size_option("0", "--max-text") is None  # no cap
    with pytest.raises(ConfigError, match="^--max-body: 'lots' is not a size"):
        size_option("lots", "--max-body")


def test_a_nul_between_words_reads_as_a_space_as_on_the_command_line(client) -> None:
    """tests/test_hostile_inputs.py has the command line and the Python API."""
    glued = HUE.replace("chức năng", "chức\x00năng", 1)
    assert "\x00" in glued
    r = client.post("/api/summarize", json={"text": glued, "method": "lead", "sentences": 2})
    assert r.status_code == 200, r.text
    first = r.json()["sentences"][0]["text"]
    assert "chức năng" in first and "\x00" not in r.text and "\\u0000" not in r.text
    d = client.post("/api/deduplicate", json={"text": glued, "semantic": False})
    # The cleaned text keeps the NUL: with the cuts it gives back the text as sent
    assert d.status_code == 200 and "chức\x00năng" in d.json()["text"]
    assert reconstruct(d.json()["text"], removed_from_json(d.json())) == glued


def test_deduplicate_returns_cleaned_text_and_every_cut(client: httpx.Client) -> None:
    text = BAC_GIANG + "\n\n" + BAC_GIANG.split("\n")[2]  # a paragraph repeated at the end
    r = client.post("/api/deduplicate", json={"text": text})
    assert r.status_code == 200, r.text
    body = r.json()
    expected = deduplicate(text, model=FakeEncoder())
    assert body["text"] == expected.text
    assert len(body["removed"]) == len(expected.removed) >= 2
    assert (body["schema_version"], body["kind"]) == (SCHEMA_VERSION, "dedup")
    DedupOut.model_validate(body)
    # the cuts give the original back, read by the public reader of dedup reports
    assert reconstruct(body["text"], removed_from_json(body)) == text
    lexical = client.post("/api/deduplicate", json={"text": text, "semantic": False})
    assert lexical.status_code == 200 and lexical.json()["removed"]


def test_digest_clusters_a_small_batch(client: httpx.Client) -> None:
    paras = BAC_GIANG.split("\n")
    retold = "\n\n".join(["Bắc Giang: hàng nghìn việc làm tốt theo gương Bác", *paras[1:8]])
    articles = [
        {"id": "bg", "text": BAC_GIANG, "url": "https://example.vn/bg"},
        {"id": "hue", "text": HUE},
        {"id": "bg-retold", "text": retold, "publisher": "Báo B"},
    ]
    r = client.post("/api/digest", json={"articles": articles, "sentences": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    DigestOut.model_validate(body)
    assert body["documents"] == 3 and body["failed"] == 0
    assert [sorted(s["articles"]) for s in body["stories"]] == [["bg", "bg-retold"]]
    assert body["stories"][0]["summary"]
    records = {rec["id"]: rec for rec in body["records"]}
    assert list(records) == ["bg", "hue", "bg-retold"]  # one digest record each, in order
    assert {(r["schema_version"], r["kind"]) for r in body["records"]} == {
        (SCHEMA_VERSION, "digest-article")
    }
    assert records["bg"]["fields"]["url"] == "https://example.vn/bg"  # passed through
    assert records["bg-retold"]["fields"]["publisher"] == "Báo B"


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b'{"text": "abc",', 400, "malformed JSON"),
        (b"[1, 2]", 422, "body"),
        (json.dumps({"text": BAC_GIANG, "sentences": 2, "ratio": 0.5}).encode(), 422,
         "only one budget"),
        (json.dumps({"text": BAC_GIANG, "ratio": 1.5}).encode(), 422,
         "ratio must be in (0, 1] (got 1.5)"),
        (json.dumps({"text": BAC_GIANG, "query": " "}).encode(), 422, "query must be a non-empty"),
        (json.dumps({"text": BAC_GIANG, "sentences": "two"}).encode(), 422, "sentences"),
        (json.dumps({"text": BAC_GIANG, "method": "magic"}).encode(), 422, "method"),
        (json.dumps({"text": BAC_GIANG, "sentence": 2}).encode(), 422, "sentence"),
        (json.dumps({"text": "   "}).encode(), 422, "empty"),
        (json.dumps({"title": "no text"}).encode(), 422, "text"),
    ],
)  # fmt: skip
def test_bad_requests_get_a_json_error(client, body: bytes, status: int, says: str) -> None:
    r = client.post("/api/summarize", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    detail = r.json()["detail"]
    assert isinstance(detail, str) and says in detail and "\n" not in detail
    assert "--" not in detail  # the JSON field's name, not the command line's flag


def test_unknown_route_and_method_are_json_errors(client: httpx.Client) -> None:
    assert client.get("/api/nothing").status_code == 404
    r = client.get("/api/summarize")
    assert r.status_code == 405 and r.json()["detail"]


def test_bodies_over_the_limit_get_413(client: httpx.Client) -> None:
    big = json.dumps({"text": "Một câu dài. " * (LIMIT // 10)}).encode()
    assert len(big) > LIMIT
    r = client.post("/api/summarize", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "limit" in r.json()["detail"]

    def chunks():  # no Content-Length: the server must count the bytes as they come
        for i in range(0, len(big), 16_384):
            yield big[i : i + 16_384]

    r = client.post(
        "/api/summarize", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    r = client.post("/", files={"files": ("big.txt", b"x " * LIMIT)})
    assert r.status_code == 413
    assert client.get("/healthz").status_code == 200  # and the server goes on


def test_default_body_limit_is_10_mb() -> None:
    assert MAX_BODY == 10 * 1024 * 1024 == ServeOptions().max_body
    engine = Engine(Summarizer(encoder=FakeEncoder()))
    over = b'{"text": "' + b"x" * MAX_BODY + b'"}'
    with running(create_app(engine)) as url, httpx.Client(base_url=url, timeout=30) as c:
        r = c.post("/api/summarize", content=over, headers={"content-type": "application/json"})
        assert r.status_code == 413 and str(MAX_BODY) in r.json()["detail"]


def test_a_failing_request_does_not_stop_the_server(client: httpx.Client) -> None:
    # First: an article's opening sentences are always embedded (summarize/scope.py).
    r = client.post("/api/summarize", json={"text": "BOOM goes the model.\n\n" + BAC_GIANG})
    assert r.status_code == 500
    assert "RuntimeError: encoder exploded" in r.json()["detail"]
    r = client.post("/api/summarize", json={"text": BAC_GIANG, "sentences": 1})
    assert r.status_code == 200 and len(r.json()["sentences"]) == 1


def test_model_work_runs_off_the_event_loop(base_url: str) -> None:
    """A slow summary (1.5 s in the model) does not hold up the health check."""
    done: dict[str, float] = {}

    def slow() -> None:
        with httpx.Client(base_url=base_url, timeout=30) as c:
            r = c.post("/api/summarize", json={"text": "SLOW. " + BAC_GIANG})
            done["slow"] = time.monotonic() if r.status_code == 200 else -1

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.3)
    with httpx.Client(base_url=base_url, timeout=30) as c:
        assert c.get("/healthz").status_code == 200
    answered = time.monotonic()
    worker.join(30)
    assert done["slow"] > answered  # the health check came back while the model worked


def test_concurrent_requests_share_the_model_safely(base_url: str) -> None:
    """Requests at once, with different texts and budgets: each gets its own answer."""
    jobs = [(BAC_GIANG, 1), (HUE, 2), (BAC_GIANG, 3), (HUE, 1), (BAC_GIANG, 2), (HUE, 3)]
    got: dict[int, list[str]] = {}

    def ask(i: int) -> None:
        text, n = jobs[i]
        with httpx.Client(base_url=base_url, timeout=60) as c:
            r = c.post("/api/summarize", json={"text": text, "sentences": n})
            got[i] = [p["text"] for p in r.json()["sentences"]] if r.status_code == 200 else []

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for i, (text, n) in enumerate(jobs):
        assert got[i] == [s.text for s in _reference(text, sentences=n)], i


def test_page_form_post_with_files(client: httpx.Client) -> None:
    body = "".join(f"<p>{p}</p>" for p in HUE.split("\n")[1:])
    html = f"<html><head><title>Tin Huế</title></head><body><article>{body}</article></body></html>"
    r = client.post(
        "/",
        data={"budget": "sentences", "amount": "2", "method": "learned"},
        files=[("files", ("bg.txt", BAC_GIANG.encode())), ("files", ("hue.html", html.encode()))],
    )
    assert r.status_code == 200, r.text[:500]
    assert r.text.count('class="summary-list"') == 2 and r.text.count("<iframe") == 2
    for s in _reference(BAC_GIANG, sentences=2):
        assert s.text in r.text
    assert "Tin Huế" in r.text  # the HTML file's title, read as the CLI reads it
    bad = client.post("/", data={"text": BAC_GIANG, "budget": "ratio", "amount": "2"})
    assert bad.status_code == 422 and "ratio must be in (0, 1]" in bad.text
    assert "--ratio" not in bad.text
    empty = client.post("/", data={"text": " "})
    assert empty.status_code == 422 and "paste an article" in empty.text
    binary = client.post("/", files={"files": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")})
    assert binary.status_code == 422 and "photo.txt" in binary.text  # the page, with the reason
    assert binary.headers["content-type"].startswith("text/html")


def test_page_batch_takes_a_jsonl_upload(client: httpx.Client) -> None:
    paras = BAC_GIANG.split("\n")
    lines = [
        {"id": "bg", "text": BAC_GIANG, "url": "https://example.vn/bg"},
        {"id": "hue", "title": "Huế", "text": HUE},
        {"id": "bg-2", "text": "\n\n".join(["Bắc Giang làm theo Bác", *paras[1:8]])},
    ]
    jsonl = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()
    r = client.post("/batch", data={"amount": "2"}, files={"files": ("news.jsonl", jsonl)})
    assert r.status_code == 200, r.text[:300]
    assert r.text.count('class="story"') == 1 and r.text.count('class="story single"') == 1
    assert "https://example.vn/bg" in r.text  # the article's source, shown with its story
    bad = client.post("/batch", files={"files": ("news.jsonl", b'{"text": "a"}\n{oops\n')})
    assert bad.status_code == 422 and "news.jsonl:2: not JSON" in bad.text


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"text": BAC_GIANG, "sentences": True}, "body.sentences: Input should be a valid integer"),
        ({"text": BAC_GIANG, "sentences": 2.0}, "body.sentences"),
        ({"text": BAC_GIANG, "ratio": "0.5"}, "body.ratio"),
        ({"text": BAC_GIANG, "title": 7}, "body.title"),
    ],
)
def test_wrong_types_are_refused_not_coerced(client, body: dict, says: str) -> None:
    r = client.post("/api/summarize", json=body)
    assert r.status_code == 422 and says in r.json()["detail"], r.text
    r = client.post("/api/deduplicate", json={"text": BAC_GIANG, "semantic": "no"})
    assert r.status_code == 422 and "body.semantic" in r.json()["detail"]  # not read as true
    assert client.post("/api/summarize", json={"text": HUE, "ratio": 1}).status_code == 200


def test_a_lone_surrogate_is_a_422_not_a_500(client: httpx.Client) -> None:
    """Valid JSON (``\\ud800``) but not Unicode text: it broke the embedding cache's hash."""
    bad = b'{"text": "M\\u1ed9t c\\u00e2u \\ud800 d\\u00e0i. Hai c\\u00e2u kh\\u00e1c n\\u1eefa."}'
    for path, body in [
        ("/api/summarize", bad),
        ("/api/summarize", b'{"text": "Mot cau. Hai cau.", "query": "\\udfff"}'),
        ("/api/deduplicate", bad),
        ("/api/digest", b'{"articles": [' + bad + b"]}"),
        ("/api/digest", b'{"articles": [{"text": "Mot cau. Hai cau.", "url": "\\ud800"}]}'),
    ]:
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, (path, r.text)
        detail = r.json()["detail"]
        assert "is not valid Unicode: a lone surrogate" in detail and "Value error" not in detail


def test_a_body_that_is_not_json_says_why(client: httpx.Client) -> None:
    def post(content: bytes, kind: str | None) -> httpx.Response:
        headers = {"content-type": kind} if kind else {}
        return client.post("/api/summarize", content=content, headers=headers)

    r = post('{"text": "Hai câu \xff."}'.encode("latin-1"), "application/json")
    assert r.status_code == 400
    assert r.json()["detail"].startswith("malformed JSON body: not UTF-8 (byte 0xe2 at byte 15)")
    r = post(b'{"text": "Mot cau. Hai cau."}', "application/x-www-form-urlencoded")  # curl -d
    assert r.status_code == 422
    assert r.json()["detail"] == (
        "the body must be a JSON object sent as application/json "
        "(got application/x-www-form-urlencoded)"
    )
    assert post(b"", "application/json").json()["detail"] == "the body is empty: send a JSON object"
    deep = b'{"text": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"  # under the test limit
    r = post(deep, "application/json")
    assert r.status_code == 400, r.text
    assert r.json()["detail"] == "malformed JSON body: nested too deeply to read"
    r = post(b'"just text"', "application/json")
    assert (
        r.status_code == 422
        and r.json()["detail"] == "the body must be a JSON object (got a string)"
    )


def test_healthz_answers_head(client: httpx.Client) -> None:
    assert client.head("/healthz").status_code == 200  # what uptime monitors send


def test_digest_takes_numeric_ids_and_hides_server_paths(client: httpx.Client) -> None:
    articles = [{"id": 101, "text": BAC_GIANG}, {"id": "hue", "text": HUE}]
    r = client.post("/api/digest", json={"articles": articles, "sentences": 1})
    assert r.status_code == 200, r.text
    records = r.json()["records"]
    assert [rec["id"] for rec in records] == ["101", "hue"]  # as summarize digest reads JSONL
    assert [rec["source"] for rec in records] == [None, None]  # never the server's work file
    assert "/tmp" not in r.text and "summarize-serve-" not in r.text


def test_digest_counts_an_empty_article_as_failed_not_the_whole_batch(client) -> None:
    articles = [{"id": "bg", "text": BAC_GIANG}, {"id": "blank", "text": "  \n "}]
    r = client.post("/api/digest", json={"articles": articles, "sentences": 1})
    assert r.status_code == 200, r.text  # as summarize digest: one failed record, the rest done
    body = r.json()
    assert (body["documents"], body["failed"]) == (2, 1)
    records = {rec["id"]: rec for rec in body["records"]}
    assert records["blank"]["error"].startswith("article 2: ") and "/tmp" not in r.text
    assert len(records["bg"]["sentences"]) == 1
    tiny = [{"id": "ok", "text": HUE}, {"id": "dots", "text": "... !!!"}]  # no sentence in it
    r = client.post("/api/digest", json={"articles": tiny})
    errors = {rec["id"]: rec["error"] for rec in r.json()["records"]}
    assert errors["ok"] is None and errors["dots"].startswith("article 2: "), errors
    r = client.post("/api/digest", json={"articles": [{"text": " "}, {"text": ""}]})
    assert r.status_code == 422 and "every article is empty" in r.json()["detail"]


def test_page_upload_errors_name_the_file_and_jsonl_gives_one_summary_each(client) -> None:
    r = client.post("/", files={"files": ("empty.txt", b"")})
    assert r.status_code == 422 and "empty.txt: file is empty" in r.text
    assert "summarize-upload-" not in r.text  # not the server's temporary folder
    lines = [{"id": "bg", "text": BAC_GIANG}, {"id": "hue", "text": HUE}]
    jsonl = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()
    r = client.post("/", data={"amount": "1"}, files={"files": ("news.jsonl", jsonl)})
    assert r.status_code == 200, r.text[:300]
    assert r.text.count('class="summary-list"') == 2  # one summary per record, not one of all
    for text in (BAC_GIANG, HUE):
        assert _reference(text, sentences=1)[0].text in r.text
    assert '{"id"' not in r.text  # never the raw JSON as an article


def _jsonl(*records: dict) -> bytes:
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in records).encode()


def test_page_one_failed_article_of_several_is_named_and_the_others_summarised(client) -> None:
    # A JSONL export with one record that has nothing to summarise (as the 23rd of the
    # baomoi sample): the other summaries are shown, the failed one named as
    # `summarize news.jsonl` names it, never the whole page lost to "input: ...".
    upload = _jsonl({"id": "bg", "text": BAC_GIANG}, {"id": "dots", "text": "... !!!"},
                    {"id": "hue", "text": HUE})  # fmt: skip
    r = client.post("/", data={"amount": "1"}, files={"files": ("news.jsonl", upload)})
    assert r.status_code == 200, r.text[-800:]
    assert r.text.count('class="summary-list"') == 2
    for text in (BAC_GIANG, HUE):
        assert _reference(text, sentences=1)[0].text in r.text
    assert "news.jsonl:2 (dots): no sentence" in r.text and "input: no" not in r.text
    # three uploaded files, one whose only sentence is over the word budget: the others
    # are still summarised
    files = [("files", ("bg.txt", BAC_GIANG.encode())), ("files", ("tin.txt", HUE.encode()))]
    long = "Tin dài\n\n" + " ".join(["Hội nghị"] + ["bàn về kế hoạch"] * 10) + "."
    files.append(("files", ("dai.txt", long.encode())))
    r = client.post("/", data={"budget": "words", "amount": "30"}, files=files)
    assert r.status_code == 200 and r.text.count('class="summary-list"') == 2, r.text[-800:]
    assert "dai.txt: a budget of 30 words is smaller than every sentence" in r.text
    # every article failed: 422, each one named
    upload = _jsonl({"text": "... !!!"}, {"text": "?? !!"})
    r = client.post("/", files={"files": ("bad.jsonl", upload)})
    assert r.status_code == 422
    assert "bad.jsonl:1: no sentence" in r.text and "bad.jsonl:2: no sentence" in r.text
    # settings that are wrong for every article stay one error, said once
    r = client.post(
        "/",
        data={"budget": "ratio", "amount": "3"},
        files={"files": ("news.jsonl", _jsonl({"text": BAC_GIANG}, {"text": HUE}))},
    )
    assert r.status_code == 422 and r.text.count("ratio must be in (0, 1]") == 1


def test_page_jsonl_upload_reads_character_references_as_summarize_digest_does(client) -> None:
    # "Pel&#233;" in a scraped export: the page shows "Pelé", as `summarize news.jsonl`
    # and `summarize digest` print it, never "Pel&amp;#233;" (the reference shown as text)
    text = "Pel&#233; ký hợp đồng &#163;8m với câu lạc bộ Santos hôm qua. " + BAC_GIANG
    for path in ("/", "/batch"):
        upload = {"files": ("news.jsonl", _jsonl({"id": "p", "text": text}))}
        r = client.post(path, data={"amount": "1"}, files=upload)
        assert r.status_code == 200, r.text[-500:]
        assert "Pelé ký hợp đồng £8m" in r.text and "&amp;#233;" not in r.text, path


# ------------------------------------------------------------------------ warnings

UNCALIBRATED = "model fake-trigram-encoder has no calibrated duplicate decision"
NO_CROSS_LINGUAL = "model e5-static has no cross-lingual duplicate decision"


class StaticLike(FakeEncoder):
    """The fake encoder under the static model's name (``--fast``): the shipped decision
    of the static model applies, calibrated within a language, with no cross-lingual one."""

    name = STATIC_MODEL_NAME


def _warnings_shown(page: str) -> list[str]:
    """The warnings the page shows: the items of its ``ul.warnings`` lists."""
    return [
        html.unescape(item)
        for block in re.findall(r'<ul class="warnings"[^>]*>(.*?)</ul>', page, re.S)
        for item in re.findall(r"<li>warning: (.*?)</li>", block, re.S)
    ]


def test_cross_lingual_on_the_fast_model_tells_the_client_it_fell_back() -> None:
    """A server whose model has no cross-lingual decision (``--fast``) answers a request
    for cross-lingual duplicates with the fallback: the answer says so, every time (not
    only the first request, as the command line says it once per run)."""
    engine = Engine(Summarizer(encoder=StaticLike()))
    with running(create_app(engine)) as url, httpx.Client(base_url=url, timeout=30) as c:
        for path, body in [
            ("/api/summarize", {"text": HUE}),
            ("/api/deduplicate", {"text": HUE}),
            ("/api/digest", {"articles": [{"text": HUE}, {"text": BAC_GIANG}]}),
        ]:
            r = c.post(path, json=body)
            assert r.status_code == 200 and r.json()["warnings"] == [], (path, r.text[-300:])
        for _ in range(2):  # the second request is told too
            r = c.post("/api/deduplicate", json={"text": HUE, "cross_lingual": True})
            assert r.status_code == 200, r.text
            DedupOut.model_validate(r.json())
            (said,) = r.json()["warnings"]
            assert said.startswith(NO_CROSS_LINGUAL) and "using the fallback" in said
            assert "\n" not in said
        page = c.post("/", data={"text": HUE, "amount": "2"})  # the page has no such option
        assert page.status_code == 200 and _warnings_shown(page.text) == []
        assert 'class="warnings"' not in page.text


def test_an_uncalibrated_model_is_told_in_the_json_and_on_the_page(client) -> None:
    """The test server's fake model has no decision: every answer it made with the
    fallback says so; a lead summary uses no model, and says nothing."""
    for _ in range(2):
        r = client.post("/api/summarize", json={"text": HUE, "sentences": 2})
        SummaryOut.model_validate(r.json())
        assert [w[: len(UNCALIBRATED)] for w in r.json()["warnings"]] == [UNCALIBRATED]
        assert "using the fallback" in r.json()["warnings"][0]
    lead = client.post("/api/summarize", json={"text": HUE, "method": "lead"})
    assert lead.status_code == 200 and lead.json()["warnings"] == []
    lexical = client.post("/api/deduplicate", json={"text": HUE, "semantic": False})
    assert lexical.status_code == 200 and lexical.json()["warnings"] == []
    batch = client.post("/api/digest", json={"articles": [{"text": HUE}, {"text": BAC_GIANG}]})
    DigestOut.model_validate(batch.json())
    assert batch.json()["warnings"][0].startswith(UNCALIBRATED)
    page = client.post("/", data={"text": HUE, "amount": "2"})
    assert page.status_code == 200
    (shown,) = _warnings_shown(page.text)
    assert shown.startswith(UNCALIBRATED) and 'id="warnings-1"' in page.text
    page = client.post("/", data={"text": HUE, "amount": "2", "method": "lead"})
    assert page.status_code == 200 and _warnings_shown(page.text) == []
    page = client.post("/batch", data={"text": HUE + "\n---\n" + BAC_GIANG, "amount": "1"})
    assert page.status_code == 200 and 'id="batch-warnings"' in page.text
    assert _warnings_shown(page.text)[0].startswith(UNCALIBRATED)


def test_nuls_read_as_spaces_are_told_without_the_servers_paths(client) -> None:
    """A NUL read as a space (the command line's warning): said in the answer, naming
    what was sent (``input``, ``html``, ``article N``, the uploaded file's name), never
    a temporary file of the server."""
    glued = HUE.replace("chức năng", "chức\x00năng", 1)
    at = glued.index("\x00")
    nul = f"a NUL character read as a space (at character {at})"
    r = client.post("/api/summarize", json={"text": glued, "method": "lead"})
    assert r.json()["warnings"] == [f"input: {nul}"]
    r = client.post("/api/deduplicate", json={"text": glued, "semantic": False})
    assert r.json()["warnings"] == [f"input: {nul}"]
    r = client.post("/api/digest", json={"method": "lead", "articles": [
        {"text": HUE}, {"text": glued}]})  # fmt: skip
    assert r.json()["warnings"] == [f"article 2: {nul}"]
    page = f"<html><head><title>Huế</title></head><body><p>Tin\x00nóng. {HUE}</p></body></html>"
    in_page = f"a NUL character read as a space (at character {page.index(chr(0))})"
    r = client.post("/api/summarize", json={"html": page, "method": "lead"})
    assert r.json()["warnings"] == [f"html: {in_page}"]
    r = client.post("/", data={"method": "lead"}, files={"files": ("tin.html", page.encode())})
    assert r.status_code == 200 and _warnings_shown(r.text) == [f"tin.html: {in_page}"]
    assert "summarize-upload-" not in r.text and "summarize-serve-" not in r.text


def test_a_query_nothing_answers_is_a_warning_in_the_json(client) -> None:
    """As ``summarize --query`` warns on stderr; the page says it in the card's line."""
    off = {"text": HUE, "query": "bóng đá World Cup", "method": "lead", "sentences": 2}
    r = client.post("/api/summarize", json=off)
    assert r.json()["query_matched"] is False
    model, query = r.json()["warnings"]  # a query is ranked by the (uncalibrated) model
    assert model.startswith(UNCALIBRATED)
    assert query == (
        "nothing in the text matches the query 'bóng đá World Cup'; the summary is only "
        "the sentences closest to it"
    )
    on = client.post("/api/summarize", json={**off, "query": "học tập và làm theo Bác"})
    assert on.json()["query_matched"] is True and on.json()["warnings"] == [model]
    page = client.post("/", data={**off, "amount": "2"})
    assert page.text.count("nothing in the text matches the query") == 1  # said once


# ------------------------------------------------------------------------ the browser


# the `browser` fixture (Chromium via Playwright) is in conftest.py


def test_browser_paste_submit_see_summary_and_report(browser, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(20_000)
    refused: list[str] = []  # any answer >= 400 (the favicon's 404 was one) or console error
    page.on("response", lambda r: refused.append(f"{r.status} {r.url}") if r.status >= 400 else 0)
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else 0)
    try:
        page.goto(base_url + "/")
        assert page.locator("body[data-ready='1']").count() == 1
        page.fill("#text", BAC_GIANG)
        page.fill("#title", HOSTILE_TITLE)
        page.select_option("#one-budget", "sentences")
        page.fill("#one-amount", "2")
        page.click("#summarise")
        page.wait_for_selector("#summary-1 li")
        shown = page.locator("#summary-1 li").all_inner_texts()
        expected = [s.text for s in _reference(BAC_GIANG, title=HOSTILE_TITLE, sentences=2)]
        assert [t.split("\n")[0] for t in shown] == expected
        # What an editor pastes is shown as text, never run as markup.
        assert page.evaluate("window.pwned") is None
        assert HOSTILE_TITLE in page.locator("#result-1 h2").first.inner_text()
        assert page.input_value("#text") == BAC_GIANG  # the form keeps what was pasted
        report = page.frame_locator(".report-frame").first
        report.locator("html[data-ready='1']").wait_for(state="attached")
        assert report.locator(".doc").inner_text().startswith(BAC_GIANG.split("\n")[0])
        assert page.locator(".result .card").count() == 2  # summary and report, side by side
        boxes = [page.locator(".result > .card").nth(i).bounding_box() for i in (0, 1)]
        assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"]
        assert refused == []  # no favicon 404, nothing else refused, on either page
    finally:
        page.close()


def test_browser_batch_mode_shows_story_clusters(browser, base_url: str) -> None:
    paras = BAC_GIANG.split("\n")
    retold = "\n\n".join(["Bắc Giang: hàng nghìn việc làm tốt theo gương Bác", *paras[1:8]])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(20_000)
    try:
        page.goto(base_url + "/#batch")
        page.fill("#batch-text", f"{BAC_GIANG}\n---\n{HUE}\n---\n{retold}")
        page.click("#cluster")
        page.wait_for_selector("#batch-results .story")
        stories = page.locator("#batch-results .story:not(.single)")
        assert stories.count() == 1
        assert stories.first.locator(".size").inner_text() == "2"
        assert (
            "article-1" in stories.first.inner_text() and "article-3" in stories.first.inner_text()
        )
        assert page.locator("#batch-results .story.single").count() == 1
    finally:
        page.close()


# ------------------------------------------------------------------------ the command


def test_serve_command_starts_answers_and_stops(tmp_path: Path) -> None:
    """`summarize serve` in a subprocess (its model loader swapped for the fake encoder
    before the command runs), asked over HTTP, then stopped with SIGINT."""
    sock = _free_socket()
    port = sock.getsockname()[1]
    sock.close()
    script = (  # the fake encoder, which stalls on SLOW (to have a client give up)
        "import sys, time\nfrom conftest import FakeEncoder\nimport summarize.pipeline as p\n"
        "class Slow(FakeEncoder):\n"
        "    def encode(self, texts, prompt_name='passage'):\n"
        "        if any('SLOW' in t for t in texts):\n"
        "            time.sleep(1.5)\n"
        "        return super().encode(texts, prompt_name)\n"
        "p.shared_encoder = lambda *a, **k: Slow()\n"
        "from summarize.cli import main; main(sys.argv[1:])"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    cmd = [
        sys.executable, "-c", script, "serve", "--port", str(port), "--max-body", "1kB",
        "--max-text", "50",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, proc.communicate()[1]
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "summarize serve did not come up"
            time.sleep(0.1)
        r = httpx.post(url + "/api/summarize", json={"text": "x" * 2000}, timeout=10)
        assert r.status_code == 413  # --max-body reached the server
        for _ in range(2):  # the client is told each time; the server's log says it once
            r = httpx.post(url + "/api/summarize", json={"text": "Một. Hai ba. Bốn năm sáu."})
            assert r.status_code == 200 and r.json()["sentences"]
            assert r.json()["warnings"][0].startswith(UNCALIBRATED)
        r = httpx.post(url + "/api/summarize", json={"text": "Một câu. " * 10})
        assert r.status_code == 413 and "at most 50 characters" in r.json()["detail"]
        with pytest.raises(httpx.TimeoutException):  # gives up while the model embeds
            httpx.post(url + "/api/summarize", json={"text": "SLOW một. Hai ba."}, timeout=0.5)
        r = httpx.post(url + "/api/summarize", json={"text": "Một. Hai ba."}, timeout=10)
        assert r.status_code == 200  # served after the stopped one
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert "model fake-trigram-encoder ready" in err
        gone = "summarize serve: POST /api/summarize: the client went away: its request was stopped"
        assert err.count(gone) == 1, err  # docs/serve.md: logged, one line
        assert err.count(f"summarize: warning: {UNCALIBRATED}") == 1, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.parametrize(
    ("argv", "says", "usage"),
    [
        (["--port", "70000"], "--port must be in 1..65535", True),
        (["--port", "{taken}"], "cannot listen on 127.0.0.1:{taken}", False),
        (["--max-body", "0"], "--max-body must be at least 1", True),
        (["--max-body", "lots"], "--max-body: 'lots' is not a size", True),
        (["--max-text", "-5"], "--max-text: '-5' is not a size", True),
        (["--fast", "--model", "x"], "--fast and --model exclude each other", True),
    ],
)
def test_serve_command_refuses_bad_options(argv, says, usage, capsys, monkeypatch) -> None:
    """One line on stderr and a failure status, before any model is loaded; a bad value
    is a usage error (``ConfigError``), a taken port is not."""
    from summarize import cli, pipeline
    from summarize.errors import ConfigError, SummarizeError
    from summarize.serve import check

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded before the options were checked")

    monkeypatch.setattr(pipeline, "shared_encoder", no_model)
    holder = _free_socket()
    holder.listen()
    try:
        taken = holder.getsockname()[1]
        args = [a.format(taken=taken) for a in argv]
        with pytest.raises(SystemExit) as stop:
            cli.main(["serve", *args])
        if args[0] in ("--port", "--max-body") and args[1] != "lots":
            port = int(args[1]) if args[0] == "--port" else 8000
            limit = int(args[1]) if args[0] == "--max-body" else 10
            with pytest.raises(SummarizeError) as raised:
                check(ServeOptions(port=port, max_body=limit))
            assert isinstance(raised.value, ConfigError) == usage
    finally:
        holder.close()
    assert stop.value.code not in (0, None)
    err = capsys.readouterr().err
    assert err.startswith("summarize: error: ") and err.count("\n") == 1, err
    assert says.format(taken=taken) in err
