"""A hostile WSGI-less HTTP server for the fault tests: each path misbehaves in one way.

Run as `python server.py [serve|crash]`. It listens on 0.0.0.0:8000 with a thread per
connection; /healthz answers 200, every other path does what its name says.
"""
import os
import socket
import sys
import threading
import time

PORT = 8000
CHUNK = b"x" * 65536


def answer(conn, status, body, extra=b""):
    conn.sendall(
        b"HTTP/1.1 " + status + b"\r\nContent-Type: text/plain\r\nContent-Length: "
        + str(len(body)).encode() + b"\r\nConnection: close\r\n" + extra + b"\r\n" + body
    )


def endless(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % len(CHUNK) + CHUNK + b"\r\n"
    while True:
        conn.sendall(chunk)


def handle(conn):
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            got = conn.recv(4096)
            if not got:
                return
            data += got
        path = data.split(b" ", 2)[1].split(b"?")[0]
        if path == b"/healthz":
            answer(conn, b"200 OK", b"ok\n")
        elif path == b"/endless":
            endless(conn)
        elif path == b"/never":
            time.sleep(3600)
        elif path == b"/huge-headers":
            headers = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"y" * 1000) for i in range(1024))
            answer(conn, b"200 OK", b"big\n", headers)
        elif path == b"/garbage":
            conn.sendall(b"this is not HTTP at all\r\n\x00\x01\x02\r\n\r\n")
        elif path == b"/die":
            answer(conn, b"200 OK", b"bye\n")
            conn.close()
            print("killed by a request to /die", flush=True)
            os._exit(9)
        else:
            answer(conn, b"200 OK", b"hello\n")
        print("GET " + path.decode("latin-1"), flush=True)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "serve"
    if mode == "crash":
        print("booting...", flush=True)
        time.sleep(1)
        print("boom: the database URL is not set", file=sys.stderr, flush=True)
        sys.exit(3)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", PORT))
    srv.listen(64)
    print("listening on 0.0.0.0:%d" % PORT, flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
