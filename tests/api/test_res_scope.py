"""Data scope (DOMAIN.md §5): every read of cadres and users — list, detail, filters, export,
statistics — only ever shows rows inside the caller's scope."""
import pytest

from conftest import err, res_all, res_api_user, res_bearer, res_role_ids, res_unit_id, res_xlsx_rows

C = "/api/v1/cadres"
U = "/api/v1/users"


class World:
    pass


@pytest.fixture(scope="module")
def w(server, admin, secadmin):
    """Demo data plus a few extra cadres and users placed to tell the scopes apart."""
    w = World()
    w.roles = res_role_ids(secadmin)
    w.ds = res_unit_id(admin, "东山县人民政府")
    w.xy = res_unit_id(admin, "西洋县人民政府")
    w.ds_town = res_unit_id(admin, "东山县城关镇人民政府")
    w.xy_xf = res_unit_id(admin, "西洋县信访局")
    w.zj = res_unit_id(admin, "地区住房和城乡建设局")
    w.zj_office = res_unit_id(admin, "城乡规划处")
    w.jy = res_unit_id(admin, "地区教育局")
    w.root = admin.get("/api/v1/units", params={"parent_id": 0}).json()["items"][0]["id"]
    units, _ = res_all(admin, "/api/v1/units")
    w.path = {u["id"]: u["path"] for u in units}

    def cadre(name, unit, **kw):
        r = admin.post(C, json=dict(name=name, unit_id=unit, **kw))
        assert r.status_code == 201, r.text
        return r.json()
    w.c_ds_gov = cadre("东山县长", w.ds, title="县长", is_leader=True, tags=["经济发展"])
    w.c_ds_town = cadre("城关副镇长", w.ds_town, title="副镇长", tags=["法律"])
    w.c_xy_gov = cadre("西洋县长", w.xy, title="县长", is_leader=True, tags=["经济发展"])
    w.c_zj_office = cadre("规划处长", w.zj_office, title="处长", tags=["规划建设"])
    w.c_jy = cadre("教育处长", w.jy, title="处长", tags=["教育"])

    def user(username, unit):
        r = admin.post(U, json={"username": username, "display_name": username, "unit_id": unit,
                                "password": "Init#2026abc"})
        assert r.status_code == 201, r.text
        return r.json()
    w.u_ds = user("ds_staff", w.ds_town)
    w.u_xy = user("xy_staff", w.xy_xf)
    w.leader = server.client("leader")
    w.all_cadres, _ = res_all(w.leader, C)
    w.all_users, _ = res_all(admin, U)
    return w


def under(w, unit_id, top):
    return w.path[unit_id].startswith(w.path[top])


def names(items):
    return sorted(c["name"] for c in items)


@pytest.fixture(scope="module")
def clerks(server):
    return {"ds": server.client("clerk_dongshan"), "xy": server.client("clerk_xiyang")}


@pytest.mark.parametrize("who,top,other", [("ds", "ds", "xy"), ("xy", "xy", "ds")])
def test_clerk_cadre_list_is_own_county(w, admin, clerks, who, top, other):
    c = clerks[who]
    top_id, other_id = getattr(w, top), getattr(w, other)
    items, total = res_all(c, C)
    assert total == len(items) > 0
    everything = res_all(admin, C)[0]
    assert total < len(everything)
    # Every row's unit lies under the clerk's county government (paths read as sysadmin).
    for uid in {x["unit_id"] for x in items}:
        path = admin.get(f"/api/v1/units/{uid}").json()["path"]
        assert path.startswith(w.path[top_id]), (uid, path)
    expected = [x for x in everything if under(w, x["unit_id"], top_id)]
    assert sorted(x["id"] for x in items) == sorted(x["id"] for x in expected)
    assert not any(under(w, x["unit_id"], other_id) for x in items)


