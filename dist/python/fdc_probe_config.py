"""flask-deploy-check probe, part two: how the app and its server are configured, read from
their own objects inside the worker: the worker timeout the running WSGI server uses, and the
url_map GET rules `routes: auto` requests. Loaded by fdc_probe.py on the first probe request.
"""
import os
import sys


def worker_timeout():
    """The worker timeout the running server uses, from its own configuration objects: Gunicorn's
    Config (command line, -c file and GUNICORN_CMD_ARGS, as Gunicorn merged them) and uWSGI's
    uwsgi.opt (command line and ini). None under another server."""
    if "gunicorn" in sys.modules:
        import gc

        from gunicorn.config import Config

        for obj in gc.get_objects():
            if isinstance(obj, Config):
                config = obj.settings["config"].value if "config" in obj.settings else None
                # Gunicorn reads ./gunicorn.conf.py by default only when it exists.
                given = isinstance(config, str) and os.path.isfile(config)
                return {"server": "gunicorn", "timeout": int(obj.timeout),
                        "configFile": config if given else None}
    uwsgi = sys.modules.get("uwsgi")
    if uwsgi is not None and hasattr(uwsgi, "opt"):
        value = uwsgi.opt.get("harakiri")
        if isinstance(value, list):
            value = value[-1]
        if isinstance(value, bytes):
            value = value.decode("ascii", "replace")
        return {"server": "uwsgi", "harakiri": int(value) if value not in (None, "") else None}
    return None


# A route whose path or endpoint names one of these is not requested: a GET there may log the
# session out or change data (Flask apps do put logout and delete links behind GET).
SIDE_EFFECT_WORDS = ("logout", "log-out", "log_out", "signout", "sign-out", "sign_out", "delete",
                     "remove", "destroy", "reset", "revoke", "unsubscribe", "deactivate", "purge",
                     "wipe", "shutdown", "disconnect", "cancel")
AUTO_ROUTES_MAX = 30


def auto_routes(app):
    """GET rules of app.url_map that need no argument (or have defaults for all), in the map's
    order with '/' first, up to 30; the ones passed over, each with its reason."""
    adapter = app.url_map.bind("localhost")
    found, skipped, more = [], [], 0
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule != "/")
    for rule in rules:
        if "GET" not in (rule.methods or ()) or rule.build_only:
            continue
        missing = set(rule.arguments) - set(rule.defaults or {})
        if missing:
            continue
        entry = {"rule": rule.rule, "endpoint": rule.endpoint}
        named = "%s %s" % (rule.rule.lower(), str(rule.endpoint).lower())
        word = next((w for w in SIDE_EFFECT_WORDS if w in named), None)
        if word is not None:
            skipped.append(dict(entry, reason="names %s (a GET there may have side effects)" % word))
            continue
        if rule.subdomain or getattr(rule, "host", None):
            skipped.append(dict(entry, reason="matches another host or subdomain"))
            continue
        if len(found) >= AUTO_ROUTES_MAX:
            more += 1
            continue
        path = adapter.build(rule.endpoint, dict(rule.defaults or {}), method="GET")
        if any(f["path"] == path for f in found):
            continue
        found.append(dict(entry, path=path))
    return {"found": found, "skipped": skipped, "more": more}
