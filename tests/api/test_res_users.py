"""User accounts managed by the system administrator: creation, password policy, first-login
change, disable/enable, unlock, reset-password, updates and lists."""
import pytest

from conftest import DEMO_PASSWORD, err, res_all, res_role_ids, res_unit_id

U = "/api/v1/users"
INIT = "Init#2026abc"


@pytest.fixture(scope="module")
def unit(admin):
    return res_unit_id(admin, "地区教育局")


@pytest.fixture(scope="module")
def roles(secadmin):
    return res_role_ids(secadmin)


def create(admin, username, unit, password=INIT, **kw):
    r = admin.post(U, json=dict(username=username, display_name=kw.pop("display_name", username), unit_id=unit,
                                password=password, **kw))
    assert r.status_code == 201, r.text
    return r.json()


def ready(server, username, password=INIT):
    """Logs in with the initial password and sets DEMO_PASSWORD; returns the client."""
    c = server.client(username, password)
    r = c.post("/api/v1/auth/password", json={"old_password": password, "new_password": DEMO_PASSWORD})
    assert r.status_code == 204, r.text
    return c


def grant(secadmin, uid, role_ids):
    v = secadmin.get(f"{U}/{uid}").json()["version"]
    r = secadmin.put(f"{U}/{uid}/roles", json={"role_ids": role_ids, "version": v})
    assert r.status_code == 200, r.text
    return r.json()


def test_create_and_first_login(server, admin, unit, secadmin, roles):
    u = create(admin, "u_first", unit, display_name="首次登录")
    assert u["username"] == "u_first" and u["display_name"] == "首次登录" and u["unit_id"] == unit
    assert u["status"] == "active" and u["must_change_password"] is True and u["roles"] == []
    assert "password" not in u and "password_hash" not in u
    r = admin.get(f"{U}/{u['id']}")
    assert r.status_code == 200 and r.headers["ETag"] == f'"{u["version"]}"'
    grant(secadmin, u["id"], [roles["leader"]])
    c = server.client("u_first", INIT)
    assert c.me["must_change_password"] is True
    r = c.get("/api/v1/cadres")
    assert r.status_code == 403 and err(r)["code"] == "password_change_required"
    assert c.get("/api/v1/auth/me").status_code == 200
    r = c.post("/api/v1/auth/password", json={"old_password": INIT, "new_password": DEMO_PASSWORD})
    assert r.status_code == 204
    assert c.get("/api/v1/cadres").status_code == 200
    assert admin.get(f"{U}/{u['id']}").json()["must_change_password"] is False


@pytest.mark.parametrize("pw", ["short1A", "alllowercase", "ALLUPPER123", "12345678901", "Xu_weak2026"])
def test_weak_password(admin, unit, pw):
    username = "xu_weak2026" if pw == "Xu_weak2026" else "u_weak"
    r = admin.post(U, json={"username": username, "display_name": "弱密码", "unit_id": unit, "password": pw})
    assert r.status_code == 422, (pw, r.text)
    assert err(r)["code"] == "weak_password" and err(r)["field"] == "password"
    assert admin.get(U, params={"keyword": username}).json()["total"] == 0


@pytest.mark.parametrize("body,field", [
    ({"display_name": "x", "unit_id": 1, "password": INIT}, "username"),
    ({"username": "ab", "display_name": "x", "unit_id": 1, "password": INIT}, "username"),
    ({"username": "有中文", "display_name": "x", "unit_id": 1, "password": INIT}, "username"),
    ({"username": "u_val1", "unit_id": 1, "password": INIT}, "display_name"),
    ({"username": "u_val2", "display_name": "x", "password": INIT}, "unit_id"),
    ({"username": "u_val3", "display_name": "x", "unit_id": 999999, "password": INIT}, "unit_id"),
    ({"username": "u_val4", "display_name": "x", "unit_id": 1, "cadre_id": 999999, "password": INIT}, "cadre_id"),
    ({"username": "u_val5", "display_name": "x", "unit_id": 1}, "password"),
    ({"username": "u_val6", "display_name": "x", "unit_id": 1, "password": INIT, "status": "active"}, "status"),
])
def test_validation(admin, body, field):
    before = admin.get(U).json()["total"]
    r = admin.post(U, json=body)
    assert r.status_code == 422, r.text
    assert err(r)["field"] == field, r.text
    assert admin.get(U).json()["total"] == before


