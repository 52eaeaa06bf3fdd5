"""Turn one input (a file or stdin) into text, and write outputs safely.

Decoding never guesses silently at the cost of data: every codec is applied
strictly, so the text we return is exactly what the bytes say (up to the NFC
step for cp1258, explained in :func:`_decode_cp1258`). Anything we cannot read
faithfully is refused with an :class:`InputError` naming the file.
"""

from __future__ import annotations

import codecs
import html
import json
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import charset_normalizer

from summarize.errors import ConfigError, InputError
from summarize.errors import InputWarning as InputWarning  # where it used to live
from summarize.io.filetypes import HEAD_BYTES, by_extension, by_signature, refusal
from summarize.text.prepare import NUL, separate_nuls

Format = Literal["txt", "md", "html", "json"]

# Inputs larger than this are refused (``--max-bytes``, ``max_bytes=``): the
# longest real news articles are a few hundred kilobytes, so this leaves ample room
# while keeping a mistaken input (a database dump, /dev/zero) from eating memory.
DEFAULT_MAX_BYTES = 20_000_000

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


def read_text(
    source: str | Path,
    format: Format | None = None,
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    keep_nuls: bool = False,
) -> RawText:
    """Read, decode and extract one input; ``format`` overrides the extension.

    ``keep_nuls``: plain text keeps its NUL characters, for ``prepare`` to read as
    spaces (and say so) while the text itself stays as given: `dedup` writes it back,
    so that the cleaned text and the report give back the file. Markup and JSON always
    have them read as spaces here, before a parser could drop them.

    ``"-"`` reads bytes from stdin, whose format is sniffed (JSON object, HTML
    document, else plain text) because there is no extension to go by. Only
    regular files are read (a FIFO or a device such as ``/dev/zero`` is refused),
    and no more than ``max_bytes`` bytes (``None``: no limit) from a file or stdin.
    """
    src = str(source)
    stdin = src == STDIN
    name = _STDIN_NAME if stdin else _display_name(src)
    data = _read_stdin(max_bytes) if stdin else read_limited(Path(src), max_bytes)
    # A photo, an office document, a CSV table named on its own: what it is, in one line
    # (a folder's files of these kinds are skipped before reading: digest/inputs.py).
    named = None if stdin or format is not None else by_extension(src)
    if named is not None:
        raise InputError(refusal(name, named))
    signed = by_signature(data[:HEAD_BYTES])
    if signed is not None:
        raise InputError(refusal(name, signed, by_bytes=True))
    fmt = format or ("txt" if stdin else _format_from_suffix(src))
    if fmt == "html":
        text, encoding = _decode_html(data, name)
    else:
        text, encoding = decode_bytes(data, name=name)
    given = text
    text = separate_nuls(text, name) if not keep_nuls else text.replace(NUL, " ")
    if _is_blank(text):
        what = "input" if stdin else "file"
        raise InputError(f"{name}: {what} is empty" + (" (only whitespace)" if text else ""))
    if stdin and format is None:
        fmt = _sniff_format(text)
    elif format is None and fmt == "txt" and _sniff_format(text) == "html":
        fmt = "html"  # a saved web page named .txt: its markup is never the article's text
    if keep_nuls and fmt != "txt":
        text = separate_nuls(given, name)  # before any parser: markup or JSON would lose them
    elif keep_nuls:
        text = given  # prepare() reads them as spaces and says so
    if fmt == "html":
        body, title = _extract_html(text, name)
        return RawText(body, encoding, src, "html", title)
    if fmt == "json":
        body, title, record_id = _parse_json(text, name)
        return RawText(body, encoding, src, "json", title, record_id)
    if fmt == "md":
        body, title = _extract_markdown(text, name)
        return RawText(body, encoding, src, "md", title)
    return RawText(text, encoding, src, fmt)


def _is_blank(text: str) -> bool:
    """Nothing but whitespace and invisible format characters (BOMs, zero-width spaces)."""
    return not text.translate(_INVISIBLE).strip()


def _display_name(src: str) -> str:
    """The path as the user typed it, kept on one line for error messages."""
    return src.replace("\r", "\\r").replace("\n", "\\n")


def check_max_bytes(max_bytes: int | None) -> int | None:
    """``max_bytes`` as given, after checking it is a positive whole number (or None)."""
    if max_bytes is None:
        return None
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ConfigError(f"max_bytes must be a whole number, 1 or more (got {max_bytes!r})")
    return max_bytes


_NO_LIMIT = ("none", "off", "unlimited")


