"""API tokens: each is its own integration account (集成账号, username "token:<name>") created with
it, in one unit and through one role that carries neither administrator permissions (三员分立) nor
personal-data ones (case:pii, case:report). A token never acts as a person: every audit record
and timeline event made through it names the token. The secret is shown once; bearer requests
need no CSRF; every token expires (token_max_days); revoking it disables its account."""
import calendar
import hashlib
import json
import sqlite3
import time

import pytest
import requests

from casehelp import C, World, fake_phone
from conftest import Server, err, res_all, res_bearer, res_role_ids, run_cli

T = "/api/v1/tokens"
DAY = 86400


@pytest.fixture(scope="module")
def roles(secadmin):
    return res_role_ids(secadmin)


@pytest.fixture(scope="module")
def w(server):
    return World(server)


def create(secadmin, role_id, name, unit_id=1, expect=201, **kw):
    r = secadmin.post(T, json=dict(name=name, unit_id=unit_id, role_id=role_id, **kw))
    assert r.status_code == expect, r.text
    return r.json()


def new_role(secadmin, code, permissions, scope=1):
    r = secadmin.post("/api/v1/roles", json={"code": code, "name": "令牌测试" + code, "permissions": permissions,
                                              "data_scope": scope})
    assert r.status_code == 201, r.text
    return r.json()


