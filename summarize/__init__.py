"""summarize: extractive summaries and near-duplicate removal for (Vietnamese) news.

>>> from summarize import summarize, deduplicate
>>> result = summarize(text, sentences=3)
>>> [s.text for s in result.sentences]

Heavy dependencies (torch, sentence-transformers) load on first use, not on import.
"""

from .api import Summary, SummarySentence, deduplicate, prepare, summarize
from .dedup.document import DedupResult, Removed, reconstruct
from .errors import InputError, ModelError, SummarizeError
from .types import Document, Paragraph, Sentence

__version__ = "0.1.0"

__all__ = [
    "DedupResult",
    "Document",
    "InputError",
    "ModelError",
    "Paragraph",
    "Removed",
    "Sentence",
    "Summary",
    "SummarizeError",
    "SummarySentence",
    "deduplicate",
    "prepare",
    "reconstruct",
    "summarize",
]
