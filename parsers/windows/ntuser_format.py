"""Roaming profiles' registry hives (``NTUSER.DAT``): the files read, the parser imported when one is met."""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("NTUSER.DAT", "ntuser.dat")
__getattr__ = on_demand("parsers.windows", "NtuserParser", "ntuser")
