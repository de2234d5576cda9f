"""Claws Mail and Sylpheed: one setup per configuration folder, found by its ``accountrc``.

``~/.claws-mail`` (Claws Mail; also ``~/.sylpheed-claws`` and ``~/.sylpheed-gtk2``
of its Sylpheed-Claws days, or any folder given with ``--alternate-config-dir``),
``~/.sylpheed-2.0`` (Sylpheed 2.x and 3.x, or ``--configdir``) and ``~/.sylpheed``
(Sylpheed 1.x).  Current Claws has no XDG location: it still reads
``~/.claws-mail`` (``CFG_RC_DIR`` in ``configure.ac``).

POP accounts become IMAP in place: the mail they downloaded is in the shared
local Mailbox, which stays.  A running instance would write its own copy back
on exit: then the folder is left alone, with the reason.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("accountrc",)
__getattr__ = on_demand(__name__, "ClawsParser")
