"""The setup pages: one per mail program the service's users run, in the order the index lists them."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class ClientPage:
    slug: str  #: the page is ``<slug>.html``, its template ``clients/<slug>.html``
    title: str
    platforms: tuple[str, ...]  #: the index lists the page under each
    migrated: bool  #: mailmigrate rewrites this program's own settings


PLATFORMS = ("Windows", "Mac", "Linux and Unix", "Phones and tablets", "Anything else")

CLIENTS = (
    ClientPage("outlook-2003", "Microsoft Outlook 2003", ("Windows",), True),
    ClientPage("outlook-2007", "Microsoft Outlook 2007", ("Windows",), True),
    ClientPage("outlook-express", "Outlook Express", ("Windows",), True),
    ClientPage("thunderbird", "Mozilla Thunderbird", ("Windows", "Mac", "Linux and Unix"), True),
    ClientPage("eudora", "Eudora", ("Windows", "Mac"), True),
    ClientPage("apple-mail", "Apple Mail", ("Mac",), True),
    ClientPage("ical", "Apple iCal", ("Mac",), False),
    ClientPage("entourage", "Microsoft Entourage", ("Mac",), False),
    ClientPage("evolution", "Evolution", ("Linux and Unix",), True),
    ClientPage("mutt", "mutt and NeoMutt", ("Linux and Unix",), True),
    ClientPage("pine", "Pine and Alpine", ("Linux and Unix",), True),
    ClientPage("fetchmail", "fetchmail", ("Linux and Unix",), True),
    ClientPage("iphone", "iPhone and iPad", ("Phones and tablets",), False),
    ClientPage("nokia", "Nokia Series 60 and Series 90", ("Phones and tablets",), False),
    ClientPage("profimail", "ProfiMail", ("Phones and tablets",), False),
    ClientPage("other", "Any other mail program", ("Anything else",), False),
)
