"""Reading inputs: decoding every encoding we claim, HTML/JSON extraction, clear errors."""

from __future__ import annotations

import html
import io
import json
import os
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.errors import InputError, SummarizeError
from summarize.io import RawText, decode_bytes, read_text, write_atomic
from summarize.io.readers import is_vietnamese_syllable, looks_vietnamese

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.txt"))
TONES = "\u0300\u0301\u0303\u0309\u0323"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def encode_cp1258(text: str, precomposed: bool = True) -> bytes:
    """Encode like a Windows-1258 editor: base letter + combining tone where needed.

    ``precomposed=False`` writes every tone as a combining mark (also valid cp1258).
    """
    out = bytearray()
    for ch in text:
        if precomposed:
            try:
                out += ch.encode("cp1258")
                continue
            except UnicodeEncodeError:
                pass
        parts = unicodedata.normalize("NFD", ch)
        base = nfc("".join(c for c in parts if c not in TONES))
        out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


def sample_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-sig": lambda t: t.encode("utf-8-sig"),
    "utf-16": lambda t: t.encode("utf-16"),  # with BOM
    "utf-16-le": lambda t: t.encode("utf-16-le"),  # no BOM
    "utf-16-be": lambda t: t.encode("utf-16-be"),  # no BOM
    "cp1258": encode_cp1258,
}


# ------------------------------------------------------------------ decoding samples


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_samples_decode_in_every_encoding(sample: Path, encoding: str, tmp_path: Path) -> None:
    original = sample_text(sample)
    data = ENCODINGS[encoding](original)
    text, found = decode_bytes(data)
    assert found == encoding
    assert nfc(text) == nfc(original)
    # Nothing lost: the text re-encodes to the very same bytes (cp1258 up to NFC).
    if encoding == "cp1258":
        assert text == nfc(data.decode("cp1258"))
        assert encode_cp1258(text) == data
    else:
        assert text == original
        assert text.encode(encoding) == data
    # The same through read_text, from a file.
    path = tmp_path / sample.name
    path.write_bytes(data)
    raw = read_text(path)
    assert (raw.text, raw.encoding, raw.format, raw.source) == (text, encoding, "txt", str(path))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_cp1258_with_every_tone_decomposed(sample: Path) -> None:
    original = sample_text(sample)
    text, found = decode_bytes(encode_cp1258(original, precomposed=False))
    assert (found, text) == ("cp1258", nfc(original))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_cp1258_single_lines(sample: Path) -> None:
    """charset-normalizer misreads many short Vietnamese lines (Big5, cp1250...); we must not."""
    for line in sample_text(sample).splitlines():
        data = encode_cp1258(line)
        if data.isascii() or not line.strip():
            continue
        text, encoding = decode_bytes(data)
        assert text == nfc(line), line
        # "Theo<NBSP>https://..." has no Vietnamese letter: any code page reads it alike.
        assert encoding == "cp1258" or not looks_vietnamese(line), line


@pytest.mark.parametrize(
    "text",
    [
        "L'été dernier, nous sommes allés à la plage. Ça va très bien, merci.",
        "Die Größe der Städte wächst schnell. Schöne Grüße aus München.",
        "A população não está satisfeita. As mães levaram os filhos à escola.",
        "La città è bella e però piena di turisti. Perché non andiamo là?",
        "El niño comió manzanas en la montaña. Mañana iremos al médico.",
        "Þetta er góður dagur. Ég fór í bæinn með vinum mínum.",
    ],
)
def test_western_cp1252_text_is_not_taken_for_vietnamese(text: str) -> None:
    decoded, encoding = decode_bytes(text.encode("cp1252"))
    assert encoding != "cp1258"
    assert decoded == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Привет, мир! Это обычный русский текст в старой кодировке Windows. " * 3, "cp1251"),
        ("Zażółć gęślą jaźń. Świętokrzyskie województwo leży w Polsce. " * 3, "cp1250"),
        ("Café crème", "cp1252"),
    ],
)
def test_other_legacy_encodings_fall_back_to_charset_normalizer(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == (text, encoding)


def test_vietnamese_syllables() -> None:
    for word in ["Nghiêng", "quốc", "gì", "Đảng", "thuỷ", "khuyến", "ăn", "người", "ĐỒNG"]:
        assert is_vietnamese_syllable(word), word
    for word in ["café", "năo", "çăo", "Grüße", "però", "été", "mães"]:
        assert not is_vietnamese_syllable(word), word
    assert looks_vietnamese("Hà Nội mùa thu")
    assert not looks_vietnamese("plain ascii only")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_faithfully_or_are_refused(data: bytes) -> None:
    """Never lose data: whatever we return is exactly what the bytes say."""
    try:
        text, encoding = decode_bytes(data)
    except InputError:
        return
    expected = data.decode(encoding)
    assert text == (nfc(expected) if encoding == "cp1258" else expected)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1))
