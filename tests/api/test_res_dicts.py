"""Dictionaries (数据字典): types, items, validation, duplicates, labels in use."""
import pytest

from conftest import err

T = "expertise_tag"
ITEMS = f"/api/v1/dicts/{T}/items"


def items(client, type_=T, **params):
    r = client.get(f"/api/v1/dicts/{type_}/items", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_types(admin):
    r = admin.get("/api/v1/dicts")
    assert r.status_code == 200
    types = {t["type"]: t for t in r.json()["items"]}
    assert {"expertise_tag", "petition_channel", "petition_category"} <= set(types)
    assert types[T]["name"] == "专业特长"
    assert types[T]["count"] == len(items(admin))


def test_items_shape_and_order(admin):
    its = items(admin)
    labels = [i["label"] for i in its]
    assert {"经济发展", "规划建设", "文化旅游", "法律", "基层党建"} <= set(labels)
    assert all(i["type"] == T and isinstance(i["enabled"], bool) and i["version"] >= 1 for i in its)
    keys = [(i["sort"], i["id"]) for i in its]
    assert keys == sorted(keys)


def test_unknown_type_404(admin):
    r = admin.get("/api/v1/dicts/no_such_type/items")
    assert r.status_code == 404 and err(r)["code"] == "not_found"
    r = admin.post("/api/v1/dicts/no_such_type/items", json={"code": "x", "label": "x"})
    assert r.status_code == 404


def test_crud(admin):
    r = admin.post(ITEMS, json={"code": "t_crud", "label": "测试特长", "sort": 50})
    assert r.status_code == 201, r.text
    it = r.json()
    assert it["enabled"] is True and it["type"] == T and it["version"] == 1
    assert r.headers["ETag"] == '"1"'
    assert "测试特长" in [i["label"] for i in items(admin)]
    r = admin.put(f"/api/v1/dict-items/{it['id']}", json={"code": "t_crud", "label": "测试特长二", "sort": 51,
                                                          "enabled": False}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["label"] == "测试特长二" and r.json()["enabled"] is False and r.json()["version"] == 2
    assert "测试特长二" not in [i["label"] for i in items(admin, enabled=1)]
    assert "测试特长二" in [i["label"] for i in items(admin, enabled=0)]
    r = admin.put(f"/api/v1/dict-items/{it['id']}", json={"code": "t_crud", "label": "过期", "version": 1})
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    r = admin.put(f"/api/v1/dict-items/{it['id']}", json={"code": "t_crud", "label": "无版本"})
    assert r.status_code == 428
    assert admin.delete(f"/api/v1/dict-items/{it['id']}").status_code == 204
    assert "测试特长二" not in [i["label"] for i in items(admin)]
    assert admin.delete(f"/api/v1/dict-items/{it['id']}").status_code == 404


@pytest.mark.parametrize("body,field", [
    ({"label": "无编码"}, "code"),
    ({"code": "nolabel"}, "label"),
    ({"code": "bad code!", "label": "坏编码"}, "code"),
    ({"code": "c" * 33, "label": "编码过长"}, "code"),
    ({"code": "long", "label": "长" * 41}, "label"),
    ({"code": "ok", "label": "启用类型", "enabled": "yes"}, "enabled"),
    ({"code": "ok", "label": "多余", "type": "petition_channel"}, "type"),
])
def test_validation(admin, body, field):
    n = len(items(admin))
    r = admin.post(ITEMS, json=body)
    assert r.status_code == 422, r.text
    assert err(r)["code"] == "validation_failed" and err(r)["field"] == field
    assert len(items(admin)) == n


def test_duplicates(admin):
    existing = items(admin)[0]
    r = admin.post(ITEMS, json={"code": "dup_new", "label": existing["label"]})
    assert r.status_code == 409 and err(r)["code"] == "duplicate" and err(r)["field"] == "label"
    r = admin.post(ITEMS, json={"code": existing["code"], "label": "新名称不重复"})
    assert r.status_code == 409 and err(r)["code"] == "duplicate" and err(r)["field"] == "code"
    # The same label in another dictionary is fine.
    r = admin.post("/api/v1/dicts/petition_channel/items", json={"code": "dup_x", "label": existing["label"]})
    assert r.status_code == 201, r.text
    admin.delete(f"/api/v1/dict-items/{r.json()['id']}")
    # Renaming onto another label.
    other = items(admin)[1]
    r = admin.put(f"/api/v1/dict-items/{other['id']}", json={"code": other["code"], "label": existing["label"],
                                                              "version": other["version"]})
    assert r.status_code == 409 and err(r)["code"] == "duplicate"


def test_label_in_use_cannot_be_deleted(admin):
    law = [i for i in items(admin) if i["label"] == "法律"][0]
    users = admin.get("/api/v1/cadres", params={"tag": "法律"}).json()["total"]
    assert users > 0
    r = admin.delete(f"/api/v1/dict-items/{law['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced", r.text
    assert "法律" in [i["label"] for i in items(admin)]
    assert admin.get("/api/v1/cadres", params={"tag": "法律"}).json()["total"] == users


def test_rename_follows_cadres_and_unused_delete(admin):
    r = admin.post(ITEMS, json={"code": "t_ren", "label": "改名前"})
    assert r.status_code == 201
    it = r.json()
    r = admin.post("/api/v1/cadres", json={"name": "改名干部", "unit_id": 1, "tags": ["改名前"]})
    assert r.status_code == 201, r.text
    cadre = r.json()
    r = admin.put(f"/api/v1/dict-items/{it['id']}", json={"code": "t_ren", "label": "改名后", "version": 1})
    assert r.status_code == 200
    assert admin.get(f"/api/v1/cadres/{cadre['id']}").json()["tags"] == ["改名后"]
    r = admin.delete(f"/api/v1/dict-items/{it['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced"
    assert admin.delete(f"/api/v1/cadres/{cadre['id']}").status_code == 204
    assert admin.delete(f"/api/v1/dict-items/{it['id']}").status_code == 204


def test_permissions(server):
    leader = server.client("leader")
    assert leader.get("/api/v1/dicts").status_code == 200
    r = leader.post(ITEMS, json={"code": "x1", "label": "无权"})
    assert r.status_code == 403 and err(r)["code"] == "forbidden"
    aud = server.client("auditadmin")
    assert aud.get("/api/v1/dicts").status_code == 403
