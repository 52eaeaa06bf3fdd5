"""The digest across languages (``--cross-lingual``): an article and its English edition
in one story, each fact once in the story summary, numbers guarded.

The story below is made up for these tests (a bridge that does not exist), written in
Vietnamese and translated into English by hand; nothing is taken from a data set. Most
tests use a stand-in encoder that gives each English sentence the vector of its
Vietnamese source (the fake trigram encoder otherwise), so they need no model; the last
ones run the default model on the same text (``model`` marker).
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from summarize.config import SummaryConfig
from summarize.dedup.calibration import UncalibratedModelWarning
from summarize.dedup.engine import DedupConfig
from summarize.digest import ClusterConfig, DigestOptions, Output, digest
from summarize.digest.stream import digest_records
from summarize.digest.translations import (
    EXACT_PAIRS,
    Edition,
    Translation,
    TranslationConfig,
    article_language,
    candidate_pairs,
    join,
    nearest,
    needed,
)

ROOT = Path(__file__).resolve().parent.parent

VI = [
    "Ngày 14/3, Ủy ban nhân dân tỉnh Quảng Trị khánh thành cây cầu mới bắc qua sông "
    "Thạch Hãn sau hai năm thi công.",
    "Cây cầu dài 620 mét, rộng 18 mét và có tổng vốn đầu tư khoảng 450 tỷ đồng.",
    "Công trình giúp người dân hai bên bờ sông không còn phải đi phà mỗi ngày.",
    "Theo lãnh đạo tỉnh, thời gian đi lại từ thị xã đến các xã phía bắc sẽ giảm khoảng 40 phút.",
    "Trước đây, vào mùa mưa lũ, phà thường phải ngừng chạy nhiều ngày liền.",
    "Nhiều tiểu thương cho biết hàng hóa sẽ được vận chuyển nhanh hơn và rẻ hơn.",
    "Tỉnh dự kiến xây thêm một tuyến đường nối cây cầu với quốc lộ 1 trong năm tới.",
    "Lễ khánh thành có sự tham dự của hàng trăm người dân địa phương.",
]
EN = [
    "On March 14, the People's Committee of Quang Tri province inaugurated a new bridge "
    "over the Thach Han river after two years of construction.",
    "The bridge is 620 metres long and 18 metres wide, with a total investment of about "
    "450 billion dong.",
    "The project means that people on both banks of the river no longer have to take the "
    "ferry every day.",
    "According to provincial leaders, travel time from the town to the northern communes "
    "will fall by about 40 minutes.",
    "In the past, the ferry often had to stop running for days on end in the flood season.",
    "Many traders said that goods would be transported faster and more cheaply.",
    "The province plans to build another road linking the bridge to National Highway 1 next year.",
    "The inauguration ceremony was attended by hundreds of local residents.",
]
# The English edition with one number changed: that sentence is another fact.
CHANGED = EN[1].replace("620 metres", "820 metres")
OTHER = [  # an unrelated English story, which must stay apart
    "The city library will open a new reading room for children at the end of the month.",
    "The room has more than two thousand picture books and a corner for storytelling.",
    "Volunteers from a local school helped to paint the walls and build the shelves.",
    "The library said that the room would be open every day except on public holidays.",
    "Parents can register their children for free reading classes at the front desk.",
    "The project was paid for by donations from residents and small businesses.",
]
# A notice in Vietnamese followed by its English version, in one article.
NOTICE = [
    "Trung tâm Khí tượng cho biết trời sẽ mưa to ở các tỉnh miền Trung từ tối nay đến hết "
    "ngày mai.",
    "Người dân được khuyên không nên đi qua các ngầm tràn khi nước đang lên.",
    "The weather centre said heavy rain would fall over the central provinces from tonight "
    "until the end of tomorrow.",
    "Residents are advised not to cross spillways while the water is rising.",
]
VI_TITLE = "Khánh thành cầu mới qua sông Thạch Hãn"
EN_TITLE = "New bridge over the Thach Han river opens"


class Translating:
    """The fake encoder, except that an English sentence of the story (or its changed
    copy, or the title) gets the vector of its Vietnamese source."""

    name, dim = "translating-test-encoder", 256

    def __init__(self, inner) -> None:
        self.inner = inner
        self.sources = dict(zip(EN, VI, strict=True)) | {CHANGED: VI[1], EN_TITLE: VI_TITLE}

    def encode(self, texts, prompt_name: str = "passage"):
        return self.inner.encode([self.sources.get(t, t) for t in texts], prompt_name)


def _article(ident: str, title: str, sentences: list[str]) -> dict:
    return {"id": ident, "title": title, "text": " ".join(sentences)}


def _digest(tmp_path: Path, records: list[dict], encoder, cross: bool, **kw) -> tuple:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    out = tmp_path / f"d{int(cross)}.jsonl"
    md = tmp_path / f"d{int(cross)}.md"
    options = DigestOptions(SummaryConfig(method="textrank", cross_lingual=cross), **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UncalibratedModelWarning)  # the stand-in's cosine
        result = digest(
            [str(src)], [Output(out, "jsonl"), Output(md, "markdown")], options, model=encoder
        )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    return result, {r["id"]: r for r in rows}, md.read_text()


@pytest.fixture
def translating(fake_encoder) -> Translating:
    return Translating(fake_encoder)


def test_an_article_and_its_english_edition_are_one_story(tmp_path, translating) -> None:
    records = [
        _article("vi", VI_TITLE, VI),
        _article("other", "Library opens a children's room", OTHER),
        _article("en", EN_TITLE, EN),
    ]
    result, rows, md = _digest(tmp_path, records, translating, cross=True)
    assert rows["vi"]["story"]["size"] == rows["en"]["story"]["size"] == 2
    assert rows["vi"]["story"]["id"] == rows["en"]["story"]["id"]
    assert rows["other"]["story"]["size"] == 1  # the unrelated English story stays apart
    (story,) = result.stories
    assert story.members == [0, 2]
    assert story.signals[2] == "shares 8 of 8 sentences in another language (cross-lingual 8)"
    assert "cross-lingual 8" in md  # the report says why the edition joined
    stats = result.translations
    assert stats.languages == {"vi": 1, "en": 2} and stats.joined == 1
    # The story summary states each fact once: no sentence with its translation.
    texts = [s["text"] for s in story.summary]
    assert len(texts) == 5 and not set(texts) & set(EN)
    # The English sentences are shared sentences of the Vietnamese ones.
    shared = {s["index"]: s["kept_index"] for s in rows["en"]["shared_sentences"]}
    assert len(shared) == 8 and all(i == k for i, k in shared.items())


def test_without_the_flag_nothing_joins_across_languages(tmp_path, translating) -> None:
    records = [_article("vi", VI_TITLE, VI), _article("en", EN_TITLE, EN)]
    result, rows, _ = _digest(tmp_path, records, translating, cross=False)
    assert not result.stories and result.translations is None
    assert rows["vi"]["story"]["id"] != rows["en"]["story"]["id"]


def test_a_changed_number_is_kept_as_another_fact(tmp_path, translating) -> None:
    """The edition joins (7 sentences agree), but its sentence with another length is
    not removed as a translation, in the story summary's pool or its shared sentences."""
    changed = [CHANGED if s == EN[1] else s for s in EN]
    records = [_article("vi", VI_TITLE, VI), _article("en", EN_TITLE, changed)]
    result, rows, _ = _digest(tmp_path, records, translating, cross=True, story_sentences=8)
    (story,) = result.stories
    assert "shares 7 of 8" in story.signals[1] and "1 with other numbers" in story.signals[1]
    shared = {s["index"] for s in rows["en"]["shared_sentences"]}
    assert len(shared) == 7 and 1 not in shared
    # with room for every fact, the 820-metre sentence is a fact of its own in the summary
    assert CHANGED in [s["text"] for s in story.summary]


