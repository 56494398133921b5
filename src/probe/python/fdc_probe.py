"""flask-deploy-check introspection probe, installed by the sitecustomize beside this file.

When flask.app is first imported, Flask.wsgi_app is wrapped: a GET of exactly
/__flask_deploy_check/<FDC_PROBE_TOKEN> is answered with JSON describing what the app sees, and
every other request goes to the original untouched. Patching the class before the app exists
puts the probe at the bottom of the app's middleware chain, so ProxyFix and friends have already
run when it looks at the request, as they have for the app's own views.

The answer never holds SECRET_KEY: only whether it is set, its length, and an HMAC-SHA256 of it
keyed with the per-run token, which the action compares with digests of the keys it knows.
"""
import os
import sys

TOKEN = os.environ.get("FDC_PROBE_TOKEN", "")
PREFIX = "/__flask_deploy_check/"
PROBE_PATH = (PREFIX + TOKEN).encode("latin-1")
# Attributes through which WSGI middleware usually holds the app it wraps.
NEXT_ATTRS = ("app", "wsgi_app", "application")
PROXY_FIX_ATTRS = (("xFor", "x_for"), ("xProto", "x_proto"), ("xHost", "x_host"),
                   ("xPort", "x_port"), ("xPrefix", "x_prefix"))


def install():
    """Patches Flask now if it is already imported, else as soon as flask.app is."""
    module = sys.modules.get("flask.app")
    if module is not None:
        _patch(module)
    else:
        sys.meta_path.insert(0, _FlaskFinder())


class _FlaskFinder:
    """Finds flask.app with the other finders and patches the module once it has executed.

    Lazy on purpose: importing Flask here would change the import order of every Python process
    in the container (gevent workers monkey-patch after fork, for instance).
    """

    def find_spec(self, name, path=None, target=None):
        if name != "flask.app":
            return None
        spec = None
        for finder in list(sys.meta_path):
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                break
        if spec is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            if module.__name__ == "flask.app":
                try:
                    _patch(module)
                except Exception as e:
                    sys.stderr.write("flask-deploy-check: probe not installed: %r\n" % (e,))

        try:
            # On the loader instance (one per module file): its class and behaviour stay as they are.
            spec.loader.exec_module = exec_and_patch
        except Exception:
            return spec
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        return spec


def _patch(module):
    flask_cls = module.Flask
    original = flask_cls.wsgi_app
    if getattr(original, "_fdc_probe", False):
        return

    def wsgi_app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX) and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            import hmac

            if hmac.compare_digest(path.encode("latin-1", "replace"), PROBE_PATH):
                return _answer(self, environ, start_response)
        return original(self, environ, start_response)

    import functools

    functools.update_wrapper(wsgi_app, original)
    wsgi_app._fdc_probe = True
    flask_cls.wsgi_app = wsgi_app


def _answer(app, environ, start_response):
    import json

    errors = []

    def attempt(field, fn, default=None):
        # One failing fact must not hide the others; only the exception's type is reported,
        # since its message could quote a config value.
        try:
            return fn()
        except Exception as e:
            errors.append("%s: %s" % (field, type(e).__name__))
            return default

    request = attempt("request", lambda: app.request_class(environ))
    facts = {"probe": 1}
    if request is not None:
        facts.update(
            scheme=attempt("scheme", lambda: request.scheme),
            host=attempt("host", lambda: request.host),
            urlRoot=attempt("urlRoot", lambda: request.url_root),
            externalUrl=attempt("externalUrl", lambda: _external_url(app, request)),
            remoteAddr=attempt("remoteAddr", lambda: request.remote_addr),
            isSecure=attempt("isSecure", lambda: request.is_secure),
        )
    config = app.config
    facts.update(
        forwarded=attempt("forwarded", lambda: _forwarded(environ), {}),
        serverScheme=attempt("serverScheme", lambda: _server_scheme(environ)),
        serverSoftware=attempt("serverSoftware", lambda: _server_software(environ)),
        debug=attempt("debug", lambda: bool(app.debug)),
        preferredUrlScheme=attempt("preferredUrlScheme", lambda: config.get("PREFERRED_URL_SCHEME")),
        sessionCookie=attempt("sessionCookie", lambda: {
            "name": str(config.get("SESSION_COOKIE_NAME") or "session"),
            "secure": bool(config.get("SESSION_COOKIE_SECURE")) or _talisman_secures(app),
            "httponly": bool(config.get("SESSION_COOKIE_HTTPONLY")),
            "samesite": config.get("SESSION_COOKIE_SAMESITE") or None,
        }),
        middleware=attempt("middleware", lambda: _middleware(app), []),
        staticFolder=attempt("staticFolder", lambda: app.static_folder),
        staticUrlPath=attempt("staticUrlPath", lambda: app.static_url_path),
        trailingSlashRules=attempt("trailingSlashRules", lambda: _trailing_slash_rules(app), []),
        maxContentLength=attempt("maxContentLength", lambda: _int_or_none(config.get("MAX_CONTENT_LENGTH"))),
        secretKey=attempt("secretKey", lambda: _secret_key(app.secret_key)),
        workerTimeout=attempt("workerTimeout", lambda: _config_module().worker_timeout()),
        autoRoutes=attempt("autoRoutes", lambda: _config_module().auto_routes(app)),
        pid=os.getpid(),
        errors=errors,
    )
    body = json.dumps(facts, default=str).encode("utf-8")
    start_response("200 OK", [
        ("Content-Type", "application/json"),
        ("Cache-Control", "no-store"),
        ("Content-Length", str(len(body))),
    ])
    return [body]


