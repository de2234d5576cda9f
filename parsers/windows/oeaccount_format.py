"""Windows Mail and Windows Live Mail account files (``.oeaccount``): the files read, the parser imported when one is met."""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("*.oeaccount",)
__getattr__ = on_demand("parsers.windows", "OeAccountParser", "account_files")