def test_any_utf8_text_round_trips(text: str) -> None:
    text = text.lstrip("\ufeff")
    if not text:
        return
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


# ----------------------------------------------------------------------------- HTML


def news_page(paragraphs: list[str], charset: str = "utf-8") -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="{charset}">
<title>Cụ thể hóa việc học và làm theo Bác - Báo Thừa Thiên Huế</title>
<script>var tracker = "SCRIPT_IN_HEAD";</script>
<style>.share {{ float: right; }}</style>
</head><body>
<header><nav><ul>
  <li><a href="/">Trang chủ</a></li>
  <li><a href="/chinh-tri">Chính trị NAV_MARKER</a></li>
  <li><a href="/kinh-te">Kinh tế</a></li>
</ul></nav></header>
<main><article>
  <h1>Cụ thể hóa việc học và làm theo Bác</h1>
  <div class="meta">21/08/2020 - 07:15</div>
  <div class="share-buttons"><a href="https://facebook.com/sharer">Facebook</a>
    <a href="https://zalo.me/share">Zalo SHARE_MARKER</a></div>
  <h2>Đoàn kết, hoàn thành nhiệm vụ được giao</h2>
  {body}
  <script>document.write("SCRIPT_IN_BODY");</script>
</article></main>
<aside><h3>Tin liên quan</h3><ul><li><a href="/x">Một bài khác RELATED_MARKER</a></li></ul></aside>
<footer><p>© 2020 Báo Thừa Thiên Huế. Giấy phép số 123/GP-BTTTT FOOTER_MARKER</p>
<p>Địa chỉ: 1 Đường Lê Lợi, TP Huế</p></footer>
</body></html>"""


def article_paragraphs() -> list[str]:
    lines = sample_text(Path(__file__).parent.parent / "samples" / "thua-thien-hue.txt")
    return [line.strip() for line in lines.splitlines() if len(line.split()) >= 20]


MARKERS = ["SCRIPT_IN_HEAD", "SCRIPT_IN_BODY", "NAV_MARKER", "SHARE_MARKER", "FOOTER_MARKER"]


def assert_article_only(raw: RawText, paragraphs: list[str]) -> None:
    lines = raw.text.splitlines()
    for paragraph in paragraphs:
        assert paragraph in lines  # one paragraph per line, intact
    for marker in MARKERS + ["RELATED_MARKER", "Trang chủ", "Giấy phép"]:
        assert marker not in raw.text
    assert raw.title == "Cụ thể hóa việc học và làm theo Bác"
    assert raw.format == "html"


def test_html_article_text_without_chrome(tmp_path: Path) -> None:
    paragraphs = article_paragraphs()
    assert len(paragraphs) >= 8
    path = tmp_path / "page.html"
    path.write_text(news_page(paragraphs), encoding="utf-8")
    raw = read_text(path)
    assert_article_only(raw, paragraphs)
    assert raw.encoding == "utf-8"
    assert "Đoàn kết, hoàn thành nhiệm vụ được giao" in raw.text.splitlines()


def test_html_in_cp1258_declared_by_meta(tmp_path: Path) -> None:
    paragraphs = article_paragraphs()
    path = tmp_path / "page.htm"
    path.write_bytes(encode_cp1258(news_page(paragraphs, charset="windows-1258")))
    raw = read_text(path)
    assert raw.encoding == "cp1258"
    assert_article_only(raw, paragraphs)


def test_html_with_wrong_meta_charset_is_still_sniffed(tmp_path: Path) -> None:
    paragraphs = article_paragraphs()
    path = tmp_path / "page.html"
    path.write_bytes(encode_cp1258(news_page(paragraphs, charset="utf-8")))
    raw = read_text(path)
    assert raw.encoding == "cp1258"
    assert_article_only(raw, paragraphs)


def test_html_without_article_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>var x = 1;</script></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"empty\.html: no article text"):
        read_text(path)


# ----------------------------------------------------------------------------- JSON


def test_json_record(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    record = {"id": 42, "title": " Tiêu đề ", "text": "Đoạn một.\nĐoạn hai.", "url": "x"}
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    raw = read_text(path)
    assert raw == RawText("Đoạn một.\nĐoạn hai.", "utf-8", str(path), "json", "Tiêu đề", "42")


def test_json_record_character_references_are_read_as_its_jsonl_line_is(tmp_path: Path) -> None:
    # A scraped export keeps the page's HTML references ("Hoắc Kiến Hoa&nbsp;bảnh bao" in
    # the baomoi data, "Pel&#233;", "&#163;8m" in BBC's): the same record as a .json file
    # reads as it does as a line of a .jsonl file (digest/inputs.py), never "&nbsp;" in a
    # summary. One pass; an unknown name and a bare "&" stay as written.
    from summarize.digest.inputs import decode_entities

    text = "Hoắc Kiến Hoa&nbsp;bảnh bao. Pel&#233; ký &#163;8m với Sở GD&ĐT, TN&MT; &amp;amp;."
    record = {"title": "Pel&#233; &amp; Kaká", "text": text}
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    raw = read_text(path)
    assert raw.text == decode_entities(text)
    assert raw.text == "Hoắc Kiến Hoa\xa0bảnh bao. Pelé ký £8m với Sở GD&ĐT, TN&MT; &amp;."
    assert raw.title == "Pelé & Kaká"
    plain = tmp_path / "record.txt"  # a text file is the original text: offsets index it
    plain.write_text(text, encoding="utf-8")
    assert read_text(plain).text == text


MARKDOWN_ARTICLE = """\
# Mưa lớn gây ngập nhiều tuyến phố ở Hà Nội

