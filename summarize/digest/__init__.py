"""Bulk digests: many articles in; summaries, story clusters and learned chrome out.

>>> from summarize.digest import digest, Output, DigestOptions
>>> result = digest(["articles.jsonl"], [Output(Path("digest.jsonl"), "jsonl")])
"""

from .batch_boilerplate import LearnConfig, LearnedBoilerplate, LearnedLine
from .clusters import ClusterConfig
from .inputs import Fields
from .runner import EXIT_RECORDS_FAILED, DigestOptions, DigestResult, Output, Progress, digest
from .stories import Story

__all__ = [
    "EXIT_RECORDS_FAILED",
    "ClusterConfig",
    "DigestOptions",
    "DigestResult",
    "Fields",
    "LearnConfig",
    "LearnedBoilerplate",
    "LearnedLine",
    "Output",
    "Progress",
    "Story",
    "digest",
]
