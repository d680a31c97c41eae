"""Regions (行政区划): CRUD, validation, the tree, cycles, references, lists."""
import pytest

from conftest import err, res_all

P = "/api/v1/regions"


@pytest.fixture(scope="module")
def root(admin):
    items, _ = res_all(admin, P, {"parent_id": 0})
    assert len(items) == 1 and items[0]["level"] == 1, items
    return items[0]


def new_region(admin, code, name, level, parent_id=None, expect=201):
    body = {"code": code, "name": name, "level": level}
    if parent_id is not None:
        body["parent_id"] = parent_id
    r = admin.post(P, json=body)
    assert r.status_code == expect, r.text
    return r.json()


def test_create_get_update_delete(admin, root):
    county = new_region(admin, "359981", "测试县", 2, root["id"])
    assert county["name"] == "测试县" and county["level"] == 2 and county["parent_id"] == root["id"]
    assert county["version"] == 1
    r = admin.get(f"{P}/{county['id']}")
    assert r.status_code == 200
    assert r.headers["ETag"] == '"1"'
    assert r.json()["code"] == "359981"
    town = new_region(admin, "359981101", "测试镇", 3, county["id"])
    # Update with If-Match.
    r = admin.put(f"{P}/{town['id']}", json={"code": "359981101", "name": "测试镇（改）", "level": 3,
                                             "parent_id": county["id"]}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "测试镇（改）" and r.json()["version"] == 2
    assert r.headers["ETag"] == '"2"'
    assert admin.get(f"{P}/{town['id']}").json()["name"] == "测试镇（改）"
    # Delete leaf then parent.
    assert admin.delete(f"{P}/{town['id']}").status_code == 204
    assert admin.get(f"{P}/{town['id']}").status_code == 404
    assert admin.delete(f"{P}/{county['id']}").status_code == 204
    r = admin.get(f"{P}/{county['id']}")
    assert r.status_code == 404 and err(r)["code"] == "not_found"


@pytest.mark.parametrize("body,field", [
    ({"name": "缺代码县", "level": 2}, "code"),
    ({"code": "359982", "level": 2}, "name"),
    ({"code": "359982", "name": "无层级县"}, "level"),
    ({"code": "359982", "name": "层级过大", "level": 5}, "level"),
    ({"code": "35998A", "name": "字母代码", "level": 2}, "code"),
    ({"code": "359982", "name": "x" * 51, "level": 2}, "name"),
    ({"code": "359982", "name": "未知字段", "level": 2, "bogus": 1}, "bogus"),
    ({"code": "359982", "name": "类型错", "level": "2"}, "level"),
])
def test_validation_names_field(admin, root, body, field):
    if "level" in body and body.get("level") == 2 and field != "level":
        body = dict(body, parent_id=root["id"])
    before = admin.get(P).json()["total"]
    r = admin.post(P, json=body)
    assert r.status_code == 422, r.text
    assert err(r)["code"] == "validation_failed" and err(r)["field"] == field, r.text
    assert admin.get(P).json()["total"] == before


def test_parent_level_must_fit(admin, root):
    # A township (level 3) directly under the prefecture (level 1).
    r = admin.post(P, json={"code": "359983", "name": "错层镇", "level": 3, "parent_id": root["id"]})
    assert r.status_code == 422 and err(r)["field"] == "parent_id"
    # A county without a parent.
    r = admin.post(P, json={"code": "359983", "name": "无上级县", "level": 2})
    assert r.status_code == 422 and err(r)["field"] == "parent_id"
    # Parent that does not exist.
    r = admin.post(P, json={"code": "359983", "name": "上级不存在", "level": 2, "parent_id": 999999})
    assert r.status_code == 422 and err(r)["field"] == "parent_id"


def test_duplicate_code(admin, root):
    r = admin.post(P, json={"code": root["code"], "name": "重复", "level": 1})
    assert r.status_code == 409, r.text
    assert err(r)["code"] == "duplicate" and err(r)["field"] == "code"
    county = new_region(admin, "359984", "重复测试县", 2, root["id"])
    other = new_region(admin, "359985", "重复测试县二", 2, root["id"])
    r = admin.put(f"{P}/{other['id']}", json={"code": "359984", "name": "重复测试县二", "level": 2,
                                              "parent_id": root["id"], "version": 1})
    assert r.status_code == 409 and err(r)["code"] == "duplicate"
    assert admin.get(f"{P}/{other['id']}").json()["code"] == "359985"
    admin.delete(f"{P}/{county['id']}")
    admin.delete(f"{P}/{other['id']}")


def walk(nodes, parent=None, out=None):
    out = [] if out is None else out
    for n in nodes:
        out.append(n)
        if parent is not None:
            assert n["parent_id"] == parent["id"], (n, parent)
            assert n["level"] == parent["level"] + 1
        else:
            assert n["parent_id"] is None
        walk(n.get("children") or [], n, out)
    return out


def test_tree(admin, root):
    r = admin.get(P, params={"tree": 1})
    assert r.status_code == 200
    tree = r.json()["items"]
    assert [n["id"] for n in tree] == [root["id"]]
    nodes = walk(tree)
    total = admin.get(P).json()["total"]
    assert len(nodes) == total
    assert len({n["id"] for n in nodes}) == total
    counties = tree[0]["children"]
    assert len(counties) >= 9 and all(c["level"] == 2 for c in counties)
    assert any(c["name"] == "东山县" and c["children"] for c in counties)


def test_no_cycles(admin, root):
    county = new_region(admin, "359986", "环路县", 2, root["id"])
    town = new_region(admin, "359986101", "环路镇", 3, county["id"])
    village = new_region(admin, "359986101201", "环路村", 4, town["id"])
    # Its own parent.
    r = admin.put(f"{P}/{town['id']}", json={"code": town["code"], "name": town["name"], "level": 3,
                                             "parent_id": town["id"], "version": 1})
    assert r.status_code == 409 and err(r)["code"] == "cycle", r.text
    # Under its own descendant: refused (the level rules alone already forbid it).
    r = admin.put(f"{P}/{county['id']}", json={"code": county["code"], "name": county["name"], "level": 4,
                                               "parent_id": town["id"], "version": 1})
    assert r.status_code in (409, 422), r.text
    assert err(r)["code"] in ("cycle", "validation_failed")
    r = admin.put(f"{P}/{town['id']}", json={"code": town["code"], "name": town["name"], "level": 5,
                                             "parent_id": village["id"], "version": 1})
    assert r.status_code in (409, 422), r.text
    for x in (county, town, village):
        got = admin.get(f"{P}/{x['id']}").json()
        assert got["parent_id"] == x["parent_id"] and got["version"] == 1 and got["path"] == x["path"]
    # Changing the level of a region that has children.
    r = admin.put(f"{P}/{town['id']}", json={"code": town["code"], "name": town["name"], "level": 2,
                                             "parent_id": root["id"], "version": 1})
    assert r.status_code == 422 and err(r)["field"] == "level"


def test_move_rewrites_subtree(admin, root):
    a = new_region(admin, "359987", "迁出县", 2, root["id"])
    b = new_region(admin, "359988", "迁入县", 2, root["id"])
    t = new_region(admin, "359987101", "迁移镇", 3, a["id"])
    v = new_region(admin, "359987101201", "迁移村", 4, t["id"])
    r = admin.put(f"{P}/{t['id']}", json={"code": t["code"], "name": t["name"], "level": 3,
                                          "parent_id": b["id"], "version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["path"].startswith(b["path"])
    assert admin.get(f"{P}/{v['id']}").json()["path"].startswith(b["path"] + f"{t['id']}/")
    items, _ = res_all(admin, P, {"parent_id": a["id"]})
    assert items == []


def test_delete_referenced(admin, root):
    r = admin.delete(f"{P}/{root['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced", r.text
    assert admin.get(f"{P}/{root['id']}").status_code == 200
    # A region with a unit (and no children) is referenced too.
    county = new_region(admin, "359989", "有单位县", 2, root["id"])
    r = admin.post("/api/v1/units", json={"name": "有单位县人民政府", "kind": "government", "region_id": county["id"]})
    assert r.status_code == 201, r.text
    unit = r.json()
    r = admin.delete(f"{P}/{county['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced", r.text
    assert admin.delete(f"/api/v1/units/{unit['id']}").status_code == 204
    assert admin.delete(f"{P}/{county['id']}").status_code == 204
    r = admin.delete(f"{P}/{county['id']}")
    assert r.status_code == 404


def test_pagination(admin):
    first = admin.get(P, params={"page_size": 7})
    assert first.status_code == 200
    body = first.json()
    assert body["page"] == 1 and body["page_size"] == 7 and len(body["items"]) == 7
    total = body["total"]
    assert total > 100
    seen = []
    for page in range(1, (total + 49) // 50 + 1):
        b = admin.get(P, params={"page": page, "page_size": 50}).json()
        assert b["total"] == total and b["page"] == page
        seen += [x["id"] for x in b["items"]]
    assert len(seen) == total == len(set(seen))
    assert len(admin.get(P, params={"page_size": 200}).json()["items"]) == min(total, 200)
    beyond = admin.get(P, params={"page": 1000, "page_size": 50}).json()
    assert beyond["items"] == [] and beyond["total"] == total
    for bad in ({"page_size": 201}, {"page_size": 0}, {"page": 0}, {"page_size": "x"}):
        r = admin.get(P, params=bad)
        assert r.status_code == 400, (bad, r.text)
        assert err(r)["code"] == "bad_query" and err(r)["field"] == list(bad)[0]


def test_filters(admin, root):
    items, total = res_all(admin, P, {"level": 2})
    assert total == len(items) >= 9 and all(x["level"] == 2 for x in items)
    items, total = res_all(admin, P, {"parent_id": root["id"]})
    assert total == len(items) >= 9 and all(x["parent_id"] == root["id"] for x in items)
    items, _ = res_all(admin, P, {"parent_id": 0})
    assert [x["id"] for x in items] == [root["id"]]
    r = admin.get(P, params={"level": 9})
    assert r.status_code == 400 and err(r)["field"] == "level"


def test_keyword(admin):
    items, total = res_all(admin, P, {"keyword": "东山"})
    assert total >= 1 and all("东山" in x["name"] for x in items)
    items, total = res_all(admin, P, {"keyword": "359901"})
    assert total >= 1 and all(x["code"].startswith("359901") for x in items)
    assert admin.get(P, params={"keyword": "不存在的地名xyz"}).json()["total"] == 0


def test_sort(admin):
    asc = [x["code"] for x in admin.get(P, params={"sort": "code", "page_size": 200}).json()["items"]]
    assert asc == sorted(asc)
    desc = [x["code"] for x in admin.get(P, params={"sort": "-code", "page_size": 200}).json()["items"]]
    assert desc == sorted(desc, reverse=True)
    lv = [x["level"] for x in admin.get(P, params={"sort": "-level", "page_size": 200}).json()["items"]]
    assert lv == sorted(lv, reverse=True)
    r = admin.get(P, params={"sort": "password"})
    assert r.status_code == 400 and err(r)["code"] == "bad_query" and err(r)["field"] == "sort"


def test_versions(admin, root):
    c = new_region(admin, "359990", "版本县", 2, root["id"])
    body = {"code": "359990", "name": "版本县A", "level": 2, "parent_id": root["id"]}
    r = admin.put(f"{P}/{c['id']}", json=body)
    assert r.status_code == 428 and err(r)["code"] == "precondition_required"
    r = admin.put(f"{P}/{c['id']}", json=dict(body, version=1))
    assert r.status_code == 200 and r.json()["version"] == 2
    r = admin.put(f"{P}/{c['id']}", json=dict(body, name="版本县B"), headers={"If-Match": '"1"'})
    assert r.status_code == 412 and err(r)["code"] == "precondition_failed"
    r = admin.put(f"{P}/{c['id']}", json=dict(body, name="版本县B", version=1))
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    got = admin.get(f"{P}/{c['id']}")
    assert got.json()["name"] == "版本县A" and got.headers["ETag"] == '"2"'
    r = admin.put(f"{P}/{c['id']}", json=dict(body, name="版本县B"), headers={"If-Match": got.headers["ETag"]})
    assert r.status_code == 200 and r.json()["version"] == 3
    assert admin.put(f"{P}/999999", json=dict(body, version=1)).status_code == 404


def test_read_needs_permission(server, auditadmin):
    assert auditadmin.get(P).status_code == 403
    c = server.client("clerk_dongshan")
    assert c.get(P).status_code == 200
    r = c.post(P, json={"code": "359991", "name": "无权县", "level": 2, "parent_id": 1})
    assert r.status_code == 403 and err(r)["code"] == "forbidden"
