"""Reading inputs (files, stdin; text, HTML, JSON) and writing outputs atomically."""

from summarize.io.readers import RawText, decode_bytes, read_text, write_atomic

__all__ = ["RawText", "decode_bytes", "read_text", "write_atomic"]