def test_duplicate_username(admin, unit):
    r = admin.post(U, json={"username": "leader", "display_name": "重名", "unit_id": unit, "password": INIT})
    assert r.status_code == 409 and err(r)["code"] == "duplicate" and err(r)["field"] == "username"


def test_update(admin, unit):
    u = create(admin, "u_upd", unit)
    r = admin.put(f"{U}/{u['id']}", json={"display_name": "改名"})
    assert r.status_code == 428
    r = admin.put(f"{U}/{u['id']}", json={"display_name": "改名", "unit_id": 1}, headers={"If-Match": f'"{u["version"]}"'})
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "改名" and r.json()["unit_id"] == 1
    r = admin.put(f"{U}/{u['id']}", json={"display_name": "再改", "version": u["version"]})
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    r = admin.put(f"{U}/{u['id']}", json={"username": "rename", "version": u["version"] + 1})
    assert r.status_code == 422 and err(r)["field"] == "username"
    assert admin.put(f"{U}/999999", json={"display_name": "x", "version": 1}).status_code == 404


def test_disable_and_enable(server, admin, unit):
    u = create(admin, "u_dis", unit)
    c = ready(server, "u_dis")
    assert c.get("/api/v1/auth/me").status_code == 200
    r = admin.post(f"{U}/{u['id']}/disable")
    assert r.status_code == 200 and r.json()["status"] == "disabled"
    # The open session stops working.
    r = c.get("/api/v1/auth/me")
    assert r.status_code in (401, 403), r.text
    assert err(r)["code"] in ("account_disabled", "session_expired", "unauthenticated")
    r = server.client().login("u_dis", DEMO_PASSWORD, expect=403)
    assert err(r)["code"] == "account_disabled"
    items, _ = res_all(admin, U, {"status": "disabled"})
    assert u["id"] in [x["id"] for x in items] and all(x["status"] == "disabled" for x in items)
    r = admin.post(f"{U}/{u['id']}/enable")
    assert r.status_code == 200 and r.json()["status"] == "active"
    c2 = server.client("u_dis")
    assert c2.get("/api/v1/auth/me").status_code == 200
    items, _ = res_all(admin, U, {"status": "active"})
    assert u["id"] in [x["id"] for x in items]


def test_cannot_disable_self(admin):
    r = admin.post(f"{U}/{admin.me['id']}/disable")
    assert r.status_code == 409
    assert admin.get("/api/v1/auth/me").status_code == 200


def test_unlock_after_lockout(server, admin, unit):
    u = create(admin, "u_lock", unit)
    ready(server, "u_lock")
    anon = server.client()
    codes = [anon.s.post(server.url("/api/v1/auth/login"),
                         json={"username": "u_lock", "password": "Wrong#Pass1"}).status_code for _ in range(5)]
    assert codes[0] == 401 and codes[-1] in (401, 403), codes
    r = anon.login("u_lock", DEMO_PASSWORD, expect=403)
    assert err(r)["code"] == "account_locked"
    got = admin.get(f"{U}/{u['id']}").json()
    assert got["locked"] is True and got["locked_until"]
    r = admin.post(f"{U}/{u['id']}/unlock")
    assert r.status_code == 200 and r.json()["locked"] is False and r.json()["locked_until"] is None
    server.client().login("u_lock", DEMO_PASSWORD)


