"""The same input gives the same bytes in every process, whatever PYTHONHASHSEED is.

Python salts the hash of ``str`` per process, so iterating a set of strings (or a dict
filled from one) changes order from run to run. Trial 3 found a digest whose Sen Vàng
story had 6 articles under one seed and 5 under another: the digest kept each article's
names in a dict filled from a set, and ``Counter.most_common`` broke ties between them by
that order, so an article's "main names" (and with them which pairs of articles
conflict) changed with the seed. Each test here runs the same work in two subprocesses,
``PYTHONHASHSEED=0`` and ``=1``, and compares the output byte for byte.

The made-up stories below are built to expose exactly that: each story's first article
names four people twice each (a tie for the three main names) and its rewrite shares only
one of them, so whether the two conflict depends on how the tie is broken. Before the fix
the digest of these articles differed between seeds 0, 1 and 2.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from summarize.dedup.facts import facts
from summarize.digest.events import main_names, opening_facts
from tests.test_digest import GIVEN, SURNAMES, WORDS  # made-up vocabulary and names

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
TIMEOUT = 300  # seconds for one subprocess: a static-model digest of 21 articles takes ~10

MIDDLE = "Văn Thị Đức Ngọc".split()


def tied_story(k: int) -> tuple[str, str]:
    """Two articles on one visit: the first names four people twice each, its rewrite
    three others twice each and one of the four once."""
    rng = random.Random(k)
    people: set[str] = set()
    while len(people) < 7:
        people.add(f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}")
    x, y = sorted(people)[:4], sorted(people)[4:]
    rng.shuffle(x)
    vocab = rng.sample(WORDS, 20)
    body = [
        " ".join(rng.choice(vocab) for _ in range(rng.randint(14, 20))).capitalize() + "."
        for _ in range(8)
    ]
    visit = f"đã đến thăm công trình số {k + 11}."
    work = f"đoàn đã làm việc với {k + 40} hộ dân trong {k + 3} ngày."
    a = [
        f"Hôm qua ông {x[0]}, bà {x[1]}, ông {x[2]} và bà {x[3]} {visit}",
        *body[:3],
        f"Theo {x[3]}, {x[1]}, {x[0]} và {x[2]}, {work}",
        *body[3:],
    ]
    b = [
        f"Hôm qua ông {y[0]}, bà {y[1]}, ông {y[2]} và bà {x[3]} {visit}",
        *body[:3],
        f"Theo {y[2]}, {y[1]} và {y[0]}, {work}",
        *body[3:],
    ]
    return " ".join(a), " ".join(b)


def tied_records(stories: int = 8) -> list[dict]:
    out = []
    for k in range(stories):
        a, b = tied_story(k)
        title = f"Công trình số {k + 11}"
        out.append({"id": f"s{k}a", "title": f"{title} sắp hoàn thành", "text": a})
        out.append({"id": f"s{k}b", "title": f"{title} sắp xong", "text": b})
    return out


def run_with_seed(seed: int, script: str, *args: str) -> bytes:
    """``script`` run by this Python with ``PYTHONHASHSEED=seed``: its standard output."""
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env, cwd=ROOT, capture_output=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout


def assert_same_under_seeds(script: str, *args: str) -> bytes:
    first, second = (run_with_seed(seed, script, *args) for seed in (0, 1))
    assert first, "the script printed nothing"
    assert first == second, "the output depends on PYTHONHASHSEED"
    return first


# ---------------------------------------------------------------------- the culprit


def test_main_names_break_ties_by_name_not_by_insertion_order() -> None:
    names = {"lê văn an": 2, "đỗ thị lan": 2, "bùi đức nam": 2, "hồ ngọc sơn": 2, "x y": 1}
    backwards = dict(reversed(list(names.items())))
    assert main_names(names) == main_names(backwards)
    assert main_names(names) == [("bùi đức nam", 2), ("hồ ngọc sơn", 2), ("lê văn an", 2)]
    assert main_names({"a b": 1, "c d": 3}) == [("c d", 3), ("a b", 1)]


def test_opening_facts_record_names_in_sorted_order() -> None:
    text, _ = tied_story(0)
    found = [facts(s) for s in text.split(". ")]
    names, numbers = opening_facts(found)
    first = sorted({n.casefold() for n in found[0].names})
    assert list(names)[:4] == first and all(names[n] == 2 for n in first)
    assert numbers == sorted(numbers)


PROFILE_SCRIPT = """
import json, sys
from summarize.dedup.facts import facts
from summarize.digest.events import main_names, opening_facts
from tests.test_digest import GIVEN, SURNAMES, WORDS  # made-up vocabulary and names
for text in json.loads(sys.argv[1]):
    names, numbers = opening_facts([facts(s) for s in text.split(". ")])
    print(json.dumps([names, numbers, main_names(names)], ensure_ascii=False))
