"""Every endpoint that needs a permission refuses a user without it, and lets through some demo
account that holds it. The set of endpoints comes from `sixia routes`, so new ones are covered
without touching this file."""
import pytest

from conftest import err, res_all, res_cli_user, res_role_ids, run_cli

DEMO_ACCOUNTS = ["sysadmin", "secadmin", "auditadmin", "clerk_dongshan", "clerk_xiyang", "handler", "leader",
                 "planner"]


def guarded_routes():
    out = []
    for line in run_cli("routes").stdout.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        method, path, perm = parts
        if perm in ("public", "authenticated"):
            continue
        out.append((method, path, perm))
    return out


ROUTES = guarded_routes()


def test_routes_listed():
    perms = {p for _, _, p in ROUTES}
    assert len(ROUTES) >= 40, ROUTES
    assert {"region:write", "cadre:export", "user:grant", "token:manage", "audit:read"} <= perms


@pytest.fixture(scope="module")
def ids(server, admin, secadmin):
    """Existing objects to put in the {id} of each resource path (throwaway ones where a call by a
    permitted account would change them)."""
    roles = res_role_ids(secadmin)
    r = admin.post("/api/v1/cadres", json={"name": "权限测试干部", "unit_id": 1})
    assert r.status_code == 201
    cadre = r.json()["id"]
    r = admin.post("/api/v1/dicts/expertise_tag/items", json={"code": "perm_t", "label": "权限测试特长"})
    assert r.status_code == 201
    item = r.json()["id"]
    r = admin.post("/api/v1/users", json={"username": "perm_target", "display_name": "权限测试", "unit_id": 1,
                                           "password": "Init#2026abc"})
    assert r.status_code == 201
    user = r.json()
    r = secadmin.put(f"/api/v1/users/{user['id']}/roles", json={"role_ids": [roles["leader"]],
                                                                "version": user["version"]})
    assert r.status_code == 200
    r = secadmin.post("/api/v1/roles", json={"code": "perm_role", "name": "权限测试角色", "permissions": ["unit:read"],
                                              "data_scope": 1})
    assert r.status_code == 201
    role = r.json()["id"]
    r = secadmin.post("/api/v1/tokens", json={"name": "权限测试令牌", "unit_id": 1, "role_id": roles["handler"]})
    assert r.status_code == 201
    token = r.json()["token"]["id"]
    return {"regions": 1, "units": 1, "cadres": cadre, "dict-items": item, "users": user["id"], "roles": role,
            "tokens": token}


def concrete(path, ids):
    resource = path.split("/")[3]
    return path.replace("{id}", str(ids.get(resource, 1))).replace("{type}", "expertise_tag")


def call(client, method, path):
    if method in ("GET", "HEAD"):
        return client.req(method, path)
    return client.req(method, path, json={})


@pytest.fixture(scope="module")
def nobody(server):
    uid = res_cli_user(server, "no_roles", 1)
    c = server.client("no_roles")
    me = c.get("/api/v1/auth/me").json()["user"]
    assert me["roles"] == [] and me["permissions"] == [] and me["must_change_password"] is False
    return c


@pytest.fixture(scope="module")
def holders(server):
    out = {}
    for name in DEMO_ACCOUNTS:
        c = server.client(name)
        out[name] = (c, set(c.get("/api/v1/auth/me").json()["user"]["permissions"]))
    return out


def test_user_without_roles_is_refused_everywhere(server, admin, secadmin, nobody, ids):
    before_cadres = admin.get("/api/v1/cadres").json()["total"]
    wrong = []
    for method, path, perm in ROUTES:
        p = concrete(path, ids)
        r = call(nobody, method, p)
        if r.status_code != 403 or r.headers.get("Content-Type", "").find("json") < 0 or err(r)["code"] != "forbidden":
            wrong.append((method, p, perm, r.status_code, r.text[:100]))
    assert not wrong, wrong
    # Nothing changed on the way.
    assert admin.get("/api/v1/cadres").json()["total"] == before_cadres
    assert admin.get(f"/api/v1/cadres/{ids['cadres']}").status_code == 200
    assert admin.get(f"/api/v1/users/{ids['users']}").json()["status"] == "active"
    assert secadmin.get(f"/api/v1/roles/{ids['roles']}").status_code == 200
    tok = [t for t in res_all(secadmin, "/api/v1/tokens")[0] if t["id"] == ids["tokens"]][0]
    assert tok["revoked_at"] is None
    items = admin.get("/api/v1/dicts/expertise_tag/items").json()["items"]
    assert ids["dict-items"] in [i["id"] for i in items]


def test_some_holder_is_let_through(holders, ids):
    wrong, unheld = [], []
    for method, path, perm in ROUTES:
        who = [n for n in DEMO_ACCOUNTS if perm in holders[n][1]]
        if not who:
            unheld.append((method, path, perm))
            continue
        p = concrete(path, ids)
        r = call(holders[who[0]][0], method, p)
        if r.status_code == 403 or r.status_code >= 500:
            wrong.append((who[0], method, p, r.status_code, r.text[:100]))
    assert not unheld, f"no demo account holds: {unheld}"
    assert not wrong, wrong


def test_nobody_still_reaches_authenticated_routes(nobody):
    assert nobody.get("/api/v1/auth/me").status_code == 200
    assert nobody.get("/api/v1/stats/overview").status_code == 200
