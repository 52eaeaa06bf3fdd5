"""The facts two wordings must share to be duplicates: values (numbers, dates, times) and names.

Values are read into canonical forms, so that writing variants agree and only a
different value disagrees:

- dates: "20/5" = "20.5" = "20-5" = "20 tháng 5" = "20/05" -> ``20/5``; with a year
  (``20/5/2024``) or month and year (``5/2024``);
- times: "7h30" = "7g30" = "7:30" = "7 giờ 30 phút" = "7:30 a.m." -> ``7h30``; "19h" =
  "19 giờ" = "19h00" = "19:00" = "7 p.m." -> ``19h``; English dates too ("July 1",
  "1 July 2024"), so that a translation states the same values;
- thousands separators: "1.916.383" = "1,916,383" = "1916383"; decimals: "2,5" (the
  Vietnamese comma) -> ``2.5``; a fraction's digits are kept as written ("2,50" is not
  "2,5": a changed digit must never look like the same value);
- units that change a value's meaning stay on it, in one spelling: "%" = "phần trăm" =
  "percent"; "°C" = "oC" = "độ C" = "độ";
- amounts with a magnitude word ("nghìn" = "ngàn" = "thousand", "triệu" = "million",
  "tỷ" = "tỉ" = "billion" = "bn", "trăm", "trillion", runs such as "nghìn tỷ") are read
  at their absolute value, so one amount written at another magnitude agrees: "1,2 tỷ" =
  "1.200 triệu" = "1.2 billion" = "1,200 million" = "1 tỷ 200 triệu" -> ``1200000000``,
  "1,5 triệu" = "1.500.000", "2 nghìn" = "2.000"; "5 triệu" and "5 tỷ" differ. The comma
  keeps its role (three digits after it group thousands: "3,500"; fewer are decimals:
  "3,5"), a fraction ending in 0 stays as written ("1,20 tỷ"), both ends of a range are
  scaled ("10-12 triệu", a range and not a date before a unit), and "tỷ lệ", "tỷ giá",
  "tỷ số", "tỷ phú", "triệu phú" are words of their own;
- number words that are never anything else ("hai", "bốn", ..., "mười") and Roman
  numerals ("khóa XIII") are values too; "ba" and "năm" only before a word that counts
  ("ba người", "năm ngày": elsewhere "father", "year"), and "một" never (an article),
  so "một số" never looks like a number; compounds are one value ("hai mươi lăm" 25,
  "mười hai" 12), and so are English number words ("four", "twenty-five"; not "one"),
  for translations: "ba người" / "four people" differ.

Values are compared as multisets: "từ 5 lên 7" and "từ 7 lên 7" differ although their
sets of values are equal. Names (runs of capitalised syllables) are compared on a
folded form (case, spacing and dots dropped, a few common abbreviations spelled one
way: "TP.HCM" = "TP HCM" = "Thành phố Hồ Chí Minh"), so "Bắc Bộ" and "Bắc bộ" agree.
A statement and the same words negated ("đã thông qua" / "đã không thông qua"), and a
rise against a fall ("tăng" / "giảm"), are different facts too. Across languages
(``fact_differences(..., across=True)``) no words align and names are spelled apart: a
negation is read by its presence and personal names folded to ASCII (see the last
section).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, localcontext

__all__ = ["Facts", "fact_differences", "facts", "names_shared", "same_values", "values"]


@dataclass(frozen=True)
class Facts:
    """What one text states.

    ``numbers``: canonical values written in digits (a set, for sketches); ``values``:
    every value in order as (canonical, as written), number words marked ``~``;
    ``folded`` and ``capitals``: the text folded, and its capitalised words that stand
    alone, for telling whether it mentions a name.
    """

    numbers: frozenset[str]
    names: frozenset[str]
    values: tuple[tuple[str, str], ...] = ()
    folded: str = ""
    capitals: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()  # casefolded, for telling a negation added
    direction: tuple[str, str] = ("", "")  # ("up" or "down", the word, casefolded)


def facts(text: str) -> Facts:
    """The values and multi-syllable names of ``text``.

    The first word of the text is ignored for names: every sentence starts with a
    capital letter, which says nothing about a name.
    """
    text = unicodedata.normalize("NFC", text)
    found = values(text)
    words = _split_abbreviations(text).split()
    # An English title is no capitalised neighbour: "Mr Hiep" names Hiep on his own, as
    # "ông Hiệp" does.
    upper = [w[:1].isupper() and w.strip(_PUNCT) not in _TITLES for w in words]
    capitals = frozenset(  # capitalised words on their own ("đồng chí Quân", "bà Gordimer")
        w.strip(_PUNCT)
        for i, w in enumerate(words)
        if upper[i] and not (i and upper[i - 1]) and not (i + 1 < len(words) and upper[i + 1])
    )
    return Facts(
        frozenset(c for c, _ in found if not c.startswith(SOFT)),
        frozenset(_names(words[1:])),
        found,
        _fold(text),
        capitals,
        _words(text),
        _direction(text),
    )


def fact_differences(
    a: Facts, b: Facts, *, a_inside_b: bool = False, names: bool = True, across: bool = False
) -> tuple[str, ...]:
    """Facts on which two similar texts disagree; empty means they may be duplicates.

    ``a_inside_b``: ``a`` is the one to be removed, so it may leave out values that
    ``b`` states but must not state one that ``b`` does not (a removal never takes a
    value away). Otherwise every value must be stated by both. A number word only
    matches a number ("bốn môn", "4 môn") and conflicts with another number word: on
    its own it is too often an idiom ("cú ăn hai", "một trong hai"). A disagreement
    lists every unmatched value of both sides ("120 bệnh nhân" and "200 bệnh nhân":
    ``number 120``, ``number 200``). Names conflict when each text names someone the
    other does not mention (a swap: "Bộ trưởng Lê Minh Hoan" / "Thứ trưởng Nguyễn Hoàng
    Hiệp", even with "Bộ Nông nghiệp" in both), not when one only drops a name, because
    a rewording often drops a name but rarely swaps it. ``names=False``: no names (two
    languages spell them differently: "Mỹ", "United States"). A statement and its
    negation ("đã thông qua" / "đã không thông qua") and a rise against a fall ("tăng" /
    "giảm") conflict too, in any language pair: e5 puts each pair at cosine 0.95-1.0.

    ``across``: the two texts are in different languages (a cross-lingual pair), where
    no word alignment exists: names are compared folded to ASCII and only personal names
    count (:func:`_names_across`), and a negation is read on its presence
    (:func:`_negation_across`). ``names`` is then ignored.
    """
    if a.values or b.values:
        extra, missing = _unmatched(
            Counter(c for c, _ in a.values), Counter(c for c, _ in b.values)
        )
    else:  # built from sets of numbers (the digest's title check)
        extra, missing = Counter(a.numbers - b.numbers), Counter(b.numbers - a.numbers)
    hard = [c for c in extra if not c.startswith(SOFT)]
    if not a_inside_b:
        hard += [c for c in missing if not c.startswith(SOFT)]
    # A number word unmatched on one side conflicts with any value unmatched on the other
    # ("bốn người" / "3 người"); alone, it may be an idiom.
    soft = bool(extra and missing) and any(c.startswith(SOFT) for c in (*extra, *missing))
    diffs: list[str] = []
    if hard or soft:
        spelled = {c: w for c, w in (*b.values, *a.values)}
        diffs.extend(f"number {spelled.get(c, c)}" for c in sorted({*extra, *missing}))
    if across:  # no word alignment, names spelled per language
        diffs.extend(f"name {n}" for n in _names_across(a, b))
        negator = _negation_across(a.words, b.words)
    else:
        if names:
            only_a, only_b = _unmentioned(a, b), _unmentioned(b, a)
            if only_a and only_b:
                diffs.extend(f"name {n}" for n in sorted({*only_a, *only_b}))
        negator = ""
        if bool(_NEGATORS.intersection(a.words)) != bool(_NEGATORS.intersection(b.words)):
            negator = _negation_added(a.words, b.words)
    if negator:
        diffs.append(f"negation “{negator}”")
    kinds = {a.direction[0], b.direction[0]}
    if kinds == {"up", "down"}:
        diffs.extend(f"direction “{x.direction[1]}”" for x in (a, b))
    return tuple(diffs)


def _unmatched(a: Counter, b: Counter) -> tuple[Counter, Counter]:
    """The values of ``a`` and of ``b`` the other does not state, as multisets.

    Like kinds are matched first; then a number word matches the same number in digits.
    """
    a, b = a - b, b - a
    for x, y in ((a, b), (b, a)):
        for value in list(x):
            if not value.startswith(SOFT):
                n = min(x[value], y[SOFT + value])
                x[value] -= n
                y[SOFT + value] -= n
    return +a, +b


# --------------------------------------------------------------------------- values

# Magnitude words and their powers of ten; a run of them multiplies ("nghìn tỷ": 10**12).
_MAGNITUDES = {
    "trăm": 2, "hundred": 2, "nghìn": 3, "ngàn": 3, "thousand": 3, "triệu": 6, "million": 6,
    "tỷ": 9, "tỉ": 9, "billion": 9, "bn": 9, "trillion": 12,
}  # fmt: skip
_MAGNITUDE = "|".join(sorted(_MAGNITUDES, key=len, reverse=True))
# A magnitude run, not one that starts a word of its own: "tỷ lệ" (rate), "tỷ giá"
# (exchange rate), "tỷ số" (score), "tỷ phú", "triệu phú" (billionaire, millionaire), so
# that "năm 2020 tỷ lệ ..." is the year 2020 ("3 triệu số điện thoại" is an amount).
_TIMES = (
    rf"(?:{_MAGNITUDE})(?:\s+(?:{_MAGNITUDE}))*"
    r"(?!\w|\s+phú(?!\w)|(?<=[ỷỉ])\s+(?:lệ|giá|số)(?!\w))"
)
# A unit right after a value; the ones that change what the value means.
_UNIT = re.compile(
    r"\s*(?:(?P<percent>%|phần trăm|per ?cent)"
    r"|(?P<degree>°\s*C?|[oO]C|độ(?:\s*C)?|degrees?(?:\s+(?:Celsius|C)(?!\w))?)"
    rf"|(?P<times>{_TIMES}))(?!\w)"
)
# The rest of a compound amount: "1 tỷ 200 triệu", "3 triệu 500 nghìn".
_PART = re.compile(rf"\s+(?P<n>\d{{1,3}})\s*(?P<times>{_TIMES})")
# Number words that mean nothing else; "một" (an article), "tư" ("đầu tư") and "chín"
# ("ripe") are left out, and "ba" ("father") and "năm" ("year") are read only before a
# word that counts ("ba người", "năm ngày": _COUNTED).
_WORDS = {"hai": 2, "bốn": 4, "sáu": 6, "bảy": 7, "tám": 8, "mười": 10, "ba": 3, "năm": 5}
# English number words, for translations ("ba người" / "three people"): "one" is left out
# like "một" ("one of", "no one"), and so are "a dozen", "dozens", "a couple" (loose).
_EN_UNITS = "two three four five six seven eight nine".split()
_EN_WORDS = {
    **{w: i + 2 for i, w in enumerate(_EN_UNITS)},
    **{w: i + 10 for i, w in enumerate(
        "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
        .split())},
    **{w: 10 * (i + 2) for i, w in enumerate(
        "twenty thirty forty fifty sixty seventy eighty ninety".split())},
}  # fmt: skip
_EN_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_EN_SINGLE = sorted(set(_EN_WORDS) - set(_EN_TENS.split("|")), key=len, reverse=True)


def _en_number(tens: list[str], singles: list[str]) -> str:
    """The pattern of an English number word: "twenty-five", "twenty", "four"."""
    return rf"(?<!-)(?:(?:{'|'.join(tens)})(?:-(?:one|{'|'.join(_EN_UNITS)}))?|{'|'.join(singles)})"


_EN_NUMBER = _en_number(_EN_TENS.split("|"), _EN_SINGLE)
# Capitalised, an English number word is read only where a sentence starts: elsewhere it
# is part of a name ("Resort Six Senses", "Big Four").
_EN_NUMBER_CAPITAL = r"(?:(?<![\s\S])|(?<=[.!?:(“\"]\s)|(?<=[(“\"\n]))" + _en_number(
    [w.capitalize() for w in _EN_TENS.split("|")], [w.capitalize() for w in _EN_SINGLE]
)
_COUNTED = (
    "người|ngày|tuần|lần|chiếc|con|ca|vụ|hộ|căn|tấn|học sinh|bệnh nhân|nạn nhân|đối tượng"
    "|thi thể|chiến sĩ|cầu thủ|bàn thắng|xã|huyện|tỉnh"
)
# Vietnamese compounds: "hai mươi" 20, "hai mươi lăm" 25, "mười hai" 12 (not "mười năm",
# ten years).
_VI_DIGITS = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "lăm": 5,
              "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}  # fmt: skip
_VI_UNIT = "mốt|một|hai|ba|tư|bốn|lăm|sáu|bảy|tám|chín"
_VI_COMPOUND = (
    rf"(?:hai|ba|bốn|năm|sáu|bảy|tám|chín) mươi(?: (?:{_VI_UNIT})(?!\w))?"
    rf"|mười (?:{_VI_UNIT})(?!\w)"
)
_EN_CLOCK = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|one"
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
SOFT = "~"  # marks a value read from a number word

_MONTH_NAMES = (
    "january february march april may june july august september october november december"
).split()
_MONTHS = "|".join(
    sorted({m.capitalize() for m in _MONTH_NAMES} | {m[:3].capitalize() for m in _MONTH_NAMES})
)
_TOKEN = re.compile(
    # dates in words: "20 tháng 5 năm 2024", "20 tháng 5", "tháng 5 năm 2024"
    r"(?P<vd>\d{1,2})\s+tháng\s+(?P<vm>\d{1,2})(?:\s+năm\s+(?P<vy>\d{4}))?(?!\d)"
    r"|tháng\s+(?P<wm>\d{1,2})\s+năm\s+(?P<wy>\d{4})(?!\d)"
    # English dates and times, for translations: "July 1", "1 July 2024", "3 p.m."
    rf"|(?P<em>{_MONTHS})\.?\s+(?P<ed>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<ey>\d{{4}}))?(?!\d)"
    rf"|(?P<fd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<fm>{_MONTHS})\.?(?:,?\s+(?P<fy>\d{{4}}))?(?!\w)"
    r"|(?<!\d)(?P<ah>1[0-2]|0?[1-9])(?::(?P<am>\d{2}))?\s*(?P<ap>[ap])\.?m\b\.?"
    # times: "7h30", "7g30", "7:30", "7 giờ 30 phút"; "19h", "19 giờ"
    r"|(?P<th>\d{1,2})\s*(?:h|g|giờ|:)\s*(?P<tm>\d{2})(?!\d)(?:\s*phút(?!\w)|')?"
    r"|(?P<hh>\d{1,2})\s*(?:h|giờ)(?!\w)"
    rf"|(?<!\w)(?P<oh>1[0-2]|0?[1-9]|(?i:{_EN_CLOCK}))\s+o['’]clock(?!\w)"
    # any other number, separators included: "1.916.383", "20/5/2024", "2,5", "13-16"
    r"|(?P<num>\d+(?:[.,/:-]\d+)*)"
    # number words (any case) and Roman numerals ("khóa XIII")
    rf"|(?<!\w)(?P<word>(?i:{_VI_COMPOUND}"
    rf"|hai|bốn|sáu|bảy|tám|mười|(?:ba|năm)(?= (?:{_COUNTED})(?!\w))"
    rf"|(?-i:{_EN_NUMBER}|{_EN_NUMBER_CAPITAL}))"
    r"|[IVXL]{2,})(?!\w)"
)


def values(text: str) -> tuple[tuple[str, str], ...]:
    """Every value of ``text`` in order, as (canonical form, as written)."""
    out: list[tuple[str, str]] = []
    pos = 0
    while (m := _TOKEN.search(text, pos)) is not None:
        unit, end = None, m.end()
        if m.group("num") is not None or m.group("word") is not None:
            unit = _UNIT.match(text, end)
        found = _canonical(m, unit is not None)
        if unit and found:
            end = unit.end()
            if unit.group("times"):
                found, end = _amounts(found, _exponent(unit.group("times")), m, text, end)
            else:
                found[-1] += "%" if unit.group("percent") else "°"
        written = text[m.start() : end]  # one string for every value: "1.1.1..." stays linear
        out.extend((c, written) for c in found)
        pos = end
    return tuple(out)


def _exponent(times: str) -> int:
    """The power of ten of a magnitude run: "triệu" 6, "nghìn tỷ" 12."""
    return sum(_MAGNITUDES[w] for w in times.split())


def _amounts(
    found: list[str], exponent: int, m: re.Match, text: str, end: int
) -> tuple[list[str], int]:
    """Values before a magnitude run, as absolute amounts, and where the amount ends.

    "1,2 tỷ" = "1.200 triệu" = "1.2 billion" = "1,200 million" -> ``1200000000``, so
    that "1,5 triệu" and "1.500.000" agree; both ends of a range are scaled ("10-15
    triệu"), and a compound amount is summed ("1 tỷ 200 triệu" = "1,2 tỷ"). A fraction
    ending in 0 ("1,20 tỷ") keeps its digits as written (with the power of ten), as a
    bare fraction does: a digit appended must never read as the same value.
    """
    ranged = m.group("num") is not None and "-" in m.group("num")
    scaled = [_amount(c, exponent) for c in found]
    if ranged:  # every end scaled, or every end as written ("1,0-1,5 tỷ")
        if all(scaled):
            return [s for s in scaled if s is not None], end
        return [f"{c}e{exponent}" for c in found], end
    head = scaled[-1]
    if head is None:
        return [*found[:-1], f"{found[-1]}e{exponent}"], end
    total, last = head.removeprefix(SOFT), exponent
    if m.group("num") is not None and len(found) == 1:
        while (part := _PART.match(text, end)) is not None:
            power = _exponent(part.group("times"))
            if power >= last:  # checked first: "tỷ tỷ tỷ ..." may be a huge power
                break
            value = int(part.group("n")) * 10**power
            if value >= 10**last:
                break
            total, last, end = _exact(total, plus=value), power, part.end()
    prefix = SOFT if head.startswith(SOFT) else ""
    return [*found[:-1], prefix + total], end


# Beyond these an amount is kept as written with its power of ten ("5e1080000" for "5"
# and a run of 120,000 "tỷ"): read exactly, such a value would only cost time and memory.
_MAX_EXPONENT = 24
_MAX_DIGITS = 40


def _amount(canonical: str, exponent: int) -> str | None:
    """``canonical`` times 10**exponent, exactly, or None if it is no plain number (a
    date, a fraction ending in 0) or too long or too large to read (see _MAX_EXPONENT)."""
    digits = canonical.removeprefix(SOFT)
    if exponent > _MAX_EXPONENT or len(digits) > _MAX_DIGITS:
        return None
    if not re.fullmatch(r"\d+(?:\.\d*[1-9])?", digits):
        return None
    prefix = SOFT if canonical.startswith(SOFT) else ""
    return prefix + _exact(digits, exponent)


def _exact(digits: str, exponent: int = 0, plus: int = 0) -> str:
    """``digits`` times 10**exponent, plus ``plus``, without rounding, written plainly:
    ("1.2", 9) -> "1200000000", ("1234.50", 0) -> "1234.5". The default context keeps
    28 digits, which would read "123...901 tỷ" and "123...902 tỷ" (31 digits) as one
    value; amounts here have at most _MAX_DIGITS digits at 10**_MAX_EXPONENT."""
    with localcontext() as ctx:
        ctx.prec = 2 * (_MAX_DIGITS + _MAX_EXPONENT)
        text = format(Decimal(digits).scaleb(exponent) + plus, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _canonical(m: re.Match, unit: bool) -> list[str]:
    g = m.groupdict()
    if g["vd"] is not None:
        return [_date(g["vd"], g["vm"], g["vy"])]
    if g["wm"] is not None:
        return [f"{int(g['wm'])}/{int(g['wy'])}"]
    if g["em"] is not None or g["fm"] is not None:
        month = _MONTH_NAMES.index(next(n for n in _MONTH_NAMES if n.startswith(
            (g["em"] or g["fm"]).casefold()[:3])))  # fmt: skip
        return [_date(g["ed"] or g["fd"], str(month + 1), g["ey"] or g["fy"])]
    if g["ah"] is not None:
        hour = int(g["ah"]) % 12 + (12 if g["ap"] == "p" else 0)
        minutes = g["am"] or "00"
        return [f"{hour}h{minutes}" if int(minutes) else f"{hour}h"]
    if g["th"] is not None:
        hour = int(g["th"])
        return [f"{hour}h{g['tm']}" if int(g["tm"]) else f"{hour}h"]
    if g["hh"] is not None:
        return [f"{int(g['hh'])}h"]
    if g["oh"] is not None:  # "8 o'clock", "eight o'clock" = "8 giờ"
        hour = g["oh"].casefold()
        return [f"{int(hour) if hour.isdigit() else _EN_WORDS.get(hour, 1)}h"]
    if g["word"] is not None:
        word = g["word"]
        if word.isupper() and set(word) <= set(_ROMAN):  # a Roman numeral: a value
            value = _roman(word)
            return [] if value is None else [str(value)]
        return [f"{SOFT}{_word_value(word.casefold())}"]
    return _number(g["num"], unit)


def _word_value(word: str) -> int:
    """A number word's value: "bốn" 4, "four" 4, "twenty-five" 25."""
    if word in _WORDS:
        return _WORDS[word]
    if " " in word:  # "hai mươi lăm", "mười hai"
        parts = word.split()
        if parts[0] == "mười":
            return 10 + _VI_DIGITS[parts[1]]
        return 10 * _VI_DIGITS[parts[0]] + (_VI_DIGITS[parts[2]] if len(parts) > 2 else 0)
    tens, _, unit = word.partition("-")
    return _EN_WORDS[tens] + (_EN_WORDS.get(unit, 1) if unit else 0)


def _number(token: str, unit: bool = False) -> list[str]:
    """Canonical values of one digit run with its separators (see the module doc).

    ``unit``: a unit follows, so "2.5" is a decimal ("2.5 million") and "10-12" a range
    ("10-12 triệu", "5-7%"), not dates."""
    groups, seps = re.split(r"[.,/:-]", token), re.findall(r"[.,/:-]", token)
    if not seps:
        return [_int(token)]
    dated = set(seps) == {"-"} and not unit  # "10-12 triệu", "5-7%": a range, no date
    if dated and len(groups) in (2, 3) and _is_date(groups[0], groups[1]):
        if len(groups) == 2 or len(groups[2]) in (2, 4):
            return [_date(*groups, *([None] * (3 - len(groups))))]
    if "-" in seps:  # a range: "10.000-15.000", "13-16"
        parts = token.split("-")
        return [v for i, p in enumerate(parts) for v in _number(p, unit and i == len(parts) - 1)]
    whole = _thousands(groups, seps)
    if whole is not None:
        return [whole]
    if len(groups) == 2:
        a, b = groups
        if (seps[0] == "/" or (seps[0] == "." and not unit)) and _is_date(a, b):
            return [_date(a, b, None)]
        if seps[0] in ".,":
            return [f"{_int(a)}.{b}"]  # a decimal: its digits as written
        if seps[0] == "/" and _is_month_year(a, b):
            return [f"{int(a)}/{int(b)}"]
        if seps[0] == ":":
            return [f"{_int(a)}:{_int(b)}"]
    if len(groups) == 3 and seps[0] == seps[1] and seps[0] in "/." and len(groups[2]) in (2, 4):
        if _is_date(groups[0], groups[1]):
            return [_date(*groups)]
    return [_int(x) for x in groups]  # a list: "7,8,9"


def _int(digits: str) -> str:
    """A digit run without its leading zeros: str(int(...)) for any length (Python
    refuses to convert more than 4,300 digits, and a run of any length may be written)."""
    return digits.lstrip("0") or "0"


def _thousands(groups: list[str], seps: list[str]) -> str | None:
    """ "1.916.383" or "1,916,383", with an optional decimal part of the other mark."""
    mark = seps[0]
    if mark not in ".,":
        return None
    n = 1
    while n < len(groups) and seps[n - 1] == mark and len(groups[n]) == 3:
        n += 1
    if n == 1 or len(groups[0]) > 3 or groups[0].startswith("0"):
        return None
    whole = _int("".join(groups[:n]))
    if n == len(groups):
        return whole
    if n == len(groups) - 1 and seps[n - 1] in ".," and seps[n - 1] != mark:
        return f"{whole}.{groups[n]}"
    return None


def _is_date(day: str, month: str) -> bool:
    return len(day) <= 2 and len(month) <= 2 and 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def _is_month_year(month: str, year: str) -> bool:
    return len(month) <= 2 and len(year) == 4 and 1 <= int(month) <= 12


def _date(day: str, month: str, year: str | None) -> str:
    out = f"{int(day)}/{int(month)}"
    return f"{out}/{int(year)}" if year else out


def _roman(word: str) -> int | None:
    total = 0
    for ch, nxt in zip(word, [*word[1:], ""], strict=True):
        v = _ROMAN[ch]
        total += -v if nxt and _ROMAN[nxt] > v else v
    return total if _to_roman(total) == word else None


def _to_roman(n: int) -> str:
    out = ""
    for v, s in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


# ---------------------------------------------------------------------------- names

# Spellings of one name, folded (see _fold); the first is the one kept.
_ABBREVIATIONS = (
    ("tphcm", ("thànhphốhồchíminh", "tphồchíminh", "thànhphốhcm")),
    ("ubnd", ("ủybannhândân", "uỷbannhândân")),
    ("hđnd", ("hộiđồngnhândân",)),
    ("đbscl", ("đồngbằngsôngcửulong",)),
    ("gdđt", ("giáodụcvàđàotạo", "giáodụcđàotạo")),
)
_TITLES = frozenset("Mr Mrs Ms Miss Dr Prof Sir Madam".split())
_FOLD_DROP = re.compile(r"[\W_]+")
_PUNCT = ".,;:!?()[]“”\"'‘’«»…-"


def _fold(text: str) -> str:
    """Case, spaces and punctuation dropped, abbreviations spelled one way."""
    out = _FOLD_DROP.sub("", text.casefold())
    for short, longs in _ABBREVIATIONS:
        for long in longs:
            out = out.replace(long, short)
    return out


def _split_abbreviations(text: str) -> str:
    """ "TP.HCM" -> "TP HCM": a dotted abbreviation is a run of capitalised parts."""
    return re.sub(r"(?<=[A-Za-zĐđ])\.(?=[A-ZĐ])", " ", text)


def _names(words: list[str]) -> list[str]:
    """Runs of two or more capitalised syllables ("Ngô Hồng Quân")."""
    found: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if not word[:1].islower():  # most words: a lower-case letter first, no name
            core = word.strip(_PUNCT)
            if core[:1].isupper() and core.isalpha():
                run.append(core)
                if core != word:  # punctuation closes the name
                    found.extend([" ".join(run)] if len(run) > 1 else [])
                    run = []
                continue
        if len(run) > 1:
            found.append(" ".join(run))
        run = []
    return found


def _mentions(text: Facts, name: str) -> bool:
    """``text`` mentions ``name``: its folded form is in the folded text ("Bắc Bộ" in
    "... Bắc bộ ...", "TP.HCM" in "... Thành phố Hồ Chí Minh ..."), its last word stands
    alone, capitalised ("Ngô Hồng Quân", "đồng chí Quân"), or one name ends the other
    (all that is left for facts built from names alone)."""
    folded = _fold(name)
    if text.folded and folded and folded in text.folded:
        return True
    if name.split()[-1] in text.capitals:  # "Nadine Gordimer", "bà Gordimer"
        return True
    return any(name == y or name.endswith(" " + y) or y.endswith(" " + name) for y in text.names)


def _unmentioned(x: Facts, other: Facts) -> list[str]:
    """The names ``x`` states that ``other`` does not mention."""
    return [name for name in x.names if not _mentions(other, name)]


def unmentioned(x: Facts, other: Facts) -> list[str]:
    """The names ``x`` states that ``other`` does not mention (a story summary's
    restatement must add none: rank.select.Restatements)."""
    return _unmentioned(x, other)


def names_shared(a: Facts, b: Facts) -> bool:
    """True if one text mentions a name the other states (the digest's looser title
    check: one outlet's title often names one person of a story, another a second)."""
    return any(_mentions(b, n) for n in a.names) or any(_mentions(a, n) for n in b.names)


# ------------------------------------------------------------ negation and direction

# Words that negate, and the auxiliaries a negation brings or drops ("passed" / "did not
# pass", "đã bắt" / "chưa bắt"), in Vietnamese and English, casefolded.
_NEGATORS = frozenset("không chưa chẳng đừng chớ not never no n't cannot".split())
_AUXILIARIES = frozenset(
    """đã sẽ đang vẫn còn hề được do does did is are was were has have had will would can
    could should may might must be been ca wo""".split()
)
_WORD = re.compile(r"\w+?(?=n't)|n't|\w+|\?")


def _words(text: str) -> tuple[str, ...]:
    """Casefolded words; "không" or "chưa" before "?" asks a question, negates nothing."""
    words = _WORD.findall(text.casefold().replace("’", "'"))
    return tuple(
        w
        for i, w in enumerate(words)
        if not (w in ("không", "chưa") and words[i + 1 : i + 2] == ["?"])
    )


def _negation_added(x: tuple[str, ...], y: tuple[str, ...]) -> str:
    """The negating word when one text is the other with a negation added, else "".

    Why a word alignment and not the presence of "không": rewordings negate freely
    ("không thích" for "ghét", "không nhỏ" for "lớn"; a presence rule blocked 103 of
    vnPara's 785 paraphrases). A negation that turns a statement round is inserted into
    it: where the texts differ, one side holds a negator and, auxiliaries aside, the
    same words as the other ("đã thông qua" / "đã không thông qua", "passed" / "did not
    pass"), and at least two aligned words follow. Only read when one text negates
    nothing: two negations in different places are usually one statement reworded.
    """
    opcodes = difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes()
    for k, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            continue
        after = opcodes[k + 1] if k + 1 < len(opcodes) else None
        if after is None or after[2] - after[1] < 2:
            continue
        for side, other in ((x[i1:i2], y[j1:j2]), (y[j1:j2], x[i1:i2])):
            negators = [w for w in side if w in _NEGATORS]
            if not negators or any(w in _NEGATORS for w in other):
                continue
            rest = [w for w in side if w not in _NEGATORS and w not in _AUXILIARIES]
            kept = [w for w in other if w not in _AUXILIARIES]
            if len(rest) == len(kept) and all(map(_same_stem, rest, kept)):
                return negators[0]
    return ""


def _same_stem(a: str, b: str) -> bool:
    """One word, or an English inflection of it ("pass", "passed")."""
    return a == b or (min(len(a), len(b)) >= 4 and a[:4] == b[:4] and a.isascii())


# A rise and a fall, in Vietnamese and English ("tăng cường", "strengthen", counts as a
# rise). "up" and "down" are not read: too often part of a phrase ("set up", "shut down").
_UP = re.compile(
    r"(?<!\w)(?:tăng|rises?|rose|risen|rising|increas(?:e|es|ed|ing)|grew|grows?|growing"
    r"|climb(?:s|ed|ing)?|jump(?:s|ed)?|surg(?:e|es|ed))(?!\w)"
)
_DOWN = re.compile(
    r"(?<!\w)(?:giảm|sụt|falls?|fell|fallen|falling|decreas(?:e|es|ed|ing)"
    r"|declin(?:e|es|ed|ing)|drop(?:s|ped|ping)?|shr[ai]nk|shrunk|slump(?:s|ed)?"
    r"|plung(?:e|es|ed))(?!\w)"
)


def _direction(text: str) -> tuple[str, str]:
    """("up", word) or ("down", word) when the text says one of them only."""
    folded = text.casefold()
    up, down = _UP.search(folded), _DOWN.search(folded)
    if up and not down:
        return "up", up.group()
    if down and not up:
        return "down", down.group()
    return "", ""


def same_values(a: Facts, b: Facts) -> bool:
    """Both state values in digits, and the same ones: evidence for one statement."""
    return bool(a.numbers) and a.numbers == b.numbers


# ------------------------------------------------------------- across languages
# A sentence and its translation share no words to align, and spell names apart
# ("Nguyễn Hoàng Hiệp" / "Nguyen Hoang Hiep", "Bộ Nông nghiệp" / "Ministry of Agriculture").

# Negators that turn a clause round. "chả" is left out (mostly food: "chả giò", "chả cá").
_STRONG = frozenset("không chưa chẳng đừng chớ not n't never cannot".split())
# A negator inside a word or an idiom that negates nothing, by the word after it or
# before it: "hàng không" (aviation), "không khí" (air), "không chỉ" and "not only", "không
# ít" (many), "không ngừng" (constantly), "nếu không" (otherwise), "chẳng hạn" (for
# example), "whether or not".
_NOT_NEGATING_AFTER = frozenset(
    [("không", w) for w in "khí gian quân phận trung lưu kích ảnh tặc cảng vận chỉ những ít"
     " sao kể ngừng".split()]
    + [("not", "only"), ("not", "just"), ("chẳng", "hạn")]
)  # fmt: skip
_NOT_NEGATING_BEFORE = frozenset(
    [(w, "không") for w in "hàng phòng chân hư nếu hay hoặc".split()] + [("or", "not")]
)
# English adjectives and adverbs in un- that say "not" (a Vietnamese translation holds
# "không" or "chưa": "unknown" / "không rõ", "unprecedented" / "chưa từng có"); not any
# word in un-: "unveil", "union", "until", "under", "unite" negate nothing.
_UN = (
    "able|aware|clear|certain|known|likely|happ(?:y|ily)|usual(?:ly)?|fair(?:ly)?"
    "|fortunate(?:ly)?|successful(?:ly)?|changed|willing(?:ly)?|necessar(?:y|ily)|employed"
    "|acceptabl[ey]|accepted|available|comfortabl[ey]|health(?:y|ily)|safe|popular"
    "|prepared|expected(?:ly)?|conscious|believabl[ey]|forgettable|kind|luck(?:y|ily)"
    "|important|paid|sure|true|used|well|armed|finished|solved|answered|harmed|hurt"
    "|injured|affected|related|reasonabl[ey]|equal|natural|pleasant|friendly|reliable"
    "|stable|common|clean|tidy|seen|wanted|wise|worthy|fit|ready|real|lawful(?:ly)?"
    "|official|authori[sz]ed|licensed|registered|beaten|limited|resolved|confirmed"
    "|identified|disclosed|announced|decided|interested|precedented|predictable|touched"
    "|realistic|responsive|satisf(?:ied|actory)|controlled|attended|educated"
)
# Words that say a negation without a negator; on the other side they answer a negator
# ("không nhìn thấy được" / "invisible", "không giao du" / "little social life"), but
# they never raise a conflict themselves ("It goes without saying" / "Rõ ràng"). "ever"
# after a superlative answers "chưa từng" ("the best we've ever had" / "tốt nhất mà chúng
# ta chưa từng có"), but "than ever" ("hơn bao giờ hết") negates nothing.
_SOFT_NEGATION = re.compile(
    r"(?<!\w)(?:no|none|nothing|nobody|nowhere|neither|nor|without|hardly|barely|scarcely"
    r"|rarely|seldom|(?<!a )little|(?<!a )few|(?<!than )ever|otherwise|unless|except|instead"
    r"|fail(?:s|ed|ing|ure)?"
    r"|not only|not just|or not|không sao|không chỉ|không những|nếu không|hay không|chả"
    r"|refus(?:e|es|ed|ing)|unable|lack(?:s|ed|ing)?|miss(?:es|ed|ing)?|absent|den(?:y|ies|ied)"
    r"|avoid(?:s|ed)?|stop(?:s|ped)?|impossible|invisible|indispensable|inevitabl[ey]"
    rf"|insufficient|incorrect|inaccurate|incapable|illegal|un(?:{_UN})|\w{{3,}}less|too \w+ to"
    r"|thiếu|vô ích|vô dụng|bất hợp pháp|phi pháp|ít khi|hiếm khi|khó có thể|khó mà|khỏi cần"
    r"|từ chối|phủ nhận|bác bỏ|thất bại)(?!\w)"
)


def _negators(words: tuple[str, ...]) -> list[str]:
    """The negators of ``words`` that negate (not "hàng không", "không chỉ")."""
    return [
        w
        for i, w in enumerate(words)
        if w in _STRONG
        and (w, words[i + 1] if i + 1 < len(words) else "") not in _NOT_NEGATING_AFTER
        and (words[i - 1] if i else "", w) not in _NOT_NEGATING_BEFORE
    ]


def _negation_across(x: tuple[str, ...], y: tuple[str, ...]) -> str:
    """The negator of one text when the other, in another language, says no negation.

    A translation keeps a negation, but not in the same words, so its presence is read:
    a negator on one side and neither a negator nor a word that says a negation
    (:data:`_SOFT_NEGATION`) on the other. Questions are left out: "..., phải không?" /
    "..., didn't you?" and "Aren't you Tom?" / "Anh là Tôm à?" negate nothing.
    """
    if "?" in x or "?" in y:
        return ""
    for side, other in ((x, y), (y, x)):
        negators = _negators(side)
        if negators and not _negators(other) and not _SOFT_NEGATION.search(" ".join(other)):
            return negators[0]
    return ""


# Vietnamese family names, folded to ASCII: a run of capitalised syllables that holds
# one followed by a given name is a person ("Bộ trưởng Lê Minh Hoan", "Deputy Minister
# Nguyen Hoang Hiep").
_SURNAMES = frozenset(
    """nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh dao
    trinh mai truong luu cao to ha lam phung thai quach kieu tang luong chu vuong doan
    trieu khuat diep""".split()
)
# English words of titles, institutions and places: a run with one after its leading
# titles is no person's name ("Prime Minister", "State Bank", "Ho Chi Minh City").
_NOT_PERSONAL = frozenset(
    """mr mrs ms dr prof sir lord saint st gen col lt sen rep president prime minister
    deputy vice chairman chairwoman chairperson secretary general governor director chief
    head ambassador mayor judge justice professor captain coach commander colonel
    lieutenant major speaker chancellor premier king queen prince princess pope ceo
    ministry department bank state states national assembly committee council court office
    agency authority commission government company corporation corp group fund association
    federation union united nations republic kingdom organization organisation institute
    university college school academy hospital center centre club team league cup games
    airlines airways airport port exchange market stock city province district ward commune
    street road avenue bridge river lake sea ocean bay island islands mountain mount delta
    park north south east west northern southern eastern western central southeast
    northeast southwest northwest middle new year day festival army navy force forces guard
    police people peoples communist party congress senate house parliament embassy service
    services board international world asia asian europe european africa america american
    pacific atlantic fc inc ltd co holdings industries energy power oil gas electric
    electricity telecom news times post press television radio tv network project program
    programme plan law act code decree resolution treaty agreement pagoda temple church
    cathedral palace tower hall square museum stadium zone region valley highway expressway
    station pass peninsula strait gulf coast beach harbour harbor lunar""".split()
)


def _ascii(text: str) -> str:
    """Folded to ASCII letters and digits: "Nguyễn Hoàng Hiệp" -> "nguyenhoanghiep"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]+", "", "".join(c for c in text if c.isascii()).casefold())


def _person(name: str) -> tuple[str, list[str]] | None:
    """The part of a name run that names a person, as written and folded word by word,
    or None.

    From the last Vietnamese family name followed by a given name, with the family names
    right before it ("UBND TP Hà Nội Trần Sỹ Thanh": "Trần Sỹ Thanh"; "Deputy Minister
    Nguyen Hoang Hiep": "Nguyen Hoang Hiep"); a run with none counts if it is written in ASCII (a
    foreign name, spelled alike in both languages: "Joe Biden"), once its leading titles
    are dropped, when two words at least are left and none is a title, an institution or
    a place word ("State Bank", "Lunar New Year" are translated, not spelled alike).
    """
    written = name.split()
    words = [_ascii(w) for w in written]
    if not all(words):
        return None
    starts = [i for i, w in enumerate(words[:-1]) if w in _SURNAMES]
    if starts:
        start = starts[-1]
        while start and words[start - 1] in _SURNAMES:
            start -= 1
    elif not name.isascii():
        return None  # a Vietnamese run with no family name: an institution, a place
    else:
        start = 0
        while start < len(words) and words[start] in _NOT_PERSONAL:
            start += 1
    if len(words) - start < 2 or any(w in _NOT_PERSONAL for w in words[start:]):
        return None
    return " ".join(written[start:]), words[start:]


def _names_across(a: Facts, b: Facts) -> list[str]:
    """The personal names of two texts in different languages when each names a person
    the other does not mention (the within-language rule's swap, :func:`_unmentioned`).

    Names are compared folded to ASCII, so "Nguyễn Hoàng Hiệp" = "Nguyen Hoang Hiep"
    and "Hà Nội" = "Hanoi"; a person is mentioned when the folded name is in the other
    text folded, or its last word stands alone, capitalised ("ông Hiệp", "Mr Hiep").
    Only personal names count (:func:`_person`): an institution or a place is translated
    ("Bộ Nông nghiệp" / "Ministry of Agriculture", "Mỹ" / "the United States").
    """
    only: list[list[str]] = []
    for x, other in ((a, b), (b, a)):
        text, capitals = _ascii(other.folded), {_ascii(c) for c in other.capitals}
        only.append(
            [
                person[0]
                for name in sorted(x.names)
                if (person := _person(name)) is not None
                and "".join(person[1]) not in text
                and person[1][-1] not in capitals
            ]
        )
    return sorted({*only[0], *only[1]}) if only[0] and only[1] else []