@pytest.mark.parametrize("who,mine,theirs", [("ds", "c_ds_town", "c_xy_gov"), ("xy", "c_xy_gov", "c_ds_town")])
def test_clerk_detail_of_other_county_404(w, clerks, who, mine, theirs):
    c = clerks[who]
    assert c.get(f"{C}/{getattr(w, mine)['id']}").status_code == 200
    r = c.get(f"{C}/{getattr(w, theirs)['id']}")
    assert r.status_code == 404 and err(r)["code"] == "not_found"
    # Nor through filters: the other county's unit, its cadre's name, its tag.
    other_unit = getattr(w, theirs)["unit_id"]
    assert c.get(C, params={"unit_id": other_unit}).json()["total"] == 0
    assert c.get(C, params={"keyword": getattr(w, theirs)["name"]}).json()["total"] == 0
    tag_total = c.get(C, params={"tag": "经济发展"}).json()
    assert tag_total["total"] == 1 and all(x["unit_id"] != other_unit for x in tag_total["items"])


@pytest.mark.parametrize("who,top", [("ds", "ds"), ("xy", "xy")])
def test_clerk_stats_and_overview_match_list(w, clerks, who, top):
    c = clerks[who]
    items, total = res_all(c, C)
    s = c.get(f"{C}/stats")
    assert s.status_code == 200
    s = s.json()
    assert s["total"] == total
    assert s["leaders"] == sum(x["is_leader"] for x in items)
    for t in s["by_tag"]:
        assert t["count"] == sum(t["tag"] in x["tags"] for x in items), t
    assert sum(u["count"] for u in s["by_unit"]) == total
    assert all(under(w, u["unit_id"], getattr(w, top)) for u in s["by_unit"])
    o = c.get("/api/v1/stats/overview").json()
    assert o["cadres"] == total
    _, utotal = res_all(c, U)
    assert o["users"] == utotal


@pytest.mark.parametrize("who,top,mine,theirs", [("ds", "ds", "u_ds", "u_xy"), ("xy", "xy", "u_xy", "u_ds")])
def test_clerk_users_are_own_county(w, admin, clerks, who, top, mine, theirs):
    c = clerks[who]
    items, total = res_all(c, U)
    assert total == len(items) < len(w.all_users)
    for uid in {x["unit_id"] for x in items}:
        assert admin.get(f"/api/v1/units/{uid}").json()["path"].startswith(w.path[getattr(w, top)])
    expected = [x for x in w.all_users if under(w, x["unit_id"], getattr(w, top))]
    assert sorted(x["id"] for x in items) == sorted(x["id"] for x in expected)
    assert getattr(w, mine)["id"] in [x["id"] for x in items]
    r = c.get(f"{U}/{getattr(w, theirs)['id']}")
    assert r.status_code == 404
    assert c.get(f"{U}/{getattr(w, mine)['id']}").status_code == 200
    assert c.get(U, params={"keyword": getattr(w, theirs)["username"]}).json()["total"] == 0


def test_leader_sees_everything(w, admin):
    everything, total = res_all(admin, C)
    assert sorted(x["id"] for x in res_all(w.leader, C)[0]) == sorted(x["id"] for x in everything)
    assert w.leader.get(f"{C}/stats").json()["total"] == total
    assert w.leader.get("/api/v1/stats/overview").json()["cadres"] == total


@pytest.fixture(scope="module")
def county_exporter(server, admin, secadmin, w):
    """A custom role like clerk (own unit and below) that may also export; held by a user at
    东山县人民政府."""
    r = secadmin.post("/api/v1/roles", json={"code": "county_exporter", "name": "县级导出员",
                                              "permissions": ["cadre:read", "cadre:export", "user:read"],
                                              "data_scope": 4})
    assert r.status_code == 201, r.text
    _, c = res_api_user(server, admin, secadmin, "ds_exporter", w.ds, [r.json()["id"]])
    return c


