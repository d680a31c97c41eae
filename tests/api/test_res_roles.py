"""Roles managed by the security administrator, and 三员分立 (separation of the system,
security and audit administrators)."""
import pytest

from conftest import err, res_all, res_role_ids, run_cli

R = "/api/v1/roles"
U = "/api/v1/users"
INIT = "Init#2026abc"


@pytest.fixture(scope="module")
def roles(secadmin):
    return res_role_ids(secadmin)


def new_role(secadmin, code, perms, scope=4, expect=201, **kw):
    r = secadmin.post(R, json=dict(code=code, name=kw.pop("name", code), permissions=perms, data_scope=scope, **kw))
    assert r.status_code == expect, r.text
    return r.json()


def new_user(admin, username, unit=1):
    r = admin.post(U, json={"username": username, "display_name": username, "unit_id": unit, "password": INIT})
    assert r.status_code == 201, r.text
    return r.json()


def test_permissions_catalogue(secadmin):
    r = secadmin.get("/api/v1/permissions")
    assert r.status_code == 200
    perms = {p["code"]: p for p in r.json()["items"]}
    assert {"cadre:read", "user:write", "user:grant", "audit:read", "role:write", "token:manage"} <= set(perms)
    assert perms["user:write"]["admin_class"] == "sys"
    assert perms["user:grant"]["admin_class"] == "sec"
    assert perms["audit:read"]["admin_class"] == "audit"
    assert perms["cadre:read"]["admin_class"] is None
    assert all(p["name"] and p["group"] for p in perms.values())


def test_builtin_roles(secadmin):
    items, total = res_all(secadmin, R)
    by = {r["code"]: r for r in items}
    assert {"sysadmin", "secadmin", "auditadmin", "clerk", "handler", "leader", "planner"} <= set(by)
    assert by["sysadmin"]["admin_class"] == "sys" and by["secadmin"]["admin_class"] == "sec"
    assert by["auditadmin"]["admin_class"] == "audit" and by["clerk"]["admin_class"] is None
    assert by["clerk"]["data_scope"] == 4 and by["handler"]["data_scope"] == 3
    assert all(r["builtin"] for r in by.values() if r["code"] in ("sysadmin", "clerk"))
    assert sorted(by["auditadmin"]["permissions"]) == ["audit:read", "loginlog:read"]


