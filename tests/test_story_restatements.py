"""A story summary states each fact once: a sentence that restates one already picked
(another outlet's wording of the same fact) is not picked again, while a sentence with a
count or a name of its own stays eligible (rank.select.Restatements). Made-up text."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from summarize import summarize_many
from summarize.rank.select import (
    RESTATES_COSINE,
    RESTATES_COSINE_STATIC,
    Restatements,
    choose,
    restates_cosine,
)

PICK = "Chiều 12/3, xưởng gỗ của Công ty Tân Phát ở Dĩ An bốc cháy dữ dội."


def _pair(candidate: str, pick: str = PICK, cosine: float = 0.95) -> bool:
    sims = np.array([[0.0, cosine], [cosine, 0.0]])
    return Restatements([pick, candidate], sims).pair(1, 0)


def test_a_rewording_that_adds_nothing_restates_the_pick() -> None:
    assert _pair("Xưởng gỗ Công ty Tân Phát tại Dĩ An bị cháy lớn chiều 12/3.")


def test_an_hour_added_to_the_same_day_is_not_a_new_fact() -> None:
    # the trial's fire: "Khoảng 14h ngày 12/3 ..." after "Một vụ cháy lớn ... chiều 12/3"
    assert _pair("Khoảng 14h ngày 12/3, xưởng gỗ Công ty Tân Phát tại Dĩ An bốc cháy.")


def test_another_day_or_another_hour_stays_eligible() -> None:
    assert not _pair("Ngày 15/3, xưởng gỗ Công ty Tân Phát ở Dĩ An lại bốc cháy dữ dội.")
    at_nine = "Khoảng 9h ngày 12/3, xưởng gỗ Công ty Tân Phát ở Dĩ An bốc cháy."
    assert not _pair("Khoảng 8 giờ 45 ngày 12/3, xưởng gỗ Công ty Tân Phát bốc cháy.", at_nine)


def test_a_different_count_stays_eligible() -> None:
    three = "Vụ cháy làm 3 công nhân bị thương, được đưa đi cấp cứu."
    assert _pair("Vụ hỏa hoạn khiến 3 công nhân bị thương.", three)
    assert not _pair("Vụ hỏa hoạn khiến 5 công nhân bị thương.", three)
    assert not _pair("Vụ hỏa hoạn khiến ba công nhân và 2 lính cứu hỏa bị thương.", three)


def test_a_name_of_its_own_stays_eligible() -> None:
    said = "Ông Nguyễn Văn Bình, Giám đốc Công an tỉnh, cho biết lễ hội bị hủy."
    assert _pair("Ông Nguyễn Văn Bình cho biết lễ hội đã bị hủy.", said)
    assert not _pair("Bà Trần Thị Hoa, Giám đốc Sở Du lịch, cho biết lễ hội bị hủy.", said)


def test_a_name_or_a_number_word_only_the_candidate_states_stays_eligible() -> None:
    """From the review: a name the pick does not mention, or a number word (which the
    duplicate guard reads only against another number), is a fact of its own."""
    fire = "Chiều 12/3, một xưởng gỗ ở Dĩ An bốc cháy dữ dội."
    assert not _pair("Chiều 12/3, xưởng gỗ của công ty Minh Phát ở Dĩ An bốc cháy dữ dội.", fire)
    assert not _pair("Chiều 12/3, một xưởng gỗ ở Dĩ An bốc cháy, hai người bị thương.", fire)
    assert not _pair("Chiều 12/3, một xưởng gỗ ở Dĩ An bốc cháy, 3 người bị thương.", fire)


def test_a_fraction_is_not_a_day() -> None:
    assert not _pair("2/3 người dân đã sơ tán khỏi vùng lũ.", "Người dân đã sơ tán khỏi vùng lũ.")
    assert _pair(  # a day said as one: "hôm qua (12/3)"
        "Hôm qua (12/3), người dân đã sơ tán khỏi vùng lũ.", "Người dân đã sơ tán khỏi vùng lũ."
    )


def test_below_the_cosine_nothing_restates() -> None:
    assert not _pair("Xưởng gỗ Công ty Tân Phát tại Dĩ An bị cháy lớn chiều 12/3.", cosine=0.9)


def test_the_static_model_has_its_own_bar() -> None:
    assert restates_cosine("e5-int8") == restates_cosine(None) == RESTATES_COSINE
    assert restates_cosine("multilingual-e5-small-static") == RESTATES_COSINE_STATIC
    assert RESTATES_COSINE_STATIC < RESTATES_COSINE


def test_choose_skips_a_restatement_and_takes_the_next_best() -> None:
    texts = [
        PICK,
        "Lực lượng cứu hỏa điều 8 xe chữa cháy tới hiện trường.",
        "Xưởng gỗ Công ty Tân Phát tại Dĩ An bị cháy lớn chiều 12/3.",
        "Sau hơn 2 giờ, đám cháy mới được khống chế.",
    ]
    sims = np.full((4, 4), 0.3)
    sims[0, 2] = sims[2, 0] = 0.95
    np.fill_diagonal(sims, 0.0)
    scores = np.array([1.0, 0.5, 0.97, 0.4])
    plain = choose(scores, sims, texts, 3)
    assert sorted(plain.chosen) == [0, 1, 2]  # MMR alone takes the rewording
    found = choose(scores, sims, texts, 3, restates=Restatements(texts, sims))
    assert sorted(found.chosen) == [0, 1, 3]
    assert found.repeats == [2]


# ---------------------------------------------------------------- through summarize_many

# Four made-up reports of one bus crash, each in its own words. Every fact is told by
# several outlets; the fourth report adds a later count of the injured.
REPORTS = [
    "Khoảng 6h sáng 15/8, một xe khách chở 30 người bị lật trên đèo Hải Vân. "
    "Vụ tai nạn làm 5 hành khách bị thương. "
    "Công an điều 2 xe cứu thương tới hiện trường. "
    "Giao thông qua đèo ùn tắc hơn 3 giờ.",
    "Sáng 15/8, xe khách chở 30 người lật nghiêng trên đèo Hải Vân. "
    "5 hành khách bị thương nhẹ trong vụ tai nạn. "
    "Hai xe cứu thương được điều đến đưa người đi cấp cứu. "
    "Đoạn đường qua đèo ùn tắc suốt 3 giờ.",
    "Một xe khách bị lật trên đèo Hải Vân sáng 15/8 khiến 5 người bị thương. "
    "Xe chở 30 hành khách từ Huế vào Đà Nẵng. "
    "Xe cứu thương đã đưa các nạn nhân đi cấp cứu.",
    "Xe khách chở 30 người đã lật trên đèo Hải Vân vào sáng 15/8. "
    "Đến chiều, số người bị thương tăng lên 7. "
    "Giao thông trên đèo ùn tắc hơn 3 giờ.",
]

# What each sentence is about, for the encoder below (the first keyword found).
FACTS = [
    ("tăng lên", "injured"),
    ("bị thương", "injured"),
    ("xe cứu thương", "ambulance"),
    ("ùn tắc", "traffic"),
    ("lật", "crash"),
    ("huế", "route"),
]

# The made-up encoder has no calibrated duplicate decision (the fallback is meant).
pytestmark = pytest.mark.filterwarnings(
    "ignore::summarize.dedup.calibration.UncalibratedModelWarning"
)


class MeaningEncoder:
    """Vectors that stand for what a sentence says, with no model: sentences on one fact
    lie at cosine about 0.93 (above the restatement bar, below the duplicate engine's
    fallback of 0.95, so the engine keeps each wording as it keeps real outlets'
    rewordings), sentences on different facts far apart."""

    name = "fake-meaning-encoder"
    dim = 512

    def encode(self, texts, prompt_name: str = "passage") -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            low = text.casefold()
            fact = next((f for word, f in FACTS if word in low), low)
            out[row] = 0.965 * self._direction(fact) + 0.262 * self._direction("own " + low)
            out[row] /= np.linalg.norm(out[row])
        return out

    def _direction(self, key: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")
        v = np.random.default_rng(seed).standard_normal(self.dim)
        return v / np.linalg.norm(v)


def _fact(text: str) -> str:
    low = text.casefold()
    return next(f for word, f in FACTS if word in low)


@pytest.mark.parametrize("n", [3, 4])
def test_rewrites_of_one_event_give_each_fact_once(n: int) -> None:
    story = summarize_many(REPORTS[:n], sentences=4, model=MeaningEncoder())
    told = [_fact(s.text) for s in story.sentences]
    assert len(told) == 4
    assert len(told) == len(set(told)), [s.text for s in story.sentences]


def test_the_same_rewrites_repeat_facts_without_the_rule(monkeypatch) -> None:
    # what the rule is for: MMR alone picks one fact in two outlets' words
    import summarize.pipeline as pipeline

    monkeypatch.setattr(pipeline, "Restatements", lambda texts, sims, cosine: None)
    story = summarize_many(REPORTS, sentences=4, model=MeaningEncoder())
    told = [_fact(s.text) for s in story.sentences]
    assert len(told) > len(set(told))


def test_a_sentence_with_a_different_count_stays_eligible() -> None:
    # five facts are told, and a sixth sentence is asked for: every other candidate
    # restates a pick, the later count does not
    story = summarize_many(REPORTS, sentences=6, model=MeaningEncoder())
    texts = [s.text for s in story.sentences]
    told = [_fact(t) for t in texts]
    assert "Đến chiều, số người bị thương tăng lên 7." in texts
    assert told.count("injured") == 2  # 5 injured, then 7: both counts are told
    others = [f for f in told if f != "injured"]
    assert len(others) == len(set(others))


def test_with_the_default_model_the_count_of_injured_is_told_once(default_encoder) -> None:
    # with e5 alone MMR picked "Vụ tai nạn làm 5 hành khách bị thương." next to "Một xe
    # khách bị lật ... khiến 5 người bị thương." (cosine above the bar, no fact of its own)
    story = summarize_many(REPORTS, sentences=4, model=default_encoder)
    texts = [s.text for s in story.sentences]
    assert len(texts) == 4
    assert sum("5" in t and "bị thương" in t for t in texts) == 1, texts
    longer = summarize_many(REPORTS, sentences=6, model=default_encoder)
    assert "Đến chiều, số người bị thương tăng lên 7." in [s.text for s in longer.sentences]
