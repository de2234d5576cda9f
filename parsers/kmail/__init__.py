"""KMail, both generations.

KMail 1.x (KDE 3, Trinity, KDE 4.0 to 4.5): one setup per ``kmailrc``
(``$KDEHOME/share/config``), its POP, IMAP and disconnected IMAP accounts and SMTP transports,
with the folder ids in ``emailidentities`` beside it.  A POP account becomes IMAP in place.

KMail 2 (KDE 4.6+, KDE Frameworks 5 and 6): each Akonadi resource file is a setup
(``akonadi_imap_resource_<n>rc``, ``akonadi_pop3_resource_<n>rc``), and so are the SMTP
transports of ``mailtransports``.  An IMAP resource is migrated in place; a POP3 resource is
replaced by an IMAP account that Akonadi creates itself from a first-run file.

Every file is KConfig (``kconfig``), edited line by line: KDE's own writer would drop the
comments and sort the groups.  While KMail or Akonadi runs, they hold these settings in memory
and write them back: the setup is then left alone, with the reason (``running``).
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("kmailrc", "akonadi_imap_resource_*rc", "akonadi_pop3_resource_*rc", "mailtransports")
__getattr__ = on_demand(__name__, "KMailParser")
