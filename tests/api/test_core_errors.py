"""Input handling of the API: malformed bodies, wrong types, limits, unknown paths and methods, bad
query strings. Every refused request leaves the data and the audit log as they were."""
import re

import pytest
import requests

from conftest import err

CJK = re.compile(r"[\u4e00-\u9fff]")
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def srv(core_server):
    return core_server


@pytest.fixture(scope="module")
def admin(srv):
    return srv.client("sysadmin")


@pytest.fixture(scope="module")
def auditor(srv):
    return srv.client("auditadmin")


@pytest.fixture(scope="module")
def region(admin):
    r = admin.post("/api/v1/regions", json={"code": "990100", "name": "错误测试地区", "level": 1})
    assert r.status_code == 201, r.text
    return r.json()


def state(srv, auditor):
    regions = srv.sql("SELECT id, code, name, level, parent_id, sort, version FROM regions ORDER BY id")
    r = auditor.get("/api/v1/audit", params={"page_size": 1})
    assert r.status_code == 200, r.text
    return regions, r.json()["total"], srv.sql("SELECT COUNT(*) FROM audit_log")[0][0]


def check_error(r, status, code, field=None, check_field=True):
    assert r.status_code == status, f"expected {status} {code}, got {r.status_code}: {r.text[:300]}"
    body = r.json()
    assert set(body) == {"error"}, body
    e = body["error"]
    assert set(e) == {"code", "message", "field"}, e
    assert e["code"] == code, e
    assert isinstance(e["message"], str) and CJK.search(e["message"]), f"message not Chinese: {e}"
    if check_field:
        assert e["field"] == field, e
    assert r.headers.get("X-Request-Id")
    assert r.headers["Content-Type"].startswith("application/json")
    return e


GOOD = {"code": "990200", "name": "好地区", "level": 1}

RAW_BODIES = [
    # (id, bytes, headers, status, code)
    ("malformed", b'{"code": "990201", "name": "x",', JSON, 400, "bad_json"),
    ("trailing-garbage", b'{"code": "990201", "name": "x", "level": 1} xx', JSON, 400, "bad_json"),
    ("single-quotes", b"{'code': '990201'}", JSON, 400, "bad_json"),
    ("duplicate-key", b'{"code": "990201", "code": "990202", "name": "x", "level": 1}', JSON, 400, "bad_json"),
    ("invalid-utf8", b'{"code": "990201", "name": "\xff\xfe", "level": 1}', JSON, 400, "invalid_utf8"),
    ("overlong-utf8", b'{"code": "990201", "name": "\xc0\xaf", "level": 1}', JSON, 400, "invalid_utf8"),
    ("surrogate-utf8", b'{"code": "990201", "name": "\xed\xa0\x80", "level": 1}', JSON, 400, "invalid_utf8"),
    ("array", b'[{"code": "990201", "name": "x", "level": 1}]', JSON, 400, "bad_json"),
    ("string", b'"hello"', JSON, 400, "bad_json"),
    ("number", b"42", JSON, 400, "bad_json"),
    ("text-plain", b'{"code": "990201", "name": "x", "level": 1}', {"Content-Type": "text/plain"}, 415,
     "unsupported_media_type"),
    ("form", b"code=990201&name=x&level=1", {"Content-Type": "application/x-www-form-urlencoded"}, 415,
     "unsupported_media_type"),
    ("no-content-type", b'{"code": "990201", "name": "x", "level": 1}', {}, 415, "unsupported_media_type"),
    ("latin1-charset", b'{"code": "990201", "name": "x", "level": 1}',
     {"Content-Type": "application/json; charset=iso-8859-1"}, 415, "unsupported_media_type"),
]


def field_cases(base):
    """(id, body, field) for 422 validation_failed."""
    def w(**kw):
        b = dict(base)
        for k, v in kw.items():
            if v is _DEL:
                b.pop(k, None)
            else:
                b[k] = v
        return b
    return [
        ("code-number", w(code=990203), "code"),
        ("code-letters", w(code="99AB03"), "code"),
        ("code-empty", w(code=""), "code"),
        ("code-too-long", w(code="9" * 21), "code"),
        ("name-number", w(name=12), "name"),
        ("name-bool", w(name=True), "name"),
        ("name-object", w(name={"a": 1}), "name"),
        ("name-too-long", w(name="长" * 51), "name"),
        ("name-empty", w(name=""), "name"),
        ("name-control", w(name="坏\u0001名"), "name"),
        ("name-escape", w(name="a\u001bb"), "name"),
        ("name-del", w(name="a\u007fb"), "name"),
        ("level-string", w(level="1"), "level"),
        ("level-float", w(level=1.5), "level"),
        ("level-zero", w(level=0), "level"),
        ("level-five", w(level=5), "level"),
        ("level-negative", w(level=-1), "level"),
        ("level-huge", w(level=2 ** 62), "level"),
        ("parent-string", w(parent_id="1"), "parent_id"),
        ("parent-negative", w(parent_id=-3), "parent_id"),
        ("sort-too-big", w(sort=100000), "sort"),
        ("unknown-field", w(colour="red"), "colour"),
        ("missing-code", w(code=_DEL), "code"),
        ("missing-name", w(name=_DEL), "name"),
        ("missing-level", w(level=_DEL), "level"),
        ("null-name", w(name=None), "name"),
        ("parent-missing-for-level-2", w(level=2), "parent_id"),
        ("parent-does-not-exist", w(level=2, parent_id=999999), "parent_id"),
    ]


