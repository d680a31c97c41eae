"""Intake (登记): validation of every field of POST /api/v1/cases (422 naming the field, a Chinese
message, nothing stored), repeat detection (POST /api/v1/cases/match), 初信初访 and 重复件 links,
related links and new query codes."""
import datetime as dt
import re

import pytest

from casehelp import (C, World, err, fake_id, fake_phone, get, has_cjk, id_check_char, listing, today)


@pytest.fixture(scope="module")
def w(server):
    return World(server)


def count(server):
    return server.sql("SELECT COUNT(*) FROM cases")[0][0]


def bad_id():
    good = fake_id()
    wrong = "0" if good[-1] != "0" else "1"
    return good[:17] + wrong


def pet(**kw):
    p = {"name": "李测试", "phone": fake_phone()}
    p.update(kw)
    return p


def invalid_bodies(w):
    t = today()
    b = lambda **kw: w.body(**kw)  # noqa: E731
    cases = [
        (b(channel="walk"), "channel"),
        (b(channel=""), "channel"),
        (b(kind="complaint"), "kind"),
        (b(category="99"), "category"),
        (b(category=""), "category"),
        (b(region_id=99999999), "region_id"),
        (b(region_id="东山县"), "region_id"),
        (b(region_id=0), "region_id"),
        (b(title=""), "title"),
        (b(title="   "), "title"),
        (b(title="题" * 101), "title"),
        (b(title=123), "title"),
        (b(title="换行\n标题\x01"), "title"),
        (b(content=""), "content"),
        (b(content=" \n\t "), "content"),
        (b(content="内" * 5001), "content"),
        (b(received_at=str(t + dt.timedelta(days=2))), "received_at"),
        (b(received_at=(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")),
         "received_at"),
        (b(received_at=str(t - dt.timedelta(days=400))), "received_at"),
        (b(received_at="2026-02-30"), "received_at"),
        (b(received_at="昨天"), "received_at"),
        (b(urgency="super"), "urgency"),
        (b(head_count=0), "head_count"),
        (b(head_count=10001), "head_count"),
        (b(head_count=1, petitioners=[pet(), pet()]), "head_count"),
        (b(head_count="3"), "head_count"),
        (b(petitioners=[]), "petitioners"),
        (b(petitioners="张三"), "petitioners"),
        (b(petitioners=[pet() for _ in range(51)], head_count=60), "petitioners"),
        (b(petitioners=[pet(is_representative=True) for _ in range(6)], head_count=6), "petitioners"),
        (b(petitioners=[{"name": "无联系", "address": "东山县"}]), "petitioners"),
        (b(petitioners=[pet(id_number=bad_id())]), "petitioners[0].id_number"),
        (b(petitioners=[pet(), pet(id_number="11010119800101123")]), "petitioners[1].id_number"),
        (b(petitioners=[pet(id_number="110101" + "20991231" + "001" + id_check_char("11010120991231001"))]),
         "petitioners[0].id_number"),
        (b(petitioners=[pet(phone="12345")]), "petitioners[0].phone"),
        (b(petitioners=[pet(phone="1380000000")]), "petitioners[0].phone"),
        (b(petitioners=[pet(name="")]), "petitioners[0].name"),
        (b(petitioners=[pet(name="  ")]), "petitioners[0].name"),
        (b(petitioners=[pet(name="名" * 31)]), "petitioners[0].name"),
        (b(petitioners=[pet(address="址" * 201)]), "petitioners[0].address"),
        (b(petitioners=[pet(is_representative="yes")]), "petitioners[0].is_representative"),
        (b(petitioners=[pet(extra=1)]), "petitioners[0].extra"),
        (b(accused_unit_id=99999999, kind="report"), "accused_unit_id"),
        (b(duplicate_of=99999999), "duplicate_of"),
        (b(related_case_ids=[99999999]), "related_case_ids"),
        (b(related_case_ids="1"), "related_case_ids"),
        (b(reception_day_id=99999999), "reception_day_id"),
        (b(foo=1), "foo"),
    ]
    for f in ("channel", "kind", "category", "region_id", "title", "content", "petitioners"):
        body = b()
        del body[f]
        cases.append((body, f))
    return cases


def test_invalid_intake_changes_nothing(w, server):
    n0 = count(server)
    _, total0 = listing(w.clerk)
    wrong = []
    for body, field in invalid_bodies(w):
        r = w.clerk.post(C, json=body)
        if r.status_code != 422:
            wrong.append((field, r.status_code, r.text[:120]))
            continue
        e = err(r)
        if e["field"] != field or not e["code"] or not has_cjk(e["message"]):
            wrong.append((field, e))
    assert wrong == []
    assert count(server) == n0
    assert listing(w.clerk)[1] == total0


def test_not_json_and_no_permission(w, server):
    n0 = count(server)
    r = w.clerk.post(C, data=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    r = w.clerk.post(C, json=[1, 2])
    assert r.status_code in (400, 422)
    assert w.handler.post(C, json=w.body()).status_code == 403
    assert w.leader.post(C, json=w.body()).status_code == 403
    assert count(server) == n0


def test_limits_accepted(w):
    c = w.create(title="题" * 100, content="内" * 5000, head_count=10000, urgency="very_urgent",
                 petitioners=[pet(is_representative=True) for _ in range(5)] + [{"name": "仅身份证",
                                                                                 "id_number": fake_id()}],
                 received_at=str(today() - dt.timedelta(days=365)))
    assert c["title"] == "题" * 100 and len(c["content"]) == 5000 and c["head_count"] == 10000
    assert c["urgency"] == "very_urgent" and c["urgency_label"] == "特急"
    assert len(c["petitioners"]) == 6 and sum(p["is_representative"] for p in c["petitioners"]) == 5
    # an ID number with a lower-case x is normalised
    body17 = None
    for n in range(1000):
        s = f"11010119850315{n:03d}"
        if id_check_char(s) == "X":
            body17 = s
            break
    c = w.create(petitioners=[{"name": "小写", "id_number": body17 + "x"}])
    assert c["petitioners"][0]["id_number_masked"].endswith("X")
    # phone forms
    c = w.create(petitioners=[{"name": "座机", "phone": "0591-83331234"}])
    assert c["petitioners"][0]["phone_masked"] and "83331234" not in c["petitioners"][0]["phone_masked"]


def test_labels_and_defaults(w):
    c = w.create(channel="letter", kind="appeal", category="05")
    assert c["channel_label"] == "来信" and c["kind_label"] == "申诉求决" and c["category_label"] == "住房"
    assert c["urgency"] == "normal" and c["head_count"] == 1 and c["county_name"] == "东山县"
    assert c["unit_id"] == w.dongshan_gov and c["source"] == "console"
    assert re.fullmatch(r"XF-\d{4}-\d{5}", c["case_no"])
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{3}", c["query_code"]), c["query_code"]
    assert "query_code" not in get(w.clerk, c["id"])


def match(client, **body):
    r = client.post(f"{C}/match", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_repeat_detection(w):
    phone, idn = fake_phone(), fake_id()
    content = "东山县城关镇幸福小区三号楼外墙脱落，存在安全隐患，请求尽快维修并排查其他楼栋。"
    a = w.create(title="小区外墙脱落", content=content, category="05",
                 petitioners=[{"name": "王重复", "phone": phone, "id_number": idn}])
    assert a["first_time"] is True
    # the same phone about another matter: shown as the same petitioner, still 初信初访 for it
    m = match(w.clerk, region_id=w.dongshan_town, category="07", title="养老金停发",
              content="本人退休后养老金从上月起停发，社保经办机构未说明原因。", petitioners=[{"phone": phone}])
    hit = [i for i in m["items"] if i["id"] == a["id"]]
    assert hit and "同一信访人（电话）" in hit[0]["reasons"] and "其他事项" in hit[0]["reasons"], m
    assert hit[0]["same_petitioner"] is True and hit[0]["same_matter"] is False
    assert m["first_time"] is True and m["repeat_of"] is None
    assert hit[0]["case_no"] == a["case_no"] and hit[0]["status"] == "registered"
    # the same ID number (the phone differs) about the same matter: a repeat, not 初信初访
    m = match(w.clerk, region_id=w.dongshan_town, category="05", title="外墙脱落还没修",
              content="幸福小区三号楼的外墙又掉下来了，存在安全隐患，还是没人维修。",
              petitioners=[{"id_number": idn, "phone": fake_phone()}])
    hit = [i for i in m["items"] if i["id"] == a["id"]]
    assert hit and "同一信访人（身份证号）" in hit[0]["reasons"] and hit[0]["same_matter"] is True, m
    assert hit[0]["score"] == 100 and m["first_time"] is False
    assert m["repeat_of"]["id"] == a["id"] and m["repeat_open"] is True and m["repeat_final"] is False
    # similar content, another person, same region: suggested, the new petitioner's first
    m = match(w.clerk, region_id=w.dongshan_town, category="05", title="小区外墙脱落",
              content="东山县城关镇幸福小区三号楼外墙脱落，存在安全隐患，请求尽快维修。",
              petitioners=[{"phone": fake_phone()}])
    hit = [i for i in m["items"] if i["id"] == a["id"]]
    assert hit and hit[0]["same_petitioner"] is False, m
    sim = [x for x in hit[0]["reasons"] if x.startswith("内容相似")]
    assert sim and re.fullmatch(r"内容相似（\d{1,3}%）", sim[0]), hit[0]["reasons"]
    assert m["first_time"] is True and m["repeat_of"] is None
    # nothing in common
    m = match(w.clerk, region_id=w.dongshan_town, title="学校食堂", content="学校食堂卫生状况差，学生多次出现腹泻症状。",
              petitioners=[{"phone": fake_phone()}])
    assert a["id"] not in {i["id"] for i in m["items"]} and m["first_time"] is True
    # exclude_id
    m = match(w.clerk, region_id=w.dongshan_town, title="x", content="y", petitioners=[{"phone": phone}],
              exclude_id=a["id"])
    assert a["id"] not in {i["id"] for i in m["items"]}
    # scores ordered (same petitioner and matter first)
    items = match(w.clerk, region_id=w.dongshan_town, title="小区外墙脱落", content=content, category="05",
                  petitioners=[{"phone": phone}])["items"]
    assert items[0]["id"] == a["id"] and items[0]["same_matter"] is True
    rest = [i["score"] for i in items if not i["same_petitioner"]]
    assert rest == sorted(rest, reverse=True)
    # match needs case:intake
    assert w.handler.post(f"{C}/match", json={"petitioners": [{"phone": phone}]}).status_code == 403


def test_match_input(w):
    """The form calls match while the clerk types: values not (yet) valid are left out, not
    refused; wrong types and shapes are 422."""
    phone = fake_phone()
    a = w.create(petitioners=[{"name": "半截", "phone": phone}])
    m = match(w.clerk, petitioners=[{"phone": phone[:7]}, {"id_number": bad_id()}])
    assert m["first_time"] is True
    assert not any(x.startswith("同一信访人") for i in m["items"] for x in i["reasons"])
    assert a["id"] not in {i["id"] for i in m["items"]}
    for body, field in (({"petitioners": "x"}, "petitioners"), ({"petitioners": [5]}, "petitioners[0]"),
                        ({"petitioners": [{"phone": 13800000000}]}, "petitioners[0].phone"),
                        ({"petitioners": [{"name": "甲"}]}, "petitioners[0].name"),
                        ({"region_id": "东山"}, "region_id"), ({"title": "题" * 101}, "title"),
                        ({"foo": 1}, "foo")):
        r = w.clerk.post(f"{C}/match", json=body)
        assert r.status_code == 422 and err(r)["field"] == field, (body, r.status_code, r.text)
        assert has_cjk(err(r)["message"])


def test_first_time_flag(w):
    phone, idn = fake_phone(), fake_id()
    a = w.create(petitioners=[{"name": "初访", "phone": phone}])
    assert a["first_time"] is True
    b = w.create(petitioners=[{"name": "初访", "phone": phone}], content="第二次来访，内容不同。")
    assert b["first_time"] is False
    c = w.create(petitioners=[{"name": "身份证", "id_number": idn}])
    d_ = w.create(petitioners=[{"name": "身份证", "id_number": idn, "phone": fake_phone()}])
    assert c["first_time"] is True and d_["first_time"] is False
    # the phone in another form (spaces, +86) is the same phone
    e = w.create(petitioners=[{"name": "格式", "phone": "+86 " + phone[:3] + " " + phone[3:7] + " " + phone[7:]}])
    assert e["first_time"] is False
    items, _ = listing(w.clerk, first_time="true")
    ids = {i["id"] for i in items}
    assert a["id"] in ids and b["id"] not in ids and all(i["first_time"] for i in items)
    items, _ = listing(w.clerk, first_time="false")
    assert b["id"] in {i["id"] for i in items} and a["id"] not in {i["id"] for i in items}


def test_group_petition_representatives(w):
    r1, r2 = fake_phone(), fake_phone()
    group = [{"name": "代表一", "phone": r1, "is_representative": True},
             {"name": "代表二", "phone": r2, "is_representative": True},
             {"name": "群众", "phone": fake_phone()}]
    a = w.create(petitioners=group, head_count=30, title="集体访测试")
    assert a["head_count"] == 30
    m = match(w.clerk, region_id=w.dongshan_town, title="另一件", content="无关内容无关内容。",
              petitioners=[{"phone": r2}])
    hit = [i for i in m["items"] if i["id"] == a["id"]]
    assert hit and ({"同一代表人", "同一信访人（电话）"} & set(hit[0]["reasons"])), m


def test_duplicate_links_both_ways(w):
    a = w.create()
    b = w.create(duplicate_of=a["id"])
    assert b["duplicate_of"] == a["id"]
    lb = [(l["case_id"], l["kind"]) for l in b["links"]]
    assert (a["id"], "duplicate") in lb
    la = get(w.clerk, a["id"])["links"]
    assert (b["id"], "duplicate") in [(l["case_id"], l["kind"]) for l in la]
    lab = [l for l in la if l["case_id"] == b["id"]][0]
    assert lab["case_no"] == b["case_no"] and lab["kind_label"] and lab["status"] == "registered"


def test_related_links(w):
    a, b, c = w.create(), w.create(), w.create()
    d_ = w.create(related_case_ids=[a["id"]])
    assert (a["id"], "related") in [(l["case_id"], l["kind"]) for l in d_["links"]]
    r = w.clerk.post(f"{C}/{b['id']}/links", json={"case_id": c["id"], "note": "同一小区"})
    assert r.status_code == 200, r.text
    assert (c["id"], "related") in [(l["case_id"], l["kind"]) for l in r.json()["links"]]
    assert (b["id"], "related") in [(l["case_id"], l["kind"]) for l in get(w.clerk, c["id"])["links"]]
    r = w.clerk.post(f"{C}/{b['id']}/links", json={"case_id": 99999999})
    assert r.status_code in (404, 422)
    r = w.clerk.post(f"{C}/{b['id']}/links", json={"case_id": b["id"]})
    assert r.status_code in (409, 422)
    # another county's case cannot be linked
    x = w.create(client=w.xiyang, region_id=w.xiyang_region)
    r = w.clerk.post(f"{C}/{b['id']}/links", json={"case_id": x["id"]})
    assert r.status_code in (404, 422)
    assert x["id"] not in [l["case_id"] for l in get(w.clerk, b["id"])["links"]]


def test_new_query_code(w):
    a = w.create()
    r = w.clerk.post(f"{C}/{a['id']}/query-code")
    assert r.status_code == 200, r.text
    q = r.json()["query_code"]
    assert q != a["query_code"] and len(q) == 13
    assert w.handler.post(f"{C}/{a['id']}/query-code").status_code in (403, 404)
    # the public lookup takes the new code only (when the public API is there)
    last4 = a["petitioners"][0]["phone_masked"][-4:]
    r = w.clerk.post("/api/v1/public/lookup", json={"query_code": a["query_code"], "phone_last4": last4})
    if r.status_code == 404 and "查询码" not in r.text:
        return  # no public API in this build
    assert r.status_code == 404, r.text
    r = w.clerk.post("/api/v1/public/lookup", json={"query_code": q, "phone_last4": last4})
    assert r.status_code == 200, r.text
