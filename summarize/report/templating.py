"""The Jinja environment of the HTML report: templates and assets are package data.

Every ``{{ }}`` output goes through ``html.escape`` (the ``finalize`` hook) rather than
markupsafe's escape: both are safe, but they spell quotes differently (``&quot;`` and
``&#x27;`` against ``&#34;`` and ``&#39;``) and the report's bytes must not change with
the template engine. Values already marked safe (``Markup``: macro output, the text
body, assets) pass through. Filters that escape on their own (``join``, ``~``, ``format``
under autoescape) would use markupsafe's spelling, so the templates join in Python.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .common import signal_text, snippet

if TYPE_CHECKING:
    import jinja2


@cache
def environment() -> jinja2.Environment:
    """Built on first use, so that importing ``summarize.report`` does not load Jinja."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("summarize.report", "templates"),
        autoescape=True,
        finalize=_escape,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(fixed=fixed, snippet=snippet, differences=differences, signal=signal_text)
    env.globals.update(unit=unit, en=Markup(EN), own_lang=own_lang)
    return env


# The pages' own words are English whatever the article's language (the page's ``lang``):
# their elements say so (``{{ en }}``), for screen readers, hyphenation and translators.
EN = ' lang="en"'


def own_lang(lang: str | None) -> Any:
    """The article's language on its text inside an English element: its code, or
    ``lang=""`` (unknown) so that the text does not take the element's English."""
    from markupsafe import Markup

    return Markup(f' lang="{html.escape(lang or "")}"')


def asset(name: str) -> Any:
    """A stylesheet or script from ``templates/``, inlined as is (never a template)."""
    from markupsafe import Markup

    return Markup(resources.files(__package__).joinpath("templates", name).read_text("utf-8"))


def _escape(value: Any) -> Any:
    from markupsafe import Markup

    return value if isinstance(value, Markup) else Markup(html.escape(str(value)))


def fixed(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def differences(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items) or "—"


def unit(level: str, index: int | None) -> str:
    """How a reader finds an item: phrases are numbered by their paragraph."""
    return f"{'sentence' if level == 'sentence' else 'paragraph'} #{index}"
