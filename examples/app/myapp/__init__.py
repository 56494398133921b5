"""myapp: a small Flask application laid out for production.

Run it the way the image does:

    SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))') \
        gunicorn -w 3 -b 0.0.0.0:8000 --access-logfile - "myapp:create_app()"
"""
import logging
import os
import sys

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def configure_logging() -> None:
    """Send the app's own log records to stdout, where `docker logs` collects them.

    Gunicorn keeps its own loggers (gunicorn.error on stderr, gunicorn.access where
    --access-logfile says); this only configures the root logger that app.logger reports to.
    """
    logging.basicConfig(
        stream=sys.stdout,
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s",
    )


def create_app() -> Flask:
    """The application factory (gunicorn "myapp:create_app()")."""
    configure_logging()
    app = Flask(__name__)

    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key:
        # Never fall back to a default key: a known key lets anyone forge sessions.
        raise RuntimeError("SECRET_KEY is not set: give the container a long random SECRET_KEY")

    app.config.update(
        SECRET_KEY=secret_key,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PREFERRED_URL_SCHEME="https",
    )

    # Exactly one proxy (nginx, see deploy/nginx.conf) sits in front of Gunicorn: trust one hop of
    # X-Forwarded-For, -Proto and -Host so url_for(..., _external=True) yields https://example.com/...
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    from .views import bp

    app.register_blueprint(bp)
    app.logger.info("myapp ready (pid %d)", os.getpid())
    return app
