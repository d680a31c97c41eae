"""Bodies before authentication: a request whose body may grow past 64 KiB (declared, or chunked
without a length) is authenticated and its route's permission checked when its headers arrive, and
refused then (401/403/413, JSON error, connection closed) without a byte of the body being read.
Public routes (no account) take at most 64 KiB. Authenticated uploads and JSON bodies keep their
limits (10 MiB, --body-limit)."""
import json
import time

import pytest
import requests

from conftest import err
from rawhttp import connect, exchange, read_answer, request, session_headers

KIB = 1024
MIB = 1024 * 1024
UPLOAD_PATH = "/api/v1/cases/1/attachments?name=a.txt"


@pytest.fixture(scope="module")
def srv(core_server):
    return core_server


@pytest.fixture(scope="module")
def admin(srv):
    return srv.client("sysadmin")


@pytest.fixture(scope="module")
def auditor(srv):
    return srv.client("auditadmin")


def headers_only(srv, method, path, hdrs, timeout=5):
    """Sends only the headers; the answer must come without the body being sent."""
    return exchange(srv.port, request(method, path, hdrs), timeout=timeout)


def check(a, status, code):
    assert a.status == status, a
    assert a.error()["code"] == code, a
    assert a.seconds < 3, a  # answered at the headers, not after a body that never came
    assert a.headers.get("connection", "").lower() == "close"
    assert a.headers.get("x-request-id")


def test_unauthenticated_large_upload_refused_at_headers(srv):
    a = headers_only(srv, "POST", UPLOAD_PATH, [("Content-Length", str(int(9.9 * MIB))),
                                                ("Content-Type", "application/octet-stream")])
    check(a, 401, "unauthenticated")
    # a bad session or token is refused the same way
    a = headers_only(srv, "POST", UPLOAD_PATH, [("Content-Length", str(int(9.9 * MIB))),
                                                ("Authorization", "Bearer " + "ab" * 32)])
    check(a, 401, "unauthenticated")
    # ... and a large JSON body to a route that needs an account
    a = headers_only(srv, "POST", "/api/v1/regions", [("Content-Length", str(500 * KIB)),
                                                      ("Content-Type", "application/json")])
    check(a, 401, "unauthenticated")


def test_chunked_body_without_account_refused_at_headers(srv):
    a = headers_only(srv, "POST", UPLOAD_PATH, [("Transfer-Encoding", "chunked")])
    check(a, 401, "unauthenticated")
    a = headers_only(srv, "PUT", "/api/v1/regions/1", [("Transfer-Encoding", "chunked"),
                                                       ("Content-Type", "application/json")])
    check(a, 401, "unauthenticated")


def test_large_body_without_permission_refused_at_headers(srv, auditor):
    # the audit administrator may not touch cases: 403 before the 9.9 MiB are read
    a = headers_only(srv, "POST", UPLOAD_PATH, session_headers(auditor) + [("Content-Length", str(int(9.9 * MIB)))])
    check(a, 403, "forbidden")
    # a session without the CSRF header is refused at the headers too
    hdrs = [h for h in session_headers(auditor) if h[0] != "X-CSRF-Token"]
    a = headers_only(srv, "POST", UPLOAD_PATH, hdrs + [("Content-Length", str(int(9.9 * MIB)))])
    check(a, 403, "csrf_failed")


def test_public_routes_take_at_most_64_kib(srv):
    # declared: refused at the headers
    for path in ("/api/v1/public/cases", "/api/v1/auth/login", "/api/v1/public/lookup"):
        a = headers_only(srv, "POST", path, [("Content-Length", str(64 * KIB + 1)),
                                             ("Content-Type", "application/json")])
        check(a, 413, "body_too_large")
    a = headers_only(srv, "POST", "/api/v1/public/cases", [("Content-Length", str(int(9.9 * MIB))),
                                                           ("Content-Type", "application/json")])
    check(a, 413, "body_too_large")
    # chunked: refused once 64 KiB have arrived (the rest is not kept)
    r = requests.post(srv.url("/api/v1/public/cases"), data=(b" " * (16 * KIB) for _ in range(8)),
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and err(r)["code"] == "body_too_large", r.text
    # just under the limit is read and judged on its content
    body = json.dumps({"pad": "p" * (60 * KIB)}).encode()
    r = requests.post(srv.url("/api/v1/public/cases"), data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    # static paths and unknown API paths take no large body either
    check(headers_only(srv, "POST", "/index.html", [("Content-Length", str(MIB))]), 413, "body_too_large")
    check(headers_only(srv, "POST", "/api/v1/nope", [("Content-Length", str(MIB))]), 413, "body_too_large")


def test_authenticated_bodies_keep_their_limits(srv, admin):
    leader = srv.client("leader")  # reads every case
    # a JSON body over 64 KiB (and under --body-limit, 1 MiB) from an account allowed the route is
    # read and validated as before
    r = admin.post("/api/v1/regions", json={"code": "990301", "name": "x", "level": 1, "pad": "p" * (200 * KIB)})
    assert r.status_code == 422 and err(r)["field"] == "pad", r.text
    # chunked, from an account
    r = admin.post("/api/v1/regions", data=(b" " * (32 * KIB) for _ in range(4)),
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and err(r)["code"] == "bad_json", r.text
    # over --body-limit: 413
    r = admin.post("/api/v1/regions", data=b" " * (2 * MIB), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    # an upload over 64 KiB by an account that may read the case passes the early check (the
    # handler then answers for the case itself: 201, or 404 when there is no case 1)
    a = exchange(srv.port, request("POST", UPLOAD_PATH, session_headers(leader) + [
        ("Content-Length", str(100 * KIB)), ("Content-Type", "application/octet-stream")], b"a" * (100 * KIB)))
    assert a.status in (201, 404), a


def test_refused_bodies_are_never_buffered(srv):
    """Ten connections each declaring 9.9 MiB to the upload route and then sending it: the server
    refuses them at the headers and its resident memory does not grow by the bodies."""
    pid = srv.proc.pid

    def rss():
        with open(f"/proc/{pid}/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024

    before = rss()
    socks = []
    for _ in range(10):
        s = connect(srv.port)
        s.sendall(request("POST", UPLOAD_PATH, [("Content-Length", str(int(9.9 * MIB)))]))
        socks.append(s)
    answers = []
    chunk = b"x" * (256 * KIB)
    for s in socks:
        sent = 0
        try:
            s.settimeout(2)
            while sent < int(9.9 * MIB):
                sent += s.send(chunk)
        except OSError:
            pass  # closed by the server: what it should do
        answers.append(read_answer(s, timeout=5))
        s.close()
    time.sleep(0.3)
    after = rss()
    assert all(a.status == 401 or a.status is None for a in answers), answers
    assert any(a.status == 401 for a in answers), answers
    assert after - before < 20, (before, after)  # ten buffered bodies would be 99 MiB
