"""The stages one by one through their public functions, and the Summarizer that composes
them; vectors from the deterministic fake encoder (tests/conftest.py), no model."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from summarize import (
    ConfigError,
    InputError,
    Reason,
    SummarizeError,
    Summarizer,
    SummaryConfig,
    deduplicate,
    prepare,
    summarize,
    summarize_many,
)
from summarize.dedup.calibration import dedup_config
from summarize.dedup.document import deduplicate_document
from summarize.embed.document import embed_document
from summarize.rank.candidates import candidates
from summarize.rank.methods import rank
from summarize.rank.select import choose
from summarize.report import summary_to_json
from summarize.timing import StageTimer

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BAC_GIANG = (SAMPLES / "bac-giang-co-quan-tinh.txt").read_text(encoding="utf-8")

ARTICLE = """Hà Nội mở thêm 12 tuyến buýt điện

Thành phố Hà Nội sẽ mở thêm 12 tuyến xe buýt điện trong năm nay để giảm ô nhiễm không khí.
Các tuyến mới nối trung tâm với các khu đô thị ở phía tây và phía nam thành phố.
Theo Sở Giao thông vận tải, mỗi tuyến có từ 10 đến 15 xe chạy từ 5 giờ sáng.
Thành phố Hà Nội sẽ mở thêm 12 tuyến xe buýt điện trong năm nay để giảm ô nhiễm không khí.

Chia sẻ bài viết

