"""What `summarize FILE` and `summarize dedup` write, as a user runs them.

Real processes on the samples. The summary's layout is checked against the Python API's
picks for the same input (so these tests say how the CLI renders, not which sentences
a method prefers); most runs use ``--method lead`` or ``--no-semantic`` (no model).
The JSON report is read back through ``removed_from_json`` rather than by key names.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarize import deduplicate, reconstruct, summarize
from summarize.report import removed_from_json

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
HUE = SAMPLES / "thua-thien-hue.txt"
BAC_GIANG = SAMPLES / "bac-giang-co-quan-tinh.txt"
REPEATED = "5 năm qua, các chi, đảng bộ cơ sở trong Đảng bộ"  # Bắc Giang's repeated paragraph


def run(*args: str, stdin: bytes | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summarize.cli", *args],
        input=stdin, capture_output=True, cwd=cwd, timeout=600, env=dict(os.environ),
    )  # fmt: skip


def ok(p: subprocess.CompletedProcess) -> tuple[str, str]:
    out, err = p.stdout.decode(), p.stderr.decode()
    assert p.returncode == 0, err
    assert "Traceback" not in err
    return out, err


def lead_texts(path: Path, n: int, title: str | None = None) -> tuple[str | None, list[str]]:
    result = summarize(path.read_text("utf-8"), sentences=n, method="lead", title=title)
    return result.title, [s.text for s in result.sentences]


# ---------------------------------------------------------------- summarize FILE


def test_default_text_output_is_the_title_then_one_sentence_a_line() -> None:
    out, err = ok(run(str(HUE), "-m", "lead"))
    title, texts = lead_texts(HUE, 3)  # 3 sentences: the default budget
    assert title == "Cụ thể hóa việc học và làm theo Bác"
    assert out == "\n".join([title, "", *texts]) + "\n"
    original = HUE.read_text("utf-8")
    assert all(t in original for t in texts)  # the article's own sentences, unedited
    assert err == ""  # nothing else said without --verbose


def test_markdown_output_is_a_heading_and_a_list() -> None:
    out, _ = ok(run(str(HUE), "-m", "lead", "-n", "2", "--format", "markdown"))
    title, texts = lead_texts(HUE, 2)
    assert out.splitlines() == [f"# {title}", "", *(f"- {t}" for t in texts)]


def test_verbose_says_what_was_read_and_done_on_stderr_only(tmp_path: Path) -> None:
    """--verbose names the real encoding (a UTF-16 copy here) and the run's counts; the
    summary on stdout is the same as without it."""
    copy = tmp_path / "hue-utf16.txt"
    copy.write_bytes(HUE.read_text("utf-8").encode("utf-16"))
    quiet_out, quiet_err = ok(run(str(copy), "-m", "lead", "-n", "2"))
    out, err = ok(run(str(copy), "-m", "lead", "-n", "2", "--verbose"))
    assert out == quiet_out and quiet_err == ""
    result = summarize(HUE.read_text("utf-8"), sentences=2, method="lead")
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert str(copy) in lines[0] and "utf-16" in lines[0]
    assert f"{len(result.document.sentences)} sentences" in lines[1]
    assert len(result.duplicates.removed) == 1  # said in the singular (was "1 duplicates")
    assert "1 duplicate removed" in lines[1]
    assert "method lead" in lines[1] and "2 sentences" in lines[1]


def test_title_option_names_a_text_that_has_none() -> None:
    body = (
        "Ủy ban nhân dân tỉnh đã phê duyệt kế hoạch sửa chữa các tuyến đường liên xã. "
        "Công trình dự kiến hoàn thành vào cuối năm nay. Người dân địa phương rất phấn khởi.\n"
    ).encode()
    out, _ = ok(run("-", "-m", "lead", "-n", "2", stdin=body))
    assert out.splitlines()[0].startswith("Ủy ban")  # no title line without --title
    out, _ = ok(run("-", "-m", "lead", "-n", "2", "--title", "Sửa đường liên xã", stdin=body))
    assert out.splitlines()[:3] == ["Sửa đường liên xã", "", body.decode().split(". ")[0] + "."]
    md, _ = ok(
        run("-", "-m", "lead", "-n", "1", "--title", "Sửa đường", "-f", "markdown", stdin=body)
    )
    assert md.startswith("# Sửa đường\n\n- Ủy ban")


@pytest.mark.slow
def test_title_option_steers_the_default_model(default_encoder) -> None:
    """Bắc Giang without its title line and with its lead moved last: the lead comes back
    only when --title gives the title it restates (default method and model)."""
    from test_summarize import BAC_GIANG_LEAD, lead_moved_to_the_end

    title, body = lead_moved_to_the_end().split("\n", 1)
    out, _ = ok(run("-", "-n", "3", stdin=body.encode()))
    assert BAC_GIANG_LEAD not in out.splitlines()
    out, _ = ok(run("-", "-n", "3", "--title", title, stdin=body.encode()))
    lines = out.splitlines()
    assert lines[0] == title and lines[-1] == BAC_GIANG_LEAD


def test_output_file_gets_what_stdout_would(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("an older summary\n", "utf-8")
    printed, _ = ok(run(str(HUE), "-m", "lead", "-f", "markdown"))
    out, err = ok(run(str(HUE), "-m", "lead", "-f", "markdown", "-o", str(target)))
    assert out == "" and err == ""
    assert target.read_text("utf-8") == printed  # replaced whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.md"]  # no temp file left


@pytest.mark.parametrize("name", ["summary.html", "summary.HTM"])
def test_output_html_file_is_a_page_of_the_summary(tmp_path: Path, name: str) -> None:
    """`-o summary.html` wrote the plain-text summary into a .html file, which a browser
    shows as one run-on paragraph; it is a page: the title, the picks in order (escaped),
    what was left out, and the same picks as `-f json`."""
    hostile = HUE.read_text("utf-8").replace(
        "Cụ thể hóa việc học và làm theo Bác", "Cụ thể hóa <script>alert(1)</script> & Bác", 1
    )
    source = tmp_path / "hue.txt"
    source.write_text(hostile, "utf-8")
    target = tmp_path / name
    out, err = ok(run(str(source), "-m", "lead", "-n", "2", "-o", str(target)))
    assert out == "" and err == ""
    page = target.read_text("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and page.rstrip().endswith("</html>")
    assert "<script>alert(1)</script>" not in page
    assert "Cụ thể hóa &lt;script&gt;alert(1)&lt;/script&gt; &amp; Bác" in page
    record = json.loads(ok(run(str(source), "-m", "lead", "-n", "2", "-f", "json"))[0])
    import html as html_module

    shown = html_module.unescape(page)
    positions = [shown.index(s["text"]) for s in record["sentences"]]
    assert len(positions) == 2 and positions == sorted(positions)  # original order
    assert f"2 of {record['counts']['sentences']} sentences" in shown
    same, _ = ok(run(str(source), "-m", "lead", "-n", "2", "-f", "html"))
    assert same == page  # -f html on stdout: the same page


def test_several_inputs_to_a_json_file_make_one_json_array(tmp_path: Path) -> None:
    """`summarize a.txt b.txt -o all.json` wrote JSONL (one object a line) into the .json
    file: `json.load` failed with "Extra data". A .json file holds one JSON value, an
    array of the records in input order (a failed input with its error); .jsonl and
    stdout stay one record per line."""
    bad = tmp_path / "empty.txt"
    bad.write_text("", "utf-8")
    target = tmp_path / "all.json"
    p = run(str(HUE), str(bad), str(BAC_GIANG), "-m", "lead", "-n", "1", "-q", "-o", str(target))
    assert p.returncode == 3, p.stderr.decode()
    records = json.loads(target.read_text("utf-8"))
    assert [r["source"] for r in records] == [str(HUE), str(bad), str(BAC_GIANG)]
    assert records[1]["error"] and records[0]["error"] is None
    lines, _ = run(str(HUE), str(BAC_GIANG), "-m", "lead", "-n", "1", "-f", "json").stdout, None
    assert [json.loads(x) for x in lines.decode().splitlines()] == [records[0], records[2]]
    jsonl = tmp_path / "all.jsonl"
    ok(run(str(HUE), str(BAC_GIANG), "-m", "lead", "-n", "1", "-q", "-o", str(jsonl)))
    assert jsonl.read_text("utf-8").encode() == lines


def test_json_shape_follows_what_was_given_not_how_many_articles(tmp_path: Path) -> None:
    """The rule of docs/cli.md: one file argument is one object; anything that can hold
    several (two arguments, a folder, a JSONL file) is an array, even of one article, so
    a script never meets an object where it expects a list. A .jsonl file is one line per
    article in every case; no article at all writes no file."""
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "hue.txt").write_text(HUE.read_text("utf-8"), "utf-8")
    record = tmp_path / "one.jsonl"
    record.write_text(json.dumps({"id": "hue", "text": HUE.read_text("utf-8")}) + "\n", "utf-8")
    cases = {
        "file": [str(HUE)],
        "repeat": [str(HUE), str(HUE)],
        "folder": [str(folder)],
        "jsonl": [str(record)],
        "two": [str(HUE), str(BAC_GIANG)],
    }
    shapes, lines = {}, {}
    for name, inputs in cases.items():
        target, jsonl = tmp_path / f"{name}.json", tmp_path / f"{name}.jsonl"
        ok(run(*inputs, "-m", "lead", "-n", "1", "-q", "-o", str(target)))
        ok(run(*inputs, "-m", "lead", "-n", "1", "-q", "-o", str(jsonl)))
        value = json.loads(target.read_text("utf-8"))
        shapes[name] = len(value) if isinstance(value, list) else "object"
        rows = [json.loads(x) for x in jsonl.read_text("utf-8").splitlines()]
        lines[name] = len(rows)
        first = value[0] if isinstance(value, list) else value
        assert rows[0]["sentences"] == first["sentences"]  # the same record either way
    assert shapes == {"file": "object", "repeat": 1, "folder": 1, "jsonl": 1, "two": 2}
    assert lines == {"file": 1, "repeat": 1, "folder": 1, "jsonl": 1, "two": 2}
    empty = tmp_path / "empty"
    empty.mkdir()
    p = run(str(empty), "-q", "-o", str(tmp_path / "none.json"))
    assert p.returncode == 1 and not (tmp_path / "none.json").exists()


def test_html_summary_of_several_inputs_is_refused_before_any_work(tmp_path: Path) -> None:
    target = tmp_path / "all.html"
    p = run(str(HUE), str(BAC_GIANG), "-m", "lead", "-o", str(target))
    assert p.returncode == 2 and not target.exists()
    (line,) = p.stderr.decode().splitlines()
    assert "summarize digest" in line and "digest.html" in line


def test_inputs_that_come_to_one_article_make_its_html_page(tmp_path: Path) -> None:
    """`summarize a.txt a.txt -o s.html` (the repeat is read once) and a folder holding
    one article were refused as "several" articles: they make the page of that article,
    the same page as `summarize a.txt -o s.html` (only the source's name differs)."""
    alone = tmp_path / "alone.html"
    ok(run(str(HUE), "-m", "lead", "-n", "2", "-o", str(alone)))
    page = alone.read_text("utf-8")
    twice = tmp_path / "twice.html"
    _, err = ok(run(str(HUE), str(HUE), "-m", "lead", "-n", "2", "-o", str(twice)))
    assert twice.read_text("utf-8") == page
    assert "given more than once: 1 skipped" in err  # the repeat is still said
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "hue.txt").write_text(HUE.read_text("utf-8"), "utf-8")
    from_folder = tmp_path / "folder.html"
    ok(run(str(folder), "-m", "lead", "-n", "2", "-o", str(from_folder)))
    assert from_folder.read_text("utf-8") == page.replace(str(HUE), str(folder / "hue.txt"))
    # one JSONL record is one article too; a record that fails is the run's one error
    record = tmp_path / "one.jsonl"
    record.write_text(json.dumps({"id": "hue", "text": HUE.read_text("utf-8")}) + "\n", "utf-8")
    out, _ = ok(run(str(record), "-m", "lead", "-n", "2", "-f", "html"))
    assert out.startswith("<!DOCTYPE html>") and "Cụ thể hóa việc học" in out
    record.write_text('{"id": "x", "text": ""}\n', "utf-8")
    p = run(str(record), "-m", "lead", "-f", "html")
    assert p.returncode == 1 and p.stdout == b""
    assert p.stderr.decode().splitlines() == [
        f'summarize: error: {record}:1: the "text" field is empty'
    ]


