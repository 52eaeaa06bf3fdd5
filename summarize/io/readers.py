"""Turn one input (a file or stdin) into text, and write outputs safely.

Decoding never guesses silently at the cost of data: every codec is applied
strictly, so the text we return is exactly what the bytes say (up to the NFC
step for cp1258, explained in :func:`_decode_cp1258`). Anything we cannot read
faithfully is refused with an :class:`InputError` naming the file.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import charset_normalizer

from summarize.errors import InputError

Format = Literal["txt", "md", "html", "json"]

STDIN = "-"
_STDIN_NAME = "<stdin>"

_EXTENSIONS: dict[str, Format] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
}

# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Control characters that never occur in real text (tab, newlines, \v, \f allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_RATIO = 0.05
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))


@dataclass(frozen=True)
class RawText:
    """One decoded input, before it is split into paragraphs and sentences."""

    text: str
    encoding: str
    source: str  # the path as given, or "-" for stdin
    format: Format
    title: str | None = None
    id: str | None = None  # the "id" field of a JSON record


# --------------------------------------------------------------------------- reading


def read_text(source: str | Path, format: Format | None = None) -> RawText:
    """Read, decode and extract one input; ``format`` overrides the extension.

    ``"-"`` reads bytes from stdin, whose format is sniffed (JSON object, HTML
    document, else plain text) because there is no extension to go by.
    """
    src = str(source)
    stdin = src == STDIN
    name = _STDIN_NAME if stdin else _display_name(src)
    data = _read_stdin() if stdin else _read_file(Path(src))
    fmt = format or ("txt" if stdin else _format_from_suffix(src))
    if fmt == "html":
        text, encoding = _decode_html(data, name)
    else:
        text, encoding = decode_bytes(data, name=name)
    if _is_blank(text):
        what = "input" if stdin else "file"
        raise InputError(f"{name}: {what} is empty" + (" (only whitespace)" if text else ""))
    if stdin and format is None:
        fmt = _sniff_format(text)
    if fmt == "html":
        body, title = _extract_html(text, name)
        return RawText(body, encoding, src, "html", title)
    if fmt == "json":
        body, title, record_id = _parse_json(text, name)
        return RawText(body, encoding, src, "json", title, record_id)
    return RawText(text, encoding, src, fmt)


def _is_blank(text: str) -> bool:
    """Nothing but whitespace and invisible format characters (BOMs, zero-width spaces)."""
    return not text.translate(_INVISIBLE).strip()


def _display_name(src: str) -> str:
    """The path as the user typed it, kept on one line for error messages."""
    return src.replace("\r", "\\r").replace("\n", "\\n")


def _read_file(path: Path) -> bytes:
    """Read all bytes, turning OS errors into one-line messages naming the file."""
    name = _display_name(str(path))
    if path.is_dir():
        raise InputError(f"{name}: is a directory, not a file")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied, cannot read the file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror or exc})") from None


def _read_stdin() -> bytes:
    """Raw bytes from stdin, so the same decoding rules apply as for files."""
    stream = sys.stdin
    if stream is None:
        raise InputError(f"{_STDIN_NAME}: no standard input is attached")
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            return buffer.read()
        return stream.read().encode("utf-8")  # already text (e.g. a StringIO)
    except OSError as exc:
        raise InputError(f"{_STDIN_NAME}: cannot read ({exc.strerror or exc})") from None


def _format_from_suffix(src: str) -> Format:
    """Known extensions pick the parser; anything else is read as plain text."""
    return _EXTENSIONS.get(Path(src).suffix.lower(), "txt")


def _sniff_format(text: str) -> Format:
    """Guess the format of extension-less input (stdin) from its first characters."""
    head = text[:1024].lstrip().lower()
    if head.startswith("{"):
        try:
            if isinstance(json.loads(text), dict):
                return "json"
        except ValueError:
            pass
        return "txt"
    if re.match(r"<(!doctype\s+html|html|head|body)\b", head):
        return "html"
    return "txt"


# -------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, *, name: str = "input") -> tuple[str, str]:
    """Decode ``data`` to ``(text, encoding)`` without losing or inventing characters.

    Order: BOM (UTF-8/16/32), BOM-less UTF-16 by its NUL pattern, UTF-8,
    Vietnamese cp1258, then charset-normalizer for any other legacy code page.
    Binary data and bytes no codec decodes faithfully raise :class:`InputError`;
    ``name`` is the file named in that message.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, encoding, name), encoding, name)
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), utf16, name)
        except UnicodeDecodeError:
            raise _binary(name) from None
    if b"\x00" in data:
        raise _binary(name)
    try:
        return _checked(data.decode("utf-8"), "utf-8", name)
    except UnicodeDecodeError:
        pass
    text = _decode_cp1258(data)
    if text is not None:
        return _checked(text, "cp1258", name)
    return _checked(*_decode_other(data, name), name)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: starts with a {encoding} byte-order mark but byte {exc.start} "
            f"is not valid {encoding}"
        ) from None


