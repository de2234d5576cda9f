"""Run by the system's python3: offlineimap3's own code reads a configuration and reports its remote repositories.

Usage: python3 offlineimap-oracle.py CONFIG FOLDER...  (HOME is a scratch folder: offlineimap makes its
metadata folders there).  For every [Account NAME] it builds the remote repository the way offlineimap
does (Repository(account, 'remote'), which also sets up its IMAPServer without connecting) and prints,
as JSON, what offlineimap will use: host, port, SSL, STARTTLS, user, authentication mechanisms, CA file,
fingerprints, reference, subscribedonly, the password (its SHA-256 only), and what its
folderfilter and nametrans make of each FOLDER.
"""
import hashlib
import json
import sys

sys.path.insert(0, "/usr/share/offlineimap3")

from offlineimap.CustomConfig import CustomConfigParser  # noqa: E402
from offlineimap.repository import Repository  # noqa: E402
from offlineimap.ui import setglobalui  # noqa: E402


class QuietUI:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Account:
    """What a repository asks of its account."""

    def __init__(self, config, name):
        self.config, self.name = config, name

    def getconfig(self):
        return self.config

    def getlocaleval(self):
        return self.config.getlocaleval()

    def getname(self):
        return self.name

    def getconf(self, option, default=None):
        return self.config.getdefault("Account " + self.name, option, default)


def _digest(password):
    """Whether two readings found the same password, never the password itself."""
    return None if password is None else hashlib.sha256(password.encode()).hexdigest()


def report(repository, folders):
    server = repository.imapserver
    return {
        "type": type(repository).__name__, "host": repository.gethost(), "port": server.port,
        "ssl": server.usessl, "starttls": server.starttls, "user": repository.getuser(),
        "auth_mechanisms": repository.get_auth_mechanisms(), "sslcacertfile": server.sslcacertfile,
        "fingerprints": server.fingerprint, "ssl_version": server.sslversion, "reference": server.reference,
        "subscribedonly": repository.getconfboolean("subscribedonly", False),
        "password": _digest(repository.getconf("remotepass", None)),
        "folderfilter": {name: bool(repository.folderfilter(name)) for name in folders},
        "nametrans": {name: repository.nametrans(name) for name in folders},
        "tunnel": server.preauth_tunnel or server.transport_tunnel,
    }


def main():
    setglobalui(QuietUI())
    config = CustomConfigParser()
    config.read([sys.argv[1]])
    out = {}
    for name in config.getsectionlist("Account"):
        out[name] = report(Repository(Account(config, name), "remote"), sys.argv[2:])
    print(json.dumps(out))


main()
