"""`summarize digest` options as a user passes them, and the HTML a resumed run writes.

Real processes, ``--method lead`` (no model). Inputs are the samples (and an edited
copy, so that one story has two articles) or the made-up batch of test_digest.py.
Records are read through small helpers (``picks``) rather than fixed key names, since
the digest's JSON schema is being unified.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_digest import FOOTER, STOP_AFTER_RECORDS, batch

from summarize import summarize
from summarize.digest.workfile import work_dir_for
from summarize.text.normalize import match_key

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summarize.cli", "digest", *args, "-m", "lead"],
        capture_output=True, text=True, cwd=cwd, timeout=600,
    )  # fmt: skip


def ok(p: subprocess.CompletedProcess) -> str:
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    return p.stderr


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def read_jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def picks(record: dict) -> list[dict]:
    """The article's summary sentences (``sentences``; ``summary`` before issue 17)."""
    return record["sentences"] if "sentences" in record else record["summary"]


def learned_count(stderr: str) -> int:
    return int(re.search(r"(\d+) boilerplate lines? learned", stderr).group(1))


def killed_after(cli: list[str], records: int) -> None:
    """``summarize CLI`` stopped once it has written ``records`` records, then killed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", STOP_AFTER_RECORDS, *cli], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "STOP_AFTER": str(records)},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while not (status := os.waitpid(proc.pid, os.WUNTRACED | os.WNOHANG))[0]:
            assert time.monotonic() < deadline, f"no {records} records in 300 s"
            time.sleep(0.05)
        assert os.WIFSTOPPED(status[1]), "the run ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def resumed(cli: list[str]) -> subprocess.CompletedProcess:
    """The same command run again (``cli`` ends with its -q), to the end."""
    return subprocess.run(
        [sys.executable, "-m", "summarize.cli", *cli[:-1]],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip


@pytest.fixture
def samples_jsonl(tmp_path: Path) -> Path:
    """The five samples, and an edited copy of Bắc Giang (one story of two articles)."""
    records = [{"id": p.stem, "text": p.read_text("utf-8")} for p in SAMPLES]
    edited = records[0]["text"].replace("Bắc Giang", "tỉnh Bắc Giang", 2)
    records.append({"id": "copy", "text": edited})
    return write_jsonl(tmp_path / "samples.jsonl", records)


# ------------------------------------------------------------------------ formats


def test_format_option_overrides_the_extension(tmp_path: Path, samples_jsonl: Path) -> None:
    md = tmp_path / "digest.txt"
    ok(run(str(samples_jsonl), "-o", str(md), "--format", "markdown", "--title", "Bản tin"))
    text = md.read_text("utf-8")
    assert text.startswith("# Bản tin\n") and "\n## " in text
    html = tmp_path / "digest.jsonl"
    ok(run(str(samples_jsonl), "-o", str(html), "--format", "html", "-q"))
    assert html.read_text("utf-8").lstrip().lower().startswith("<!doctype html")
    lines = tmp_path / "digest.md"
    ok(run(str(samples_jsonl), "-o", str(lines), "--format", "jsonl", "-q"))
    assert len(read_jsonl(lines.read_text("utf-8"))) == 6
    # no -o: stdout, in the format asked
    p = run(str(samples_jsonl), "--format", "markdown", "-q")
    ok(p)
    assert p.stdout.startswith("# Digest\n")


def test_a_json_output_is_one_json_array_also_when_resumed(tmp_path: Path) -> None:
    """`digest -o d.json` wrote JSONL into the .json file: json.load stopped at line 2
    ("Extra data"). It is one array of the .jsonl records, in input order; a run killed
    after 10 of 30 records and resumed writes the array an uninterrupted run writes."""
    records = batch(30)
    src = write_jsonl(tmp_path / "in.jsonl", records)
    whole, lines = tmp_path / "whole" / "d.json", tmp_path / "whole" / "d.jsonl"
    whole.parent.mkdir()
    ok(run(str(src), "-o", str(whole), "-o", str(lines), "-q"))
    array = json.loads(whole.read_text("utf-8"))
    assert isinstance(array, list) and array == read_jsonl(lines.read_text("utf-8"))
    assert [r["id"] for r in array] == [r["id"] for r in records]
    ok(run(str(src), "-o", str(tmp_path / "d.txt"), "--format", "json", "-q"))
    assert json.loads((tmp_path / "d.txt").read_text("utf-8")) == array

    out = tmp_path / "resumed" / "d.json"
    out.parent.mkdir()
    cli = ["digest", str(src), "-m", "lead", "-o", str(out), "--resume", "-q"]
    killed_after(cli, 10)
    assert not out.exists()
    assert "(10 from an earlier run)" in ok(resumed(cli))
    assert out.read_bytes() == whole.read_bytes()


def test_format_with_two_outputs_is_one_line(tmp_path: Path, samples_jsonl: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.html"
    p = run(str(samples_jsonl), "-o", str(a), "-o", str(b), "--format", "html")
    assert p.returncode != 0 and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "--format" in p.stderr, p.stderr
    assert not a.exists() and not b.exists()


def test_a_time_window_says_once_which_articles_it_could_not_apply_to(tmp_path: Path) -> None:
    """--window-days on records without a date was silently ignored for them (they can
    join any story): one warning line counts them, and why; none when every article
    has a date it reads, or when no window was asked for."""
    records = [{"id": p.stem, "text": p.read_text("utf-8")} for p in SAMPLES]
    records[0]["date"] = "2024-05-20"
    records[1]["published"] = "20/05/2024 10:00"
    records[2]["date"] = "May 20th"  # a field, but no date it reads
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "d.jsonl"
    err = ok(run(str(src), "-o", str(out), "--window-days", "3", "-q"))
    warned = [line for line in err.splitlines() if "time window" in line]
    assert warned == [
        "summarize: warning: the time window of 3 days was not applied to 3 of 5 articles, "
        'which have no date: 2 have no "date", "published" or "time" field, 1 has one that '
        "is not ISO 8601 or day-first like 20/05/2024; they can join a story whatever their "
        "dates"
    ], err
    assert len(read_jsonl(out.read_text("utf-8"))) == 5  # the digest is still written
    assert "time window" not in ok(run(str(src), "-o", str(out), "-q"))
    for r in records:
        r["date"] = "2024-05-21"
    dated = write_jsonl(tmp_path / "dated.jsonl", records)
    assert "time window" not in ok(run(str(dated), "-o", str(out), "--window-days", "3", "-q"))


# ------------------------------------------------------------------------ budgets


@pytest.mark.parametrize("budget", [("--ratio", "0.3"), ("--words", "40"), ("-n", "2")])
def test_budget_options_reach_every_article(samples_jsonl: Path, budget) -> None:
    """Without learned chrome (--no-learn), each article's picks are the API's picks
    for the same text and budget."""
    option, value = budget
    p = run(str(samples_jsonl), option, value, "--no-learn", "-q")
    ok(p)
    records = read_jsonl(p.stdout)
    assert len(records) == 6
    name, kind = {"--ratio": ("ratio", float), "--words": ("words", int), "-n": ("sentences", int)}[
        option
    ]
    kw = {name: kind(value)}
    texts = {json.loads(line)["id"]: json.loads(line)["text"]
             for line in samples_jsonl.read_text("utf-8").splitlines()}  # fmt: skip
    for rec in records:
        api = summarize(texts[rec["id"]], method="lead", **kw)
        assert [s["text"] for s in picks(rec)] == [s.text for s in api.sentences], rec["id"]
        if option == "--words":
            assert sum(len(s["text"].split()) for s in picks(rec)) <= int(value)
        if option == "--ratio":
            eligible = len(api.document.sentences) - len(api.excluded)
            assert len(picks(rec)) <= math.ceil(eligible * float(value))


def test_story_sentences_sets_the_story_summary_length(tmp_path: Path, samples_jsonl: Path) -> None:
    def story_bullets(n: str) -> list[str]:
        out = tmp_path / f"story-{n}.md"
        ok(run(str(samples_jsonl), "-o", str(out), "--story-sentences", n, "-q"))
        text = out.read_text("utf-8")
        story = text.split("Story `", 1)[1].split("Articles:", 1)[0]
        return [ln for ln in story.splitlines() if ln.startswith("- ")]

    assert len(story_bullets("2")) == 2
    assert len(story_bullets("4")) == 4


# ---------------------------------------------------------------------- learning


def test_no_learn_leaves_the_batch_chrome_in(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", batch(30))

    def footer_picked(*extra: str) -> tuple[int, int]:
        p = run(str(src), "--ratio", "1", *extra)
        ok(p)
        recs = read_jsonl(p.stdout)
        hits = sum(any(match_key(s["text"]) == match_key(FOOTER) for s in picks(r)) for r in recs)
        return hits, learned_count(p.stderr)

    hits, learned = footer_picked()
    assert learned >= 1 and hits == 0  # learned as chrome: never in a summary
    hits, learned = footer_picked("--no-learn")
    assert learned == 0 and hits >= 20  # every article that has it keeps it


def test_site_field_needs_the_chrome_on_two_sites(tmp_path: Path) -> None:
    one_site = [{**r, "site": "bao-a.vn"} for r in batch(30)]
    two_sites = [
        {**r, "site": "bao-a.vn" if k % 2 else "bao-b.vn"} for k, r in enumerate(batch(30))
    ]
    one = write_jsonl(tmp_path / "one.jsonl", one_site)
    two = write_jsonl(tmp_path / "two.jsonl", two_sites)
    # without --site-field the footer is learned whatever the site
    assert learned_count(ok(run(str(one), "-o", str(tmp_path / "a.jsonl")))) == 1
    # with it, one site's own footer is that site's text, not chrome; two sites' is
    assert (
        learned_count(ok(run(str(one), "--site-field", "site", "-o", str(tmp_path / "b.jsonl"))))
        == 0
    )
    assert (
        learned_count(ok(run(str(two), "--site-field", "site", "-o", str(tmp_path / "c.jsonl"))))
        == 1
    )


# --------------------------------------------------------------------- work folder


def test_keep_work_keeps_the_work_folder(tmp_path: Path, samples_jsonl: Path) -> None:
    plain, kept = tmp_path / "plain.jsonl", tmp_path / "kept.jsonl"
    ok(run(str(samples_jsonl), "-o", str(plain), "-q"))
    assert not work_dir_for(plain).exists()  # removed after a finished run
    ok(run(str(samples_jsonl), "-o", str(kept), "--keep-work", "-q"))
    work = work_dir_for(kept)
    assert work.is_dir()
    docs = read_jsonl((work / "docs.jsonl").read_text("utf-8"))
    assert sorted(d["id"] for d in docs) == sorted(r["id"] for r in read_jsonl(kept.read_text()))
    assert kept.read_text("utf-8") == plain.read_text("utf-8")  # same digest either way


# ----------------------------------------------------------------- resumed HTML


class Articles(HTMLParser):
    """The ids and summary sentences of a digest page's articles."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.sentences: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        cls = dict(attrs).get("class") or ""
        if tag == "span" and cls == "id":
            self._in, self.ids = "id", [*self.ids, ""]
        elif tag == "li" and self._in == "sum":
            self.sentences.append("")
            self._in = "li"
        elif tag == "ol" and cls == "sum":
            self._in = "sum"

    def handle_endtag(self, tag) -> None:
        if tag == "span" and self._in == "id":
            self._in = None
        elif tag == "li" and self._in == "li":
            self._in = "sum"
        elif tag == "ol" and self._in == "sum":
            self._in = None

    def handle_data(self, data) -> None:
        if self._in == "id":
            self.ids[-1] += data
        elif self._in == "li":
            self.sentences[-1] += data