def _int_or_none(value):
    # MAX_CONTENT_LENGTH is bytes or None (no limit); anything else is reported as unknown.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _external_url(app, request):
    """What url_for(..., _external=True) gives in this request (the same adapter url_for uses)."""
    adapter = app.create_url_adapter(request)
    if "static" in app.view_functions and app.static_folder is not None:
        return adapter.build("static", {"filename": "fdc.txt"}, force_external=True)
    for rule in app.url_map.iter_rules():
        if not rule.arguments and "GET" in (rule.methods or ()) and not rule.build_only:
            return adapter.build(rule.endpoint, {}, method="GET", force_external=True)
    return request.url_root


def _talisman_secures(app):
    """Flask-Talisman sets SESSION_COOKIE_SECURE in a before_request hook, so a worker that has
    served no request yet still has it unset: report what the app's responses will carry."""
    if app.debug:
        return False
    for func in app.before_request_funcs.get(None, ()):
        owner = getattr(func, "__self__", None)
        if type(owner).__name__ == "Talisman" and getattr(owner, "session_cookie_secure", False):
            return True
    return False


def _forwarded(environ):
    out = {}
    for key, value in environ.items():
        if key.startswith("HTTP_X_FORWARDED_") or key == "HTTP_FORWARDED":
            out[key[5:].lower().replace("_", "-")] = value
    return out


def _server_scheme(environ):
    orig = environ.get("werkzeug.proxy_fix.orig")
    if isinstance(orig, dict) and "wsgi.url_scheme" in orig:
        return orig["wsgi.url_scheme"]
    return environ.get("wsgi.url_scheme")


def _server_software(environ):
    software = environ.get("SERVER_SOFTWARE")
    if not software and "uwsgi.version" in environ:
        version = environ["uwsgi.version"]
        software = "uWSGI/" + (version.decode() if isinstance(version, bytes) else str(version))
    return software or None


def _middleware(app):
    """app.wsgi_app from the outside in, down to Flask's own wsgi_app (or the first opaque layer)."""
    chain = []
    layer = app.wsgi_app
    for _ in range(20):
        func = getattr(layer, "__func__", None)
        if getattr(func, "_fdc_probe", False) or (func is not None and func.__name__ == "wsgi_app"
                                                  and isinstance(getattr(layer, "__self__", None), type(app))):
            chain.append({"name": "Flask.wsgi_app"})
            break
        entry = {"name": type(layer).__name__}
        if callable(layer) and type(layer).__name__ in ("function", "method"):
            entry["name"] = getattr(layer, "__qualname__", entry["name"])
        if type(layer).__name__ == "ProxyFix":
            for key, attr in PROXY_FIX_ATTRS:
                value = getattr(layer, attr, None)
                if isinstance(value, int):
                    entry[key] = value
        chain.append(entry)
        inner = None
        for attr in NEXT_ATTRS:
            candidate = getattr(layer, attr, None)
            if candidate is not None and candidate is not layer and callable(candidate):
                inner = candidate
                break
        if inner is None:
            break
        layer = inner
    return chain


def _trailing_slash_rules(app):
    """Rules like '/docs/' that Werkzeug redirects to from '/docs' with an absolute Location."""
    out = []
    for rule in app.url_map.iter_rules():
        if (not rule.arguments and rule.rule.endswith("/") and rule.rule != "/"
                and "GET" in (rule.methods or ()) and not rule.build_only
                and rule.strict_slashes is not False):
            out.append(rule.rule)
            if len(out) == 5:
                break
    return out


def _secret_key(key):
    import hashlib
    import hmac

    if not key:
        return {"set": False, "length": 0, "hmac": None}
    if isinstance(key, str):
        data = key.encode("utf-8", "surrogatepass")
    elif isinstance(key, (bytes, bytearray)):
        data = bytes(key)
    else:
        data = str(key).encode("utf-8", "surrogatepass")
    length = len(key) if isinstance(key, (str, bytes, bytearray)) else len(data)
    digest = hmac.new(TOKEN.encode("utf-8"), data, hashlib.sha256).hexdigest()
    return {"set": True, "length": length, "hmac": digest}



def _config_module():
    """fdc_probe_config.py beside this file, loaded as sitecustomize loads this one (by path)."""
    module = sys.modules.get("_flask_deploy_check_config")
    if module is None:
        import importlib.util

        here = os.path.dirname(os.path.realpath(__file__))
        spec = importlib.util.spec_from_file_location(
            "_flask_deploy_check_config", os.path.join(here, "fdc_probe_config.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[spec.name] = module
    return module
