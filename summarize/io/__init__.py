from summarize.io.readers import RawText, decode_bytes, read_text
from summarize.io.writers import atomic_output, write_atomic

__all__ = ["RawText", "atomic_output", "decode_bytes", "read_text", "write_atomic"]
