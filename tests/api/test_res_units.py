"""Units (单位): CRUD, validation, tree, cycles, references, lists."""
import pytest

from conftest import err, res_all, res_unit_id

P = "/api/v1/units"


@pytest.fixture(scope="module")
def root(admin):
    items, _ = res_all(admin, P, {"parent_id": 0})
    assert len(items) == 1, items
    return items[0]


@pytest.fixture(scope="module")
def region_id(admin):
    return admin.get("/api/v1/regions", params={"parent_id": 0}).json()["items"][0]["id"]


def new_unit(admin, name, kind="department", parent_id=None, region_id=1, code=None, expect=201):
    body = {"name": name, "kind": kind, "region_id": region_id}
    if parent_id is not None:
        body["parent_id"] = parent_id
    if code is not None:
        body["code"] = code
    r = admin.post(P, json=body)
    assert r.status_code == expect, r.text
    return r.json()


def body_of(u, **kw):
    b = {k: u[k] for k in ("code", "name", "kind", "parent_id", "region_id", "sort") if u.get(k) is not None}
    b.update(kw)
    return b


def test_crud(admin, root, region_id):
    u = new_unit(admin, "测试局", parent_id=root["id"], region_id=region_id, code="T0001")
    assert u["kind"] == "department" and u["parent_id"] == root["id"] and u["region_id"] == region_id
    assert u["region_name"] == "宁川地区" and u["version"] == 1 and u["code"] == "T0001"
    r = admin.get(f"{P}/{u['id']}")
    assert r.status_code == 200 and r.headers["ETag"] == '"1"' and r.json()["name"] == "测试局"
    r = admin.put(f"{P}/{u['id']}", json=body_of(u, name="测试局（改）", sort=5), headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "测试局（改）" and r.json()["sort"] == 5 and r.json()["version"] == 2
    assert r.headers["ETag"] == '"2"'
    assert admin.delete(f"{P}/{u['id']}").status_code == 204
    assert admin.get(f"{P}/{u['id']}").status_code == 404


@pytest.mark.parametrize("body,field", [
    ({"kind": "department", "region_id": 1}, "name"),
    ({"name": "无类型", "region_id": 1}, "kind"),
    ({"name": "错类型", "kind": "company", "region_id": 1}, "kind"),
    ({"name": "无区划", "kind": "department"}, "region_id"),
    ({"name": "区划不存在", "kind": "department", "region_id": 999999}, "region_id"),
    ({"name": "上级不存在", "kind": "department", "region_id": 1, "parent_id": 999999}, "parent_id"),
    ({"name": "x" * 61, "kind": "department", "region_id": 1}, "name"),
    ({"name": "代码过长", "kind": "department", "region_id": 1, "code": "C" * 21}, "code"),
    ({"name": "多余字段", "kind": "department", "region_id": 1, "path": "/1/"}, "path"),
    ({"name": "排序越界", "kind": "department", "region_id": 1, "sort": -1}, "sort"),
])
def test_validation(admin, body, field):
    before = admin.get(P).json()["total"]
    r = admin.post(P, json=body)
    assert r.status_code == 422, r.text
    assert err(r)["code"] == "validation_failed" and err(r)["field"] == field, r.text
    assert admin.get(P).json()["total"] == before


def test_duplicate_code(admin, root):
    r = admin.post(P, json={"name": "重复代码", "kind": "department", "region_id": 1, "parent_id": root["id"],
                            "code": root["code"]})
    assert r.status_code == 409 and err(r)["code"] == "duplicate" and err(r)["field"] == "code"
    u = new_unit(admin, "重复改名", parent_id=root["id"], code="T0002")
    r = admin.put(f"{P}/{u['id']}", json=body_of(u, code=root["code"], version=1))
    assert r.status_code == 409 and err(r)["code"] == "duplicate"
    assert admin.get(f"{P}/{u['id']}").json()["code"] == "T0002"
    admin.delete(f"{P}/{u['id']}")


def walk(nodes, parent=None, out=None):
    out = [] if out is None else out
    for n in nodes:
        out.append(n)
        assert n["parent_id"] == (parent["id"] if parent else None), (n, parent)
        if parent:
            assert n["path"] == parent["path"] + f"{n['id']}/"
        walk(n.get("children") or [], n, out)
    return out


def test_tree(admin, root):
    r = admin.get(P, params={"tree": "1"})
    assert r.status_code == 200
    tree = r.json()["items"]
    assert [n["id"] for n in tree] == [root["id"]]
    nodes = walk(tree)
    total = admin.get(P).json()["total"]
    assert len(nodes) == total == len({n["id"] for n in nodes})
    ds = [n for n in tree[0]["children"] if n["name"] == "东山县人民政府"]
    assert len(ds) == 1
    kids = {c["name"] for c in ds[0]["children"]}
    assert "东山县信访局" in kids and any(k.endswith("人民政府") for k in kids)


def test_cycle(admin, root):
    a = new_unit(admin, "环路甲", parent_id=root["id"])
    b = new_unit(admin, "环路乙", parent_id=a["id"])
    c = new_unit(admin, "环路丙", kind="office", parent_id=b["id"])
    for target in (a, b, c):
        r = admin.put(f"{P}/{a['id']}", json=body_of(a, parent_id=target["id"], version=1))
        assert r.status_code == 409, r.text
        assert err(r)["code"] == "cycle" and err(r)["field"] == "parent_id"
    for x in (a, b, c):
        got = admin.get(f"{P}/{x['id']}").json()
        assert got["parent_id"] == x["parent_id"] and got["path"] == x["path"] and got["version"] == 1
    # A legal move rewrites the subtree's paths.
    d = new_unit(admin, "环路丁", parent_id=root["id"])
    r = admin.put(f"{P}/{b['id']}", json=body_of(b, parent_id=d["id"], version=1))
    assert r.status_code == 200, r.text
    assert admin.get(f"{P}/{c['id']}").json()["path"] == d["path"] + f"{b['id']}/{c['id']}/"
    # The tree shows the move.
    tree = admin.get(P, params={"tree": 1}).json()["items"]
    nodes = {n["id"]: n for n in walk(tree)}
    assert [k["id"] for k in nodes[d["id"]]["children"]] == [b["id"]]
    assert nodes[a["id"]]["children"] in ([], None)
    # Moving to the top level works too.
    r = admin.put(f"{P}/{c['id']}", json={"name": c["name"], "kind": "office", "region_id": 1, "version": 1})
    assert r.status_code == 200 and r.json()["parent_id"] is None and r.json()["path"] == f"/{c['id']}/"
    for x in (c, b, d, a):
        assert admin.delete(f"{P}/{x['id']}").status_code == 204


def test_delete_referenced(admin, root, server, secadmin):
    # Children.
    r = admin.delete(f"{P}/{root['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced", r.text
    p = new_unit(admin, "引用父", parent_id=root["id"])
    ch = new_unit(admin, "引用子", kind="office", parent_id=p["id"])
    r = admin.delete(f"{P}/{p['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced"
    assert "下级" in err(r)["message"]
    assert admin.delete(f"{P}/{ch['id']}").status_code == 204
    # Cadres.
    r = admin.post("/api/v1/cadres", json={"name": "引用干部", "unit_id": p["id"]})
    assert r.status_code == 201, r.text
    cadre = r.json()
    r = admin.delete(f"{P}/{p['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced" and "干部" in err(r)["message"]
    assert admin.delete(f"/api/v1/cadres/{cadre['id']}").status_code == 204
    # Users.
    r = admin.post("/api/v1/users", json={"username": "unit_ref_user", "display_name": "引用用户",
                                           "unit_id": p["id"], "password": "Init#2026abc"})
    assert r.status_code == 201, r.text
    user = r.json()
    r = admin.delete(f"{P}/{p['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced" and "用户" in err(r)["message"]
    r = admin.put(f"/api/v1/users/{user['id']}", json={"unit_id": root["id"], "version": user["version"]})
    assert r.status_code == 200, r.text
    # A custom data scope naming the unit.
    r = secadmin.post("/api/v1/roles", json={"code": "unit_ref_role", "name": "引用角色", "permissions": ["unit:read"],
                                              "data_scope": 2, "scope_unit_ids": [p["id"]]})
    assert r.status_code == 201, r.text
    role = r.json()
    r = admin.delete(f"{P}/{p['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced", r.text
    assert secadmin.delete(f"/api/v1/roles/{role['id']}").status_code == 204
    assert admin.delete(f"{P}/{p['id']}").status_code == 204
    assert admin.get(f"{P}/{p['id']}").status_code == 404
    # Demo units with users and cadres.
    ds = res_unit_id(admin, "东山县信访局")
    r = admin.delete(f"{P}/{ds}")
    assert r.status_code == 409 and err(r)["code"] == "referenced"


def test_pagination_filters_sort_keyword(admin, root):
    b = admin.get(P, params={"page_size": 10, "page": 2}).json()
    assert b["page"] == 2 and b["page_size"] == 10 and len(b["items"]) == 10
    total = b["total"]
    items, t2 = res_all(admin, P)
    assert t2 == total == len(items) == len({x["id"] for x in items})
    r = admin.get(P, params={"page_size": 201})
    assert r.status_code == 400 and err(r)["field"] == "page_size"
    # Filters.
    kids, n = res_all(admin, P, {"parent_id": root["id"]})
    assert n == len(kids) >= 19 and all(x["parent_id"] == root["id"] for x in kids)
    towns, n = res_all(admin, P, {"kind": "township"})
    assert n == len(towns) > 0 and all(x["kind"] == "township" for x in towns)
    r = admin.get(P, params={"kind": "company"})
    assert r.status_code == 400 and err(r)["field"] == "kind"
    in_root_region, n = res_all(admin, P, {"region_id": root["region_id"]})
    assert n == len(in_root_region) > 0 and all(x["region_id"] == root["region_id"] for x in in_root_region)
    combo, n = res_all(admin, P, {"parent_id": root["id"], "kind": "government"})
    assert n == 9 and all(x["kind"] == "government" for x in combo)
    # Keyword on name or code prefix.
    hits, n = res_all(admin, P, {"keyword": "信访局"})
    assert n >= 10 and all("信访局" in x["name"] for x in hits)
    hits, n = res_all(admin, P, {"keyword": "G359901"})
    assert n >= 1 and all(x["code"].startswith("G359901") or "G359901" in x["name"] for x in hits)
    # Sort.
    names = [x["name"] for x in admin.get(P, params={"sort": "name", "page_size": 200}).json()["items"]]
    assert names == sorted(names)
    ids = [x["id"] for x in admin.get(P, params={"sort": "-id", "page_size": 200}).json()["items"]]
    assert ids == sorted(ids, reverse=True)
    r = admin.get(P, params={"sort": "-bogus"})
    assert r.status_code == 400 and err(r)["code"] == "bad_query" and err(r)["field"] == "sort"


def test_versions(admin, root):
    u = new_unit(admin, "版本单位", parent_id=root["id"])
    r = admin.put(f"{P}/{u['id']}", json=body_of(u, name="版本单位A"))
    assert r.status_code == 428
    r = admin.put(f"{P}/{u['id']}", json=body_of(u, name="版本单位A"), headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'
    r = admin.put(f"{P}/{u['id']}", json=body_of(u, name="版本单位B"), headers={"If-Match": '"1"'})
    assert r.status_code == 412
    r = admin.put(f"{P}/{u['id']}", json=body_of(u, name="版本单位B", version=1))
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    assert admin.get(f"{P}/{u['id']}").json()["name"] == "版本单位A"
    admin.delete(f"{P}/{u['id']}")


def test_write_needs_permission(server):
    c = server.client("leader")
    assert c.get(P).status_code == 200
    r = c.post(P, json={"name": "无权", "kind": "department", "region_id": 1})
    assert r.status_code == 403 and err(r)["code"] == "forbidden"
    assert c.delete(f"{P}/1").status_code == 403