# ------------------------------------------------------------------------- dedup


def dedup_run(tmp_path: Path, report_name: str, *extra: str) -> tuple[Path, str, str]:
    clean, report = tmp_path / "clean.txt", tmp_path / report_name
    out, err = ok(run("dedup", str(BAC_GIANG), "--no-semantic", "-o", str(clean),
                      "--report", str(report), *extra))  # fmt: skip
    assert out == ""
    return report, clean.read_text("utf-8"), err


def check_json_report(text: str, cleaned: str) -> None:
    report = json.loads(text)
    (removed,) = removed_from_json(report)
    assert removed.text.startswith(REPEATED)
    assert reconstruct(cleaned, [removed]) == BAC_GIANG.read_text("utf-8")


def check_csv_report(text: str, cleaned: str) -> None:
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["level"] == "paragraph" and row["text"].startswith(REPEATED)
    original = BAC_GIANG.read_text("utf-8")
    assert original[int(row["start"]) : int(row["end"])] == row["text"]  # exact offsets
    assert cleaned.count("987 vấn đề") == 1  # the statistic, stated once


def check_markdown_report(text: str, cleaned: str) -> None:
    assert text.startswith("# ") and "\n|" in text  # a heading and a table
    assert REPEATED in text and "<html" not in text


def check_html_report(text: str, cleaned: str) -> None:
    assert text.lstrip().lower().startswith("<!doctype html")
    assert text.rstrip().endswith("</html>") and REPEATED in text


