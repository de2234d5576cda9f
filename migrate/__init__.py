"""mailmigrate: move legacy mail client setups to a university's new staff mail service.

The public API is imported on first use, so that ``mailmigrate --version`` and
worker processes start quickly.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
_API = {
    "Account": "migrate.model", "Change": "migrate.model", "Endpoint": "migrate.model", "Folder": "migrate.model",
    "Note": "migrate.model", "Document": "migrate.document", "Edit": "migrate.document", "Token": "migrate.document",
    "MigrateError": "migrate.errors", "ParseError": "migrate.errors", "PolicyError": "migrate.errors",
    "Parser": "migrate.plugins", "Policy": "migrate.policy", "load_policy": "migrate.policy",
    "plan_data": "migrate.engine", "plan_setup": "migrate.engine",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'migrate' has no attribute {name!r}")
