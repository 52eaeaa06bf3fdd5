from summarize.io.readers import DEFAULT_MAX_BYTES, RawText, decode_bytes, read_text
from summarize.io.writers import atomic_output, check_outputs, write_all_atomic, write_atomic

__all__ = [
    "DEFAULT_MAX_BYTES",
    "RawText",
    "atomic_output",
    "check_outputs",
    "decode_bytes",
    "read_text",
    "write_all_atomic",
    "write_atomic",
]
