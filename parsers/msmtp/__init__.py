"""msmtp (``~/.msmtprc``, ``$XDG_CONFIG_HOME/msmtp/config``) and mpop (``~/.mpoprc``, ``$XDG_CONFIG_HOME/mpop/config``).

The two programs by the same author read one grammar (``lexer``, ``config``):
``defaults``, ``account NAME [: PARENT, ...]`` copying other accounts, one
command a line, no inline comments.  Each ``account`` section is one account,
its values as the program reads them.  msmtp accounts send: host, port, TLS
(``tls``, ``tls_starttls``), ``auth`` and ``user`` are rewritten where the
program takes them from (``rewrite``), never where another provider's account
reads them too.  mpop reads only POP, which the service has switched off: its
accounts of the service are reported, and commented out only when the policy
says so (``[incoming] pop_only = disable``).  Both programs read their file at
each run, so there is no running client to wait for.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = (".msmtprc", "msmtprc", "*.msmtprc", "msmtp/config")
__getattr__ = on_demand(__name__, "MsmtpParser")
