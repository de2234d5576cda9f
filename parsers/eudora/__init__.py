"""Eudora: ``Eudora.ini`` of Eudora for Windows 4.x–7.1 (its name in any case, in any folder: the data
folder, ``Application Data\\Qualcomm\\Eudora\\`` or beside ``Eudora.exe``), and ``Eudora Settings`` of
Eudora for Mac, reported and left alone (its settings are in the file's resource fork).

Every personality of the service (the dominant one in ``[Settings]``, each
alternate ``[Persona-*]`` that ``[Personalities]`` lists) becomes IMAP over
TLS with the suffixed login, sending authenticated over TLS, in place; the
others keep every value.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("[Ee][Uu][Dd][Oo][Rr][Aa].[Ii][Nn][Ii]", "Eudora Settings")
__getattr__ = on_demand(__name__, "EudoraParser")