def _checked(text: str, encoding: str, name: str) -> tuple[str, str]:
    """Refuse text that is mostly control characters: binary data that happened to decode."""
    if text and len(_CONTROL.findall(text)) > _MAX_CONTROL_RATIO * len(text):
        raise _binary(name)
    return text, encoding


def _binary(name: str) -> InputError:
    return InputError(f"{name}: looks like a binary file, not text")


def _sniff_utf16(data: bytes) -> str | None:
    """Spot BOM-less UTF-16: text in Latin scripts puts a NUL in every ASCII code unit.

    The NULs must sit (almost) only on one side of the code units; binary files
    have NULs scattered on both.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    units = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= 0.25 * units and even <= 0.05 * odd:
        return "utf-16-le"
    if even >= 0.25 * units and odd <= 0.05 * even:
        return "utf-16-be"
    return None


def _decode_cp1258(data: bytes) -> str | None:
    """Decode Windows-1258 Vietnamese, or None when the bytes are not that.

    cp1258 has precomposed letters only for the Western-European subset (à, á,
    â, ê, ô...) plus ă, đ, ơ, ư; every other Vietnamese letter is written as a
    base letter followed by a combining tone mark (ạ = a + U+0323). Decoded
    as-is the text is half decomposed, which breaks word matching, so we
    return its NFC form: canonically equivalent, therefore no information is
    lost, and it equals what the same article looks like in UTF-8.

    cp1258 shares most bytes with cp1252/Latin-1, and charset-normalizer often
    picks cp1250, Big5 or Shift-JIS for short Vietnamese text, so we decide
    ourselves: the words with non-ASCII letters must be Vietnamese syllables.
    """
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        return None
    return text if looks_vietnamese(text) else None


def _decode_other(data: bytes, name: str) -> tuple[str, str]:
    """Ask charset-normalizer for other legacy code pages; keep only exact round-trips.

    It ranks equally plausible code pages alphabetically, so French in cp1252
    came back as cp1250 ("à" -> "ŕ"): among its tied best guesses we take the
    most common one, cp1252. cp1258 and BOM-less UTF-16/32 are left out, since
    :func:`decode_bytes` has already judged those more reliably.
    """
    candidates = []
    for match in charset_normalizer.from_bytes(data):
        encoding = match.encoding
        if encoding == "cp1258" or encoding.startswith(("utf_16", "utf_32")):
            continue
        try:
            text = data.decode(encoding)
        except (UnicodeError, LookupError):
            continue
        if text.encode(encoding) == data:
            candidates.append((match.chaos, -match.coherence, encoding, text))
    if not candidates:
        raise InputError(
            f"{name}: cannot decode the bytes as text "
            "(not UTF-8, UTF-16, Vietnamese cp1258 or another known encoding)"
        )
    chaos, coherence = min(c[:2] for c in candidates)
    tied = [c for c in candidates if c[0] <= chaos + 0.01 and c[1] <= coherence + 0.02]
    _, _, encoding, text = next((c for c in tied if c[2] == "cp1252"), tied[0])
    return text, encoding


# Vietnamese syllable: initial consonant(s), 1-3 vowels, optional final consonant.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_SYLLABLE = re.compile(
    r"(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    r"([aăâeêioôơuưy]{1,3})"
    r"(ch|ng|nh|[cmnpt])?"
)
_WORD = re.compile(r"[^\W\d_]+")
_VIETNAMESE_MIN_SHARE = 0.8


def is_vietnamese_syllable(word: str) -> bool:
    """True if ``word`` (NFC) is spelled like one Vietnamese syllable with at most one tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONE_MARKS for ch in decomposed) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    match = _SYLLABLE.fullmatch(base)
    if not match:
        return False
    vowels, final = match.group(2), match.group(3)
    # ă is always short and closed: "ăn", "oăn", never "ăo" (Portuguese "ão" in cp1258).
    return "ă" not in vowels or (vowels.endswith("ă") and final is not None)