def parse_size(
    text: str,
    flag: str = "--max-bytes",
    *,
    examples: str = "20000000, 20MB, 500kB",
    zero: str | None = "no limit",
    unit: str = "byte",
) -> int | None:
    """A size option's value: ``20000000``, ``20MB``, ``512k``, ``1GiB``; ``0`` (or
    ``none``): None, when the option has a ``zero`` meaning. An option without one (the
    server's --max-body) refuses 0, and its hint never offers it. A size that is not 0
    but comes to less than one unit (``0.5``) is refused, never read as no limit."""
    zero_hint = f"; 0: {zero}" if zero else ""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)(i?b)?\s*", text.lower())
    if not match and text.strip().lower() not in _NO_LIMIT:
        raise ConfigError(f"{flag}: {text!r} is not a size (such as {examples}{zero_hint})")
    size = 0
    if match:
        number, scale, suffix = match.groups()
        base = 1024 if suffix == "ib" else 1000
        size = int(float(number) * base ** " kmg".index(scale or " "))
        if size == 0 and float(number) > 0:
            raise ConfigError(f"{flag}: {text!r} is less than one {unit}")
    if size:
        return size
    if zero is None:
        raise ConfigError(
            f"{flag} must be at least 1 {unit}, there is no unlimited setting (got {text!r})"
        )
    return None


