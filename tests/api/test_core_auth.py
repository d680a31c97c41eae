"""Login, session cookie, logout, CSRF, bearer tokens, lockout (per account and source address,
the same for names that are no account, and per address across names), idle timeout and
absolute session lifetime, forced password change, password expiry and the login rate limit."""
import http.client
import json
import re
import statistics
import time

import pytest
import requests

from conftest import DEMO_PASSWORD, Client, Server, core_init_db, err, run_cli

NEW_PASSWORD = "Xinmima#2027"


@pytest.fixture(scope="module")
def srv(core_server):
    return core_server


@pytest.fixture(scope="module")
def admin(srv):
    return srv.client("sysadmin")


def login_raw(srv, username, password, headers=None):
    return requests.post(srv.url("/api/v1/auth/login"), json={"username": username, "password": password},
                         headers=headers or {})


class Answer:
    """What requests would give: status_code, headers, json()."""

    def __init__(self, status, headers, body):
        self.status_code, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def login_from(srv, addr, username, password):
    """A login whose TCP connection comes from the loopback address addr (127.0.0.x): the server
    sees a different client address without trusting any proxy header."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60, source_address=(addr, 0))
    try:
        conn.request("POST", "/api/v1/auth/login", body=json.dumps({"username": username, "password": password}),
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return Answer(resp.status, dict(resp.getheaders()), resp.read())
    finally:
        conn.close()


def user_id(srv, username):
    return srv.sql("SELECT id FROM users WHERE username = ?", (username,))[0][0]


def region_count(srv):
    return srv.sql("SELECT COUNT(*) FROM regions")[0][0]


def audit_count(srv):
    return srv.sql("SELECT COUNT(*) FROM audit_log")[0][0]


# ---------------------------------------------------------------- login / logout / cookie

def test_login_ok_returns_user_and_csrf(srv):
    r = login_raw(srv, "sysadmin", DEMO_PASSWORD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert re.fullmatch(r"[0-9a-f]{64}", body["csrf_token"])
    u = body["user"]
    assert u["username"] == "sysadmin"
    assert "region:write" in u["permissions"]
    assert "audit:read" not in u["permissions"]
    assert [x["code"] for x in u["roles"]] == ["sysadmin"]
    assert u["must_change_password"] is False and u["password_expired"] is False
    assert "password_hash" not in r.text and "$argon2" not in r.text
    sid = r.cookies.get("sixia_session")
    assert sid and re.fullmatch(r"[0-9a-f]{64}", sid)
    me = requests.get(srv.url("/api/v1/auth/me"), cookies={"sixia_session": sid})
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "sysadmin"
    assert me.json()["csrf_token"] == body["csrf_token"]
    # The database keeps only a hash of the session id.
    assert srv.sql("SELECT COUNT(*) FROM sessions WHERE id_hash = ?", (sid,))[0][0] == 0


def test_two_logins_are_two_sessions(srv):
    a, b = srv.client("sysadmin"), srv.client("sysadmin")
    assert a.csrf != b.csrf
    assert a.s.cookies["sixia_session"] != b.s.cookies["sixia_session"]
    # a's CSRF token does not work with b's session
    r = b.post("/api/v1/regions", json={"code": "880001", "name": "x", "level": 1}, headers={"X-CSRF-Token": a.csrf})
    assert r.status_code == 403 and err(r)["code"] == "csrf_failed"


@pytest.mark.parametrize("username,password", [
    ("sysadmin", "Wrong@2026"),
    ("sysadmin", ""),
    ("nosuchuser", DEMO_PASSWORD),
    ("nosuchuser", "Wrong@2026"),
    ("SYSADMIN", DEMO_PASSWORD),
])
def test_bad_login_same_answer(srv, username, password):
    r = login_raw(srv, username, password)
    if password == "":
        # an empty password is a validation error, not a credentials check
        assert r.status_code == 422 and err(r)["field"] == "password"
        return
    assert r.status_code == 401, r.text
    e = err(r)
    assert e["code"] == "invalid_credentials"
    assert e["message"] == "用户名或密码错误"
    assert "Set-Cookie" not in r.headers
    # make sure nobody is on the way to a lockout for later tests
    srv.sql("DELETE FROM login_failures")


def test_unknown_user_and_wrong_password_are_indistinguishable(srv):
    a = login_raw(srv, "sysadmin", "Wrong@2026")
    b = login_raw(srv, "nobody_here", "Wrong@2026")
    srv.sql("DELETE FROM login_failures")
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()


def test_login_validation(srv):
    r = requests.post(srv.url("/api/v1/auth/login"), json={"username": "sysadmin"})
    assert r.status_code == 422 and err(r)["field"] == "password"
    r = requests.post(srv.url("/api/v1/auth/login"), json={"username": "sysadmin", "password": DEMO_PASSWORD, "x": 1})
    assert r.status_code == 422 and err(r)["field"] == "x"
    r = requests.post(srv.url("/api/v1/auth/login"), json={"username": "a" * 65, "password": "x"})
    assert r.status_code == 422 and err(r)["field"] == "username"


def test_cookie_attributes_plain_http(srv):
    r = login_raw(srv, "sysadmin", DEMO_PASSWORD)
    assert r.status_code == 200
    sc = r.headers["Set-Cookie"]
    parts = [p.strip() for p in sc.split(";")]
    assert parts[0].startswith("sixia_session=")
    lower = [p.lower() for p in parts]
    assert "httponly" in lower
    assert "samesite=strict" in lower
    assert "path=/" in lower
    assert "secure" not in lower
    # X-Forwarded-Proto is ignored unless the server trusts a proxy
    r = login_raw(srv, "sysadmin", DEMO_PASSWORD, headers={"X-Forwarded-Proto": "https"})
    assert "secure" not in [p.strip().lower() for p in r.headers["Set-Cookie"].split(";")]
    # and so is X-Forwarded-For: the audit log keeps the real peer address
    r = login_raw(srv, "secadmin", DEMO_PASSWORD, headers={"X-Forwarded-For": "203.0.113.5"})
    assert r.status_code == 200
    ip = srv.sql("SELECT ip FROM audit_log WHERE action = 'auth.login' AND username = 'secadmin'"
                 " ORDER BY id DESC LIMIT 1")[0][0]
    assert ip == "127.0.0.1"


def test_cookie_secure_behind_trusted_proxy(core_spawn):
    s = core_spawn(["--trust-proxy", "1", "--login-rate", "100000"])
    r = login_raw(s, "sysadmin", DEMO_PASSWORD, headers={"X-Forwarded-Proto": "https"})
    assert r.status_code == 200
    lower = [p.strip().lower() for p in r.headers["Set-Cookie"].split(";")]
    assert "secure" in lower and "httponly" in lower and "samesite=strict" in lower
    r = login_raw(s, "sysadmin", DEMO_PASSWORD, headers={"X-Forwarded-Proto": "http"})
    assert "secure" not in [p.strip().lower() for p in r.headers["Set-Cookie"].split(";")]
    # the trusted proxy's X-Forwarded-For is the client address recorded in the audit log
    r = login_raw(s, "secadmin", DEMO_PASSWORD, headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7"})
    assert r.status_code == 200
    ip = s.sql("SELECT ip FROM audit_log WHERE action = 'auth.login' AND username = 'secadmin'"
               " ORDER BY id DESC LIMIT 1")[0][0]
    assert ip == "198.51.100.7"


def test_logout_invalidates_session(srv):
    c = srv.client("sysadmin")
    sid = c.s.cookies["sixia_session"]
    assert c.get("/api/v1/auth/me").status_code == 200
    r = c.post("/api/v1/auth/logout")
    assert r.status_code == 204
    assert "max-age=0" in r.headers["Set-Cookie"].lower()
    # the old cookie (replayed on purpose) no longer works
    r = requests.get(srv.url("/api/v1/auth/me"), cookies={"sixia_session": sid})
    assert r.status_code == 401
    assert err(r)["code"] in ("unauthenticated", "session_expired")
    r = requests.get(srv.url("/api/v1/regions"), cookies={"sixia_session": sid})
    assert r.status_code == 401


def test_logout_needs_csrf(srv):
    c = srv.client("sysadmin")
    r = c.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403 and err(r)["code"] == "csrf_failed"
    assert c.get("/api/v1/auth/me").status_code == 200


# ---------------------------------------------------------------- CSRF

def test_csrf_required_on_writes(srv, admin):
    created = admin.post("/api/v1/regions", json={"code": "880100", "name": "CSRF地区", "level": 1})
    assert created.status_code == 201
    reg = created.json()
    before = (region_count(srv), audit_count(srv), srv.sql("SELECT * FROM regions WHERE id = ?", (reg["id"],)))
    bad_tokens = [None, "", "0" * 64, admin.csrf[:-1], admin.csrf + "0", admin.csrf.upper()]
    for tok in bad_tokens:
        h = {} if tok is None else {"X-CSRF-Token": tok}
        sess = admin.s  # the cookie, but not the right header
        r = sess.post(srv.url("/api/v1/regions"), json={"code": "880101", "name": "x", "level": 1}, headers=h)
        assert r.status_code == 403 and err(r)["code"] == "csrf_failed", (tok, r.text)
        r = sess.put(srv.url(f"/api/v1/regions/{reg['id']}"),
                     json={"code": "880100", "name": "改了", "level": 1, "version": reg["version"]}, headers=h)
        assert r.status_code == 403 and err(r)["code"] == "csrf_failed", (tok, r.text)
        r = sess.delete(srv.url(f"/api/v1/regions/{reg['id']}"), headers=h)
        assert r.status_code == 403 and err(r)["code"] == "csrf_failed", (tok, r.text)
        r = sess.post(srv.url("/api/v1/auth/password"),
                      json={"old_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD}, headers=h)
        assert r.status_code == 403 and err(r)["code"] == "csrf_failed", (tok, r.text)
    after = (region_count(srv), audit_count(srv), srv.sql("SELECT * FROM regions WHERE id = ?", (reg["id"],)))
    assert after == before
    # GET needs no token, and the right token works
    assert admin.s.get(srv.url(f"/api/v1/regions/{reg['id']}")).status_code == 200
    r = admin.delete(f"/api/v1/regions/{reg['id']}")
    assert r.status_code == 204


# ---------------------------------------------------------------- bearer tokens

def test_bearer_token_needs_no_csrf(srv, admin):
    sec = srv.client("secadmin")
    probe = sec.get("/api/v1/tokens")
    if probe.status_code == 404:
        pytest.skip("GET /api/v1/tokens answers 404: API tokens are not implemented yet")
    assert probe.status_code == 200, probe.text
    if not srv.demo:
        pytest.skip("needs the demo account planner (a business role that can write)")
    # 三员分立: an administrator role cannot be put into a token
    r = sec.post("/api/v1/tokens", json={"name": "管理员令牌", "unit_id": admin.me["unit_id"],
                                         "role_id": admin.me["roles"][0]["id"]})
    assert r.status_code == 409 and err(r)["code"] == "separation_of_duties", r.text
    planner = srv.client("planner")
    role = next(x for x in planner.me["roles"] if x["code"] == "planner")
    r = sec.post("/api/v1/tokens", json={"name": "核心测试令牌", "unit_id": planner.me["unit_id"],
                                         "role_id": role["id"], "expires_days": 1})
    assert r.status_code == 201, r.text
    secret, tok = r.json()["secret"], r.json()["token"]
    assert secret not in str(srv.sql("SELECT * FROM api_tokens"))  # stored hashed only
    assert secret not in sec.get("/api/v1/tokens").text             # and never shown again
    h = {"Authorization": f"Bearer {secret}"}
    # a write with no cookie and no CSRF header
    r = requests.post(srv.url("/api/v1/cadres"), json={"name": "令牌干部", "unit_id": planner.me["unit_id"]}, headers=h)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    # recorded as the token's integration account, never as a person
    rows = srv.sql("SELECT username, result FROM audit_log WHERE action = 'cadre.create' AND object_id = ?", (str(cid),))
    assert rows == [("token:核心测试令牌", "success")]
    assert requests.get(srv.url("/api/v1/cadres"), headers=h).status_code == 200
    # the token has its role's permissions and no more
    assert requests.get(srv.url("/api/v1/audit"), headers=h).status_code == 403
    r = requests.post(srv.url("/api/v1/regions"), json={"code": "880200", "name": "x", "level": 1}, headers=h)
    assert r.status_code == 403
    # a token has no password to change
    r = requests.post(srv.url("/api/v1/auth/password"),
                      json={"old_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD}, headers=h)
    assert r.status_code == 403
    # a wrong secret is refused
    bad = secret[:-1] + ("0" if secret[-1] != "0" else "1")
    r = requests.get(srv.url("/api/v1/cadres"), headers={"Authorization": "Bearer " + bad})
    assert r.status_code == 401
    # revoked: refused
    r = sec.delete(f"/api/v1/tokens/{tok['id']}")
    assert r.status_code == 204, r.text
    r = requests.get(srv.url("/api/v1/cadres"), headers=h)
    assert r.status_code == 401 and err(r)["code"] == "unauthenticated"


# ---------------------------------------------------------------- lockout
# Failures count per subject (the account, or a typed name that is no account) and source
# address: a lock holds at that address only, and known and unknown names lock alike. An
# address that fails too often across names is throttled for all of them.

LOCK_MSG = re.compile(r"^连续登录失败次数过多，该账号已被暂时锁定，请\d+分钟后再试$")


def lock_until(srv, username):
    rows = srv.sql("SELECT MAX(locked_until) FROM login_failures WHERE subject = 'u:' || ?", (user_id(srv, username),))
    return rows[0][0] or 0


def test_lockout_after_five_failures(core_spawn):
    # Was: after the lock, the right password was refused from everywhere and the lock was read
    # from users.locked_until; now it holds at the failing address, in login_failures.
    s = core_spawn()
    answers = [login_raw(s, "sysadmin", f"Wrong@{i}xx") for i in range(6)]
    codes = [(a.status_code, err(a)["code"]) for a in answers]
    assert codes[:4] == [(401, "invalid_credentials")] * 4, codes
    first_locked = next(i for i, c in enumerate(codes) if c == (403, "account_locked"))
    assert first_locked in (4, 5), codes
    assert all(c == (403, "account_locked") for c in codes[first_locked:]), codes
    assert re.search(r"\d+分钟", err(answers[first_locked])["message"]), err(answers[first_locked])
    # the right password is refused while locked
    r = login_raw(s, "sysadmin", DEMO_PASSWORD)
    assert r.status_code == 403 and err(r)["code"] == "account_locked"
    assert "Set-Cookie" not in r.headers
    # other accounts are not affected
    assert login_raw(s, "secadmin", DEMO_PASSWORD).status_code == 200
    # the lock expires
    s.sql("UPDATE login_failures SET locked_until = strftime('%s','now') - 1 WHERE subject = 'u:' || ?",
          (user_id(s, "sysadmin"),))
    r = login_raw(s, "sysadmin", DEMO_PASSWORD)
    assert r.status_code == 200, r.text
    # a success resets the failure count: 4 more failures do not lock
    for i in range(4):
        assert login_raw(s, "sysadmin", "Wrong@again").status_code == 401
    assert login_raw(s, "sysadmin", DEMO_PASSWORD).status_code == 200
    rows = s.sql("SELECT result, details FROM audit_log WHERE action = 'auth.login_failed' AND username = 'sysadmin'")
    assert len(rows) >= 10 and all(r[0] == "failure" for r in rows)
    assert any("锁定" in r[1] for r in rows), rows


def test_known_and_unknown_names_get_the_same_answer(core_spawn):
    """Was: an unknown name got 401 forever while a known one got account_locked, which told a
    stranger which names are accounts. Now both lock after the same failures, with the same
    status, code and message, and in the same timing class."""
    s = core_spawn()
    known = [login_raw(s, "auditadmin", f"Wrong@{i}xx") for i in range(7)]
    unknown = [login_raw(s, "no_such_admin", f"Wrong@{i}xx") for i in range(7)]
    for k, u in zip(known, unknown):
        assert (k.status_code, k.json()) == (u.status_code, u.json()), (k.text, u.text)
        assert ("Set-Cookie" in k.headers) == ("Set-Cookie" in u.headers) == False
    assert [k.status_code for k in known] == [401] * 4 + [403] * 3
    assert LOCK_MSG.match(err(known[4])["message"]), err(known[4])
    # the right password of the locked account gets that answer too
    r = login_raw(s, "auditadmin", DEMO_PASSWORD)
    assert (r.status_code, r.json()) == (unknown[-1].status_code, unknown[-1].json())

    def timed(name, pw):
        t = time.perf_counter()
        r = login_raw(s, name, pw)
        return time.perf_counter() - t, r.status_code

    # A locked attempt costs no password hashing, known or not; a counted failure costs one,
    # known or not.
    locked_k = statistics.median(timed("auditadmin", "Wrong@x")[0] for _ in range(5))
    locked_u = statistics.median(timed("no_such_admin", "Wrong@x")[0] for _ in range(5))
    fresh_k = statistics.median(timed("secadmin", f"Wrong@{i}y")[0] for i in range(3))
    fresh_u = statistics.median(timed(f"nobody{i}", "Wrong@y")[0] for i in range(3))
    slow = min(fresh_k, fresh_u)
    assert locked_k < slow / 2 and locked_u < slow / 2, (locked_k, locked_u, fresh_k, fresh_u)
    assert max(fresh_k, fresh_u) < 2.5 * slow, (fresh_k, fresh_u)
    rows = s.sql("SELECT username, details FROM audit_log WHERE action = 'auth.login_failed'"
                 " AND username IN ('auditadmin', 'no_such_admin')")
    assert {r[0] for r in rows} == {"auditadmin", "no_such_admin"}
    # no name is kept in clear by the lockout
    assert not s.sql("SELECT 1 FROM login_failures WHERE subject LIKE '%no_such_admin%'")


def test_lock_at_one_address_does_not_block_another(core_spawn):
    """A stranger failing from address A locks sysadmin at A only: the right password from B works,
    and the lock at A stays."""
    s = core_spawn()
    codes = [login_from(s, "127.0.0.2", "sysadmin", f"Wrong@{i}zz").status_code for i in range(5)]
    assert codes == [401] * 4 + [403], codes
    r = login_from(s, "127.0.0.2", "sysadmin", DEMO_PASSWORD)
    assert r.status_code == 403 and err(r)["code"] == "account_locked"
    r = login_from(s, "127.0.0.3", "sysadmin", DEMO_PASSWORD)
    assert r.status_code == 200, r.body
    assert "sixia_session" in r.headers.get("Set-Cookie", "")
    # B's success neither ends A's lock nor is hindered by it afterwards
    assert login_from(s, "127.0.0.2", "sysadmin", DEMO_PASSWORD).status_code == 403
    assert login_from(s, "127.0.0.3", "sysadmin", DEMO_PASSWORD).status_code == 200
    # the lock is kept for the address, and the administrator sees the account as locked
    rows = s.sql("SELECT address FROM login_failures WHERE subject = 'u:' || ? AND locked_until > strftime('%s','now')",
                 (user_id(s, "sysadmin"),))
    assert rows == [("127.0.0.2",)]
    admin = s.client("secadmin")
    got = admin.get(f"/api/v1/users/{user_id(s, 'sysadmin')}")
    if got.status_code == 200:
        assert got.json()["locked"] is True


def test_address_throttled_across_names(core_spawn):
    """An address that fails too often across names, unknown ones included, is throttled for every
    account; other addresses are not."""
    s = core_spawn()
    sec = s.client("secadmin")
    cur = sec.get("/api/v1/settings/security").json()
    assert cur["address_lockout_threshold"] == 20
    cur["address_lockout_threshold"] = 6
    r = sec.put("/api/v1/settings/security", json=cur)
    assert r.status_code == 200 and r.json()["address_lockout_threshold"] == 6, r.text
    # one failure each for six names: no name reaches its own threshold, the address does
    names = ["sysadmin", "spray_a", "spray_b", "auditadmin", "spray_c", "spray_d"]
    answers = [login_from(s, "127.0.0.4", n, "Wrong@2026") for n in names]
    assert [a.status_code for a in answers] == [401] * 5 + [429], [a.body for a in answers]
    e = err(answers[-1])
    assert e["code"] == "rate_limited" and re.search(r"\d+分钟", e["message"]), e
    # now every name, known or not, right password or not, gets the same answer from there
    for name, pw in (("secadmin", DEMO_PASSWORD), ("sysadmin", DEMO_PASSWORD), ("spray_z", "Wrong@2026")):
        r = login_from(s, "127.0.0.4", name, pw)
        assert (r.status_code, r.json()) == (429, answers[-1].json()), r.body
    # from another address all is well
    assert login_from(s, "127.0.0.5", "secadmin", DEMO_PASSWORD).status_code == 200
    assert login_from(s, "127.0.0.5", "sysadmin", DEMO_PASSWORD).status_code == 200
    rows = s.sql("SELECT details FROM audit_log WHERE action = 'auth.login_failed' AND ip = '127.0.0.4'")
    assert any("地址" in r[0] for r in rows), rows


def test_old_counters_are_pruned(core_spawn):
    s = core_spawn()
    login_raw(s, "prune_me", "Wrong@2026")
    s.sql("UPDATE login_failures SET window_start = window_start - 2 * 86400")
    login_raw(s, "someone_else", "Wrong@2026")
    subjects = [r[0] for r in s.sql("SELECT subject FROM login_failures")]
    assert len(subjects) == 2 and "*" in subjects, subjects  # someone_else's and the address's


def test_lockout_threshold_setting(core_spawn):
    s = core_spawn()
    sec = s.client("secadmin")
    cur = sec.get("/api/v1/settings/security").json()
    body = {k: cur[k] for k in cur}
    body["lockout_threshold"] = 3
    r = sec.put("/api/v1/settings/security", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["lockout_threshold"] == 3
    codes = [login_raw(s, "sysadmin", "Wrong@2026").status_code for _ in range(3)]
    assert codes == [401, 401, 403], codes
    assert err(login_raw(s, "sysadmin", DEMO_PASSWORD))["code"] == "account_locked"
    # unknown names lock at the same count
    codes = [login_raw(s, "nobody_three", "Wrong@2026").status_code for _ in range(3)]
    assert codes == [401, 401, 403], codes
    # and back up to 8: seven failures do not lock auditadmin
    cur = sec.get("/api/v1/settings/security").json()
    cur["lockout_threshold"] = 8
    assert sec.put("/api/v1/settings/security", json=cur).status_code == 200
    codes = [login_raw(s, "auditadmin", "Wrong@2026").status_code for _ in range(8)]
    assert codes == [401] * 7 + [403], codes


def test_lockout_minutes_setting(core_spawn):
    # Was read from users.locked_until; the lock now lives in login_failures.
    s = core_spawn()
    sec = s.client("secadmin")
    cur = sec.get("/api/v1/settings/security").json()
    cur.update(lockout_threshold=2, lockout_minutes=45)
    assert sec.put("/api/v1/settings/security", json=cur).status_code == 200
    t0 = int(time.time())
    for _ in range(2):
        login_raw(s, "sysadmin", "Wrong@2026")
    until = lock_until(s, "sysadmin")
    assert t0 + 45 * 60 - 5 <= until <= int(time.time()) + 45 * 60 + 5
    r = login_raw(s, "sysadmin", DEMO_PASSWORD)
    assert r.status_code == 403 and "45分钟" in err(r)["message"], r.text


def test_security_policy_ranges(core_spawn):
    s = core_spawn()
    sec = s.client("secadmin")
    cur = sec.get("/api/v1/settings/security").json()
    assert (cur["session_max_hours"], cur["token_max_days"], cur["address_lockout_threshold"]) == (12, 90, 20)
    for field, bad in (("session_max_hours", 0), ("session_max_hours", 721), ("token_max_days", 0),
                       ("token_max_days", 3651), ("address_lockout_threshold", 0)):
        body = dict(cur, **{field: bad})
        r = sec.put("/api/v1/settings/security", json=body)
        assert r.status_code == 422 and err(r)["field"] == field, (field, bad, r.text)
    # a client that does not send the new fields keeps their values
    body = dict(cur, session_max_hours=24)
    r = sec.put("/api/v1/settings/security", json=body)
    assert r.status_code == 200, r.text
    old = {k: v for k, v in r.json().items()
           if k not in ("session_max_hours", "token_max_days", "address_lockout_threshold")}
    r = sec.put("/api/v1/settings/security", json=old)
    assert r.status_code == 200 and r.json()["session_max_hours"] == 24, r.text
    # optimistic concurrency still applies
    r = sec.put("/api/v1/settings/security", json=dict(old, version=1))
    assert r.status_code == 409, r.text


# ---------------------------------------------------------------- idle timeout

def test_idle_timeout(core_spawn):
    s = core_spawn()
    c = s.client("sysadmin")
    other = s.client("secadmin")
    s.sql("UPDATE sessions SET last_seen = last_seen - 29 * 60")
    assert c.get("/api/v1/auth/me").status_code == 200  # 29 minutes idle: still fine
    s.sql("UPDATE sessions SET last_seen = strftime('%s','now') - 31 * 60 WHERE user_id ="
          " (SELECT id FROM users WHERE username = 'sysadmin')")
    r = c.get("/api/v1/auth/me")
    assert r.status_code == 401 and err(r)["code"] == "session_expired", r.text
    assert c.get("/api/v1/regions").status_code == 401  # gone for good
    assert other.get("/api/v1/auth/me").status_code == 200  # only that session expired


def test_idle_timeout_setting(core_spawn):
    s = core_spawn()
    sec = s.client("secadmin")
    cur = sec.get("/api/v1/settings/security").json()
    cur["session_idle_minutes"] = 5
    assert sec.put("/api/v1/settings/security", json=cur).status_code == 200
    c = s.client("sysadmin")
    s.sql("UPDATE sessions SET last_seen = strftime('%s','now') - 6 * 60 WHERE user_id ="
          " (SELECT id FROM users WHERE username = 'sysadmin')")
    r = c.get("/api/v1/auth/me")
    assert r.status_code == 401 and err(r)["code"] == "session_expired"


def test_absolute_session_lifetime(core_spawn):
    """However active, a session ends session_max_hours (default 12) after its login."""
    s = core_spawn()
    c = s.client("sysadmin")
    other = s.client("secadmin")
    uid = user_id(s, "sysadmin")
    # 11 hours 58 minutes old and active a moment ago: still fine
    s.sql("UPDATE sessions SET created_at = strftime('%s','now') - 11 * 3600 - 58 * 60,"
          " last_seen = strftime('%s','now') WHERE user_id = ?", (uid,))
    assert c.get("/api/v1/auth/me").status_code == 200
    s.sql("UPDATE sessions SET created_at = strftime('%s','now') - 12 * 3600 - 60,"
          " last_seen = strftime('%s','now') WHERE user_id = ?", (uid,))
    r = c.get("/api/v1/auth/me")
    assert r.status_code == 401 and err(r)["code"] == "session_expired", r.text
    assert "12小时" in err(r)["message"], r.text
    assert c.get("/api/v1/regions").status_code == 401  # gone for good
    assert not s.sql("SELECT 1 FROM sessions WHERE user_id = ?", (uid,))
    assert other.get("/api/v1/auth/me").status_code == 200
    # a new login is a new session
    c = s.client("sysadmin")
    assert c.get("/api/v1/auth/me").status_code == 200


def test_absolute_session_lifetime_setting(core_spawn):
    s = core_spawn()
    sec = s.client("secadmin")
    cur = sec.get("/api/v1/settings/security").json()
    cur["session_max_hours"] = 2
    r = sec.put("/api/v1/settings/security", json=cur)
    assert r.status_code == 200 and r.json()["session_max_hours"] == 2, r.text
    c = s.client("sysadmin")
    assert c.get("/api/v1/auth/me").json()["session_max_hours"] == 2
    uid = user_id(s, "sysadmin")
    s.sql("UPDATE sessions SET created_at = strftime('%s','now') - 2 * 3600 + 120 WHERE user_id = ?", (uid,))
    assert c.get("/api/v1/auth/me").status_code == 200
    s.sql("UPDATE sessions SET created_at = strftime('%s','now') - 2 * 3600 - 60 WHERE user_id = ?", (uid,))
    r = c.get("/api/v1/auth/me")
    assert r.status_code == 401 and err(r)["code"] == "session_expired" and "2小时" in err(r)["message"]
    # up to 720 hours (30 days)
    cur = sec.get("/api/v1/settings/security").json()
    cur["session_max_hours"] = 720
    assert sec.put("/api/v1/settings/security", json=cur).status_code == 200
    c = s.client("sysadmin")
    s.sql("UPDATE sessions SET created_at = strftime('%s','now') - 719 * 3600 WHERE user_id = ?", (uid,))
    assert c.get("/api/v1/auth/me").status_code == 200


def test_activity_keeps_session_alive(core_spawn):
    s = core_spawn()
    c = s.client("sysadmin")
    # 20 minutes idle, then a request: last_seen moves forward
    s.sql("UPDATE sessions SET last_seen = strftime('%s','now') - 20 * 60")
    assert c.get("/api/v1/auth/me").status_code == 200
    last = s.sql("SELECT MAX(last_seen) FROM sessions")[0][0]
    assert last >= int(time.time()) - 5


# ---------------------------------------------------------------- forced password change

def routes():
    rows = []
    for line in run_cli("routes").stdout.splitlines():
        if line.strip():
            rows.append(tuple(line.split()))
    return rows


@pytest.fixture
def init_server(tmp_path):
    db = str(tmp_path / "init.db")
    pws = core_init_db(db)
    s = Server(db, extra=["--login-rate", "100000"]).start()
    yield s, pws
    s.stop()


def test_first_login_must_change_password(init_server):
    s, pws = init_server
    c = Client(s)
    r = c.login("sysadmin", pws["sysadmin"])
    assert r.json()["user"]["must_change_password"] is True
    assert r.json()["must_change_password"] is True
    me = c.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["user"]["must_change_password"] is True
    allowed = {("GET", "/api/v1/auth/me"), ("POST", "/api/v1/auth/password"), ("POST", "/api/v1/auth/logout")}
    checked = 0
    regions_before = s.sql("SELECT COUNT(*) FROM regions")[0][0]
    for m, p, perm in routes():
        if perm == "public" or (m, p) in allowed:
            continue
        path = re.sub(r"\{[^}/]*\}", "1", p)
        kw = {"json": {"code": "770001", "name": "x", "level": 1}} if m in ("POST", "PUT") else {}
        r = c.req(m, path, **kw)
        assert r.status_code == 403, f"{m} {path}: {r.status_code} {r.text[:200]}"
        assert err(r)["code"] == "password_change_required", f"{m} {path}: {r.text[:200]}"
        checked += 1
    assert checked >= 8
    assert s.sql("SELECT COUNT(*) FROM regions")[0][0] == regions_before
    # weak passwords are refused
    for weak in ("short1A", "alllowercaseonly", "lowercase123456", "Sysadmin@2027x", "ABCDEFGH12345"):
        r = c.post("/api/v1/auth/password", json={"old_password": pws["sysadmin"], "new_password": weak})
        assert r.status_code == 422, (weak, r.text)
        assert err(r)["code"] == "weak_password" and err(r)["field"] == "new_password", (weak, r.text)
    # the wrong old password is refused
    r = c.post("/api/v1/auth/password", json={"old_password": "Wrong@2026x", "new_password": NEW_PASSWORD})
    assert r.status_code == 422 and err(r)["field"] == "old_password"
    # the same password again is refused
    r = c.post("/api/v1/auth/password", json={"old_password": pws["sysadmin"], "new_password": pws["sysadmin"]})
    assert r.status_code == 422
    assert c.get("/api/v1/regions").status_code == 403
    # a good one is accepted and the session is usable right away
    r = c.post("/api/v1/auth/password", json={"old_password": pws["sysadmin"], "new_password": NEW_PASSWORD})
    assert r.status_code == 204, r.text
    assert c.get("/api/v1/regions").status_code == 200
    assert c.get("/api/v1/auth/me").json()["user"]["must_change_password"] is False
    r = c.post("/api/v1/regions", json={"code": "770002", "name": "改密后", "level": 1})
    assert r.status_code == 201, r.text
    # old password no longer logs in, the new one does
    assert login_raw(s, "sysadmin", pws["sysadmin"]).status_code == 401
    r = login_raw(s, "sysadmin", NEW_PASSWORD)
    assert r.status_code == 200 and r.json()["user"]["must_change_password"] is False
    assert s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.password_change' AND username = 'sysadmin'"
                 " AND result = 'success'")[0][0] == 1


def test_init_admins_all_must_change(init_server):
    s, pws = init_server
    for user, probe in (("secadmin", "/api/v1/settings/security"), ("auditadmin", "/api/v1/audit")):
        c = Client(s)
        c.login(user, pws[user])
        r = c.get(probe)
        assert r.status_code == 403 and err(r)["code"] == "password_change_required", r.text
        assert c.post("/api/v1/auth/logout").status_code == 204


def test_user_add_must_change(core_spawn):
    s = core_spawn()
    p = run_cli("user", "add", "--help", check=False)
    if "not yet" in p.stdout + p.stderr or "--must-change" not in p.stdout + p.stderr:
        pytest.skip("`sixia user add --must-change` is not implemented yet")
    unit = s.sql("SELECT id FROM units ORDER BY id LIMIT 1")[0][0]
    p = run_cli("user", "add", "--username", "coretest1", "--display-name", "核心测试", "--unit-id", str(unit),
                "--password", "Start@2026x", "--role", "clerk", "--must-change", db=s.db, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    c = Client(s)
    r = c.login("coretest1", "Start@2026x")
    assert r.json()["user"]["must_change_password"] is True
    for path in ("/api/v1/regions", "/api/v1/stats/overview", "/api/v1/units"):
        r = c.get(path)
        assert r.status_code == 403 and err(r)["code"] == "password_change_required", (path, r.text)
    assert c.get("/api/v1/auth/me").status_code == 200
    r = c.post("/api/v1/auth/password", json={"old_password": "Start@2026x", "new_password": "weakpass"})
    assert r.status_code == 422 and err(r)["code"] == "weak_password"
    r = c.post("/api/v1/auth/password", json={"old_password": "Start@2026x", "new_password": NEW_PASSWORD})
    assert r.status_code == 204
    assert c.get("/api/v1/auth/me").json()["user"]["must_change_password"] is False
    assert c.get("/api/v1/regions").status_code == 200


def test_password_expiry(core_spawn):
    s = core_spawn()
    s.sql("UPDATE users SET password_changed_at = strftime('%s','now') - 200 * 86400 WHERE username = 'sysadmin'")
    c = Client(s)
    r = c.login("sysadmin", DEMO_PASSWORD)
    assert r.json()["user"]["password_expired"] is True
    assert r.json()["user"]["must_change_password"] is True
    me = c.get("/api/v1/auth/me").json()["user"]
    assert me["password_expired"] is True and me["must_change_password"] is True
    r = c.get("/api/v1/regions")
    assert r.status_code == 403 and err(r)["code"] == "password_change_required"
    assert "过期" in err(r)["message"]
    r = c.post("/api/v1/auth/password", json={"old_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 204
    me = c.get("/api/v1/auth/me").json()["user"]
    assert me["password_expired"] is False and me["must_change_password"] is False
    assert c.get("/api/v1/regions").status_code == 200
    # 89 days old is not expired (default 90)
    s.sql("UPDATE users SET password_changed_at = strftime('%s','now') - 89 * 86400 WHERE username = 'secadmin'")
    r = s.client("secadmin").me
    assert r["password_expired"] is False


def test_password_max_age_zero_never_expires(core_spawn):
    s = core_spawn()
    sec = s.client("secadmin")
    cur = sec.get("/api/v1/settings/security").json()
    cur["password_max_age_days"] = 0
    assert sec.put("/api/v1/settings/security", json=cur).status_code == 200
    s.sql("UPDATE users SET password_changed_at = 1 WHERE username = 'sysadmin'")
    c = s.client("sysadmin")
    assert c.me["password_expired"] is False
    assert c.get("/api/v1/regions").status_code == 200


def test_existing_session_sees_forced_change(core_spawn):
    """An administrator reset (must_change set while logged in) applies to the running session."""
    s = core_spawn()
    c = s.client("sysadmin")
    assert c.get("/api/v1/regions").status_code == 200
    s.sql("UPDATE users SET must_change_password = 1 WHERE username = 'sysadmin'")
    r = c.get("/api/v1/regions")
    assert r.status_code == 403 and err(r)["code"] == "password_change_required"


def test_disabled_user_cannot_log_in_or_continue(core_spawn):
    s = core_spawn()
    c = s.client("sysadmin")
    s.sql("UPDATE users SET status = 'disabled' WHERE username = 'sysadmin'")
    r = c.get("/api/v1/auth/me")
    assert r.status_code in (401, 403)
    r = login_raw(s, "sysadmin", DEMO_PASSWORD)
    assert r.status_code == 403 and err(r)["code"] == "account_disabled"
    # but a wrong password on a disabled account does not reveal it is disabled
    r = login_raw(s, "sysadmin", "Wrong@2026")
    assert r.status_code == 401 and err(r)["code"] == "invalid_credentials"


# ---------------------------------------------------------------- login rate limit

def test_login_rate_limit(core_spawn):
    s = core_spawn(["--login-rate", "5"])
    if time.time() % 60 > 55:  # keep the attempts inside one one-minute window
        time.sleep(61 - time.time() % 60)
    # Five different names: one name five times now locks (names that are no account lock too),
    # and the limit under test is the rate, not the lock.
    codes = [login_raw(s, f"nobody_rl{i}", "Wrong@2026").status_code for i in range(5)]
    assert codes == [401] * 5, codes
    r = login_raw(s, "nobody_rl5", "Wrong@2026")
    assert r.status_code == 429 and err(r)["code"] == "rate_limited", r.text
    # the right password does not get through either, and nothing is recorded for it
    n = s.sql("SELECT COUNT(*) FROM audit_log")[0][0]
    r = login_raw(s, "sysadmin", DEMO_PASSWORD)
    assert r.status_code == 429
    assert s.sql("SELECT COUNT(*) FROM audit_log")[0][0] == n
    # other endpoints are not limited
    assert requests.get(s.url("/api/v1/health")).status_code == 200


def test_demo_accounts_log_in(srv):
    if not srv.demo:
        pytest.skip("needs a `sixia demo` database")
    expect = {"sysadmin": "sysadmin", "secadmin": "secadmin", "auditadmin": "auditadmin",
              "clerk_dongshan": "clerk", "clerk_xiyang": "clerk", "handler": "handler", "leader": "leader",
              "planner": "planner"}
    for user, role in expect.items():
        r = login_raw(srv, user, DEMO_PASSWORD)
        assert r.status_code == 200, (user, r.text)
        u = r.json()["user"]
        assert role in [x["code"] for x in u["roles"]], (user, u["roles"])
        assert u["must_change_password"] is False, user
    # business users cannot write regions
    c = srv.client("clerk_dongshan")
    r = c.post("/api/v1/regions", json={"code": "880300", "name": "x", "level": 1})
    assert r.status_code == 403 and err(r)["code"] == "forbidden"
