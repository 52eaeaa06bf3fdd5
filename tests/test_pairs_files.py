"""``load_pairs`` and ``load_translations`` (summarize/dedup/calibration.py) called from
Python: a malformed line is an :class:`InputError` (the project's own, one line, naming
the file and the line), never a ``TypeError``, ``KeyError`` or ``AttributeError``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.dedup.calibration import load_pairs, load_translations
from summarize.errors import InputError, SummarizeError

GOOD = {"sentence1": "Giá vàng tăng mạnh sáng nay.", "sentence2": "Sáng nay vàng tăng giá mạnh."}


def _file(tmp_path: Path, *lines: str, name: str = "pairs.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), "utf-8")
    return path


@pytest.mark.parametrize(
    "bad, said",
    [
        ("[1, 2]", "the line is not an object but a list"),
        ('"Giá vàng tăng."', "the line is not an object but a string"),
        ("sentence1,sentence2,label", "the line is not JSON"),
        (json.dumps({"sentence1": "Giá vàng tăng."}), 'the line has no "sentence2"'),
        (json.dumps({**GOOD, "sentence2": None, "label": 1}),
         '"sentence2" must be a string, not null'),
        (json.dumps({**GOOD, "sentence1": 7, "label": 1}),
         '"sentence1" must be a string, not a number'),
        (json.dumps(GOOD), 'the line has neither "label" nor "score"'),
        (json.dumps({**GOOD, "label": "yes"}),
         '"label" must be 0 or 1 (or true, false), not "yes"'),
        (json.dumps({**GOOD, "label": 2}), '"label" must be 0 or 1'),
        (json.dumps({**GOOD, "score": "4.5"}), '"score" must be a number, not "4.5"'),
        (json.dumps({**GOOD, "score": None}), '"score" must be a number, not null'),
    ],
)  # fmt: skip
def test_a_malformed_pairs_line_is_an_input_error_naming_it(tmp_path, bad: str, said: str) -> None:
    # line 1 good, line 2 blank (skipped but counted), line 3 the bad one
    path = _file(tmp_path, json.dumps({**GOOD, "label": 1}, ensure_ascii=False), "", bad)
    with pytest.raises(InputError) as e:
        load_pairs(path)
    message = str(e.value)
    assert message.startswith(f"{path}:3: not a pairs file: ")  # file:line, compiler style
    assert said in message and "\n" not in message


def test_good_pairs_still_load_labels_booleans_and_scores(tmp_path: Path) -> None:
    path = _file(
        tmp_path, "\ufeff" + json.dumps({**GOOD, "label": 1}),  # a BOM, as Notepad writes it
        json.dumps({**GOOD, "label": False}), json.dumps({**GOOD, "label": 1.0}),
        json.dumps({**GOOD, "score": 4}), json.dumps({**GOOD, "score": 2.5, "id": "x"}),
    )  # fmt: skip
    assert [g for *_, g in load_pairs(path)] == [True, False, True, True, False]


def test_a_pairs_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_bytes(
        (json.dumps({**GOOD, "label": 1}) + "\n").encode()
        + json.dumps({**GOOD, "label": 0}, ensure_ascii=False).encode("cp1258", "replace")
        + b"\n"
    )
    with pytest.raises(InputError, match=r"pairs.jsonl:2: not a pairs file: the line is not UTF-8"):
        load_pairs(path)


@pytest.mark.parametrize(
    "bad, said",
    [
        ("[1]", "the line is not an object but a list"),
        ('{"vi": "Xin chào"}', "the line has one text, not two"),
        ('{"id": 3}', "the line has no text, not two"),
        ('{"sentence1": "Xin chào"}', ': "sentence1" and "sentence2" must both be texts'),
        ('{"sentence1": "Xin chào", "sentence2": 5}', '"sentence1" and "sentence2" must both'),
        ("vi\ten", "the line is not JSON"),
    ],
)
def test_a_malformed_translations_line_is_an_input_error_naming_it(
    tmp_path: Path, bad: str, said: str
) -> None:
    path = _file(tmp_path, '{"vi": "Cảm ơn.", "en": "Thank you."}', bad, name="t.jsonl")
    with pytest.raises(SummarizeError) as e:
        load_translations(path)
    assert isinstance(e.value, InputError)
    message = str(e.value)
    assert message.startswith(f"{path}:2: not a translations file: ")
    assert said in message and "\n" not in message


def test_good_translations_still_load_both_forms(tmp_path: Path) -> None:
    path = _file(
        tmp_path, '{"id": 1, "vi": "Cảm ơn.", "en": "Thank you."}',
        '{"sentence1": "Xin chào.", "sentence2": "Hello."}', name="t.jsonl",
    )  # fmt: skip
    assert load_translations(path) == [("Cảm ơn.", "Thank you."), ("Xin chào.", "Hello.")]


def test_the_real_development_files_still_load() -> None:
    data = Path(__file__).resolve().parents[2] / "shared" / "data"
    vnpara = data / "vnpara_dev" / "pairs.jsonl"
    tatoeba = data / "tatoeba_vi_en_dev" / "pairs.jsonl"
    if not (vnpara.is_file() and tatoeba.is_file()):
        pytest.skip("../shared/data is not here")
    pairs = load_pairs(vnpara)
    assert len(pairs) > 1000 and {g for *_, g in pairs} == {True, False}
    assert all(isinstance(a, str) and isinstance(b, str) for a, b in load_translations(tatoeba))