def looks_vietnamese(text: str) -> bool:
    """Most words with non-ASCII letters are Vietnamese syllables, and no tone mark is stray.

    Measured on the samples encoded to cp1258: every line scores 1.0, while
    French, German, Spanish, Portuguese, Italian, Danish and Icelandic text
    read as cp1258 scores at most 0.4 (their é, ü, ç, ñ, ão... do not form
    Vietnamese syllables). All-capital words are skipped when they fail,
    since they are acronyms such as "CCVCLĐ".
    """
    stray_marks = sum(unicodedata.category(ch) == "Mn" for ch in text)
    good = bad = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if is_vietnamese_syllable(word):
            good += 1
        elif not word.isupper():
            bad += 1
    total = good + bad + stray_marks
    return good > 0 and good >= _VIETNAMESE_MIN_SHARE * total


# ------------------------------------------------------------------------------ HTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# WHATWG: pages labelled Latin-1 or ASCII are decoded as windows-1252.
_CHARSET_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}


def _decode_html(data: bytes, name: str) -> tuple[str, str]:
    """Honour a ``<meta charset>`` when it decodes cleanly; otherwise sniff like any file."""
    declared = _declared_charset(data)
    has_bom = any(data.startswith(bom) for bom, _ in _BOMS)
    if declared and not has_bom and b"\x00" not in data:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            pass  # the label is wrong: fall back to sniffing
        else:
            if declared == "cp1258":
                text = unicodedata.normalize("NFC", text)
            return _checked(text, declared, name)
    return decode_bytes(data, name=name)


def _declared_charset(data: bytes) -> str | None:
    """The Python codec named by the page's ``<meta charset>``, if usable."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        codec = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return None  # a page read as ASCII cannot really be UTF-16 (WHATWG does the same)
    return _CHARSET_ALIASES.get(codec, codec)


def _extract_html(html: str, name: str) -> tuple[str, str | None]:
    """Main article text (one paragraph per line) and title, via trafilatura, offline."""
    import trafilatura  # slow to import; only HTML input needs it

    doc = trafilatura.bare_extraction(
        html,
        include_comments=False,
        favor_recall=True,
        with_metadata=True,
        include_tables=True,
        deduplicate=False,
    )
    text = (doc.text or "") if doc is not None else ""
    if not text.strip():
        raise InputError(f"{name}: no article text found in the HTML")
    title = (doc.title or "").strip() or None
    return text, title


# ------------------------------------------------------------------------------ JSON


_JSON_KINDS = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def _parse_json(text: str, name: str) -> tuple[str, str | None, str | None]:
    """A JSON object with a ``text`` string and optional ``title``/``id``."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(record, dict):
        kind = _JSON_KINDS[type(record)]
        raise InputError(f'{name}: expected a JSON object with a "text" field, got {kind}')
    body = record.get("text")
    if not isinstance(body, str):
        raise InputError(f'{name}: the JSON object needs a "text" field holding a string')
    if not body.strip():
        raise InputError(f'{name}: the "text" field is empty')
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        raise InputError(f'{name}: the "title" field must be a string')
    record_id = record.get("id")
    if record_id is not None and (
        isinstance(record_id, bool) or not isinstance(record_id, str | int)
    ):
        raise InputError(f'{name}: the "id" field must be a string or an integer')
    title = title.strip() if title else None
    return body, title or None, None if record_id is None else str(record_id)
