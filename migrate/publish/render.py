"""The template engine: Jinja2 over the templates shipped in this package, escaping every value."""
from __future__ import annotations

import functools

import jinja2


@functools.lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("migrate.publish", "templates"),
        autoescape=True,  # HTML and XML alike: a value never becomes markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **values: object) -> str:
    return environment().get_template(template).render(**values)
