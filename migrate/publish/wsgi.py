"""The responder for a WSGI server behind the site's web server, e.g.

    gunicorn --bind 127.0.0.1:8080 migrate.publish.wsgi:application
    uwsgi --http-socket 127.0.0.1:8080 --module migrate.publish.wsgi:application

configured by the environment: ``MAILMIGRATE_POLICY`` (a policy file; default the built-in one)
and ``MAILMIGRATE_LOGINS`` (an ``address,login`` CSV).  It answers what ``publish --serve`` answers.
"""
from __future__ import annotations

import os
from pathlib import Path

from migrate.policy import load_policy
from migrate.policy import policy_text
from migrate.publish.logins import load_logins
from migrate.publish.server import Responder
from migrate.publish.service import describe
from migrate.publish.site import build_site


def create() -> Responder:
    path = os.environ.get("MAILMIGRATE_POLICY") or None
    logins = os.environ.get("MAILMIGRATE_LOGINS")
    policy = load_policy(path)
    files = build_site(policy, policy_text(path) if path else None)
    return Responder(describe(policy), files, load_logins(Path(logins)) if logins else {})


application = create()