CHECKS = {
    "json": check_json_report, "csv": check_csv_report,
    "markdown": check_markdown_report, "html": check_html_report,
}  # fmt: skip


@pytest.mark.parametrize(
    "name, kind",
    [("report.json", "json"), ("report.csv", "csv"), ("report.md", "markdown"),
     ("report.html", "html"), ("report.htm", "html")],  # report.txt: refused (test_new_user)
)  # fmt: skip
def test_report_format_follows_the_extension(tmp_path: Path, name: str, kind: str) -> None:
    report, cleaned, err = dedup_run(tmp_path, name)
    CHECKS[kind](report.read_text("utf-8"), cleaned)
    assert "removed 1 paragraph" in err


@pytest.mark.parametrize("kind", ["json", "csv", "markdown", "html"])
def test_report_format_option_overrides_the_extension(tmp_path: Path, kind: str) -> None:
    other = {"json": "report.csv", "csv": "report.html", "markdown": "r.json", "html": "r.md"}
    report, cleaned, _ = dedup_run(tmp_path, other[kind], "--report-format", kind)
    CHECKS[kind](report.read_text("utf-8"), cleaned)


@pytest.mark.parametrize("value", ["1.5", "0", "-0.2"])
def test_bad_threshold_is_one_line_and_writes_nothing(tmp_path: Path, value: str) -> None:
    clean = tmp_path / "clean.txt"
    p = run("dedup", str(BAC_GIANG), "--threshold", value, "-o", str(clean))
    err = p.stderr.decode()
    assert p.returncode != 0 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "--threshold" in err, err
    assert p.stdout == b"" and not clean.exists()


