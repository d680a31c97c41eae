"""GET/PUT /api/v1/settings/security: the security administrator's policy."""
import pytest

from conftest import DEMO_PASSWORD, err

KEYS = {"password_min_length", "password_max_age_days", "lockout_threshold", "lockout_minutes",
        "session_idle_minutes", "audit_retention_days", "address_lockout_threshold", "session_max_hours",
        "token_max_days"}


@pytest.fixture(scope="module")
def srv(core_server):
    return core_server


@pytest.fixture(scope="module")
def sec(srv):
    return srv.client("secadmin")


@pytest.fixture(scope="module")
def admin(srv):
    return srv.client("sysadmin")


@pytest.fixture(scope="module")
def auditor(srv):
    return srv.client("auditadmin")


def current(sec):
    r = sec.get("/api/v1/settings/security")
    assert r.status_code == 200, r.text
    return r


def policy(sec):
    b = current(sec).json()
    return {k: b[k] for k in KEYS}, b["version"]


def test_get_defaults(sec):
    r = current(sec)
    b = r.json()
    assert set(b) == KEYS | {"version"}
    assert r.headers["ETag"] == f'"{b["version"]}"'
    assert b["password_min_length"] >= 8
    assert b["audit_retention_days"] >= 180
    assert b["lockout_threshold"] == 5 and b["lockout_minutes"] == 10
    assert b["session_idle_minutes"] == 30
    assert b["session_max_hours"] == 12 and b["token_max_days"] == 90 and b["address_lockout_threshold"] == 20


@pytest.mark.parametrize("field,value", [
    ("audit_retention_days", 179), ("audit_retention_days", 0), ("audit_retention_days", -1),
    ("password_min_length", 7), ("password_min_length", 0), ("password_min_length", 65),
    ("lockout_threshold", 0), ("lockout_minutes", 0), ("session_idle_minutes", 0),
    ("session_idle_minutes", 100000), ("password_max_age_days", -1),
    ("lockout_threshold", "5"), ("password_min_length", 8.5), ("audit_retention_days", None),
    ("lockout_threshold", True),
    ("session_max_hours", 0), ("session_max_hours", 721), ("token_max_days", 0), ("token_max_days", 3651),
    ("address_lockout_threshold", 0), ("address_lockout_threshold", 10001), ("session_max_hours", "12"),
])
def test_validation(sec, srv, field, value):
    p, v = policy(sec)
    n = srv.sql("SELECT COUNT(*) FROM audit_log")[0][0]
    body = dict(p, version=v)
    body[field] = value
    r = sec.put("/api/v1/settings/security", json=body)
    assert r.status_code == 422, r.text
    assert err(r)["code"] == "validation_failed" and err(r)["field"] == field, r.text
    assert policy(sec) == (p, v)
    assert srv.sql("SELECT COUNT(*) FROM audit_log")[0][0] == n


def test_missing_and_unknown_fields(sec):
    p, v = policy(sec)
    body = dict(p, version=v)
    del body["lockout_minutes"]
    r = sec.put("/api/v1/settings/security", json=body)
    assert r.status_code == 422 and err(r)["field"] == "lockout_minutes"
    r = sec.put("/api/v1/settings/security", json=dict(p, version=v, demo=1))
    assert r.status_code == 422 and err(r)["field"] == "demo"
    assert policy(sec) == (p, v)


def test_version_handling(sec, srv):
    p, v = policy(sec)
    new = dict(p, lockout_minutes=15, audit_retention_days=365)
    r = sec.put("/api/v1/settings/security", json=new)
    assert r.status_code == 428 and err(r)["code"] == "precondition_required"
    r = sec.put("/api/v1/settings/security", json=dict(new, version=v + 1))
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    r = sec.put("/api/v1/settings/security", json=new, headers={"If-Match": f'"{v + 7}"'})
    assert r.status_code == 412 and err(r)["code"] == "precondition_failed"
    assert policy(sec) == (p, v)
    r = sec.put("/api/v1/settings/security", json=dict(new, version=v))
    assert r.status_code == 200, r.text
    assert r.json() == dict(new, version=v + 1)
    assert r.headers["ETag"] == f'"{v + 1}"'
    assert policy(sec) == (new, v + 1)
    # the old version is now stale
    r = sec.put("/api/v1/settings/security", json=dict(p, version=v))
    assert r.status_code == 409
    r = sec.put("/api/v1/settings/security", json=p, headers={"If-Match": f'"{v + 1}"'})
    assert r.status_code == 200 and r.json()["version"] == v + 2
    assert policy(sec) == (p, v + 2)
    rows = srv.sql("SELECT username, result, details FROM audit_log WHERE action = 'settings.security.update'"
                   " ORDER BY id DESC LIMIT 2")
    assert rows[0][0] == "secadmin" and rows[0][1] == "success"
    assert "lockout_minutes=15" in rows[1][2] and "audit_retention_days=365" in rows[1][2]


def test_other_admins_forbidden(admin, auditor, sec, srv):
    p, v = policy(sec)
    for c in (admin, auditor):
        r = c.get("/api/v1/settings/security")
        assert r.status_code == 403 and err(r)["code"] == "forbidden"
        r = c.put("/api/v1/settings/security", json=dict(p, version=v, lockout_threshold=99))
        assert r.status_code == 403 and err(r)["code"] == "forbidden"
    assert policy(sec) == (p, v)


def test_min_length_takes_effect(sec, srv):
    p, v = policy(sec)
    r = sec.put("/api/v1/settings/security", json=dict(p, version=v, password_min_length=14))
    assert r.status_code == 200
    try:
        c = srv.client("auditadmin")
        r = c.post("/api/v1/auth/password", json={"old_password": DEMO_PASSWORD, "new_password": "Abcdef#12345"})
        assert r.status_code == 422 and err(r)["code"] == "weak_password", r.text
        assert "14" in err(r)["message"]
    finally:
        p2, v2 = policy(sec)
        assert sec.put("/api/v1/settings/security", json=dict(p, version=v2)).status_code == 200


def test_business_users_forbidden(srv, sec):
    if not srv.demo:
        pytest.skip("needs the demo accounts")
    p, v = policy(sec)
    for user in ("clerk_dongshan", "handler", "leader", "planner"):
        c = srv.client(user)
        assert c.get("/api/v1/settings/security").status_code == 403, user
        r = c.put("/api/v1/settings/security", json=dict(p, version=v, lockout_threshold=99))
        assert r.status_code == 403 and err(r)["code"] == "forbidden", user
    assert policy(sec) == (p, v)
