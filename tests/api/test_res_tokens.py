"""API tokens: created by the security administrator for one user and one non-administrator role;
the secret is shown once; bearer requests need no CSRF; revoke and expiry end them."""
import time

import pytest
import requests

from conftest import err, res_all, res_bearer, res_role_ids

T = "/api/v1/tokens"


@pytest.fixture(scope="module")
def roles(secadmin):
    return res_role_ids(secadmin)


@pytest.fixture(scope="module")
def ids(admin):
    users, _ = res_all(admin, "/api/v1/users")
    return {u["username"]: u["id"] for u in users}


def create(secadmin, user_id, role_id, name="集成令牌", expect=201, **kw):
    r = secadmin.post(T, json=dict(name=name, user_id=user_id, role_id=role_id, **kw))
    assert r.status_code == expect, r.text
    return r.json()


def test_create_secret_once_and_use(server, secadmin, roles, ids):
    out = create(secadmin, ids["planner"], roles["planner"], name="规划令牌")
    secret, tok = out["secret"], out["token"]
    assert secret.startswith("sx_") and len(secret) >= 32
    assert tok["name"] == "规划令牌" and tok["user_id"] == ids["planner"] and tok["role_id"] == roles["planner"]
    assert tok["revoked_at"] is None and secret.startswith(tok["prefix"])
    assert secret not in str(tok)
    b = res_bearer(server, secret)
    r = b.get("/api/v1/auth/me")
    assert r.status_code == 200 and r.json()["user"]["username"] == "planner"
    assert b.get("/api/v1/cadres").status_code == 200
    # A write without any CSRF header.
    r = b.post("/api/v1/cadres", json={"name": "令牌录入", "unit_id": 1, "tags": ["法律"]})
    assert r.status_code == 201, r.text
    assert b.delete(f"/api/v1/cadres/{r.json()['id']}").status_code == 204
    # The list never shows the secret or its hash.
    lst = secadmin.get(T)
    assert lst.status_code == 200
    assert secret not in lst.text and secret[3:] not in lst.text
    for t in lst.json()["items"]:
        assert not any("hash" in k or "secret" in k for k in t), t
    mine = [t for t in lst.json()["items"] if t["id"] == tok["id"]][0]
    assert mine["last_used_at"]


def test_token_limited_to_its_role(server, secadmin, roles, ids):
    out = create(secadmin, ids["planner"], roles["planner"])
    b = res_bearer(server, out["secret"])
    assert b.get("/api/v1/users").status_code == 403
    assert b.post("/api/v1/regions", json={"code": "1", "name": "x", "level": 1}).status_code == 403


def test_revoke(server, secadmin, roles, ids):
    out = create(secadmin, ids["leader"], roles["leader"])
    b = res_bearer(server, out["secret"])
    assert b.get("/api/v1/cadres").status_code == 200
    assert secadmin.delete(f"{T}/{out['token']['id']}").status_code == 204
    r = b.get("/api/v1/cadres")
    assert r.status_code == 401 and err(r)["code"] == "unauthenticated"
    r = secadmin.delete(f"{T}/{out['token']['id']}")
    assert r.status_code == 409
    assert secadmin.delete(f"{T}/999999").status_code == 404
    listed = [t for t in res_all(secadmin, T)[0] if t["id"] == out["token"]["id"]][0]
    assert listed["revoked_at"]


def test_expired(server, secadmin, roles, ids):
    out = create(secadmin, ids["leader"], roles["leader"], expires_days=30)
    assert out["token"]["expires_at"] and out["token"]["expires_at"].endswith("Z")
    b = res_bearer(server, out["secret"])
    assert b.get("/api/v1/cadres").status_code == 200
    server.sql("UPDATE api_tokens SET expires_at = ? WHERE id = ?", (int(time.time()) - 60, out["token"]["id"]))
    r = b.get("/api/v1/cadres")
    assert r.status_code == 401 and err(r)["code"] == "unauthenticated"


def test_admin_role_refused(secadmin, roles, ids):
    before = secadmin.get(T).json()["total"]
    for user, role in (("sysadmin", "sysadmin"), ("auditadmin", "auditadmin"), ("secadmin", "secadmin")):
        r = secadmin.post(T, json={"name": "管理员令牌", "user_id": ids[user], "role_id": roles[role]})
        assert r.status_code == 409, r.text
        assert err(r)["code"] == "separation_of_duties" and err(r)["field"] == "role_id"
    assert secadmin.get(T).json()["total"] == before


