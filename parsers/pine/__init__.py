"""Pine and Alpine: ``~/.pinerc``, or any pinerc named explicitly.

Every remote name (``{host/switches}mailbox``, and ``smtp-server`` entries)
on a server of the service is rewritten where it stands, with its nickname,
quotes and list layout kept; names of other servers are left byte for byte.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = (".pinerc", "pinerc", "*.pinerc")
__getattr__ = on_demand(__name__, "PineParser")