"""


def test_names_and_main_names_same_under_any_hash_seed() -> None:
    """No model: what the story step reads of each article's names. Before the fix the
    names dict and the main names of these articles changed with the seed."""
    texts = [t for k in range(8) for t in tied_story(k)]
    out = assert_same_under_seeds(PROFILE_SCRIPT, json.dumps(texts, ensure_ascii=False))
    assert len(out.splitlines()) == len(texts)


# ---------------------------------------------------------------------- whole paths

DIGEST_SCRIPT = """
import sys
from pathlib import Path
from summarize.digest import DigestOptions, Output, digest
from summarize.embed import load_encoder
out = Path(sys.argv[2])
encoder = load_encoder("e5-static", cache=False)
digest(
    [sys.argv[1], sys.argv[3]],
    [Output(out / "digest.json", "json"), Output(out / "digest.html", "html")],
    DigestOptions(),
    model=encoder,
)
for name in ("digest.json", "digest.html"):
    sys.stdout.buffer.write((out / name).read_bytes())
"""


def test_digest_same_under_any_hash_seed(tmp_path: Path, static_encoder) -> None:
    """The made-up stories and the samples digested with the static model (the event
    path: story model, main names, conflicts), JSON and HTML, in two processes."""
    feed = tmp_path / "stories.jsonl"
    feed.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tied_records()),
        encoding="utf-8",
    )
    outs = []
    for seed in (0, 1):
        out = tmp_path / f"seed{seed}"
        out.mkdir()
        outs.append(run_with_seed(seed, DIGEST_SCRIPT, str(feed), str(out), str(ROOT / "samples")))
    assert outs[0] == outs[1], "the digest depends on PYTHONHASHSEED"
    records = json.loads(outs[0].split(b"<!DOCTYPE html>")[0])
    assert len(records) == 16 + len(SAMPLES)
    assert any(r["story"]["size"] > 1 for r in records)  # the story step did group some


SINGLE_SCRIPT = """
import json, sys
from pathlib import Path
from summarize import api
from summarize.embed import load_encoder
from summarize.report.json_report import dedup_to_json, summary_to_json
encoder = load_encoder("e5-static", cache=False)
for path in sys.argv[1:]:
    text = Path(path).read_text(encoding="utf-8")
    for scope in ("screened", "all"):
        s = api.summarize(text, model=encoder, embed_scope=scope)
        print(json.dumps(summary_to_json(s), ensure_ascii=False, sort_keys=False))
    for boilerplate in (False, True):
        d = api.deduplicate(text, model=encoder, drop_boilerplate=boilerplate)
        print(json.dumps(dedup_to_json(d), ensure_ascii=False, sort_keys=False))
"""


def test_single_articles_same_under_any_hash_seed(tmp_path: Path, static_encoder) -> None:
    """``summarize FILE`` and ``summarize dedup FILE`` through the API: the samples and
    two made-up articles, summaries and duplicate reports, in two processes."""
    paths = [str(p) for p in SAMPLES]
    for k, text in enumerate(tied_story(3)):
        path = tmp_path / f"story{k}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    out = assert_same_under_seeds(SINGLE_SCRIPT, *paths)
    assert len(out.splitlines()) == 4 * len(paths)
