"""summarize: extractive summaries and near-duplicate removal for (Vietnamese) news.

>>> from summarize import summarize, deduplicate
>>> result = summarize(text, sentences=3)
>>> [s.text for s in result.sentences]

Heavy dependencies (torch, sentence-transformers) load on first use, not on import.
"""

from .api import deduplicate, digest_records, summarize, summarize_many
from .config import SummaryConfig
from .dedup.document import DedupResult, Removed, reconstruct
from .errors import ConfigError, InputError, ModelError, SummarizeError
from .pipeline import Summarizer
from .results import Excluded, Reason, StorySentence, StorySummary, Summary, SummarySentence
from .text.prepare import prepare
from .types import Document, Paragraph, Sentence

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DedupResult",
    "Document",
    "Excluded",
    "InputError",
    "ModelError",
    "Paragraph",
    "Reason",
    "Removed",
    "Sentence",
    "StorySentence",
    "StorySummary",
    "Summarizer",
    "Summary",
    "SummaryConfig",
    "SummarizeError",
    "SummarySentence",
    "deduplicate",
    "digest_records",
    "prepare",
    "reconstruct",
    "summarize",
    "summarize_many",
]
