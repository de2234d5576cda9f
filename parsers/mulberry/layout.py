"""Where Mulberry puts each value of an account, by its own writer (``GetInfo``) and reader (``SetInfo``).

Every account (``CINETAccount``) starts with *common*: name, type, server
(``host[:port]``), log in at start, ``((authenticator))``, ``(cwd)``, TLS, client
certificate use and name, future items.  An authenticator (``CAuthenticator``)
is a descriptor and that kind's items: user, password, save user, save password
for ``Plain Text`` and the password-like plug-ins; default principal, server
principal, default user, user for Kerberos; nothing for ``None``.
"""
NAME, TYPE, SERVER, LOGON, AUTH, CWD, TLS = range(7)
#: Descriptors whose authenticator holds a user and a password (``CAuthenticatorUserPswd``).
USER_PASSWORD = frozenset({"Plain Text", "SSL Client Certificate", "CRAM-MD5", "DIGEST-MD5"})
#: Descriptors of Kerberos authenticators (``CAuthenticatorKerberos``).
KERBEROS = frozenset({"GSSAPI", "Kerberos V4"})
#: Within an authenticator's list: a user-and-password one's user, password, save password.
UID, PASSWORD, SAVE_PASSWORD = 1, 2, 4
#: Within a Kerberos one's list: use the default user, the user.
DEFAULT_UID, KERBEROS_UID = 3, 4
