"""`SummaryConfig`, the one validation site, speaks to whoever called it.

A Python caller wrote ``summarize(text, sentences=0)``: the message names ``sentences``,
never a flag it did not type (``--sentences``). The command line turns the same message
into its flags (tests/test_cli.py checks those), and the HTTP API says its field names,
which are the Python ones (tests/test_serve.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize import deduplicate, summarize
from summarize.config import SummaryConfig
from summarize.errors import BudgetError, ConfigError

HUE = (Path(__file__).resolve().parent.parent / "samples" / "thua-thien-hue.txt").read_text()


@pytest.mark.parametrize(
    "settings, message",
    [({"sentences": 0}, "sentences must be at least 1 (got 0)"),
     ({"sentences": 2.5}, "sentences must be a whole number (got 2.5)"),
     ({"words": 0}, "words must be at least 1 (got 0)"),
     ({"ratio": 1.5}, "ratio must be in (0, 1] (got 1.5)"),
     ({"sentences": 2, "ratio": 0.5}, "give only one budget: sentences, ratio or words"),
     ({"threshold": 2}, "threshold must be in (0, 1] (got 2)"),
     ({"query": "  "}, "query must be a non-empty text (got '  ')"),
     ({"embed_scope": "some"}, "embed_scope must be one of screened, all (got 'some')"),
     ({"keep": "last"}, "keep must be one of first, longest, fuller (got 'last')")],
)  # fmt: skip
def test_messages_name_the_python_parameters(settings, message) -> None:
    with pytest.raises(ConfigError) as caught:
        SummaryConfig(**settings)
    assert str(caught.value) == message
    assert "--" not in str(caught.value)


def test_the_api_functions_say_the_parameter_the_caller_wrote(fake_encoder) -> None:
    with pytest.raises(BudgetError, match=r"^sentences must be at least 1 \(got 0\)$"):
        summarize(HUE, sentences=0, model=fake_encoder)
    with pytest.raises(ConfigError, match=r"^threshold must be in \(0, 1\] \(got 2\)$"):
        deduplicate(HUE, threshold=2, model=fake_encoder)
    with pytest.raises(ConfigError, match=r"^embed_scope must be one of"):
        summarize(HUE, embed_scope="every", model=fake_encoder)