def test_html_written_by_a_resumed_run_is_the_whole_digest(tmp_path: Path) -> None:
    """Killed after 25 of 60 records, then resumed: the page has every article once,
    and is byte for byte the page an uninterrupted run writes."""
    records = batch(58)
    src = write_jsonl(tmp_path / "in.jsonl", records)
    whole = tmp_path / "whole" / "digest.html"
    whole.parent.mkdir()
    ok(run(str(src), "-o", str(whole), "-q"))

    out = tmp_path / "resumed" / "digest.html"
    out.parent.mkdir()
    cli = ["digest", str(src), "-m", "lead", "-o", str(out), "--resume", "-q"]
    killed_after(cli, 25)
    assert not out.exists()
    assert "(25 from an earlier run)" in ok(resumed(cli))

    page = Articles()
    page.feed(out.read_text("utf-8"))
    assert sorted(page.ids) == sorted(r["id"] for r in records)  # each article once
    assert page.sentences and all(page.sentences)
    assert out.read_bytes() == whole.read_bytes()


def test_closing_line_counts_in_the_singular_and_names_a_resume_only_when_there_is_one() -> None:
    """The line said "1 multi-article stories", "1 boilerplate lines learned", and
    "(0 from an earlier run)" on every run, resumed or not."""
    from types import SimpleNamespace

    from summarize.cli import _digest_counts

    def result(stories: int, lines: int, resumed: int = 0) -> SimpleNamespace:
        return SimpleNamespace(
            documents=3, resumed=resumed, failed=0, stories=[object()] * stories,
            learned=SimpleNamespace(lines=["x"] * lines), translations=None,
        )  # fmt: skip

    one = _digest_counts(result(1, 1), "d.html", resume=False)
    assert one == (
        "3 documents, 0 failed, 1 multi-article story, 1 boilerplate line learned; wrote d.html"
    )
    two = _digest_counts(result(2, 0), "stdout", resume=False)
    assert "2 multi-article stories, 0 boilerplate lines learned; wrote stdout" in two
    assert "earlier run" not in two
    assert "3 documents (0 from an earlier run), " in _digest_counts(result(2, 0), "x", True)
    assert "3 documents (2 from an earlier run), " in _digest_counts(result(0, 0, 2), "x", False)
