"""Pages of the site, and the health endpoint the orchestrator polls."""
from flask import Blueprint, current_app, render_template, request, session

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    # The visit counter lives in the signed session cookie (Secure, HttpOnly, SameSite=Lax).
    session["visits"] = session.get("visits", 0) + 1
    current_app.logger.info("index: visit %d from %s", session["visits"], request.remote_addr)
    return render_template("index.html", visits=session["visits"])


@bp.get("/about")
def about():
    return render_template("about.html")


@bp.get("/healthz")
def healthz():
    # Cheap, no session (so no cookie and no Vary: Cookie) and never cached by a proxy.
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