def test_export_is_scoped(w, county_exporter, clerks):
    items, total = res_all(county_exporter, C)
    assert names(items) == names(res_all(clerks["ds"], C)[0])
    r = county_exporter.get(f"{C}/export")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    rows = res_xlsx_rows(r.content)[1:]
    assert len(rows) == total
    assert sorted(row[1] for row in rows) == names(items)
    assert w.c_xy_gov["name"] not in [row[1] for row in rows]
    # Filters cannot reach outside the scope either.
    r = county_exporter.get(f"{C}/export", params={"unit_id": w.xy})
    assert r.status_code == 200 and res_xlsx_rows(r.content)[1:] == []
    r = county_exporter.get(f"{C}/export", params={"tag": "经济发展"})
    assert [row[1] for row in res_xlsx_rows(r.content)[1:]] == [w.c_ds_gov["name"]]


def test_handler_sees_own_unit_only(w, server, admin):
    h = server.client("handler")
    items, total = res_all(h, C)
    assert total == len(items) > 0
    assert {x["unit_id"] for x in items} == {w.zj}
    assert sorted(x["id"] for x in items) == sorted(x["id"] for x in res_all(admin, C)[0] if x["unit_id"] == w.zj)
    # Not the office below it.
    r = h.get(f"{C}/{w.c_zj_office['id']}")
    assert r.status_code == 404
    assert h.get(C, params={"unit_id": w.zj_office}).json()["total"] == 0
    s = h.get(f"{C}/stats").json()
    assert s["total"] == total and [u["unit_id"] for u in s["by_unit"]] == [w.zj]
    assert h.get("/api/v1/stats/overview").json()["cadres"] == total


@pytest.fixture(scope="module")
def custom_role(secadmin, w):
    r = secadmin.post("/api/v1/roles", json={"code": "custom_scope", "name": "自定义范围",
                                              "permissions": ["cadre:read", "cadre:export", "user:read"],
                                              "data_scope": 2, "scope_unit_ids": [w.xy_xf, w.zj]})
    assert r.status_code == 201, r.text
    role = r.json()
    assert role["data_scope"] == 2 and sorted(role["scope_unit_ids"]) == sorted([w.xy_xf, w.zj])
    return role


def test_custom_scope(server, admin, secadmin, w, custom_role):
    _, c = res_api_user(server, admin, secadmin, "custom_user", w.root, [custom_role["id"]])
    items, total = res_all(c, C)
    expected = [x for x in res_all(admin, C)[0] if x["unit_id"] in (w.xy_xf, w.zj)]
    assert total == len(expected) > 0
    assert sorted(x["id"] for x in items) == sorted(x["id"] for x in expected)
    # Exactly those units: not their children, not the user's own unit.
    assert c.get(f"{C}/{w.c_zj_office['id']}").status_code == 404
    assert c.get(f"{C}/{w.c_xy_gov['id']}").status_code == 404
    root_cadre = [x for x in w.all_cadres if x["unit_id"] == w.root][0]
    assert c.get(f"{C}/{root_cadre['id']}").status_code == 404
    assert c.get(f"{C}/stats").json()["total"] == total
    rows = res_xlsx_rows(c.get(f"{C}/export").content)[1:]
    assert sorted(r[1] for r in rows) == names(expected)
    users, _ = res_all(c, U)
    assert {u["unit_id"] for u in users} <= {w.xy_xf, w.zj, w.root}
    assert w.u_xy["id"] in [u["id"] for u in users]
    assert w.u_ds["id"] not in [u["id"] for u in users]
    assert c.get("/api/v1/stats/overview").json()["cadres"] == total


