"""GNOME Evolution, both generations.

3.6+: one setup per standalone mail account (``~/.config/evolution/sources/<uid>.source``,
with its identity and transport, and the filters that name its folders).
2.x – 3.4: one setup per GConf file holding the accounts (``apps/evolution/mail/%gconf.xml``,
or a merged ``%gconf-tree.xml``).

POP accounts become IMAP in place, keeping their UID, so the mail POP already
downloaded ("On This Computer") and everything keyed by the UID stay attached.
A running Evolution or source registry would overwrite the files: then the
account is left alone, with the reason.

Certificates: neither generation has a setting that stops Evolution checking
a mail server's certificate (``e-source-security.c``, the Camel settings and
URL parameters have none).  A certificate accepted by hand is stored for one
host and that exact certificate (``camel-cert.db``, ``camel_certs/``; 2.x: by
fingerprint) and is only consulted when the system's check fails, so no
account is ``certificate_unchecked``.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("*.source", "%gconf.xml", "%gconf-tree.xml")
__getattr__ = on_demand(__name__, "EvolutionParser")