_DEL = object()


@pytest.mark.parametrize("case", RAW_BODIES, ids=[c[0] for c in RAW_BODIES])
def test_post_bad_bodies(srv, admin, auditor, region, case):
    _, data, headers, status, code = case
    before = state(srv, auditor)
    r = admin.post("/api/v1/regions", data=data, headers=dict(headers))
    check_error(r, status, code)
    assert state(srv, auditor) == before


@pytest.mark.parametrize("case", RAW_BODIES, ids=[c[0] for c in RAW_BODIES])
def test_put_bad_bodies(srv, admin, auditor, region, case):
    _, data, headers, status, code = case
    before = state(srv, auditor)
    cur = admin.get(f"/api/v1/regions/{region['id']}")
    r = admin.put(f"/api/v1/regions/{region['id']}", data=data,
                  headers={**headers, "If-Match": cur.headers["ETag"]})
    check_error(r, status, code)
    assert state(srv, auditor) == before


@pytest.mark.parametrize("case", field_cases(GOOD), ids=[c[0] for c in field_cases(GOOD)])
def test_post_validation(srv, admin, auditor, region, case):
    _, body, field = case
    before = state(srv, auditor)
    r = admin.post("/api/v1/regions", json=body)
    check_error(r, 422, "validation_failed", field)
    assert state(srv, auditor) == before


@pytest.mark.parametrize("case", field_cases(GOOD), ids=[c[0] for c in field_cases(GOOD)])
def test_put_validation(srv, admin, auditor, region, case):
    _, body, field = case
    before = state(srv, auditor)
    cur = admin.get(f"/api/v1/regions/{region['id']}")
    body = dict(body, version=cur.json()["version"])
    r = admin.put(f"/api/v1/regions/{region['id']}", json=body)
    check_error(r, 422, "validation_failed", field)
    assert state(srv, auditor) == before
    assert admin.get(f"/api/v1/regions/{region['id']}").json() == cur.json()


def test_put_version_wrong_type(srv, admin, auditor, region):
    before = state(srv, auditor)
    r = admin.put(f"/api/v1/regions/{region['id']}", json=dict(GOOD, code="990100", version="1"))
    check_error(r, 422, "validation_failed", "version")
    assert state(srv, auditor) == before


def test_nul_in_string_refused(srv, admin, auditor, region):
    before = state(srv, auditor)
    r = admin.post("/api/v1/regions", data=b'{"code": "990204", "name": "a\\u0000b", "level": 1}', headers=dict(JSON))
    assert r.status_code in (400, 422), r.text
    assert err(r)["code"] in ("bad_json", "validation_failed")
    assert state(srv, auditor) == before


def test_body_limit_small(srv, core_spawn, auditor):
    small = core_spawn(["--body-limit", "2048", "--login-rate", "100000"])
    c = small.client("sysadmin")
    before = small.sql("SELECT COUNT(*) FROM regions"), small.sql("SELECT COUNT(*) FROM audit_log")
    big = {"code": "990205", "name": "x", "level": 1, "pad": "p" * 4096}
    r = c.post("/api/v1/regions", json=big)
    check_error(r, 413, "body_too_large")
    # Without a declared length (chunked upload) the limit holds too.
    r = c.post("/api/v1/regions", data=(b"x" * 1024 for _ in range(4)), headers=dict(JSON))
    check_error(r, 413, "body_too_large")
    # Just under the limit is accepted by the body reader (and refused by validation).
    r = c.post("/api/v1/regions", json={"code": "990205", "name": "x", "level": 1, "pad": "p" * 1900})
    check_error(r, 422, "validation_failed", "pad")
    # And a normal request on the same server still works.
    r = c.post("/api/v1/regions", json={"code": "990206", "name": "小", "level": 1})
    assert r.status_code == 201, r.text
    assert small.sql("SELECT COUNT(*) FROM regions")[0][0] == before[0][0][0] + 1


