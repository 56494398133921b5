"""A Flask app behind uWSGI's `socket` (the uwsgi protocol), for __tests__/probe/uwsgi.e2e.test.ts."""
from flask import Flask, request

app = Flask(__name__)


@app.get("/hello")
def hello():
    return f"hi {request.host} q={request.args.get('q')} x={request.headers.get('X-Test')}", 200, {"X-App": "1"}