*Cập nhật 14:05, 12/6/2024* | **Theo [VnExpress](https://vnexpress.net)**

Chiều 12/6, mưa lớn kéo dài hơn hai giờ khiến **nhiều tuyến phố** ở Hà Nội
ngập sâu 30-50 cm. Hàng trăm xe máy chết máy giữa đường, giao thông ùn tắc
nghiêm trọng.

![Xe máy chết máy trên phố Nguyễn Trãi](anh1.jpg)

## Còn mưa đến hết ngày mai

Theo [Trung tâm Dự báo khí tượng thủy văn quốc gia](https://nchmf.gov.vn), mưa sẽ
còn kéo dài đến hết ngày mai. Người dân được khuyến cáo hạn chế ra đường.

- Phố Nguyễn Trãi ngập 50 cm.
- Phố Tây Sơn ngập 40 cm, Sở GD&amp;ĐT cho học sinh nghỉ \\*sớm\\*.

> "Tôi mất hai tiếng mới về đến nhà", anh Minh, một người dân ở quận Thanh Xuân,
> cho biết.

```
<div class="ad">quảng cáo</div>
```

<p>Đoạn cuối do <b>CMS</b> để lại &amp; viết bằng HTML.</p>
<figure><img src="b.jpg"><figcaption>Ảnh: Ngọc Thành</figcaption></figure>
<script>track()</script>
"""


def test_markdown_is_read_as_its_text_not_its_markup(tmp_path: Path) -> None:
    """A .md article was read as plain text: its `# ` heading was no title, `**bold**`,
    `[links](url)` and list markers came out in the summary, and each line of a wrapped
    paragraph was a sentence of its own ("ngập sâu 30-50 cm. Hàng trăm ... ùn tắc")."""
    path = tmp_path / "mua.md"
    path.write_text(MARKDOWN_ARTICLE, "utf-8")
    raw = read_text(path)
    assert (raw.format, raw.title) == ("md", "Mưa lớn gây ngập nhiều tuyến phố ở Hà Nội")
    assert raw.text.splitlines() == [
        "Cập nhật 14:05, 12/6/2024 | Theo VnExpress",
        "Chiều 12/6, mưa lớn kéo dài hơn hai giờ khiến nhiều tuyến phố ở Hà Nội ngập sâu "
        "30-50 cm. Hàng trăm xe máy chết máy giữa đường, giao thông ùn tắc nghiêm trọng.",
        "Còn mưa đến hết ngày mai",
        "Theo Trung tâm Dự báo khí tượng thủy văn quốc gia, mưa sẽ còn kéo dài đến hết "
        "ngày mai. Người dân được khuyến cáo hạn chế ra đường.",
        "Phố Nguyễn Trãi ngập 50 cm.",
        "Phố Tây Sơn ngập 40 cm, Sở GD&ĐT cho học sinh nghỉ *sớm*.",
        '"Tôi mất hai tiếng mới về đến nhà", anh Minh, một người dân ở quận Thanh Xuân, cho biết.',
        "Đoạn cuối do CMS để lại & viết bằng HTML.",
    ]  # images and captions, code, scripts are not the article's text
    front = tmp_path / "front.md"
    front.write_text('---\ntitle: "Tin mưa"\ndate: 2024-06-12\n---\n\nHà Nội mưa to.\n', "utf-8")
    raw = read_text(front)
    assert (raw.title, raw.text) == ("Tin mưa", "Hà Nội mưa to.")
    only = tmp_path / "only.md"
    only.write_text("![ảnh](a.jpg)\n\n---\n", "utf-8")
    with pytest.raises(InputError, match="only.md: no text"):
        read_text(only)
    assert read_text(path, "txt").text == MARKDOWN_ARTICLE  # as plain text when asked


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": ', ":1: invalid JSON at column 10"),
        ('["a", "b"]', 'expected a JSON object with a "text" field, got an array'),
        ('{"title": "x"}', 'needs a "text" field'),
        ('{"text": 5}', 'needs a "text" field'),
        ('{"text": "  \\n "}', '"text" field is empty'),
        ('{"text": "ok", "title": 3}', '"title" field must be a string'),
        ('{"text": "ok", "id": [1]}', '"id" field must be a string or an integer'),
    ],
)
def test_bad_json(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="bad.json:") as info:
        read_text(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------------------- stdin


def fake_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    original = sample_text(SAMPLES[0])
    fake_stdin(monkeypatch, original.encode("utf-16"))
    raw = read_text("-")
    assert (raw.text, raw.encoding, raw.source, raw.format) == (original, "utf-16", "-", "txt")


def test_stdin_cp1258(monkeypatch: pytest.MonkeyPatch) -> None:
    original = sample_text(SAMPLES[1])
    fake_stdin(monkeypatch, encode_cp1258(original))
    assert read_text("-").text == nfc(original)


def test_stdin_sniffs_json_and_html(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, b'  {"text": "Xin ch\\u00e0o.", "title": "T"}')
    raw = read_text("-")
    assert (raw.format, raw.text, raw.title) == ("json", "Xin chào.", "T")
    paragraphs = article_paragraphs()
    fake_stdin(monkeypatch, news_page(paragraphs).encode("utf-8"))
    assert_article_only(read_text("-"), paragraphs)


def test_stdin_text_starting_with_brace_stays_text(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, b"{not json} but words")
    assert read_text("-").format == "txt"


def test_stdin_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, b"")
    with pytest.raises(InputError, match=r"^<stdin>: input is empty$"):
        read_text("-")


def test_format_override(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(news_page(article_paragraphs()), encoding="utf-8")
    assert read_text(path).format == "html"  # a page saved as .txt opens as one: sniffed
    assert read_text(path, format="html").format == "html"
    kept = read_text(path, format="txt")  # the override reads the markup as text
    assert kept.format == "txt" and kept.text == path.read_text(encoding="utf-8")


def test_unknown_extension_is_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "article.data"
    path.write_text("Một bài báo.", encoding="utf-8")
    assert read_text(path) == RawText("Một bài báo.", "utf-8", str(path), "txt")
    md = tmp_path / "a.md"
    md.write_text("# Tiêu đề\n\nNội dung.", encoding="utf-8")
    assert read_text(md).format == "md"


# --------------------------------------------------------------------------- errors


def assert_input_error(path: Path | str, pattern: str) -> None:
    with pytest.raises(InputError) as info:
        read_text(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert pattern in message, message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    assert_input_error(tmp_path / "nope.txt", "no such file")


def test_directory(tmp_path: Path) -> None:
    assert_input_error(tmp_path, "is a directory")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"")
    assert_input_error(path, "file is empty")


@pytest.mark.parametrize(
    "data", [b" \n\t\r\n ", "\ufeff \u00a0\u200b\n".encode("utf-8-sig"), b"\xef\xbb\xbf"]
)
def test_whitespace_only_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    assert_input_error(path, "file is empty")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + os.urandom(64),
        bytes(range(1, 32)) * 10,  # no NUL, but nothing but control characters
        "Tiêu đề".encode() + b"\x00" * 3 + b"\x01\x02",
    ],
)
def test_binary_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "foo.bin"
    path.write_bytes(data)
    assert_input_error(path, "looks like a binary file, not text")


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "weird.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 2)
    assert_input_error(path, "cannot decode the bytes as text")


def test_bad_bytes_after_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfabc \xff\xfe def")
    assert_input_error(path, "utf-8-sig byte-order mark")


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Nội dung", encoding="utf-8")

    def refuse(path: Path, flags: int) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("summarize.io.readers._open", refuse)
    assert_input_error(path, "permission denied")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_permission_denied_for_real() -> None:
    """A mode-0 file, refused by the OS itself. Root reads anything, so as root the
    reader runs in a child process that drops to the unprivileged ``nobody`` (after its
    imports: the interpreter may live under root's home) before it reads."""
    import subprocess
    import tempfile

    code = (
        "import os, sys\n"
        "from summarize.errors import InputError\n"
        "from summarize.io import read_text\n"
        "if os.geteuid() == 0:\n"
        "    os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
        "try:\n    read_text(sys.argv[1])\nexcept InputError as e:\n    print(e)\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)  # the child may enter the folder, not read the file
        path = Path(folder) / "secret.txt"
        path.write_text("Nội dung", encoding="utf-8")
        path.chmod(0)
        p = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True,
            cwd=folder, timeout=120,
        )  # fmt: skip
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert p.stdout.startswith(f"{path}: permission denied"), p.stdout


# --------------------------------------------------------------------------- writing


def test_write_atomic_text_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    write_atomic(path, "Tóm tắt\n")
    assert path.read_bytes() == "Tóm tắt\n".encode()
    write_atomic(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_write_atomic_keeps_mode_and_follows_umask(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.txt"
    old_umask = os.umask(0o022)
    try:
        write_atomic(fresh, "x")
    finally:
        os.umask(old_umask)
    assert fresh.stat().st_mode & 0o777 == 0o644
    existing = tmp_path / "existing.txt"
    existing.write_text("old")
    existing.chmod(0o600)
    write_atomic(existing, "new")
    assert existing.stat().st_mode & 0o777 == 0o600
    assert existing.read_text() == "new"


def test_write_atomic_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(SummarizeError, match=r"out\.txt: cannot write \(No space left on device\)"):
        write_atomic(path, "new")
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_write_atomic_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(SummarizeError, match="cannot write"):
        write_atomic(tmp_path / "no" / "out.txt", "x")