KEEP_TEXT = """Sửa đường liên xã ở Hà Giang

Ủy ban nhân dân tỉnh đã phê duyệt kế hoạch sửa chữa các tuyến đường liên xã trong năm nay.

Công trình dự kiến hoàn thành vào cuối năm, với tổng vốn đầu tư hơn 120 tỷ đồng.

Ủy ban nhân dân tỉnh đã phê duyệt kế hoạch sửa chữa các tuyến đường liên xã trong năm nay, \
trong đó có 15 tuyến ở các huyện vùng cao và biên giới của tỉnh.

Người dân địa phương rất phấn khởi khi nghe tin này.
"""


def test_keep_longest_keeps_the_fuller_later_paragraph(tmp_path: Path) -> None:
    """A short paragraph restated later with more detail: --keep first keeps both (the
    later one says more, so it is no repeat of the first); --keep longest drops the
    short first one for the fuller one."""
    src = tmp_path / "keep.txt"
    src.write_text(KEEP_TEXT, "utf-8")
    short, full = KEEP_TEXT.split("\n\n")[1], KEEP_TEXT.split("\n\n")[3]
    first, _ = ok(run("dedup", str(src), "--no-semantic", "--keep", "first"))
    assert first == KEEP_TEXT
    longest, err = ok(run("dedup", str(src), "--no-semantic", "--keep", "longest"))
    assert short + "\n\n" not in longest and full in longest
    assert longest == KEEP_TEXT.replace(short + "\n\n", "", 1)
    assert "removed 1 paragraph" in err
    api = deduplicate(KEEP_TEXT, semantic=False, keep="longest")
    assert api.text == longest