def too_large(name: str, limit: int, size: int | None = None) -> InputError:
    """The one message for every input over the size limit."""
    what = f" ({size:,} bytes)" if size is not None else ""
    return InputError(
        f"{name}: larger than the {limit:,}-byte input limit{what}; "
        "raise it with --max-bytes (max_bytes= in Python) if this input is really text"
    )


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def read_limited(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> bytes:
    """All bytes of a regular file, refusing anything else and anything over ``max_bytes``.

    The file is opened without blocking, so a FIFO with no writer cannot hang the
    open, then checked with ``fstat`` on the open descriptor (no race with the path
    being swapped); a device such as ``/dev/zero`` is refused before one byte is read.
    """
    max_bytes = check_max_bytes(max_bytes)
    name = _display_name(str(path))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = _open(path, flags)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied, cannot read the file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    refusal = None
    if stat.S_ISDIR(info.st_mode):
        refusal = InputError(f"{name}: is a directory, not a file")
    elif not stat.S_ISREG(info.st_mode):
        refusal = InputError(
            f"{name}: is {file_kind(info.st_mode)}, not a regular file; "
            f"to read it anyway, send it to standard input: summarize - < {name}"
        )
    elif max_bytes is not None and info.st_size > max_bytes:
        refusal = too_large(name, max_bytes, info.st_size)
    if refusal is not None:
        os.close(fd)
        raise refusal
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(-1 if max_bytes is None else max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot read the file ({exc.strerror or exc})") from None
    if max_bytes is not None and len(data) > max_bytes:  # it grew while we read it
        raise too_large(name, max_bytes)
    return data


def _open(path: Path, flags: int) -> int:
    """``os.open`` (a seam for tests that simulate OS errors)."""
    return os.open(path, flags)


def _read_stdin(max_bytes: int | None = DEFAULT_MAX_BYTES) -> bytes:
    """Raw bytes from stdin, so the same decoding rules apply as for files.

    At most ``max_bytes`` are read: ``summarize - < /dev/zero`` stops with an error
    after that many bytes instead of filling the memory.
    """
    max_bytes = check_max_bytes(max_bytes)
    stream = sys.stdin
    if stream is None:
        raise InputError(f"{_STDIN_NAME}: no standard input is attached")
    buffer = getattr(stream, "buffer", None)
    want = -1 if max_bytes is None else max_bytes + 1
    try:
        if buffer is not None:
            data = _read_upto(buffer, want)
        else:  # already text (e.g. a StringIO)
            data = stream.read(want).encode("utf-8")
    except OSError as exc:
        raise InputError(f"{_STDIN_NAME}: cannot read ({exc.strerror or exc})") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise too_large(_STDIN_NAME, max_bytes)
    return data


def _read_upto(buffer, want: int) -> bytes:
    """Read until EOF or ``want`` bytes (a pipe returns short reads)."""
    if want < 0:
        return buffer.read()
    parts, got = [], 0
    while got < want:
        chunk = buffer.read(want - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


# At most one NUL per 100 bytes is a stray byte in a text (a bad copy, a database
# export); more than that is binary data.
_MAX_NUL_SHARE = 0.01


def _stray_nuls(data: bytes) -> bool:
    """A few stray NUL bytes in an otherwise valid UTF-8 or cp1258 text, not binary data.

    The NULs are kept through decoding; :func:`~summarize.text.prepare.separate_nuls`
    reads them as spaces, as it does for a text given to the Python API or over HTTP.
    UTF-16/32 text (NULs in every other byte) and binary data are not stray NULs.
    """
    if b"\x00" not in data or any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    if _sniff_utf16(data):
        return False
    if data.count(b"\x00") > max(1, _MAX_NUL_SHARE * len(data)):
        return False
    cleaned = data.replace(b"\x00", b"")
    try:
        text = cleaned.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_cp1258(cleaned)
    return bool(text) and len(_CONTROL.findall(text)) <= _MAX_CONTROL_RATIO * len(text)


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
    if b"\x00" in data and not _stray_nuls(data):
        raise _binary(name)
    try:
        return _checked(data.decode("utf-8"), "utf-8", name)
    except UnicodeDecodeError as exc:
        if _damaged_utf8(data):
            bad = data[exc.start]
            raise InputError(
                f"{name}: invalid UTF-8 at byte offset {exc.start} (byte 0x{bad:02x}); the "
                "rest is UTF-8, so the file is damaged or mixes encodings"
            ) from None
    text = _decode_cp1258(data)
    if text is not None:
        return _checked(text, "cp1258", name)
    return _checked(*_decode_other(data, name), name)


def _damaged_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes, rather than a legacy code page.

    Legacy Vietnamese (cp1258) and Western text almost never form valid multi-byte
    UTF-8 sequences, so when such sequences outnumber the bad ones at least four to
    one the file is UTF-8 that was damaged (cut mid-character, a byte of another
    encoding pasted in): decoding it as a code page would garble every letter, and
    saying where the bad byte is lets the user fix it. Counted in C by the decoder
    (constant extra memory per character, whatever the size).
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = len(text) - len(text.encode("ascii", "ignore")) - bad  # multi-byte characters
    return valid >= 4 and 0 < bad * 4 <= valid


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
        # A match stands for every code page that decodes these bytes the same way: cp1252
        # often hides behind cp1258 or cp1250 there (English with curly quotes, a dash).
        for encoding in dict.fromkeys([match.encoding, *match.could_be_from_charset]):
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
    best = next((c for c in tied if c[2] == "cp1252"), tied[0])
    if best[2].startswith(_RARE_CODE_PAGES):
        # On a short text a DOS or classic Mac OS code page can look a little less chaotic
        # ("5€" read as cp437 "5Ç", "café" as cp775 "cafķ"); those are rare today, so
        # cp1252 wins whenever it is nearly as plausible.
        best = next((c for c in candidates if c[2] == "cp1252" and c[0] <= chaos + 0.1), best)
    return best[3], best[2]


# DOS (cp437, cp775, cp850...) and classic Mac OS code pages.
_RARE_CODE_PAGES = ("cp4", "cp7", "cp8", "mac_")


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


# libxml2 (under lxml and trafilatura) stops building the tree this deep.
_LXML_MAX_DEPTH = 256


def _too_deep(html: str) -> bool:
    """True when libxml2 gave up on the page for nesting too deep (its resource limit)."""
    from lxml import etree

    parser = etree.HTMLParser()
    try:
        etree.fromstring(html, parser)
    except (etree.LxmlError, ValueError):
        pass
    return any("depth" in entry.message.lower() for entry in parser.error_log)


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
        if _too_deep(html):
            raise InputError(
                f"{name}: the HTML is nested deeper than the parser's limit of "
                f"{_LXML_MAX_DEPTH} elements, so no article text could be extracted"
            )
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


# The json module's messages, in words a user who never read the JSON grammar follows.
_JSON_PROBLEMS = (
    ("Expecting value", "a value is missing or is not JSON (is the line cut short, or is "
     "a string missing its double quotes?)"),
    ("Unterminated string", "a string is not closed (a missing \" or a cut line)"),
    ("Expecting ',' delimiter", "a comma is missing between two items"),
    ("Expecting ':' delimiter", "a colon is missing after a field name"),
    ("Expecting property name", "a field name must be in double quotes, and no comma may "
     "come before a closing }"),
    ("Extra data", "something follows the JSON value (two objects on one line?)"),
    ("Invalid control character", "a raw control character (a tab or a line break) sits "
     "inside a string; write it as \\t or \\n"),
    ("Invalid \\escape", "a backslash starts an escape JSON does not know (write \\\\ "
     "for a backslash)"),
)  # fmt: skip


def plain_json_error(exc: json.JSONDecodeError) -> str:
    """What is wrong at ``exc``'s position, in plain words."""
    return next((words for msg, words in _JSON_PROBLEMS if exc.msg.startswith(msg)), exc.msg)


def _parse_json(text: str, name: str) -> tuple[str, str | None, str | None]:
    """A JSON object with a ``text`` string and optional ``title``/``id``."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name}:{exc.lineno}: invalid JSON at column {exc.colno}: {plain_json_error(exc)}"
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
    title = decode_entities(title).strip() if title else None
    return decode_entities(body), title or None, None if record_id is None else str(record_id)


# A complete character reference: a name (``&amp;``, ``&nbsp;``) or a number (``&#233;``,
# ``&#xE9;``), always with its semicolon. Without one, html.unescape would also read
# HTML's legacy names ("Q&paragraph" -> "Q¶graph").
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """A JSON record's text with its HTML character references decoded, once.

    Scraped exports keep what the page's HTML had ("Hoắc Kiến Hoa&nbsp;bảnh bao",
    "Pel&#233;"): a ``.json`` file, a line of a ``.jsonl`` file (summarize/digest/inputs.py)
    and the page's upload all read a record through this one rule (one pass, an unknown
    name and a bare "&" kept). A ``.txt`` file is never decoded: it is the original text.
    """
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: html.unescape(m.group()), text)


# YAML front matter of static-site articles (Hugo, Jekyll): its ``title:`` is the title.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.M)


def _extract_markdown(text: str, name: str) -> tuple[str, str | None]:
    """The article text of a Markdown file (one paragraph per line, as from HTML) and
    its title: a leading heading, or the front matter's ``title:``.

    Read as plain text, Markdown's markup would be the article's words: ``**bold**``,
    ``[links](url)`` and list markers in the summary, the ``# `` heading no title, and
    each line of a wrapped paragraph a sentence of its own. Parsed (CommonMark, by
    markdown-it-py), a paragraph is its words joined, a list item or table row a
    paragraph, emphasis and links their text, an image (a caption) and code (not prose)
    nothing, a character reference or backslash escape its character.
    """
    from markdown_it import MarkdownIt

    title = None
    front = _FRONT_MATTER.match(text)
    if front:
        found = _FRONT_TITLE.search(front.group(1))
        title = found.group(1).strip("\"'").strip() if found else None
        text = text[front.end() :]
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    lines: list[str] = []
    row: list[str] | None = None
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            if any(row):
                lines.append(" | ".join(row))
            row = None
        elif token.type == "html_block":  # HTML a CMS left in the Markdown: its words
            lines.extend(line for line in _html_block_text(token.content) if line)
        elif token.type == "inline":
            words = _markdown_inline(token.children or [])
            if row is not None:
                row.append(" ".join(words.split()))
                continue
            opener = tokens[i - 1] if i else None
            heading = opener is not None and opener.type == "heading_open"
            if heading and words.strip() and title is None and not lines:
                title = " ".join(words.split())
                continue
            lines.extend(line for line in words.split("\n") if line.strip())
    body = "\n".join(" ".join(line.split()) for line in lines)
    if not body.strip():
        raise InputError(f"{name}: no text in this Markdown (only markup, images or code)")
    return body, title or None


_HIDDEN_HTML = re.compile(
    r"<(script|style|figcaption|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I
)
_HTML_BREAK = re.compile(r"</?(?:p|div|br|li|h[1-6]|tr|blockquote|section|article)\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"<[^>]*>")


def _html_block_text(block: str) -> list[str]:
    """The words of a raw HTML block inside Markdown, one line per HTML paragraph;
    scripts, styles, comments and figure captions left out."""
    block = _HTML_BREAK.sub("\n", _HIDDEN_HTML.sub(" ", block))
    text = html.unescape(_HTML_TAG.sub("", block))
    return [" ".join(line.split()) for line in text.split("\n")]


def _markdown_inline(children: list) -> str:  # markdown_it Tokens
    """An inline run's text as pieces: emphasis and link markup dropped, images (their
    alt text is a caption) and inline HTML left out; a hard break keeps its line break."""
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":  # a wrapped line: the paragraph goes on
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
    return "".join(out)


def extract_html(html: str, name: str = "html") -> tuple[str, str | None]:
    """The article text (one paragraph per line) and title of an HTML page given as a
    string: what a file read as HTML gets, for ``summarize(html=...)``."""
    if not isinstance(html, str):
        raise InputError(f"{name}: expected the HTML as a string, got {type(html).__name__}")
    if _is_blank(html):
        raise InputError(f"{name}: the HTML is empty")
    return _extract_html(separate_nuls(html, name), name)  # the parser would drop them