Giá vé không đổi so với xe buýt thường, người dân có thể dùng thẻ tháng.
"""


# ------------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    "kwargs",
    [{"method": "bogus"}, {"method": 3}, {"threshold": 1.5}, {"threshold": 0},
     {"threshold": float("nan")}, {"threshold": "0.9"}, {"keep": "bogus"}, {"model": 42},
     {"semantic": "yes"}, {"sentences": 2.5}, {"sentences": True}, {"ratio": math.inf}],
)  # fmt: skip
def test_every_bad_setting_is_a_config_error(kwargs) -> None:
    with pytest.raises(ConfigError) as err:
        SummaryConfig(**kwargs)
    assert isinstance(err.value, SummarizeError) and isinstance(err.value, ValueError)
    name = next(iter(kwargs))
    assert name in str(err.value)  # the message names what was wrong


def test_the_api_checks_its_arguments_before_any_work(monkeypatch) -> None:
    import summarize.pipeline as pipeline

    monkeypatch.setattr(pipeline, "shared_encoder", lambda *a, **k: pytest.fail("model loaded"))
    for bad in ({"method": "bogus"}, {"sentences": 0}, {"threshold": 2}, {"model": 42}):
        with pytest.raises(SummarizeError):
            summarize(ARTICLE, **bad)
    with pytest.raises(SummarizeError):
        deduplicate(ARTICLE, keep="bogus")
    with pytest.raises(InputError, match="title"):
        summarize(ARTICLE, title=123, method="lead")


def test_config_budget_and_description() -> None:
    assert SummaryConfig().describe_budget() == "3 sentences"
    assert SummaryConfig(words=40).describe_budget() == "40 words"
    assert SummaryConfig(words=40).max_sentences(9) == 9
    assert SummaryConfig(method="lead").needs_model is False


def test_a_budget_of_one_is_said_in_the_singular(fake_encoder) -> None:
    """ "1 sentences" was the JSON ``budget``, the --verbose line and the serve page's
    label of ``-n 1`` (and "1 words" of ``--words 1``): one budget label, said right."""
    assert SummaryConfig(sentences=1).describe_budget() == "1 sentence"
    assert SummaryConfig(words=1).describe_budget() == "1 word"
    assert SummaryConfig(sentences=2).describe_budget() == "2 sentences"
    one = summarize(ARTICLE, sentences=1, model=fake_encoder)
    assert one.budget == "1 sentence" and len(one.sentences) == 1
    assert summary_to_json(one)["budget"] == "1 sentence"


# ------------------------------------------------------------------------ stages


def test_stages_hand_typed_results_one_to_the_next(fake_encoder) -> None:
    doc = prepare(ARTICLE)
    assert doc.title == "Hà Nội mở thêm 12 tuyến buýt điện"
    chrome_para = next(p.index for p in doc.paragraphs if p.text == "Chia sẻ bài viết")
    assert doc.chrome.paragraphs == {chrome_para: "share widget"}

    vectors = embed_document(doc, fake_encoder, [doc.title])
    assert vectors.sentences.shape == (len(doc.sentences), fake_encoder.dim)
    assert vectors.extra.shape == (1, fake_encoder.dim)
    chrome_rows = [s.index for s in doc.sentences if s.paragraph == chrome_para]
    assert not vectors.sentences[chrome_rows].any()  # chrome is never embedded

    dedup = deduplicate_document(doc, vectors.sentences, config=dedup_config(fake_encoder.name))
    assert [r.text for r in dedup.removed] == [doc.sentences[4].text]  # the repeat, once

    found = candidates(doc, dedup)
    reasons = {e.index: e.reason for e in found.excluded}
    assert reasons[0] is Reason.TITLE and reasons[4] is Reason.DUPLICATE
    assert Reason.BOILERPLATE in reasons.values()
    assert all(s.index not in reasons for s in found.sentences)

    rows = vectors.sentences[[s.index for s in found.sentences]]
    ranking = rank("textrank", rows, vectors.extra)
    assert ranking.scores.shape == (len(found.sentences),)
    assert ranking.similarities.shape == (len(found.sentences),) * 2
    picked = choose(ranking.scores, ranking.similarities, [s.text for s in found.sentences], 2)
    assert len(picked.chosen) == 2


def test_reason_compares_and_prints_as_its_value() -> None:
    assert Reason.DANGLING == "dangling reference"
    assert f"{Reason.TITLE}" == "title" and str(Reason.HEADING) == "heading"


# ------------------------------------------------------------------------ Summarizer


def test_summarizer_loads_no_model_for_lead_and_times_each_stage(monkeypatch) -> None:
    import summarize.pipeline as pipeline

    monkeypatch.setattr(pipeline, "shared_encoder", lambda *a, **k: pytest.fail("model loaded"))
    timer = StageTimer()
    result = Summarizer(SummaryConfig(method="lead", sentences=2), timer=timer).summarize(ARTICLE)
    assert [s.index for s in result.sentences] == [1, 2] and result.model is None
    assert {"prepare", "duplicates", "exclusions", "ranking"} <= set(timer.seconds)
    assert "embedding" not in timer.seconds


def test_summarizer_matches_the_module_function_and_keeps_its_model(fake_encoder) -> None:
    summarizer = Summarizer(SummaryConfig(sentences=2), fake_encoder)
    one = summarizer.summarize(BAC_GIANG)
    two = summarize(BAC_GIANG, sentences=2, model=fake_encoder)
    assert [s.index for s in one.sentences] == [s.index for s in two.sentences]
    assert one.model == fake_encoder.name and summarizer.encoder is fake_encoder
    wider = summarizer.with_config(sentences=4)
    assert wider.encoder is fake_encoder and len(wider.summarize(BAC_GIANG).sentences) == 4
    with pytest.raises(ConfigError):
        summarizer.with_config(sentences=-1)


def test_summary_vectors_rows_are_the_ranked_sentences(fake_encoder) -> None:
    result = summarize(ARTICLE, model=fake_encoder)
    assert result.vectors is not None
    for s in result.sentences:
        expected = fake_encoder.encode([s.text])[0]
        assert np.allclose(result.vectors[s.index], expected, atol=1e-6)


def test_story_summary_states_a_repeated_fact_once(fake_encoder) -> None:
    other = ARTICLE.replace("Giá vé không đổi", "Vé tháng vẫn giữ giá")
    story = summarize_many([ARTICLE, other], sentences=4, model=fake_encoder)
    texts = [s.text for s in story.sentences]
    assert len(texts) == len(set(texts)) == 4
    assert story.cross_duplicates  # the wire copy in the second article is collapsed
    assert all(0 <= s.document < 2 for s in story.sentences)
    assert len(story.documents) == 2


def test_an_object_without_encode_is_refused() -> None:
    with pytest.raises(ConfigError, match="model"):
        Summarizer(SummaryConfig(), encoder=object())