def test_dedup_reads_stdin_and_writes_stdout() -> None:
    data = BAC_GIANG.read_bytes()
    out, err = ok(run("dedup", "-", "--no-semantic", stdin=data))
    api = deduplicate(data.decode(), semantic=False)
    assert out == api.text and out.count("987 vấn đề") == 1
    assert "removed 1 paragraph" in err


def test_plain_text_summary_puts_each_pick_on_one_line(fake_encoder) -> None:
    """A sentence of a hard-wrapped paragraph spans lines in the text; the plain-text
    output still gives one pick per line (`head -n 4`, `wc -l`), JSON keeps the text."""
    import textwrap

    from summarize import summarize
    from summarize.report.summary import render_summary

    paragraphs = [
        "Giá lúa tăng mạnh ở Đồng Tháp trong vụ đông xuân năm nay",
        "Nông dân ở các huyện phía bắc tỉnh Đồng Tháp đã thu hoạch xong lúa đông xuân "
        "với năng suất cao hơn năm trước từ nửa tấn đến một tấn mỗi héc ta. Thương lái "
        "đến tận ruộng mua lúa tươi với giá cao hơn cùng kỳ năm ngoái khoảng 800 đồng.",
        "Nhiều hộ nông dân lãi trên 30 triệu đồng mỗi héc ta, mức lãi cao nhất trong "
        "năm năm qua, nhờ giá phân bón giảm và thời tiết thuận lợi suốt vụ lúa.",
    ]
    text = "\n\n".join(textwrap.fill(p, 60) for p in paragraphs) + "\n"
    got = summarize(text, sentences=3, model=fake_encoder)
    assert any("\n" in s.text for s in got.sentences)  # the text is never altered
    lines = render_summary(got).splitlines()
    assert lines[0] == paragraphs[0] and lines[1] == ""
    assert len(lines) == 2 + len(got.sentences)
    assert all("  " not in line for line in lines)


def test_the_summary_page_says_the_count_once_and_a_budget_only_when_it_differs() -> None:
    """Trial 3: the page said "3 of 10 sentences · 3 sentences" (the budget repeating the
    count). A sentence budget met is said once; a words or ratio budget is named."""
    import re

    from summarize.report import render_summary

    text = HUE.read_text("utf-8")

    def meta(**budget) -> str:  # noqa: ANN003
        page = render_summary(summarize(text, method="lead", **budget), "html")
        return re.search(r'<p class="meta"[^>]*>(.*?)</p>', page, re.S).group(1)

    three = meta(sentences=3)
    assert re.search(r"3 of \d+ sentences · lead", three) and "budget" not in three
    assert three.count("3 sentences") == 0
    assert re.search(r"\d+ of \d+ sentences · budget 30 words · lead", meta(words=30))
    assert re.search(r"\d+ of \d+ sentences · budget ratio 0.2 · lead", meta(ratio=0.2))