def iso_ts(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


def audit_rows(server, where, params=()):
    return server.sql("SELECT user_id, username, action, object_id, details FROM audit_log WHERE " + where
                      + " ORDER BY id", params)


def test_create_secret_once_and_use(server, secadmin, roles):
    out = create(secadmin, roles["planner"], "规划令牌")
    secret, tok = out["secret"], out["token"]
    assert secret.startswith("sx_") and len(secret) >= 32
    assert tok["name"] == "规划令牌" and tok["role_id"] == roles["planner"] and tok["unit_id"] == 1
    # its own integration account, not a person's
    assert tok["username"] == "token:规划令牌" and tok["integration"] is True and tok["account_status"] == "active"
    assert tok["display_name"] == "集成令牌：规划令牌" and tok["unit_name"]
    assert tok["created_by_username"] == "secadmin"
    assert tok["revoked_at"] is None and secret.startswith(tok["prefix"])
    assert secret not in str(tok)
    b = res_bearer(server, secret)
    me = b.get("/api/v1/auth/me")
    assert me.status_code == 200, me.text
    u = me.json()["user"]
    assert u["username"] == "token:规划令牌" and u["kind"] == "integration" and u["id"] == tok["user_id"]
    assert [x["code"] for x in u["roles"]] == ["planner"] and u["token_id"] == tok["id"]
    assert b.get("/api/v1/cadres").status_code == 200
    # A write without any CSRF header.
    r = b.post("/api/v1/cadres", json={"name": "令牌录入", "unit_id": 1, "tags": ["法律"]})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert b.delete(f"/api/v1/cadres/{cid}").status_code == 204
    # The list never shows the secret or its hash.
    lst = secadmin.get(T)
    assert lst.status_code == 200
    assert secret not in lst.text and secret[3:] not in lst.text
    for t in lst.json()["items"]:
        assert not any("hash" in k or "secret" in k for k in t), t
    mine = [t for t in lst.json()["items"] if t["id"] == tok["id"]][0]
    assert mine["last_used_at"]


def test_audit_names_the_token(server, secadmin, roles):
    """What the token does is recorded as the token's, with its id — never as a person's."""
    out = create(secadmin, roles["planner"], "审计令牌")
    tok = out["token"]
    b = res_bearer(server, out["secret"])
    r = b.post("/api/v1/cadres", json={"name": "审计令牌录入", "unit_id": 1})
    assert r.status_code == 201, r.text
    cid = str(r.json()["id"])
    assert b.delete(f"/api/v1/cadres/{cid}").status_code == 204
    rows = audit_rows(server, "action IN ('cadre.create', 'cadre.delete') AND object_id = ?", (cid,))
    assert [r[2] for r in rows] == ["cadre.create", "cadre.delete"], rows
    for user_id, username, _, _, details in rows:
        assert user_id == tok["user_id"] and username == "token:审计令牌", rows
        assert json.loads(details)["token_id"] == tok["id"], details
    # a record without details of its own gets the id too
    assert b.post("/api/v1/auth/logout").status_code == 204
    rows = audit_rows(server, "action = 'auth.logout' AND username = 'token:审计令牌'")
    assert rows and json.loads(rows[-1][4]) == {"token_id": tok["id"]}, rows
    # and the record of the creation says who made it and what the account is
    rows = audit_rows(server, "action = 'token.create' AND object_id = ?", (str(tok["id"]),))
    assert len(rows) == 1 and rows[0][1] == "secadmin"
    d = json.loads(rows[0][4])
    assert d["account_id"] == tok["user_id"] and d["username"] == "token:审计令牌" and d["unit_id"] == 1
    assert "token_id" not in d  # the security administrator acted with a session, not a token


def test_integration_account_is_no_person(server, admin, secadmin, roles):
    out = create(secadmin, roles["handler"], "非人账号")
    acc = out["token"]["user_id"]
    # not among people: user list, user detail, role assignment, handler choice, user count
    users, total = res_all(admin, "/api/v1/users")
    assert acc not in [u["id"] for u in users] and not any(u["username"].startswith("token:") for u in users)
    assert admin.get(f"/api/v1/users/{acc}").status_code == 404
    assert admin.post(f"/api/v1/users/{acc}/disable").status_code == 404
    assert admin.post(f"/api/v1/users/{acc}/reset-password", json={"password": "Reset#2026xyz"}).status_code == 404
    assert secadmin.put(f"/api/v1/users/{acc}/roles", json={"role_ids": [roles["leader"]], "version": 1}).status_code == 404
    assert admin.get("/api/v1/stats/overview").json()["users"] == total
    clerk = server.client("clerk_dongshan")
    handlers = clerk.get(f"{C}/handlers")
    assert handlers.status_code == 200, handlers.text
    assert acc not in [u["id"] for unit in handlers.json()["items"] for u in unit["users"]]
    # no password login, whatever is typed: the same answer as for a name that is no account
    for pw in ("Demo@2026", "!", ""):
        r = requests.post(server.url("/api/v1/auth/login"), json={"username": "token:非人账号", "password": pw or "x"})
        assert r.status_code == 401 and err(r)["code"] == "invalid_credentials", r.text
    server.sql("DELETE FROM login_failures")
    # a token cannot change "its" password either
    b = res_bearer(server, out["secret"])
    r = b.post("/api/v1/auth/password", json={"old_password": "x", "new_password": "Xinmima#2027"})
    assert r.status_code == 403


def test_no_binding_to_a_person(secadmin, roles, admin):
    leader = [u for u in res_all(admin, "/api/v1/users")[0] if u["username"] == "leader"][0]
    before = secadmin.get(T).json()["total"]
    # the old body with user_id is refused: there is no such field any more
    r = secadmin.post(T, json={"name": "冒用领导", "user_id": leader["id"], "role_id": roles["handler"], "unit_id": 1})
    assert r.status_code == 422 and err(r)["field"] == "user_id", r.text
    r = secadmin.post(T, json={"name": "冒用领导", "user_id": leader["id"], "role_id": roles["handler"]})
    assert r.status_code == 422 and err(r)["field"] in ("user_id", "unit_id"), r.text
    assert secadmin.get(T).json()["total"] == before


def test_admin_and_personal_data_roles_refused(server, secadmin, roles):
    before = secadmin.get(T).json()["total"]
    accounts = server.sql("SELECT COUNT(*) FROM users")[0][0]
    for role in ("sysadmin", "auditadmin", "secadmin"):
        r = secadmin.post(T, json={"name": "管理员令牌", "unit_id": 1, "role_id": roles[role]})
        assert r.status_code == 409, r.text
        assert err(r)["code"] == "separation_of_duties" and err(r)["field"] == "role_id"
    # the roles that see full ID numbers and phones, or 检举控告 cases
    pii = new_role(secadmin, "tok_pii", ["case:read", "case:pii"])
    rep = new_role(secadmin, "tok_report", ["case:read", "case:report"])
    for role_id in (roles["leader"], roles["clerk"], pii["id"], rep["id"]):
        r = secadmin.post(T, json={"name": "个人信息令牌", "unit_id": 1, "role_id": role_id})
        assert r.status_code == 422, r.text
        e = err(r)
        assert e["code"] == "validation_failed" and e["field"] == "role_id", e
        assert "身份证号" in e["message"] and "检举控告" in e["message"], e
    assert secadmin.get(T).json()["total"] == before
    assert server.sql("SELECT COUNT(*) FROM users")[0][0] == accounts  # no account left behind
    # the role list says which roles a token may use
    listed = {x["code"]: x["token_allowed"] for x in res_all(secadmin, "/api/v1/roles")[0]}
    assert listed["handler"] is True and listed["planner"] is True
    assert not any(listed[c] for c in ("sysadmin", "secadmin", "auditadmin", "leader", "clerk", "tok_pii",
                                       "tok_report"))
    assert secadmin.get(f"/api/v1/roles/{pii['id']}").json()["token_allowed"] is False


def test_token_cannot_reach_reports_or_personal_data(w):
    """The incident: a token listed every 检举控告 case and read full ID numbers and phones as
    the leader. Now the widest token role a security administrator can give reads cases but
    neither reports nor personal data, and its reads are its own."""
    report = w.create(kind="report", accused_unit_id=w.edu, title="令牌测试检举事项",
                      content="检举教育局某人违规。", petitioners=[{"name": "检举人", "phone": fake_phone()}])
    plain = w.create(title="令牌测试普通事项")
    role = new_role(w.sec, "tok_caseread", ["case:read", "case:export"], scope=1)
    out = create(w.sec, role["id"], "办件查询")
    b = res_bearer(w.server, out["secret"])
    items, total = res_all(b, C)
    ids = {i["id"] for i in items}
    assert plain["id"] in ids and report["id"] not in ids
    assert all(i["kind"] != "report" for i in items)
    assert b.get(f"{C}/{report['id']}").status_code == 404
    r = b.get(f"{C}/{plain['id']}/pii")
    assert r.status_code == 403, r.text
    detail = b.get(f"{C}/{plain['id']}").json()
    assert detail["can_view_pii"] is False
    # the leader, a person, still can (the rule is about tokens, not about the data)
    assert w.leader.get(f"{C}/{report['id']}").status_code == 200
    assert w.leader.get(f"{C}/{plain['id']}/pii").status_code == 200


def test_timeline_names_the_token(w):
    role = new_role(w.sec, "tok_intake", ["case:read", "case:intake", "case:supervise"], scope=1)
    out = create(w.sec, role["id"], "热线转办", unit_id=w.dongshan_gov)
    b = res_bearer(w.server, out["secret"])
    r = b.post(C, json=w.body(title="热线转来的事项"))
    assert r.status_code == 201, r.text
    case = r.json()
    events = b.get(f"{C}/{case['id']}").json()["timeline"]
    assert events and events[0]["actor_name"] == "集成令牌：热线转办", events
    rows = audit_rows(w.server, "action = 'case.create' AND object_id = ?", (str(case["id"]),))
    assert rows and rows[0][1] == "token:热线转办" and json.loads(rows[0][4])["token_id"] == out["token"]["id"]
    # 包案 makes the actor personally in charge: an integration account is nobody
    r = b.post(f"{C}/{case['id']}/actions/take_charge", json={"version": case["version"]})
    assert r.status_code == 403 and "包案" in err(r)["message"], r.text


def test_token_scope_is_its_unit_and_role(server, secadmin, roles, w):
    out = create(secadmin, roles["handler"], "住建局对接", unit_id=w.zjj)
    b = res_bearer(server, out["secret"])
    assert b.get("/api/v1/auth/me").json()["user"]["unit_id"] == w.zjj
    mine = {i["id"] for i in res_all(b, C)[0]}
    # what the token sees, the handler of that unit (same role) sees too
    assert mine <= {i["id"] for i in res_all(w.handler, C)[0]}
    # the handler role carries no export permission: neither does its token
    assert b.get(f"{C}/export").status_code == 403


def test_token_limited_to_its_role(server, secadmin, roles):
    out = create(secadmin, roles["planner"], "受限令牌")
    b = res_bearer(server, out["secret"])
    assert b.get("/api/v1/users").status_code == 403
    assert b.post("/api/v1/regions", json={"code": "1", "name": "x", "level": 1}).status_code == 403


def test_revoke_disables_the_account(server, secadmin, roles):
    out = create(secadmin, roles["handler"], "吊销令牌")
    tid = out["token"]["id"]
    b = res_bearer(server, out["secret"])
    assert b.get("/api/v1/cadres").status_code == 200
    assert secadmin.delete(f"{T}/{tid}").status_code == 204
    r = b.get("/api/v1/cadres")
    assert r.status_code == 401 and err(r)["code"] == "unauthenticated"
    r = secadmin.delete(f"{T}/{tid}")
    assert r.status_code == 409
    assert secadmin.delete(f"{T}/999999").status_code == 404
    listed = [t for t in res_all(secadmin, T)[0] if t["id"] == tid][0]
    assert listed["revoked_at"] and listed["account_status"] == "disabled"
    assert server.sql("SELECT status FROM users WHERE id = ?", (out["token"]["user_id"],)) == [("disabled",)]
    rows = audit_rows(server, "action = 'token.revoke' AND object_id = ?", (str(tid),))
    assert len(rows) == 1 and json.loads(rows[0][4])["account_id"] == out["token"]["user_id"]
    # a name names one token forever: not reused after revocation either
    r = secadmin.post(T, json={"name": "吊销令牌", "unit_id": 1, "role_id": roles["handler"]})
    assert r.status_code == 409 and err(r)["field"] == "name", r.text


def test_expiry_default_and_maximum(server, secadmin, roles):
    t0 = time.time()
    out = create(secadmin, roles["handler"], "默认期限")
    exp = iso_ts(out["token"]["expires_at"])
    assert out["token"]["expires_at"].endswith("Z")
    assert t0 + 90 * DAY - 60 <= exp <= time.time() + 90 * DAY + 60  # the default maximum, 90 days
    out = create(secadmin, roles["handler"], "三十天", expires_days=30)
    assert abs(iso_ts(out["token"]["expires_at"]) - (t0 + 30 * DAY)) < 120
    r = secadmin.post(T, json={"name": "太长", "unit_id": 1, "role_id": roles["handler"], "expires_days": 91})
    assert r.status_code == 422 and err(r)["field"] == "expires_days" and "90" in err(r)["message"], r.text
    # the maximum is a security-policy setting
    cur = secadmin.get("/api/v1/settings/security").json()
    assert cur["token_max_days"] == 90
    cur["token_max_days"] = 7
    r = secadmin.put("/api/v1/settings/security", json=cur)
    assert r.status_code == 200 and r.json()["token_max_days"] == 7, r.text
    try:
        out = create(secadmin, roles["handler"], "七天")
        assert abs(iso_ts(out["token"]["expires_at"]) - (t0 + 7 * DAY)) < 120
        r = secadmin.post(T, json={"name": "八天", "unit_id": 1, "role_id": roles["handler"], "expires_days": 8})
        assert r.status_code == 422 and err(r)["field"] == "expires_days"
    finally:
        cur = secadmin.get("/api/v1/settings/security").json()
        cur["token_max_days"] = 90
        assert secadmin.put("/api/v1/settings/security", json=cur).status_code == 200


def test_expired(server, secadmin, roles):
    out = create(secadmin, roles["handler"], "过期令牌", expires_days=30)
    b = res_bearer(server, out["secret"])
    assert b.get("/api/v1/cadres").status_code == 200
    server.sql("UPDATE api_tokens SET expires_at = ? WHERE id = ?", (int(time.time()) - 60, out["token"]["id"]))
    r = b.get("/api/v1/cadres")
    assert r.status_code == 401 and err(r)["code"] == "unauthenticated"
    # one without any end (only an old database could have one) is refused as well
    server.sql("UPDATE api_tokens SET expires_at = NULL WHERE id = ?", (out["token"]["id"],))
    assert b.get("/api/v1/cadres").status_code == 401


def test_create_validation(secadmin, roles):
    h = roles["handler"]
    r = secadmin.post(T, json={"name": "x", "unit_id": 999999, "role_id": h})
    assert r.status_code == 422 and err(r)["field"] == "unit_id"
    r = secadmin.post(T, json={"name": "x", "unit_id": 1, "role_id": 999999})
    assert r.status_code == 422 and err(r)["field"] == "role_id"
    r = secadmin.post(T, json={"unit_id": 1, "role_id": h})
    assert r.status_code == 422 and err(r)["field"] == "name"
    r = secadmin.post(T, json={"name": "x", "role_id": h})
    assert r.status_code == 422 and err(r)["field"] == "unit_id"
    r = secadmin.post(T, json={"name": "x", "unit_id": 1})
    assert r.status_code == 422 and err(r)["field"] == "role_id"
    r = secadmin.post(T, json={"name": "x", "unit_id": 1, "role_id": h, "expires_days": 0})
    assert r.status_code == 422 and err(r)["field"] == "expires_days"
    r = secadmin.post(T, json={"name": "x", "unit_id": 1, "role_id": h, "secret": "abc"})
    assert r.status_code == 422 and err(r)["field"] == "secret"
    r = secadmin.post(T, json={"name": "长" * 41, "unit_id": 1, "role_id": h})
    assert r.status_code == 422 and err(r)["field"] == "name"
    # the longest name works end to end (the account name is "token:" and 40 characters)
    out = create(secadmin, h, "长" * 40)
    assert out["token"]["username"] == "token:" + "长" * 40
    create(secadmin, h, "重名令牌")
    r = secadmin.post(T, json={"name": "重名令牌", "unit_id": 1, "role_id": h})
    assert r.status_code == 409 and err(r)["field"] == "name" and "名称" in err(r)["message"]


def test_long_name_in_audit(server, secadmin, roles):
    out = create(secadmin, roles["planner"], "长名" * 20)
    b = res_bearer(server, out["secret"])
    r = b.post("/api/v1/cadres", json={"name": "长名令牌录入", "unit_id": 1})
    assert r.status_code == 201, r.text
    rows = audit_rows(server, "action = 'cadre.create' AND object_id = ?", (str(r.json()["id"]),))
    assert rows[0][1] == "token:" + "长名" * 20


def test_bad_bearer(server):
    for value in ("sx_" + "0" * 64, "not-a-token", ""):
        r = requests.get(server.url("/api/v1/cadres"), headers={"Authorization": "Bearer " + value})
        assert r.status_code == 401, (value, r.text)


def test_role_with_token_cannot_gain_admin_or_personal_permissions(server, secadmin):
    role = new_role(secadmin, "tok_role", ["cadre:read"])
    create(secadmin, role["id"], "角色令牌")
    r = secadmin.put(f"/api/v1/roles/{role['id']}", json={"permissions": ["cadre:read", "user:write"], "version": 1})
    assert r.status_code == 409 and err(r)["code"] == "separation_of_duties"
    for p in ("case:pii", "case:report"):
        r = secadmin.put(f"/api/v1/roles/{role['id']}", json={"permissions": ["cadre:read", p], "version": 1})
        assert r.status_code == 422 and err(r)["field"] == "permissions" and "令牌" in err(r)["message"], r.text
    assert secadmin.get(f"/api/v1/roles/{role['id']}").json()["permissions"] == ["cadre:read"]
    r = secadmin.delete(f"/api/v1/roles/{role['id']}")
    assert r.status_code == 409


def test_only_token_managers(server, admin, auditadmin):
    for c in (admin, auditadmin, server.client("leader")):
        assert c.get(T).status_code == 403
        assert c.post(T, json={"name": "x", "unit_id": 1, "role_id": 1}).status_code == 403


# ---------------------------------------------------------------- upgrading an older database

def downgrade_to_4(db):
    """Makes db look as before migration 5: no users.kind, no login_failures, version 5 not applied."""
    con = sqlite3.connect(db)
    try:
        con.executescript("DROP TABLE login_failures; ALTER TABLE users DROP COLUMN kind;"
                          " DELETE FROM schema_migrations WHERE version = 5;")
        con.commit()
    finally:
        con.close()


def test_upgrade_revokes_tokens_bound_to_people(tmp_path):
    db = str(tmp_path / "old.db")
    run_cli("demo", db=db)
    downgrade_to_4(db)
    # the tokens an older version made: bound to people, never expiring
    secret = "sx_" + "ab" * 32
    h = hashlib.blake2b(secret.encode(), digest_size=32).hexdigest()
    con = sqlite3.connect(db)
    leader = con.execute("SELECT id FROM users WHERE username = 'leader'").fetchone()[0]
    handler = con.execute("SELECT id FROM users WHERE username = 'handler'").fetchone()[0]
    role = con.execute("SELECT id FROM roles WHERE code = 'leader'").fetchone()[0]
    con.execute("INSERT INTO api_tokens (name, user_id, role_id, token_hash, prefix, created_at)"
                " VALUES ('领导令牌', ?, ?, ?, 'sx_ababa', '2025-01-01T00:00:00Z')", (leader, role, h))
    con.execute("INSERT INTO api_tokens (name, user_id, role_id, token_hash, prefix, created_at, revoked_at)"
                " VALUES ('旧的已吊销', ?, ?, ?, 'sx_cdcdc', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')",
                (handler, role, "cd" * 32))
    con.commit()
    ids = dict(con.execute("SELECT name, id FROM api_tokens"))
    con.close()
    t0 = int(time.time())
    s = Server(db).start()
    try:
        r = requests.get(s.url("/api/v1/cases"), headers={"Authorization": "Bearer " + secret})
        assert r.status_code == 401, r.text
        rows = {n: (rev, exp) for n, rev, exp in s.sql("SELECT name, revoked_at, expires_at FROM api_tokens")}
        assert rows["领导令牌"][0] and rows["旧的已吊销"][0] == "2025-02-01T00:00:00Z"
        # never-expiring tokens get the maximum lifetime from the migration on
        for name in rows:
            assert t0 + 90 * DAY - 60 <= rows[name][1] <= time.time() + 90 * DAY + 60, rows
        audit = s.sql("SELECT username, object_id, details FROM audit_log WHERE action = 'token.revoke'")
        assert len(audit) == 1, audit  # the one that was still live
        assert audit[0][0] == "sixia-migrate" and audit[0][1] == str(ids["领导令牌"])
        d = json.loads(audit[0][2])
        assert d["username"] == "leader" and d["user_id"] == leader and "吊销" in d["reason"]
        assert s.sql("SELECT DISTINCT kind FROM users") == [("person",)]
        assert s.sql("SELECT COUNT(*) FROM schema_migrations WHERE version = 5") == [(1,)]
    finally:
        assert s.stop() == 0
    # the audit chain holds with the migration's records in it
    assert run_cli("check", db=db).returncode == 0