def test_a_time_window_keeps_editions_apart(tmp_path, translating) -> None:
    records = [
        _article("vi", VI_TITLE, VI) | {"date": "2026-03-14"},
        _article("en", EN_TITLE, EN) | {"date": "2026-05-20"},
    ]
    window = ClusterConfig(window_days=3)
    result, _, _ = _digest(tmp_path, records, translating, cross=True, clusters=window)
    assert not result.stories


def test_digest_records_removes_a_translation_inside_an_article(translating) -> None:
    text = " ".join(VI[:3]) + "\n\n" + " ".join(EN[:3])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UncalibratedModelWarning)
        (plain,) = digest_records([text], method="textrank", model=translating)
        (cross,) = digest_records([text], method="textrank", model=translating, cross_lingual=True)
    assert plain["removed"] == []
    assert [(r["text"], r["signal"]) for r in cross["removed"]] == [
        (s, "cross-lingual") for s in EN[:3]
    ]


def test_lead_cannot_compare_languages(tmp_path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(_article("vi", VI_TITLE, VI), ensure_ascii=False) + "\n")
    p = subprocess.run(
        [sys.executable, "-m", "summarize.cli", "digest", str(src), "-m", "lead",
         "--cross-lingual", "-o", str(tmp_path / "d.jsonl")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "--cross-lingual" in p.stderr


# ------------------------------------------------------------------ the pieces


def test_article_language() -> None:
    assert article_language(VI) == "vi" and article_language(EN) == "en"
    assert article_language(VI[:4] + EN[:4]) == ""  # half and half: no language
    assert article_language(["Hà Nội", "OK"]) == ""  # too little to tell


def test_candidates_only_across_languages_exact_and_indexed_agree() -> None:
    rng = np.random.default_rng(0)
    means = rng.normal(size=(60, 16)).astype(np.float32)
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    editions = {n: Edition("vi" if n % 3 else "en", means[n]) for n in range(60)}
    editions[5] = Edition("", means[5])  # no clear language: never a candidate
    pairs = candidate_pairs(editions, neighbours=4)
    assert pairs and all(editions[a].language != editions[b].language for a, b in pairs)
    assert all(5 not in p for p in pairs)
    q, b = means[:20], means[20:]
    exact = nearest(q, b, 5)
    assert len(q) * len(b) <= EXACT_PAIRS
    import summarize.digest.translations as tr

    limit, tr.EXACT_PAIRS = tr.EXACT_PAIRS, 0  # the hnswlib path on the same rows
    try:
        indexed = nearest(q, b, 5)
    finally:
        tr.EXACT_PAIRS = limit
    recall = np.mean([len(set(x) & set(y)) / 5 for x, y in zip(exact, indexed, strict=True)])
    assert recall >= 0.95


def test_joining_never_chains_two_stories_of_one_language() -> None:
    """0 and 1 are two Vietnamese stories' first articles; 2 is English and translates
    both: it joins the stronger one only."""
    languages = {0: "vi", 1: "vi", 2: "en", 3: "vi"}
    found = [Translation(0, 2, 6, 8, 0), Translation(1, 2, 8, 8, 0)]
    stories, why = join([[0, 3]], {3: "same event (p 0.90)"}, found, languages)
    assert stories == [[0, 3], [1, 2]]
    assert why == {3: "same event (p 0.90)", 2: found[1].describe()}


def test_how_many_sentences_a_pair_needs() -> None:
    """At least 4 (all of a shorter article's, never fewer than 2) and 40% of the longer
    article's: a 4-sentence article cannot join a 15-sentence one."""
    config = TranslationConfig(least=4, share=0.4)
    sizes = [(1, 1), (2, 2), (3, 3), (8, 8), (8, 20), (4, 15)]
    assert [needed(s, n, config) for s, n in sizes] == [2, 2, 3, 4, 8, 6]


def test_find_translations_refuses_a_config_without_a_cross_lingual_cosine() -> None:
    from summarize.digest.translations import find_translations

    with pytest.raises(ValueError, match="cross-lingual"):
        find_translations({}, lambda n: None, lambda n: None, DedupConfig())


# --------------------------------------------------------------- the real model


@pytest.mark.model
@pytest.mark.timeout(600)
def test_the_default_model_joins_the_edition_and_not_the_other_story(tmp_path) -> None:
    """The command, the shipped model and its calibrated cosine, on the made-up story."""
    src = tmp_path / "in.jsonl"
    records = [
        _article("vi", VI_TITLE, VI),
        _article("other", "Library opens a children's room", OTHER),
        _article("en", EN_TITLE, EN),
        _article("changed", EN_TITLE, [CHANGED if s == EN[1] else s for s in EN]),
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    out, md = tmp_path / "d.jsonl", tmp_path / "d.md"
    p = subprocess.run(
        [sys.executable, "-m", "summarize.cli", "digest", str(src), "--cross-lingual",
         "-o", str(out), "-o", str(md), "--story-sentences", "8"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert "joined across languages" in p.stderr
    rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    story = rows["vi"]["story"]
    assert rows["en"]["story"] == story and rows["changed"]["story"] == story
    assert story["size"] == 3 and rows["other"]["story"]["size"] == 1
    assert "cross-lingual" in md.read_text()
    # The 820-metre sentence (index 1) is never a repeat of another article's sentence;
    # the other seven are.
    shared = {s["index"] for s in rows["changed"]["shared_sentences"]}
    assert 1 not in shared and len(shared) == 7


@pytest.mark.model
@pytest.mark.timeout(900)
def test_the_dask_engine_gives_the_local_engine_s_records(tmp_path, default_encoder) -> None:
    """``--engine dask --cross-lingual``: the workers summarise (cross-lingual duplicates
    inside each article), the driver joins the editions from the work file: the same
    bytes as the local engine."""
    pytest.importorskip("distributed")
    from summarize.digest.dask_engine import DaskEngine
    from summarize.digest.tasks import EncoderSpec

    src = tmp_path / "in.jsonl"
    records = [
        _article("vi", VI_TITLE, VI),
        _article("other", "Library opens a children's room", OTHER),
        _article("en", EN_TITLE, EN),
        _article("mixed", "Cảnh báo mưa lớn", NOTICE),  # a translation inside one article
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    options = DigestOptions(SummaryConfig(cross_lingual=True))
    outputs = {}
    for name in ("local", "dask"):
        outs = [
            Output(tmp_path / f"{name}.jsonl", "jsonl"),
            Output(tmp_path / f"{name}.md", "markdown"),
        ]
        if name == "local":
            result = digest([str(src)], outs, options, model=default_encoder)
        else:
            spec = EncoderSpec()  # the default model, loaded by the worker
            with DaskEngine(workers=1, threads_per_worker=1, partition=2, spec=spec) as engine:
                result = digest([str(src)], outs, options, engine=engine)
        outputs[name] = [o.path.read_bytes() for o in outs]
        assert result.translations is not None and result.translations.joined == 1
    assert outputs["dask"] == outputs["local"]
    rows = {r["id"]: r for r in map(json.loads, outputs["local"][0].decode().splitlines())}
    assert rows["vi"]["story"] == rows["en"]["story"] and rows["vi"]["story"]["size"] == 2
    assert any(r["signal"] == "cross-lingual" for r in rows["mixed"]["removed"])
