"""Records session cookies set by real Flask (app.test_client()), for __tests__/data/cookies.json.

Run from the repository root:
  docker run --rm --network none -v "$PWD/__tests__/data:/w:ro" flask-deploy-check/python:bookworm \
    python3 /w/make_cookies.py > __tests__/data/cookies.json && npx prettier --write __tests__/data/cookies.json
"""
import json
import sys

import flask
import itsdangerous
import werkzeug
from flask import Flask, session

CASES = [
    # (name, SECRET_KEY, session data)
    ("small", "dev", {"user_id": 42}),
    ("tutorial-key", "you-will-never-guess", {"user": "alice", "csrf_token": "x" * 20}),
    ("random-hex-key", "c1b2f3e4d5a697887766554433221100ffeeddccbbaa99887766554433221100", {"cart": [1, 2, 3]}),
    ("unicode-key", "clé-secrète-ü", {"lang": "fr"}),
    ("compressed", "s3cr3t-production-key-0123456789abcdef", {"history": ["/page/%d" % (i % 7) for i in range(40)]}),
    ("compressed-weak-key", "changeme", {"note": "a" * 120}),
    ("tagged-types", "super secret key", {"b": b"bytes", "t": (1, 2), "m": flask.Markup("<b>hi</b>")}),
    # The example key of Flask's quickstart, a bytes key that is not valid UTF-8.
    ("bytes-key-flask-docs", b'_5#y2L"F4Q8z\n\xec]/', {"user_id": 7}),
]


def cookie_for(key, data):
    app = Flask(__name__)
    app.secret_key = key

    payloads = []

    @app.route("/set")
    def set_session():
        session.update(data)
        # Serialized inside the request, as save_session does (Flask's JSON provider sorts keys there).
        payloads.append(app.session_interface.serializer.dumps(dict(session)))
        return "ok"

    with app.test_client() as client:
        resp = client.get("/set")
        header = resp.headers["Set-Cookie"]
    value = header.split(";", 1)[0].split("=", 1)[1]
    return header, value, payloads[0]


out = {
    "producedBy": "__tests__/data/make_cookies.py run by python3 in flask-deploy-check/python:bookworm (see its docstring)",
    "versions": {
        "python": sys.version.split()[0],
        "flask": flask.__version__,
        "werkzeug": werkzeug.__version__,
        "itsdangerous": getattr(itsdangerous, "__version__", "unknown"),
    },
    "cookies": [],
}
for name, key, data in CASES:
    header, value, payload = cookie_for(key, data)
    entry = {"name": name}
    # JSON cannot hold arbitrary bytes: bytes keys are stored as hex.
    entry.update({"keyHex": key.hex()} if isinstance(key, bytes) else {"key": key})
    entry.update({"compressed": value.startswith("."), "value": value, "setCookie": header, "payload": payload})
    out["cookies"].append(entry)
json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
print()
