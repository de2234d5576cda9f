"""mpop's files (``~/.mpoprc``, ``$XDG_CONFIG_HOME/mpop/config``): the files read, the parser imported when one is met."""
from parsers import on_demand

MAILMIGRATE_PATTERNS = (".mpoprc", "mpoprc", "*.mpoprc", "mpop/config")
__getattr__ = on_demand("parsers.msmtp", "MpopParser")
