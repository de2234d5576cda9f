from __future__ import annotations

from parsers.thunderbird.pref_indexes import NumberIndex
from parsers.thunderbird.pref_indexes import UriIndex


def test_the_first_unused_number_skips_taken_ones_and_finds_freed_ones() -> None:
    names = ["mail.identity.id1.useremail", "mail.identity.id2.fullName", "mail.identity.id4.valid"]
    numbers = NumberIndex(lambda prefix: [name for name in names if name.startswith(prefix)])
    assert numbers.first_unused("mail.identity.id") == "id3"
    numbers.add("mail.identity.id3.valid")
    assert numbers.first_unused("mail.identity.id") == "id5"
    assert numbers.first_unused("mail.identity.id", 2) == "id5"
    numbers.remove("mail.identity.id3.valid")
    assert numbers.first_unused("mail.identity.id") == "id3"


def test_folder_uris_are_found_by_their_server() -> None:
    uris = UriIndex()
    uris.add("a", "imap://jo%40lboro.ac.uk@Imap.lboro.ac.uk/INBOX/Sent")
    uris.add("b", "imap://jo%40lboro.ac.uk@imap.lboro.ac.uk")
    uris.add("c", 3)
    uris.add("d", "not a uri")
    server = ("imap", "jo@lboro.ac.uk", "imap.lboro.ac.uk")
    assert uris.on(server) == ["a", "b"]
    uris.discard("a", "imap://jo%40lboro.ac.uk@imap.lboro.ac.uk/INBOX/Sent")
    assert uris.on(server) == ["b"]