def test_crud(secadmin, admin):
    role = new_role(secadmin, "r_crud", ["cadre:read", "unit:read"], scope=2, scope_unit_ids=[1], name="测试角色")
    assert role["builtin"] is False and role["admin_class"] is None and role["data_scope"] == 2
    assert sorted(role["permissions"]) == ["cadre:read", "unit:read"] and role["scope_unit_ids"] == [1]
    r = secadmin.get(f"{R}/{role['id']}")
    assert r.status_code == 200 and r.headers["ETag"] == '"1"'
    r = secadmin.put(f"{R}/{role['id']}", json={"name": "测试角色二", "permissions": ["cadre:read"], "data_scope": 3},
                     headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["name"] == "测试角色二" and got["permissions"] == ["cadre:read"] and got["data_scope"] == 3
    assert got["version"] == 2
    r = secadmin.put(f"{R}/{role['id']}", json={"name": "过期", "version": 1})
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    assert secadmin.put(f"{R}/{role['id']}", json={"name": "无版本"}).status_code == 428
    assert secadmin.delete(f"{R}/{role['id']}").status_code == 204
    assert secadmin.get(f"{R}/{role['id']}").status_code == 404
    # An admin-class custom role gets its class from its permissions.
    sec_like = new_role(secadmin, "r_sec_like", ["role:read", "user:read"])
    assert sec_like["admin_class"] == "sec"
    secadmin.delete(f"{R}/{sec_like['id']}")


@pytest.mark.parametrize("body,field", [
    ({"code": "r_v1", "name": "x", "permissions": ["cadre:fly"], "data_scope": 1}, "permissions"),
    ({"code": "r_v2", "name": "x", "permissions": ["cadre:read"], "data_scope": 6}, "data_scope"),
    ({"code": "r_v3", "name": "x", "permissions": ["cadre:read"], "data_scope": 0}, "data_scope"),
    ({"code": "R-Bad", "name": "x", "permissions": [], "data_scope": 1}, "code"),
    ({"name": "x", "permissions": [], "data_scope": 1}, "code"),
    ({"code": "r_v4", "permissions": [], "data_scope": 1}, "name"),
    ({"code": "r_v5", "name": "x", "permissions": [], "data_scope": 2, "scope_unit_ids": [999999]}, "scope_unit_ids"),
    ({"code": "r_v6", "name": "x", "permissions": "cadre:read", "data_scope": 1}, "permissions"),
    ({"code": "r_v7", "name": "x", "permissions": [], "data_scope": 1, "builtin": True}, "builtin"),
])
def test_validation(secadmin, body, field):
    before = secadmin.get(R).json()["total"]
    r = secadmin.post(R, json=body)
    assert r.status_code == 422, r.text
    assert err(r)["code"] == "validation_failed" and err(r)["field"] == field
    assert secadmin.get(R).json()["total"] == before


def test_duplicate_code(secadmin):
    r = secadmin.post(R, json={"code": "clerk", "name": "重复", "permissions": [], "data_scope": 1})
    assert r.status_code == 409 and err(r)["code"] == "duplicate" and err(r)["field"] == "code"


def test_builtin_roles_fixed(secadmin, roles):
    for code in ("sysadmin", "clerk", "leader"):
        r = secadmin.delete(f"{R}/{roles[code]}")
        assert r.status_code == 409, r.text
        assert secadmin.get(f"{R}/{roles[code]}").status_code == 200
    for code, perms in (("sysadmin", ["cadre:read"]), ("secadmin", ["role:read"]),
                        ("auditadmin", ["audit:read"])):
        before = secadmin.get(f"{R}/{roles[code]}").json()
        r = secadmin.put(f"{R}/{roles[code]}", json={"permissions": perms, "version": before["version"]})
        assert r.status_code == 409 and err(r)["field"] == "permissions", r.text
        r = secadmin.put(f"{R}/{roles[code]}", json={"data_scope": 3, "version": before["version"]})
        assert r.status_code == 409, r.text
        after = secadmin.get(f"{R}/{roles[code]}").json()
        assert sorted(after["permissions"]) == sorted(before["permissions"]) and after["data_scope"] == 1
    r = secadmin.put(f"{R}/{roles['clerk']}", json={"code": "clerk2", "version": 1})
    assert r.status_code == 409 and err(r)["field"] == "code"
    # Renaming a 三员 role is allowed.
    v = secadmin.get(f"{R}/{roles['auditadmin']}").json()["version"]
    r = secadmin.put(f"{R}/{roles['auditadmin']}", json={"name": "审计管理员（改）", "version": v})
    assert r.status_code == 200 and r.json()["name"] == "审计管理员（改）"


def test_role_in_use(secadmin, admin):
    role = new_role(secadmin, "r_inuse", ["cadre:read"])
    u = new_user(admin, "u_inuse")
    r = secadmin.put(f"{U}/{u['id']}/roles", json={"role_ids": [role["id"]], "version": u["version"]})
    assert r.status_code == 200
    assert secadmin.get(f"{R}/{role['id']}").json()["user_count"] == 1
    r = secadmin.delete(f"{R}/{role['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced"
    v = secadmin.get(f"{U}/{u['id']}").json()["version"]
    assert secadmin.put(f"{U}/{u['id']}/roles", json={"role_ids": [], "version": v}).status_code == 200
    assert secadmin.delete(f"{R}/{role['id']}").status_code == 204


@pytest.mark.parametrize("pair", [("sysadmin", "auditadmin"), ("sysadmin", "secadmin"), ("secadmin", "auditadmin"),
                                  ("sysadmin", "secadmin", "auditadmin")])
def test_grant_two_admin_classes_refused(secadmin, admin, roles, pair):
    u = new_user(admin, "u_sod_" + "_".join(p[:3] for p in pair))
    r = secadmin.put(f"{U}/{u['id']}/roles", json={"role_ids": [roles[p] for p in pair], "version": u["version"]})
    assert r.status_code == 409, r.text
    assert err(r)["code"] == "separation_of_duties"
    after = secadmin.get(f"{U}/{u['id']}").json()
    assert after["roles"] == [] and after["version"] == u["version"]
    # One class plus business roles is fine.
    r = secadmin.put(f"{U}/{u['id']}/roles", json={"role_ids": [roles[pair[0]], roles["leader"]],
                                                   "version": u["version"]})
    assert r.status_code == 200, r.text


def test_cli_grant_two_classes_refused(server, admin):
    p = run_cli("user", "add", "--username", "cli_sod", "--display-name", "x", "--unit-id", "1",
                "--password", INIT, "--role", "sysadmin", "--role", "auditadmin", db=server.db, check=False)
    assert p.returncode != 0
    assert "三员" in p.stderr
    assert admin.get(U, params={"keyword": "cli_sod"}).json()["total"] == 0


@pytest.mark.parametrize("perms", [["user:write", "audit:read"], ["user:grant", "loginlog:read"],
                                   ["user:write", "role:write"], ["cadre:read", "security:write", "audit:read"]])
def test_role_mixing_classes_refused(secadmin, perms):
    before = secadmin.get(R).json()["total"]
    r = secadmin.post(R, json={"code": "r_mix", "name": "混合", "permissions": perms, "data_scope": 1})
    assert r.status_code == 409, r.text
    assert err(r)["code"] == "separation_of_duties"
    assert secadmin.get(R).json()["total"] == before


def test_edit_role_so_holder_mixes_classes(secadmin, admin, roles):
    helper = new_role(secadmin, "r_helper", ["cadre:read"])
    u = new_user(admin, "u_holder")
    r = secadmin.put(f"{U}/{u['id']}/roles", json={"role_ids": [roles["auditadmin"], helper["id"]],
                                                   "version": u["version"]})
    assert r.status_code == 200, r.text
    r = secadmin.put(f"{R}/{helper['id']}", json={"permissions": ["cadre:read", "user:write"], "version": 1})
    assert r.status_code == 409 and err(r)["code"] == "separation_of_duties", r.text
    got = secadmin.get(f"{R}/{helper['id']}").json()
    assert got["permissions"] == ["cadre:read"] and got["version"] == 1 and got["admin_class"] is None
    # Within one class it is fine (audit + audit).
    r = secadmin.put(f"{R}/{helper['id']}", json={"permissions": ["cadre:read", "loginlog:read"], "version": 1})
    assert r.status_code == 200, r.text
    # Mixing inside the role itself is refused too.
    r = secadmin.put(f"{R}/{helper['id']}", json={"permissions": ["user:write", "audit:read"], "version": 2})
    assert r.status_code == 409 and err(r)["code"] == "separation_of_duties"


def test_admins_cannot_do_each_others_work(server, admin, secadmin, auditadmin):
    uid = secadmin.me["id"]
    checks = [
        (admin, "GET", R, None), (admin, "POST", R, {"code": "x1", "name": "x", "data_scope": 1}),
        (admin, "GET", "/api/v1/audit", None), (admin, "GET", "/api/v1/login-log", None),
        (admin, "GET", "/api/v1/settings/security", None), (admin, "PUT", "/api/v1/settings/security", {}),
        (admin, "GET", "/api/v1/tokens", None), (admin, "PUT", f"{U}/{uid}/roles", {"role_ids": [], "version": 1}),
        (admin, "GET", "/api/v1/permissions", None),
        (secadmin, "POST", U, {"username": "x_sec", "display_name": "x", "unit_id": 1, "password": INIT}),
        (secadmin, "POST", f"{U}/{admin.me['id']}/disable", None),
        (secadmin, "GET", "/api/v1/audit", None), (secadmin, "GET", "/api/v1/login-log", None),
        (secadmin, "POST", "/api/v1/regions", {}), (secadmin, "GET", "/api/v1/cadres", None),
        (auditadmin, "GET", U, None), (auditadmin, "GET", R, None), (auditadmin, "GET", "/api/v1/cadres", None),
        (auditadmin, "GET", "/api/v1/settings/security", None), (auditadmin, "GET", "/api/v1/units", None),
        (auditadmin, "POST", U, {}), (auditadmin, "GET", "/api/v1/tokens", None),
    ]
    bad = []
    for c, m, path, body in checks:
        r = c.req(m, path, json=body) if body is not None else c.req(m, path)
        if r.status_code != 403 or err(r)["code"] != "forbidden":
            bad.append((c.me["username"], m, path, r.status_code, r.text[:120]))
    assert not bad, bad
    # And each can do its own.
    assert admin.get(U).status_code == 200
    assert secadmin.get(R).status_code == 200 and secadmin.get("/api/v1/settings/security").status_code == 200
    assert auditadmin.get("/api/v1/audit").status_code == 200
    assert auditadmin.get("/api/v1/login-log").status_code == 200


def test_auditadmin_only_audit_routes(server, auditadmin):
    """Every route needing a permission other than audit:read / loginlog:read refuses the
    audit administrator."""
    lines = run_cli("routes").stdout.split("\n")
    bad = []
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or parts[2] in ("public", "authenticated", "audit:read", "loginlog:read"):
            continue
        m, path = parts[0], parts[1].replace("{id}", "1").replace("{type}", "expertise_tag")
        r = auditadmin.req(m, path, json={} if m != "GET" else None)
        if r.status_code != 403:
            bad.append((m, path, r.status_code))
    assert not bad, bad
