"""The Python API for pipeline builders (issue 17): HTML given as a string, and the
streaming digest ``digest_records(iterable) -> iterator of records``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize import ConfigError, InputError, deduplicate, digest_records, summarize
from summarize.digest import DigestOptions, Output, digest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HUE = (SAMPLES / "thua-thien-hue.txt").read_text()
QN = (SAMPLES / "quang-ninh-quang-binh.txt").read_text()

PAGE = """<!DOCTYPE html><html><head><title>Hà Nội mưa lớn | Báo Mới</title></head><body>
<nav><a href="/">Trang chủ</a> <a href="/xa-hoi">Xã hội</a></nav>
<article><h1>Hà Nội mưa lớn, nhiều tuyến phố ngập sâu</h1>
<p>Mưa lớn kéo dài từ đêm qua đến sáng nay khiến nhiều tuyến phố ở Hà Nội ngập sâu.</p>
<p>Giao thông ùn tắc nghiêm trọng tại các nút giao lớn trong giờ cao điểm buổi sáng.</p>
<p>Trung tâm dự báo cho biết mưa còn kéo dài đến hết ngày mai ở khu vực Bắc Bộ.</p>
</article><footer>© Báo Mới</footer></body></html>"""


def test_summarize_html_string_extracts_the_article() -> None:
    result = summarize(html=PAGE, method="lead", sentences=2)
    assert result.title and "Hà Nội mưa lớn" in result.title
    assert result.sentences[0].text.startswith("Mưa lớn kéo dài")
    text = " ".join(s.text for s in result.sentences)
    assert "<" not in text and "Trang chủ" not in text  # no tags, no navigation
    as_text = summarize(PAGE, method="lead", sentences=2)  # a string is plain text
    assert any("<" in s.text for s in as_text.sentences)


def test_deduplicate_html_string() -> None:
    page = PAGE.replace("</article>", "<p>Giao thông ùn tắc nghiêm trọng tại các nút giao "
                        "lớn trong giờ cao điểm buổi sáng.</p></article>")  # fmt: skip
    result = deduplicate(html=page, semantic=False)
    assert [r.signal for r in result.removed] == ["exact"]


@pytest.mark.parametrize(
    "kwargs, error",
    [({}, ConfigError), ({"text": "Một câu.", "html": PAGE}, ConfigError),
     ({"html": "   "}, InputError), ({"html": b"<p>x</p>"}, InputError)],
)  # fmt: skip
def test_text_or_html_exactly_one(kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        summarize(**kwargs, method="lead")


def test_digest_records_streams_per_article_records() -> None:
    seen: list[int] = []

    def articles():
        for n, item in enumerate(
            [{"id": "hue", "text": HUE, "url": "https://example.vn/hue"}, QN,
             {"id": "page", "html": PAGE}, {"headline": "no text"}]
        ):  # fmt: skip
            seen.append(n)
            yield item

    stream = digest_records(articles(), method="lead", sentences=2)
    assert seen == []  # lazy: nothing read before the first record is asked for
    first = next(stream)
    assert seen == [0]  # one record in, one record out
    assert (first["schema_version"], first["kind"], first["id"]) == (2, "digest-article", "hue")
    assert first["story"] is None and first["shared_sentences"] == []
    assert first["fields"] == {"url": "https://example.vn/hue"}
    assert all(HUE[s["start"] : s["end"]] == s["text"] for s in first["sentences"])
    rest = list(stream)
    assert [r["id"] for r in rest] == ["item 1", "page", "item 3"]
    assert rest[1]["title"] and rest[1]["sentences"][0]["text"].startswith("Mưa lớn")
    assert rest[2]["error"] and "text" in rest[2]["error"] and rest[2]["sentences"] == []


def test_digest_records_match_the_batch_digest(tmp_path: Path) -> None:
    """Per article, the stream gives the batch digest's record (stories aside)."""
    from summarize import SummaryConfig

    items = [{"id": "hue", "text": HUE}, {"id": "qn", "text": QN}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items))
    out = tmp_path / "d.jsonl"
    config = SummaryConfig(method="lead", sentences=2)
    digest([str(src)], [Output(out, "jsonl")], DigestOptions(config, learn=None))
    batch = [json.loads(line) for line in out.read_text().splitlines()]
    streamed = list(digest_records(items, method="lead", sentences=2))
    for b, s in zip(batch, streamed, strict=True):
        for key in ("id", "title", "sentences", "excluded", "removed", "counts"):
            assert b[key] == s[key], key


def test_digest_records_bad_settings_fail_at_once() -> None:
    with pytest.raises(ConfigError):
        digest_records(iter(()), sentences=0)  # before any item is read
