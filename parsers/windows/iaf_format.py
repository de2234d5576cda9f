"""Outlook Express and Outlook account exports (``.iaf``): the files read, the parser imported when one is met."""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("*.iaf", "*.IAF")
__getattr__ = on_demand("parsers.windows", "IafParser", "account_files")