def test_body_limit_default(srv, admin, auditor, region):
    before = state(srv, auditor)
    r = admin.post("/api/v1/regions", data=b'{"name":"' + b"x" * (2 * 1024 * 1024) + b'"}', headers=dict(JSON))
    check_error(r, 413, "body_too_large")
    r = admin.put(f"/api/v1/regions/{region['id']}", data=b" " * (2 * 1024 * 1024), headers=dict(JSON))
    check_error(r, 413, "body_too_large")
    assert state(srv, auditor) == before
    # the server is fine afterwards
    assert admin.get("/api/v1/auth/me").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/regions/1/nope", "/api/v2/regions", "/api",
                                  "/api/", "/api/v1/regions/", "/api/v1/REGIONS"])
def test_unknown_api_path(srv, admin, path):
    r = admin.get(path)
    check_error(r, 404, "not_found")
    r = requests.get(srv.url(path))  # without a session: still 404, never the console page
    check_error(r, 404, "not_found")


def test_unknown_id_is_404(srv, admin):
    for p in ("/api/v1/regions/999999", "/api/v1/regions/abc", "/api/v1/regions/0", "/api/v1/regions/-1"):
        check_error(admin.get(p), 404, "not_found")


@pytest.mark.parametrize("method,path,allowed", [
    ("DELETE", "/api/v1/regions", {"GET", "POST"}),
    ("PATCH", "/api/v1/regions", {"GET", "POST"}),
    ("POST", "/api/v1/regions/1", {"GET", "PUT", "DELETE"}),
    ("PATCH", "/api/v1/regions/1", {"GET", "PUT", "DELETE"}),
    ("POST", "/api/v1/health", {"GET"}),
    ("DELETE", "/api/v1/audit", {"GET"}),
    ("GET", "/api/v1/auth/login", {"POST"}),
    ("DELETE", "/api/v1/settings/security", {"GET", "PUT"}),
])
def test_wrong_method(srv, admin, auditor, region, method, path, allowed):
    before = state(srv, auditor)
    for r in (admin.req(method, path, json={}), requests.request(method, srv.url(path))):
        check_error(r, 405, "method_not_allowed")
        allow = {m.strip() for m in r.headers.get("Allow", "").split(",") if m.strip()}
        assert allow == allowed, r.headers.get("Allow")
    assert state(srv, auditor) == before


@pytest.mark.parametrize("query,field", [
    ("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"), ("page=1.5", "page"),
    ("page=99999999999999999999", "page"),
    ("page_size=0", "page_size"), ("page_size=201", "page_size"), ("page_size=1000", "page_size"),
    ("page_size=x", "page_size"), ("level=9", "level"), ("level=a", "level"), ("parent_id=zz", "parent_id"),
    ("keyword=" + "长" * 101, "keyword"), ("sort=password_hash", "sort"), ("sort=-nosuch", "sort"),
])
def test_bad_query(admin, query, field):
    r = admin.get("/api/v1/regions?" + query)
    check_error(r, 400, "bad_query", field)


def test_bad_query_on_audit(auditor):
    for q, f in (("page=0", "page"), ("page_size=1000", "page_size"), ("from=yesterday", "from"),
                 ("to=2026-13-45", "to"), ("result=maybe", "result")):
        check_error(auditor.get("/api/v1/audit?" + q), 400, "bad_query", f)


def test_query_paging_limits_accepted(admin):
    r = admin.get("/api/v1/regions?page=1&page_size=200")
    assert r.status_code == 200 and r.json()["page_size"] == 200
    r = admin.get("/api/v1/regions?page=1000&page_size=1")
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["page"] == 1000


@pytest.mark.parametrize("query", ["keyword=%FF", "keyword=%C0%AF", "%FF=1", "keyword=a%ED%A0%80b",
                                   "keyword=%E4%B8"])
def test_invalid_utf8_query(admin, query):
    r = admin.get("/api/v1/regions?" + query)
    check_error(r, 400, "invalid_utf8", check_field=False)


def test_keyword_with_sql_characters_is_data(admin, region):
    for kw in ("' OR 1=1 --", "%", "_", "\"; DROP TABLE regions; --"):
        r = admin.get("/api/v1/regions", params={"keyword": kw})
        assert r.status_code == 200, r.text
        assert all(region["id"] != it["id"] for it in r.json()["items"]) or kw in ("%", "_")
    assert admin.get(f"/api/v1/regions/{region['id']}").status_code == 200


def test_error_answers_are_not_cached(srv, admin):
    r = admin.get("/api/v1/nope")
    assert r.headers.get("Cache-Control") == "no-store"
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
