"""offlineimap: ``~/.offlineimaprc``, ``$XDG_CONFIG_HOME/offlineimap/config``.

Each ``[Repository NAME]`` of ``type = IMAP`` on the service is an account: ``remotehost``,
``remoteport``, ``ssl`` (written out: its default changed from no to yes in 7.0), a CA for
the certificate check, ``remoteuser``, ``auth_mechanisms``, ``subscribedonly``, and a
``reference`` under INBOX cleared.  ``folderfilter``, ``nametrans``, ``folderincludes`` and
the other options that are Python code are never edited: the plan names each one that
mentions the old INBOX prefix or separator, with its line.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = (".offlineimaprc", "*.offlineimaprc", "offlineimap/config")
__getattr__ = on_demand(__name__, "OfflineimapParser")
