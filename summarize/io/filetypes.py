"""Files that are not text, known by their extension or their first bytes.

A newsroom folder holds photos, office documents, spreadsheets and archives next to its
articles. Read as text, each was a failed record ("looks like a binary file") and the
run exited 3 as if something had gone wrong; a CSV table was read as a list of
headings. A folder's files of these kinds are skipped instead, said once
(:mod:`summarize.digest.inputs`), and a file of such a kind named on its own is refused
in one line that says what it is (:func:`summarize.io.readers.read_text`).

The extension decides first (no file is opened to skip a ``.jpg``); a file whose
extension says nothing (none, or one no reader knows) is told by its first bytes, the
signatures the formats themselves define. A ``.txt`` that is really a JPEG is refused
when it is read, by the same signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Extensions the readers take as text (io/readers.py, digest/inputs.py): never sniffed.
TEXT_EXTENSIONS = frozenset(
    {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".json", ".jsonl",
     ".ndjson"}
)  # fmt: skip


@dataclass(frozen=True)
class NonText:
    """What a file is: ``what`` names this file ("a JPEG image"), ``group`` its kind in
    a count ("image": "3 images")."""

    what: str
    group: str


def _kinds(group: str, what: str, extensions: str) -> dict[str, NonText]:
    return {f".{ext}": NonText(what.format(ext=ext.upper()), group) for ext in extensions.split()}


_BY_EXTENSION: dict[str, NonText] = {
    **_kinds("image", "a JPEG image", "jpg jpeg jpe jfif"),
    **_kinds(
        "image",
        "an image ({ext})",
        "png gif webp bmp tif tiff heic heif avif svg ico psd raw cr2 nef arw dng",
    ),
    **_kinds(
        "audio/video file",
        "an audio file ({ext})",
        "mp3 wav ogg oga opus flac m4a aac wma amr mid midi aiff",
    ),
    **_kinds(
        "audio/video file",
        "a video ({ext})",
        "mp4 m4v mov avi mkv webm wmv flv mpg mpeg 3gp",
    ),
    **_kinds("office document", "a Word document", "doc docx docm dot dotx"),
    **_kinds("office document", "a PowerPoint presentation", "ppt pptx pps ppsx"),
    **_kinds("office document", "an office document ({ext})", "odt odp rtf pages key wpd"),
    **_kinds("data table", "an Excel spreadsheet", "xls xlsx xlsm"),
    **_kinds("data table", "a spreadsheet ({ext})", "ods numbers"),
    **_kinds("data table", "a CSV table", "csv"),
    **_kinds("data table", "a TSV table", "tsv"),
    **_kinds("PDF document", "a PDF document", "pdf"),
    **_kinds("e-book", "an e-book ({ext})", "epub mobi azw azw3"),
    **_kinds(
        "archive",
        "an archive ({ext})",
        "zip rar 7z tar gz tgz bz2 tbz2 xz txz zst lz iso dmg",
    ),
    **_kinds(
        "program file",
        "a program or library ({ext})",
        "exe dll so dylib class jar pyc wasm apk deb rpm msi",
    ),
    **_kinds("font", "a font ({ext})", "ttf otf woff woff2 eot"),
    **_kinds("database", "a database ({ext})", "sqlite sqlite3 db mdb accdb"),
}

# (offset, signature, what it is): the formats' own magic numbers.
_SIGNATURES: tuple[tuple[int, bytes, NonText], ...] = (
    (0, b"\xff\xd8\xff", NonText("a JPEG image", "image")),
    (0, b"\x89PNG\r\n\x1a\n", NonText("a PNG image", "image")),
    (0, b"GIF87a", NonText("a GIF image", "image")),
    (0, b"GIF89a", NonText("a GIF image", "image")),
    (0, b"II*\x00", NonText("a TIFF image", "image")),
    (0, b"MM\x00*", NonText("a TIFF image", "image")),
    (0, b"%PDF-", NonText("a PDF document", "PDF document")),
    (0, b"PK\x03\x04", NonText("a ZIP archive or office document", "archive")),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", NonText("an old Office document", "office document")),
    (0, b"Rar!\x1a\x07", NonText("a RAR archive", "archive")),
    (0, b"7z\xbc\xaf\x27\x1c", NonText("a 7-Zip archive", "archive")),
    (0, b"\x1f\x8b", NonText("a gzip archive", "archive")),
    (0, b"\xfd7zXZ\x00", NonText("an xz archive", "archive")),
    (0, b"\x28\xb5\x2f\xfd", NonText("a zstd archive", "archive")),
    (257, b"ustar", NonText("a tar archive", "archive")),
    (0, b"ID3", NonText("an MP3 audio file", "audio/video file")),
    (0, b"OggS", NonText("an Ogg audio or video file", "audio/video file")),
    (0, b"fLaC", NonText("a FLAC audio file", "audio/video file")),
    (0, b"\x1a\x45\xdf\xa3", NonText("a Matroska/WebM video", "audio/video file")),
    (4, b"ftyp", NonText("an MP4/QuickTime video or image", "audio/video file")),
    (0, b"\x7fELF", NonText("a program or library (ELF)", "program file")),
    (0, b"SQLite format 3\x00", NonText("an SQLite database", "database")),
    (0, b"wOFF", NonText("a font (WOFF)", "font")),
    (0, b"wOF2", NonText("a font (WOFF2)", "font")),
)
_RIFF = {
    b"WEBP": NonText("a WebP image", "image"),
    b"WAVE": NonText("a WAV audio file", "audio/video file"),
    b"AVI ": NonText("an AVI video", "audio/video file"),
}
HEAD_BYTES = 262  # enough for every signature above (tar's sits at 257)


def by_extension(path: str | Path) -> NonText | None:
    """What a file is by its extension alone, when that is a kind that is not text."""
    return _BY_EXTENSION.get(Path(path).suffix.lower())


def by_signature(head: bytes) -> NonText | None:
    """What bytes are by their format's signature (``head``: a file's first bytes).

    Only bytes that cannot be text have a signature: an article that happens to open
    with "ID3" or "OggS" is still an article."""
    if not _binary(head):
        return None
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    for offset, magic, kind in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return kind
    return None


_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}  # C0 controls but tab, newlines, form feed


def _binary(head: bytes) -> bool:
    """Bytes no text has: a NUL or another C0 control, or no UTF-8 (a cut last character
    aside)."""
    if any(b in _CONTROL for b in head):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(head) - 3  # not a multi-byte character cut at the end
    return False


def of_file(path: str | Path, head: bytes | None = None) -> NonText | None:
    """What a file is if it is not text: by its extension, else (an extension that says
    nothing) by ``head``, its first bytes, read here when not given. None: text, or not
    known; reading it will tell."""
    kind = by_extension(path)
    if kind is not None or Path(path).suffix.lower() in TEXT_EXTENSIONS:
        return kind
    if head is None:
        try:
            with open(path, "rb") as handle:
                head = handle.read(HEAD_BYTES)
        except OSError:
            return None  # unreadable: reading it reports why
    return by_signature(head)


def refusal(name: str, kind: NonText, *, by_bytes: bool = False) -> str:
    """The one line for a file of such a kind named on its own (or sent to stdin):
    by its bytes, the binary-file message readers always gave, saying what it is."""
    if by_bytes:
        return f"{name}: looks like a binary file, not text ({kind.what})"
    return f"{name}: {kind.what}, not an article; summarize reads text, Markdown, HTML and JSON"