def test_create_validation(secadmin, roles, ids):
    r = secadmin.post(T, json={"name": "x", "user_id": ids["leader"], "role_id": roles["planner"]})
    assert r.status_code == 422 and err(r)["field"] == "role_id"
    r = secadmin.post(T, json={"name": "x", "user_id": 999999, "role_id": roles["leader"]})
    assert r.status_code == 422 and err(r)["field"] == "user_id"
    r = secadmin.post(T, json={"user_id": ids["leader"], "role_id": roles["leader"]})
    assert r.status_code == 422 and err(r)["field"] == "name"
    r = secadmin.post(T, json={"name": "x", "user_id": ids["leader"], "role_id": roles["leader"], "expires_days": 0})
    assert r.status_code == 422 and err(r)["field"] == "expires_days"
    r = secadmin.post(T, json={"name": "x", "user_id": ids["leader"], "role_id": roles["leader"], "secret": "abc"})
    assert r.status_code == 422 and err(r)["field"] == "secret"


def test_bad_bearer(server):
    for value in ("sx_" + "0" * 64, "not-a-token", ""):
        r = requests.get(server.url("/api/v1/cadres"), headers={"Authorization": "Bearer " + value})
        assert r.status_code == 401, (value, r.text)


def test_disabled_user_token_stops(server, admin, secadmin, roles):
    r = admin.post("/api/v1/users", json={"username": "tok_user", "display_name": "令牌用户", "unit_id": 1,
                                           "password": "Init#2026abc"})
    assert r.status_code == 201
    u = r.json()
    assert secadmin.put(f"/api/v1/users/{u['id']}/roles",
                        json={"role_ids": [roles["leader"]], "version": u["version"]}).status_code == 200
    out = create(secadmin, u["id"], roles["leader"])
    b = res_bearer(server, out["secret"])
    assert b.get("/api/v1/cadres").status_code == 200
    assert admin.post(f"/api/v1/users/{u['id']}/disable").status_code == 200
    r = b.get("/api/v1/cadres")
    assert r.status_code in (401, 403) and err(r)["code"] in ("account_disabled", "unauthenticated")
    r = secadmin.post(T, json={"name": "停用者", "user_id": u["id"], "role_id": roles["leader"]})
    assert r.status_code == 409
    assert admin.post(f"/api/v1/users/{u['id']}/enable").status_code == 200
    assert b.get("/api/v1/cadres").status_code == 200
    # Taking the role away revokes the token.
    v = secadmin.get(f"/api/v1/users/{u['id']}").json()["version"]
    assert secadmin.put(f"/api/v1/users/{u['id']}/roles", json={"role_ids": [], "version": v}).status_code == 200
    assert b.get("/api/v1/cadres").status_code == 401


def test_role_with_token_cannot_gain_admin_permissions(server, admin, secadmin, ids):
    r = secadmin.post("/api/v1/roles", json={"code": "tok_role", "name": "令牌角色", "permissions": ["cadre:read"],
                                              "data_scope": 1})
    assert r.status_code == 201
    role = r.json()
    v = secadmin.get(f"/api/v1/users/{ids['leader']}").json()
    role_ids = [x["id"] for x in v["roles"]] + [role["id"]]
    assert secadmin.put(f"/api/v1/users/{ids['leader']}/roles",
                        json={"role_ids": role_ids, "version": v["version"]}).status_code == 200
    create(secadmin, ids["leader"], role["id"])
    r = secadmin.put(f"/api/v1/roles/{role['id']}", json={"permissions": ["cadre:read", "user:write"], "version": 1})
    assert r.status_code == 409 and err(r)["code"] == "separation_of_duties"
    assert secadmin.get(f"/api/v1/roles/{role['id']}").json()["permissions"] == ["cadre:read"]
    r = secadmin.delete(f"/api/v1/roles/{role['id']}")
    assert r.status_code == 409


def test_only_token_managers(server, admin, auditadmin):
    for c in (admin, auditadmin, server.client("leader")):
        assert c.get(T).status_code == 403
        assert c.post(T, json={"name": "x", "user_id": 1, "role_id": 1}).status_code == 403
