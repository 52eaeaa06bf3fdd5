"""normalize / match_key: one matching form for the many spellings of the same words."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.text.normalize import canonical_tones, match_key, normalize


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_nfd_and_nfc_give_the_same_form():
    text = "Đảng bộ Khối các cơ quan tỉnh Bắc Giang"
    assert nfd(text) != text
    assert normalize(nfd(text)) == normalize(text) == "đảng bộ khối các cơ quan tỉnh bắc giang"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Hoà Bình", "Hòa Bình"),
        ("THUỶ LỢI", "THỦY LỢI"),
        ("loà", "lòa"),  # missing from underthesea's table
        ("tuỳ ý", "tùy ý"),
        ("Thuỵ Điển", "Thụy Điển"),
        ("oà khóc", "òa khóc"),
        ("hoạ sĩ", "họa sĩ"),
    ],
)
def test_old_and_new_tone_placement_match(old, new):
    assert normalize(old) == normalize(new) == new.casefold()


def test_new_style_is_the_canonical_form():
    assert canonical_tones("Hoà thuỷ khoẻ") == "Hòa thủy khỏe"


@pytest.mark.parametrize(
    "word", ["hoàng", "khuyến", "thuyền", "quý", "quỳnh", "quỷ", "thuở", "ngoài", "hoạch", "toán"]
)
def test_syllables_that_both_styles_spell_alike_are_kept(word):
    assert normalize(word) == word


def test_tone_on_the_u_of_qu_moves_to_the_vowel():
    assert normalize("qúy khách") == normalize("quý khách") == "quý khách"
    assert normalize("qủa") == "quả"


def test_nfd_old_style_reaches_the_same_form():
    assert normalize(nfd("Hoà thuận, khoẻ mạnh")) == "hòa thuận, khỏe mạnh"


def test_spaces_collapse_including_nbsp_and_zero_width():
    messy = "  Học\u00a0 và\t\tlàm\u200b theo\n\nBác\u202f!  \ufeff"
    assert normalize(messy) == "học và làm theo bác !"


def test_zero_width_characters_inside_words_disappear():
    assert normalize("Quảng\u200b Ninh") == normalize("Quảng Ninh")
    assert normalize("Qu\u200bảng") == "quảng"


def test_quote_dash_and_ellipsis_variants_unify():
    assert normalize("“Nói đi đôi với làm” – tốt…") == normalize('"Nói đi đôi với làm" - tốt...')
    assert normalize("‘a’ — b") == normalize("'a' - b")


def test_casefold():
    assert normalize("ĐÀ NẴNG") == normalize("Đà Nẵng") == "đà nẵng"


def test_eth_is_read_as_d_with_stroke():
    assert normalize("ðảng") == normalize("đảng")


def test_match_key_ignores_punctuation():
    with_period = (
        "Quảng Ninh trao giấy khen cho các TCCS Đảng trong sạch, vững mạnh giai đoạn 2014-2018."
    )
    without = (
        "Quảng Ninh trao giấy khen cho các TCCS Đảng trong sạch, vững mạnh giai đoạn 2014-2018"
    )
    assert normalize(with_period) != normalize(without)
    assert match_key(with_period) == match_key(without)
    assert match_key(without) == (
        "quảng ninh trao giấy khen cho các tccs đảng trong sạch vững mạnh giai đoạn 2014 2018"
    )


def test_match_key_still_tells_different_words_apart():
    assert match_key("Học và làm theo Bác.") != match_key("Học và làm theo gương Bác.")
    assert match_key("tỷ lệ 88,16%") != match_key("tỷ lệ 88,17%")


def test_match_key_joins_spellings_and_quotes():
    a = "“Thận trọng, trung thực” – Hoà Bình…"
    b = '"Thận trọng trung thực" Hòa Bình'
    assert match_key(a) == match_key(b) == "thận trọng trung thực hòa bình"


VI_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aăâeêioôơuưydđqhkntgAĂÂEÊIOÔƠUƯYĐQ")
        + list("àáảãạòóỏõọùúủũụỳýỷỹỵèéẻẽẹ")
        + list("ÀÁẢÃẠÒÓỎÕỌÙÚỦŨỤỲÝỶỸỴ")
        + list(" \u00a0\u200b\t\n.,“”–…'\"-")
        + ["\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    ),
    max_size=60,
)


@settings(deadline=None)
@given(VI_TEXT)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@settings(deadline=None)
@given(VI_TEXT)
def test_match_key_is_idempotent_and_clean(text):
    key = match_key(text)
    assert match_key(key) == key
    assert key == key.strip() and "  " not in key


@settings(deadline=None)
@given(st.text(max_size=80))
def test_normalize_never_fails_and_has_no_edge_space(text):
    out = normalize(text)
    assert out == out.strip()
    assert "  " not in out


def test_tone_prefilter_finds_what_the_fix_finds() -> None:
    """The group-free copy of the tone pattern (a fast pre-check) matches where it does."""
    from pathlib import Path

    from summarize.text.normalize import _TONE_CANDIDATE, _TONE_FIX

    samples = Path(__file__).resolve().parent.parent / "samples"
    lines = [line for p in sorted(samples.glob("*.txt")) for line in p.read_text().splitlines()]
    lines += ["hoà", "Hoà.", "khoẻ", "thuỷ", "qúy", "QÚY", "oà", "xoà", "hoàng", "quý", "uỷ"]
    for line in lines:
        assert bool(_TONE_CANDIDATE.search(line)) == bool(_TONE_FIX.search(line)), line


@settings(deadline=None)
@given(st.text(alphabet="qQuUoOaăâeêiyáàảãạéèẻẽẹýỳỷỹỵúùủũụ .", max_size=12))
def test_tone_prefilter_agrees_on_any_vowel_run(text: str) -> None:
    from summarize.text.normalize import _TONE_CANDIDATE, _TONE_FIX

    assert bool(_TONE_CANDIDATE.search(text)) == bool(_TONE_FIX.search(text))


def test_sentence_keys_and_joined_keys_equal_match_key() -> None:
    from pathlib import Path

    from summarize import prepare
    from summarize.text.normalize import joined_key

    for path in sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt")):
        sentences = prepare(path.read_text(encoding="utf-8")).sentences
        assert [s.key for s in sentences] == [match_key(s.text) for s in sentences]
        joined = " ".join(s.text for s in sentences)
        assert joined_key(s.key for s in sentences) == match_key(joined)


def test_one_line_keeps_a_word_hyphenated_at_a_line_break_whole() -> None:
    """textwrap breaks "Al-Gharafa" after its hyphen; read as a space it became
    "Al- Gharafa" and moved the picks (the second new-user trial)."""
    from summarize.text.normalize import one_line

    assert one_line("joined Al-\nGharafa in Qatar") == "joined Al-Gharafa in Qatar"
    assert one_line("Spanish-\n  language news") == "Spanish-language news"
    assert one_line("giá tăng -\nmức cao nhất") == "giá tăng - mức cao nhất"  # a dash
    assert one_line("một dòng") == "một dòng"
