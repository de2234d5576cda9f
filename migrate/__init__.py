"""mailmigrate: move legacy mail client setups to a university's new staff mail service."""
from __future__ import annotations

from migrate.document import Document
from migrate.document import Edit
from migrate.document import Token
from migrate.errors import MigrateError
from migrate.errors import ParseError
from migrate.errors import PolicyError
from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Folder
from migrate.model import Note
from migrate.plugins import Parser
from migrate.policy import Policy
from migrate.policy import load_policy

__version__ = "0.1.0"
__all__ = [
    "Account", "Change", "Document", "Edit", "Endpoint", "Folder", "MigrateError", "Note",
    "ParseError", "Parser", "Policy", "PolicyError", "Token", "load_policy",
]
