"""HTTP framing the server refuses (RFC 9112 §6.3, §3.2): two Content-Length headers, Content-Length
together with Transfer-Encoding (both ways for a proxy in front to frame the message otherwise than
the server), an HTTP/1.1 request without Host or with two. libmicrohttpd 0.9.75 on its own takes the
first Content-Length and serves a request without Host. Each refusal is 400 bad_request with the
JSON error, and nothing is done."""
import json
import re

import pytest

from conftest import DEMO_PASSWORD
from rawhttp import exchange, request

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def srv(core_server):
    return core_server


def check_400(a):
    assert a.status == 400, a
    e = a.error()
    assert e["code"] == "bad_request" and CJK.search(e["message"]), e
    assert a.headers.get("x-request-id") and a.headers["content-type"].startswith("application/json")
    assert a.headers.get("connection", "").lower() == "close"
    return e


def login_body(password="x"):
    return json.dumps({"username": "sysadmin", "password": password}).encode()


def test_two_content_length_headers_refused(srv):
    body = login_body(DEMO_PASSWORD)
    for lengths in ((len(body), len(body)), (len(body), 2), (2, len(body))):
        a = exchange(srv.port, request("POST", "/api/v1/auth/login",
                                       [("Content-Type", "application/json")]
                                       + [("Content-Length", str(n)) for n in lengths], body))
        e = check_400(a)
        assert "Content-Length" in e["message"]
        assert "set-cookie" not in a.headers  # not logged in


def test_content_length_with_transfer_encoding_refused(srv):
    body = login_body(DEMO_PASSWORD)
    chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    for hdrs in ([("Content-Length", str(len(body))), ("Transfer-Encoding", "chunked")],
                 [("Transfer-Encoding", "chunked"), ("Content-Length", "5")]):
        a = exchange(srv.port, request("POST", "/api/v1/auth/login", [("Content-Type", "application/json")] + hdrs,
                                       chunked))
        e = check_400(a)
        assert "Transfer-Encoding" in e["message"]
        assert "set-cookie" not in a.headers


def test_http11_without_host_refused(srv):
    a = exchange(srv.port, request("GET", "/api/v1/health", host=None))
    e = check_400(a)
    assert "Host" in e["message"]
    # static files too
    check_400(exchange(srv.port, request("GET", "/", host=None)))


def test_two_host_headers_refused(srv):
    check_400(exchange(srv.port, request("GET", "/api/v1/health", [("Host", "other.example")])))


def test_well_formed_requests_still_served(srv):
    # HTTP/1.0 needs no Host; one Content-Length; chunked alone
    a = exchange(srv.port, b"GET /api/v1/health HTTP/1.0\r\n\r\n")
    assert a.status == 200 and a.json()["status"] == "ok", a
    a = exchange(srv.port, request("GET", "/api/v1/health", [("Connection", "close")]))
    assert a.status == 200, a
    body = login_body(DEMO_PASSWORD)
    a = exchange(srv.port, request("POST", "/api/v1/auth/login", [("Content-Type", "application/json"),
                                                                   ("Content-Length", str(len(body))),
                                                                   ("Connection", "close")], body))
    assert a.status == 200 and "set-cookie" in a.headers, a
    chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    a = exchange(srv.port, request("POST", "/api/v1/auth/login", [("Content-Type", "application/json"),
                                                                   ("Transfer-Encoding", "chunked"),
                                                                   ("Connection", "close")], chunked))
    assert a.status == 200, a


def test_no_hsts_over_plain_http(srv):
    a = exchange(srv.port, request("GET", "/api/v1/health", [("Connection", "close")]))
    assert a.status == 200 and "strict-transport-security" not in a.headers
