"""From the page's widgets to a validated configuration, and back: what each widget shows first.

The callbacks read settings with `settings.read` (Dash's ``ctx.inputs_list`` / ``states_list``);
each setting's kind puts its value into the raw configuration `validate.config` checks.
"""

from __future__ import annotations

from typing import Any

from . import settings, urlstate, validate


def gather(values: dict[str, Any]) -> dict:
    """The raw configuration dict `validate.config` reads, from `settings.read` values."""
    raw: dict[str, Any] = {}
    for f in settings.fields(values):
        f.kind.gather(f, values, raw)
    return raw


def config_of(names: tuple[str, ...], specs: list) -> tuple[validate.Config, validate.Messages]:
    """Validated configuration from the named settings (``specs``: ctx.inputs_list or states_list)."""
    return validate.config(gather(settings.read(names, specs)))


def run_config(
    names: tuple[str, ...], specs: list, last_query: object
) -> tuple[validate.Config, validate.Messages]:
    """As `config_of`, where a number box holding no number keeps the last good run's value
    (``last_query``: store-query, the canonical query of the run on screen)."""
    last = urlstate.from_query(last_query)[0] if isinstance(last_query, str) else {}
    msgs = validate.Messages()
    return validate.config(validate.keep_last_good(gather(settings.read(names, specs)), last, msgs), msgs)


# what each control shows before any link: the defaults of settings.FIELDS
# what each control shows before any link: the defaults of settings.FIELDS
DEFAULT_CONFIG = validate.config({})[0]
INITIAL = urlstate.widget_values(DEFAULT_CONFIG, None)
