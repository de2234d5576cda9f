"""Built-in client format plugins (found through the ``mailmigrate.parsers`` entry points).

Each package declares the files its format reads (``MAILMIGRATE_PATTERNS``)
and imports its parser, from its ``parser`` module, only when asked for it:
a run imports the parsers of the files it meets, and no other.
"""
from __future__ import annotations

import importlib
from typing import Any
from typing import Callable


def on_demand(package: str, parser_class: str) -> Callable[[str], Any]:
    """A package's ``__getattr__`` that imports its parser class from ``<package>.parser`` when first asked for."""

    def attribute(name: str) -> Any:
        if name == parser_class:
            return getattr(importlib.import_module(f"{package}.parser"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return attribute
