"""Cadres (干部): CRUD, tags from the expertise_tag dictionary, lists, export, statistics."""
import pytest

from conftest import err, res_all, res_unit_id, res_xlsx_rows

P = "/api/v1/cadres"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def unit(admin):
    return res_unit_id(admin, "地区教育局")


def new_cadre(admin, **kw):
    r = admin.post(P, json=kw)
    assert r.status_code == 201, r.text
    return r.json()


def test_crud(admin, unit):
    c = new_cadre(admin, name="测试干部", unit_id=unit, title="科长", is_leader=False, tags=["教育", "法律"])
    assert c["name"] == "测试干部" and c["unit_id"] == unit and c["unit_name"] == "地区教育局"
    assert c["tags"] == ["教育", "法律"] and c["is_leader"] is False and c["version"] == 1
    r = admin.get(f"{P}/{c['id']}")
    assert r.status_code == 200 and r.headers["ETag"] == '"1"' and r.json()["title"] == "科长"
    r = admin.put(f"{P}/{c['id']}", json={"name": "测试干部", "unit_id": unit, "title": "副局长", "is_leader": True,
                                          "tags": ["经济发展"]}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["tags"] == ["经济发展"] and r.json()["is_leader"] is True and r.json()["version"] == 2
    assert r.headers["ETag"] == '"2"'
    # Tags absent on update: kept.
    r = admin.put(f"{P}/{c['id']}", json={"name": "测试干部二", "unit_id": unit, "version": 2})
    assert r.status_code == 200 and r.json()["tags"] == ["经济发展"] and r.json()["name"] == "测试干部二"
    # Empty list clears.
    r = admin.put(f"{P}/{c['id']}", json={"name": "测试干部二", "unit_id": unit, "tags": [], "version": 3})
    assert r.status_code == 200 and r.json()["tags"] == []
    assert admin.delete(f"{P}/{c['id']}").status_code == 204
    assert admin.get(f"{P}/{c['id']}").status_code == 404
    assert admin.delete(f"{P}/{c['id']}").status_code == 404


@pytest.mark.parametrize("body,field", [
    ({"unit_id": 1}, "name"),
    ({"name": "无单位"}, "unit_id"),
    ({"name": "单位不存在", "unit_id": 999999}, "unit_id"),
    ({"name": "x" * 31, "unit_id": 1}, "name"),
    ({"name": "职务过长", "unit_id": 1, "title": "长" * 61}, "title"),
    ({"name": "领导类型", "unit_id": 1, "is_leader": "是"}, "is_leader"),
    ({"name": "标签类型", "unit_id": 1, "tags": "法律"}, "tags"),
    ({"name": "标签元素", "unit_id": 1, "tags": [1]}, "tags"),
    ({"name": "标签不在字典", "unit_id": 1, "tags": ["法律", "唱歌"]}, "tags"),
    ({"name": "其他字典的标签", "unit_id": 1, "tags": ["来访"]}, "tags"),
    ({"name": "多余", "unit_id": 1, "created_by": 1}, "created_by"),
])
def test_validation(admin, body, field):
    before = admin.get(P).json()["total"]
    r = admin.post(P, json=body)
    assert r.status_code == 422, r.text
    assert err(r)["code"] == "validation_failed" and err(r)["field"] == field, r.text
    assert admin.get(P).json()["total"] == before


def test_tag_message_names_tag(admin):
    r = admin.post(P, json={"name": "标签", "unit_id": 1, "tags": ["唱歌"]})
    assert r.status_code == 422 and "唱歌" in err(r)["message"]


def test_disabled_tag_refused_for_new_cadres(admin, unit):
    r = admin.post("/api/v1/dicts/expertise_tag/items", json={"code": "t_dis", "label": "停用特长"})
    assert r.status_code == 201
    item = r.json()
    c = new_cadre(admin, name="持有停用特长", unit_id=unit, tags=["停用特长"])
    r = admin.put(f"/api/v1/dict-items/{item['id']}", json={"code": "t_dis", "label": "停用特长", "enabled": False,
                                                            "version": 1})
    assert r.status_code == 200
    r = admin.post(P, json={"name": "新人", "unit_id": unit, "tags": ["停用特长"]})
    assert r.status_code == 422 and err(r)["field"] == "tags"
    # A cadre that already carries it can still be edited.
    r = admin.put(f"{P}/{c['id']}", json={"name": "持有停用特长（改）", "unit_id": unit, "tags": ["停用特长"],
                                          "version": 1})
    assert r.status_code == 200, r.text
    admin.delete(f"{P}/{c['id']}")
    admin.delete(f"/api/v1/dict-items/{item['id']}")


def test_pagination_and_sort(admin):
    items, total = res_all(admin, P)
    assert total == len(items) == len({c["id"] for c in items}) >= 40
    b = admin.get(P, params={"page": 3, "page_size": 7}).json()
    assert b["page"] == 3 and b["page_size"] == 7 and b["total"] == total
    assert [c["id"] for c in b["items"]] == [c["id"] for c in items[14:21]]
    assert admin.get(P, params={"page_size": 201}).status_code == 400
    names = [c["name"] for c in admin.get(P, params={"sort": "name", "page_size": 200}).json()["items"]]
    assert names == sorted(names)
    ids = [c["id"] for c in admin.get(P, params={"sort": "-id", "page_size": 200}).json()["items"]]
    assert ids == sorted(ids, reverse=True)
    r = admin.get(P, params={"sort": "secret"})
    assert r.status_code == 400 and err(r)["field"] == "sort"


def test_filters_and_keyword(admin, unit):
    all_items, total = res_all(admin, P)
    law, n = res_all(admin, P, {"tag": "法律"})
    assert n == len(law) == sum("法律" in c["tags"] for c in all_items) > 0
    leaders, n = res_all(admin, P, {"is_leader": "true"})
    assert n == sum(c["is_leader"] for c in all_items) > 0 and all(c["is_leader"] for c in leaders)
    non, n2 = res_all(admin, P, {"is_leader": "0"})
    assert n + n2 == total and not any(c["is_leader"] for c in non)
    r = admin.get(P, params={"is_leader": "maybe"})
    assert r.status_code == 400 and err(r)["field"] == "is_leader"
    in_unit, n = res_all(admin, P, {"unit_id": unit})
    assert n == sum(c["unit_id"] == unit for c in all_items) > 0 and all(c["unit_id"] == unit for c in in_unit)
    combo, n = res_all(admin, P, {"is_leader": "true", "tag": "基层党建"})
    assert n == sum(c["is_leader"] and "基层党建" in c["tags"] for c in all_items)
    kw, n = res_all(admin, P, {"keyword": "局长"})
    assert n == sum("局长" in c["title"] or "局长" in c["name"] for c in all_items) > 0
    one = all_items[0]["name"]
    kw, n = res_all(admin, P, {"keyword": one})
    assert n >= 1 and all(one in c["name"] or one in c["title"] for c in kw)


def export(client, params=None):
    r = client.get(f"{P}/export", params=params or {})
    assert r.status_code == 200, r.text
    return r


@pytest.mark.parametrize("params", [{}, {"tag": "法律"}, {"is_leader": "true"}, {"keyword": "局长"},
                                    {"tag": "经济发展", "is_leader": "1"}, {"keyword": "没有这个人"}])
def test_export_matches_list(admin, params):
    r = export(admin, params)
    assert r.headers["Content-Type"].startswith(XLSX)
    assert "attachment" in r.headers.get("Content-Disposition", "")
    assert r.content[:2] == b"PK"
    rows = res_xlsx_rows(r.content)
    assert rows[0][:6] == ["序号", "姓名", "单位", "职务", "是否领导", "专业特长"]
    data = rows[1:]
    items, total = res_all(admin, P, params)
    assert len(data) == total
    assert sorted(row[1] for row in data) == sorted(c["name"] for c in items)
    by_name = {}
    for c in items:
        by_name.setdefault(c["name"], []).append(c)
    for row in data:
        c = by_name[row[1]][0]
        assert row[2] == c["unit_name"]
        assert row[4] == ("是" if c["is_leader"] else "否")
        assert row[5] == "、".join(c["tags"])


def test_export_permission(server):
    clerk = server.client("clerk_dongshan")
    r = clerk.get(f"{P}/export")
    assert r.status_code == 403 and err(r)["code"] == "forbidden"
    leader = server.client("leader")
    assert export(leader).content[:2] == b"PK"


def test_stats(admin):
    r = admin.post("/api/v1/dicts/expertise_tag/items", json={"code": "t_zero", "label": "无人特长", "sort": 99})
    assert r.status_code == 201
    zero = r.json()
    try:
        s = admin.get(f"{P}/stats")
        assert s.status_code == 200
        s = s.json()
        _, total = res_all(admin, P)
        assert s["total"] == total
        assert s["leaders"] == res_all(admin, P, {"is_leader": "true"})[1]
        labels = [i["label"] for i in admin.get("/api/v1/dicts/expertise_tag/items", params={"enabled": 1}).json()["items"]]
        by_tag = {x["tag"]: x["count"] for x in s["by_tag"]}
        assert set(labels) <= set(by_tag), (labels, by_tag)
        assert by_tag["无人特长"] == 0
        assert by_tag["规划建设"] >= 0 and "文化旅游" in by_tag
        for tag, count in by_tag.items():
            assert count == admin.get(P, params={"tag": tag}).json()["total"], tag
        assert s["by_unit"]
        for u in s["by_unit"]:
            assert u["count"] == admin.get(P, params={"unit_id": u["unit_id"]}).json()["total"]
        counts = [u["count"] for u in s["by_unit"]]
        assert counts == sorted(counts, reverse=True)
    finally:
        admin.delete(f"/api/v1/dict-items/{zero['id']}")


def test_delete_cadre_linked_to_user(admin, unit):
    c = new_cadre(admin, name="有账号干部", unit_id=unit)
    r = admin.post("/api/v1/users", json={"username": "cadre_linked", "display_name": "有账号干部", "unit_id": unit,
                                           "cadre_id": c["id"], "password": "Init#2026abc"})
    assert r.status_code == 201, r.text
    assert r.json()["cadre_id"] == c["id"]
    r = admin.delete(f"{P}/{c['id']}")
    assert r.status_code == 409 and err(r)["code"] == "referenced"
    assert admin.get(f"{P}/{c['id']}").status_code == 200


def test_versions(admin, unit):
    c = new_cadre(admin, name="版本干部", unit_id=unit)
    body = {"name": "版本干部A", "unit_id": unit}
    assert admin.put(f"{P}/{c['id']}", json=body).status_code == 428
    assert admin.put(f"{P}/{c['id']}", json=body, headers={"If-Match": '"1"'}).status_code == 200
    r = admin.put(f"{P}/{c['id']}", json=dict(body, name="B"), headers={"If-Match": '"1"'})
    assert r.status_code == 412
    r = admin.put(f"{P}/{c['id']}", json=dict(body, name="B", version=1))
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    assert admin.get(f"{P}/{c['id']}").json()["name"] == "版本干部A"
    admin.delete(f"{P}/{c['id']}")


def test_write_permission(server, unit):
    leader = server.client("leader")
    r = leader.post(P, json={"name": "无权", "unit_id": unit})
    assert r.status_code == 403
    planner = server.client("planner")
    r = planner.post(P, json={"name": "规划督查建", "unit_id": unit, "tags": ["规划建设"]})
    assert r.status_code == 201, r.text
    assert planner.delete(f"{P}/{r.json()['id']}").status_code == 204


def test_keyword_wildcards_are_literal(admin, unit):
    """% _ and \\ in a keyword match themselves, not any text."""
    plain = new_cadre(admin, name="关键字甲", unit_id=unit)["id"]
    marked = new_cadre(admin, name="关键_字%乙\\", unit_id=unit)["id"]
    for kw, expect in (("_", {marked}), ("%", {marked}), ("\\", {marked}), ("关键", {plain, marked}),
                       ("_字%", {marked}), ("关%", set())):
        r = admin.get("/api/v1/cadres", params={"keyword": kw, "page_size": 200})
        assert r.status_code == 200
        assert {c["id"] for c in r.json()["items"]} == expect, kw
