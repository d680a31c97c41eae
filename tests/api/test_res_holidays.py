"""Working-day calendar (工作日历): the shipped holiday data, editing it (audited, validated,
versioned) and the statutory deadline preview that uses it."""
from conftest import err

H = "/api/v1/holidays"
P = "/api/v1/deadlines/preview"


def listing(client, **params):
    r = client.get(H, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def by_day(client, year):
    return {i["day"]: i for i in listing(client, year=year)["items"]}


def preview(client, step, start):
    r = client.get(P, params={"step": step, "start": start})
    assert r.status_code == 200, r.text
    return r.json()


def test_shipped_calendar_present(admin):
    body = listing(admin)
    assert {2025, 2026} <= set(body["years"])
    assert body["years"] == sorted(body["years"])
    d26 = by_day(admin, 2026)
    assert d26["2026-01-01"]["kind"] == "holiday" and d26["2026-01-01"]["name"] == "元旦"
    assert d26["2026-01-01"]["weekday"] == 4
    assert d26["2026-01-04"]["kind"] == "workday" and d26["2026-01-04"]["weekday"] == 7
    assert all(d.startswith("2026-") for d in d26)
    assert all(i["version"] >= 1 and i["kind"] in ("holiday", "workday") for i in d26.values())
    assert all(i["weekday"] in (6, 7) for i in d26.values() if i["kind"] == "workday")
    d25 = by_day(admin, 2025)
    assert d25["2025-10-01"]["kind"] == "holiday" and "国庆节" in d25["2025-10-01"]["name"]
    days = [i["day"] for i in body["items"]]
    assert days == sorted(days) and len(days) == len(d25) + len(d26) + sum(
        1 for d in days if not d.startswith(("2025-", "2026-")))
    assert listing(admin, year=2031)["items"] == []
    r = admin.get(H, params={"year": "abc"})
    assert r.status_code == 400 and err(r)["field"] == "year"


def test_crud_with_audit(admin, auditadmin):
    r = admin.post(H, json={"day": "2026-07-11", "kind": "workday", "name": "测试调休"})
    assert r.status_code == 201, r.text
    h = r.json()
    assert h["day"] == "2026-07-11" and h["kind"] == "workday" and h["weekday"] == 6 and h["version"] == 1
    assert r.headers["ETag"] == '"1"'
    assert by_day(admin, 2026)["2026-07-11"]["name"] == "测试调休"
    r = admin.put(f"{H}/2026-07-11", json={"kind": "holiday", "name": "测试假日"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "holiday" and r.json()["name"] == "测试假日" and r.json()["version"] == 2
    r = admin.put(f"{H}/2026-07-11", json={"kind": "holiday", "name": "过期", "version": 1})
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    r = admin.put(f"{H}/2026-07-11", json={"kind": "holiday", "name": "过期"}, headers={"If-Match": '"1"'})
    assert r.status_code == 412
    r = admin.put(f"{H}/2026-07-11", json={"kind": "holiday", "name": "无版本"})
    assert r.status_code == 428
    assert admin.delete(f"{H}/2026-07-11").status_code == 204
    assert "2026-07-11" not in by_day(admin, 2026)
    assert admin.delete(f"{H}/2026-07-11").status_code == 404
    acts = {}
    for action in ("holiday.create", "holiday.update", "holiday.delete"):
        r = auditadmin.get("/api/v1/audit", params={"action": action})
        assert r.status_code == 200, r.text
        acts[action] = [a for a in r.json()["items"] if a["object_id"] == "2026-07-11"]
    assert len(acts["holiday.create"]) == 1 and acts["holiday.create"][0]["object_type"] == "holiday"
    assert "测试调休" in acts["holiday.create"][0]["details"]
    assert len(acts["holiday.update"]) == 1 and len(acts["holiday.delete"]) == 1


def test_validation(admin):
    cases = [
        ({"day": "2026-02-30", "kind": "holiday"}, "day"),
        ({"day": "2026/7/1", "kind": "holiday"}, "day"),
        ({"day": "明天", "kind": "holiday"}, "day"),
        ({"day": "2026-07-01", "kind": "假日"}, "kind"),
        ({"day": "2026-07-01"}, "kind"),
        ({"day": "2026-07-01", "kind": "workday"}, "day"),  # a Wednesday is a working day anyway
        ({"day": "2026-07-01", "kind": "holiday", "name": "名" * 31}, "name"),
        ({"day": "2026-07-01", "kind": "holiday", "extra": 1}, "extra"),
    ]
    for body, field in cases:
        r = admin.post(H, json=body)
        assert r.status_code == 422, (body, r.text)
        assert err(r)["field"] == field, (body, r.text)
        assert any("\u4e00" <= c <= "\u9fff" for c in err(r)["message"]), r.text
    r = admin.put(f"{H}/2026-01-01", json={"kind": "workday", "version": 1})
    assert r.status_code == 422 and err(r)["field"] == "day"
    r = admin.post(H, json={"day": "2026-07-01", "kind": "holiday", "name": "名" * 30})
    assert r.status_code == 201, r.text
    assert admin.delete(f"{H}/2026-07-01").status_code == 204


def test_duplicate_and_unknown(admin):
    r = admin.post(H, json={"day": "2026-01-01", "kind": "holiday", "name": "重复"})
    assert r.status_code == 409 and err(r)["code"] == "duplicate" and err(r)["field"] == "day"
    for bad in ("2026-07-02", "2026-13-01", "20260101", "abc"):
        r = admin.put(f"{H}/{bad}", json={"kind": "holiday", "version": 1})
        assert r.status_code == 404, (bad, r.text)
        assert admin.delete(f"{H}/{bad}").status_code == 404


def test_leader_reads_only(server):
    leader = server.client("leader")
    assert "2026-01-01" in by_day(leader, 2026)
    r = leader.post(H, json={"day": "2026-07-03", "kind": "holiday"})
    assert r.status_code == 403 and err(r)["code"] == "forbidden"
    assert leader.delete(f"{H}/2026-01-01").status_code == 403
    assert preview(leader, "close", "2025-08-02")["due"] == "2025-10-09"


def test_preview_close_across_national_day(admin):
    p = preview(admin, "close", "2025-08-02")
    assert p == {"step": "close", "step_label": "办结", "start": "2025-08-02", "due": "2025-10-09",
                 "working": False, "days": 60, "warning": None}
    o = preview(admin, "objection", "2026-09-28")
    assert o["working"] is True and o["days"] == 5 and o["warning"] is None
    assert o["due"] > "2026-10-05"  # 国庆 holidays are not working days


def test_preview_warns_for_uncovered_year(admin):
    p = preview(admin, "close", "2027-03-01")
    assert p["due"] == "2027-04-30" and isinstance(p["warning"], str) and "2027" in p["warning"]
    p = preview(admin, "close", "2026-12-15")
    assert p["warning"] and "2027" in p["warning"]


def test_preview_follows_calendar_edits(admin):
    before = preview(admin, "close", "2026-06-01")
    assert before["due"] == "2026-07-31"  # a Friday
    r = admin.post(H, json={"day": "2026-07-31", "kind": "holiday", "name": "测试假日"})
    assert r.status_code == 201, r.text
    assert preview(admin, "close", "2026-06-01")["due"] == "2026-08-03"
    assert admin.delete(f"{H}/2026-07-31").status_code == 204
    assert preview(admin, "close", "2026-06-01")["due"] == "2026-07-31"


def test_preview_bad_query(admin):
    for params, field in [({"step": "nope", "start": "2026-01-05"}, "step"),
                          ({"start": "2026-01-05"}, "step"),
                          ({"step": "close", "start": "2026-02-30"}, "start"),
                          ({"step": "close"}, "start")]:
        r = admin.get(P, params=params)
        assert r.status_code == 400, (params, r.text)
        assert err(r)["code"] == "bad_query" and err(r)["field"] == field