def test_reset_password(server, admin, unit):
    u = create(admin, "u_reset", unit)
    c = ready(server, "u_reset")
    r = admin.post(f"{U}/{u['id']}/reset-password", json={"password": "weak"})
    assert r.status_code == 422 and err(r)["code"] == "weak_password" and err(r)["field"] == "password"
    r = admin.post(f"{U}/{u['id']}/reset-password", json={})
    assert r.status_code == 422 and err(r)["field"] == "password"
    r = admin.post(f"{U}/{u['id']}/reset-password", json={"password": "Reset#2026xyz"})
    assert r.status_code == 204, r.text
    assert c.get("/api/v1/auth/me").status_code == 401
    server.client().login("u_reset", DEMO_PASSWORD, expect=401)
    c2 = server.client("u_reset", "Reset#2026xyz")
    assert c2.me["must_change_password"] is True
    assert c2.get("/api/v1/units").status_code == 403
    assert admin.get(f"{U}/{u['id']}").json()["must_change_password"] is True
    r = admin.post(f"{U}/{admin.me['id']}/reset-password", json={"password": "Reset#2026xyz"})
    assert r.status_code == 409


def test_sysadmin_cannot_touch_other_admins(admin, secadmin):
    sec_id = secadmin.me["id"]
    for path, body in (("disable", None), ("reset-password", {"password": "Reset#2026xyz"})):
        r = admin.post(f"{U}/{sec_id}/{path}", json=body)
        assert r.status_code == 409 and err(r)["code"] == "separation_of_duties", r.text
    v = admin.get(f"{U}/{sec_id}").json()
    r = admin.put(f"{U}/{sec_id}", json={"display_name": "篡改", "version": v["version"]})
    assert r.status_code == 409 and err(r)["code"] == "separation_of_duties"
    after = admin.get(f"{U}/{sec_id}").json()
    assert after["status"] == "active" and after["display_name"] == v["display_name"]
    assert secadmin.get("/api/v1/auth/me").status_code == 200


def test_role_grant_is_secadmin_work(admin, secadmin, unit, roles):
    u = create(admin, "u_grant", unit)
    r = admin.put(f"{U}/{u['id']}/roles", json={"role_ids": [roles["leader"]], "version": u["version"]})
    assert r.status_code == 403 and err(r)["code"] == "forbidden"
    got = grant(secadmin, u["id"], [roles["leader"], roles["planner"]])
    assert sorted(x["code"] for x in got["roles"]) == ["leader", "planner"]
    items, _ = res_all(admin, U, {"role_id": roles["planner"]})
    assert u["id"] in [x["id"] for x in items]
    r = secadmin.put(f"{U}/{u['id']}/roles", json={"role_ids": [999999], "version": got["version"]})
    assert r.status_code == 422 and err(r)["field"] == "role_ids"
    r = secadmin.put(f"{U}/{secadmin.me['id']}/roles",
                     json={"role_ids": [roles["secadmin"], roles["leader"]], "version": 1})
    assert r.status_code in (403, 409), r.text
    r = secadmin.post(U, json={"username": "u_by_sec", "display_name": "x", "unit_id": unit, "password": INIT})
    assert r.status_code == 403


def test_list_filters_sort(admin, unit):
    items, total = res_all(admin, U)
    assert total == len(items) >= 8
    names = [x["username"] for x in admin.get(U, params={"sort": "username", "page_size": 200}).json()["items"]]
    assert names == sorted(names)
    r = admin.get(U, params={"sort": "password_hash"})
    assert r.status_code == 400 and err(r)["field"] == "sort"
    r = admin.get(U, params={"status": "gone"})
    assert r.status_code == 400 and err(r)["field"] == "status"
    in_unit, n = res_all(admin, U, {"unit_id": unit})
    assert n == sum(x["unit_id"] == unit for x in items) and all(x["unit_id"] == unit for x in in_unit)
    kw, n = res_all(admin, U, {"keyword": "clerk"})
    assert sorted(x["username"] for x in kw) == ["clerk_dongshan", "clerk_xiyang"]
    b = admin.get(U, params={"page": 2, "page_size": 3}).json()
    assert b["page"] == 2 and len(b["items"]) == 3 and b["total"] == total
    assert admin.get(U, params={"page_size": 500}).status_code == 400
    for x in items:
        assert "password_hash" not in x and "password" not in x