def test_self_scope(server, admin, secadmin, w):
    r = secadmin.post("/api/v1/roles", json={"code": "self_scope", "name": "仅本人",
                                              "permissions": ["cadre:read", "cadre:write"], "data_scope": 5})
    assert r.status_code == 201, r.text
    uid, c = res_api_user(server, admin, secadmin, "self_user", w.jy, [r.json()["id"]])
    assert c.get(C).json()["total"] == 0
    r = c.post(C, json={"name": "本人录入", "unit_id": w.jy})
    assert r.status_code == 201, r.text
    mine = r.json()
    # Someone else's cadre in the same unit stays invisible.
    assert c.get(f"{C}/{w.c_jy['id']}").status_code == 404
    items, total = res_all(c, C)
    assert total == 1 and [x["id"] for x in items] == [mine["id"]]
    assert c.get(f"{C}/stats").json()["total"] == 1
    o = c.get("/api/v1/stats/overview").json()
    assert o["cadres"] == 1
    # Cannot write outside the scope either.
    r = c.put(f"{C}/{w.c_jy['id']}", json={"name": "篡改", "unit_id": w.jy, "version": 1})
    assert r.status_code == 404
    assert c.delete(f"{C}/{w.c_jy['id']}").status_code == 404
    assert admin.get(f"{C}/{w.c_jy['id']}").json()["name"] == "教育处长"
    r = c.post(C, json={"name": "越权录入", "unit_id": w.xy})
    assert r.status_code == 422 and err(r)["field"] == "unit_id"


@pytest.fixture(scope="module")
def two_roles(server, admin, secadmin, w, custom_role):
    """A user at 地区教育局 holding handler (own unit) and the custom-scope role."""
    uid, c = res_api_user(server, admin, secadmin, "two_roles", w.jy, [w.roles["handler"], custom_role["id"]])
    return uid, c


def test_scopes_combine_with_or(w, admin, two_roles):
    _, c = two_roles
    items, total = res_all(c, C)
    expected = [x for x in res_all(admin, C)[0] if x["unit_id"] in (w.jy, w.xy_xf, w.zj)]
    assert sorted(x["id"] for x in items) == sorted(x["id"] for x in expected)
    assert total == len(expected)
    assert c.get(f"{C}/stats").json()["total"] == total
    assert c.get(f"{C}/{w.c_jy['id']}").status_code == 200
    assert c.get(f"{C}/{w.c_zj_office['id']}").status_code == 404


def test_token_sees_its_role_scope_only(w, admin, secadmin, custom_role):
    # A token's integration account sits in a unit (here 地区教育局) and acts through its one role.
    r = secadmin.post("/api/v1/tokens", json={"name": "自定义范围令牌", "unit_id": w.jy, "role_id": custom_role["id"]})
    assert r.status_code == 201, r.text
    b = res_bearer(w.leader.server, r.json()["secret"])
    items, total = res_all(b, C)
    expected = [x for x in res_all(admin, C)[0] if x["unit_id"] in (w.xy_xf, w.zj)]
    assert sorted(x["id"] for x in items) == sorted(x["id"] for x in expected)
    assert b.get(f"{C}/{w.c_jy['id']}").status_code == 404
    assert b.get(f"{C}/stats").json()["total"] == total
    rows = res_xlsx_rows(b.get(f"{C}/export").content)[1:]
    assert len(rows) == total
    r = secadmin.post("/api/v1/tokens", json={"name": "承办人令牌", "unit_id": w.jy, "role_id": w.roles["handler"]})
    assert r.status_code == 201, r.text
    b2 = res_bearer(w.leader.server, r.json()["secret"])
    items, total = res_all(b2, C)
    assert {x["unit_id"] for x in items} == {w.jy}
    # The handler role carries no export permission: neither does its token.
    assert b2.get(f"{C}/export").status_code == 403


def test_overview_without_read_permission_shows_nothing(server):
    """stats/overview gives "counts the caller may see": an account that may not read cadres or
    users must not learn how many there are."""
    problems = []
    for name in ("auditadmin", "secadmin", "handler"):
        c = server.client(name)
        perms = set(c.get("/api/v1/auth/me").json()["user"]["permissions"])
        o = c.get("/api/v1/stats/overview").json()
        for key, perm in (("cadres", "cadre:read"), ("users", "user:read"), ("regions", "region:read"),
                          ("units", "unit:read")):
            if perm not in perms and o.get(key) not in (None, 0):
                problems.append(f"{name} lacks {perm} but overview.{key} = {o.get(key)}")
    assert not problems, problems
