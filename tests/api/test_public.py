"""The citizens' public page API (/api/v1/public, no account): lookups for the form, online
submission (validation of every field, honeypot, per-address limit), look-up by query code and
the last four phone digits (one identical 404 for every failure, per-address limit, only public
information) and the one-time rating after the reply.

The server trusts one proxy hop, so each test varies X-Forwarded-For to act from an address of
its own and the per-address limits of one test do not touch the others."""
import itertools
import json
import re
import time

import pytest
import requests

from conftest import Server, run_cli, err

_addr = itertools.count(1)


def new_ip():
    n = next(_addr)
    return f"198.51.{n // 250}.{n % 250 + 1}"


def id_number(body17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(a) * b for a, b in zip(body17, w)) % 11]


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("public") / "p.db")
    run_cli("demo", db=db)
    s = Server(db, extra=["--login-rate", "100000", "--trust-proxy", "1"]).start()
    yield s
    assert s.stop() == 0


def pub(srv, method, path, ip=None, **kw):
    headers = {"X-Forwarded-For": ip or new_ip()}
    return requests.request(method, srv.url("/api/v1/public" + path), headers=headers, timeout=30, **kw)


def region_ids(srv):
    counties = pub(srv, "GET", "/counties").json()["items"]
    dongshan = next(c for c in counties if c["name"] == "东山县")
    towns = pub(srv, "GET", "/regions", params={"parent_id": dongshan["id"]}).json()["items"]
    town = next(t for t in towns if t["name"] == "城关镇")
    villages = pub(srv, "GET", "/regions", params={"parent_id": town["id"]}).json()["items"]
    return dongshan["id"], town["id"], villages[0]["id"]


def form(srv, **over):
    _, _, village = region_ids(srv)
    body = {"region_id": village, "category": "05", "kind": "suggestion", "title": "楼道灯不亮",
            "content": "三号楼楼道灯坏了两个月，请尽快修复。", "name": "测试群众", "phone": "13800001234"}
    body.update(over)
    return {k: v for k, v in body.items() if v is not None}


def submit(srv, expect=201, ip=None, **over):
    r = pub(srv, "POST", "/cases", ip=ip, json=form(srv, **over))
    assert r.status_code == expect, r.text
    return r.json()


def lookup(srv, code, last4, expect=200, ip=None):
    r = pub(srv, "POST", "/lookup", ip=ip, json={"query_code": code, "phone_last4": last4})
    assert r.status_code == expect, r.text
    return r


def case_total(client):
    r = client.get("/api/v1/cases", params={"page_size": 1})
    assert r.status_code == 200, r.text
    return r.json()["total"]


def find_case(client, case_no):
    r = client.get("/api/v1/cases", params={"keyword": case_no})
    assert r.status_code == 200, r.text
    items = [c for c in r.json()["items"] if c["case_no"] == case_no]
    assert len(items) == 1, (case_no, r.text)
    return items[0]


def act(client, cid, action, expect=200, **body):
    if "version" not in body:  # every action names the version it was decided on (428 otherwise)
        g = client.get(f"/api/v1/cases/{cid}")
        if g.status_code == 200:
            body["version"] = g.json()["version"]
    r = client.post(f"/api/v1/cases/{cid}/actions/{action}", json=body)
    assert r.status_code == expect, r.text
    return r.json()


def housing_unit(client):
    """地区住房和城乡建设局 among the dispatch targets the clerk may assign to."""
    r = client.get("/api/v1/cases/handlers")
    assert r.status_code == 200, r.text
    return next(u["unit_id"] for u in r.json()["items"] if u.get("unit_name") == "地区住房和城乡建设局"
                or any(x["username"] == "handler" for x in u["users"]))


def to_replied(srv, cid, note="", reply="经核实，楼道灯已修复。"):
    """clerk_dongshan accepts and assigns to 地区住建局 / handler; handler signs and replies."""
    clerk, handler = srv.client("clerk_dongshan"), srv.client("handler")
    act(clerk, cid, "accept", note=note)
    act(clerk, cid, "assign", unit_id=housing_unit(clerk), handler_id=handler.me["id"], deadline=_day(30), note=note)
    act(handler, cid, "sign", note=note)
    return act(handler, cid, "reply", reply_text=reply)


def _day(offset):
    import datetime
    cn = datetime.timezone(datetime.timedelta(hours=8))
    return (datetime.datetime.now(cn) + datetime.timedelta(days=offset)).strftime("%Y-%m-%d")


def away_from_window_edge(seconds):
    """The limits use fixed windows: start a counting test well inside one."""
    left = seconds - time.time() % seconds
    if left < 8:
        time.sleep(left + 0.5)


# ---------------------------------------------------------------- lookups for the form

def test_counties_regions_categories(srv):
    counties = pub(srv, "GET", "/counties").json()["items"]
    assert {"东山县", "西洋县"} <= {c["name"] for c in counties}
    assert set(counties[0]) == {"id", "name"}
    dongshan, town, village = region_ids(srv)
    towns = pub(srv, "GET", "/regions", params={"parent_id": dongshan}).json()["items"]
    assert {t["name"] for t in towns} == {"城关镇", "溪口镇", "白岩乡"}
    assert all(t["level"] == 3 for t in towns)
    villages = pub(srv, "GET", "/regions", params={"parent_id": town}).json()["items"]
    assert villages and all(v["level"] == 4 for v in villages)
    # nothing above county level is listed through this door; no parent, no children
    root = srv.sql("SELECT id FROM regions WHERE level = 1")[0][0]
    assert pub(srv, "GET", "/regions", params={"parent_id": root}).json()["items"] == []
    assert pub(srv, "GET", "/regions").json()["items"] == []
    r = pub(srv, "GET", "/regions", params={"parent_id": "abc"})
    assert r.status_code == 400 and err(r)["field"] == "parent_id"
    cats = pub(srv, "GET", "/categories").json()["items"]
    assert len(cats) == 13 and cats[0] == {"code": "01", "label": "出行"}


# ---------------------------------------------------------------- submission

def test_submit_registers_a_case_for_the_county(srv):
    leader = srv.client("leader")
    before = case_total(leader)
    idn = id_number("35090119800101123")
    rec = submit(srv, id_number=idn, address="城关镇上洋村3号楼", kind="legal")
    assert set(rec) == {"case_no", "query_code", "received_at", "lookup_url"}
    assert re.fullmatch(r"XF-\d{4}-\d{5}", rec["case_no"])
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{3}", rec["query_code"])
    assert rec["lookup_url"] == "/public/#/lookup?code=" + rec["query_code"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rec["received_at"])
    assert case_total(leader) == before + 1
    # registered with the county government: the 东山县 clerk sees it, the 西洋县 clerk does not
    clerk = srv.client("clerk_dongshan")
    item = find_case(clerk, rec["case_no"])
    assert item["channel"] == "online" and item["kind"] == "legal" and item["status"] == "registered"
    assert item["unit_name"] == "东山县人民政府"
    d = clerk.get(f"/api/v1/cases/{item['id']}").json()
    assert d["source"] == "public" and d["title"] == "楼道灯不亮"
    assert d["petitioners"][0]["phone_masked"] == "138****1234"
    assert idn not in json.dumps(d)
    r = srv.client("clerk_xiyang").get("/api/v1/cases", params={"keyword": rec["case_no"]})
    assert r.status_code == 200 and r.json()["total"] == 0
    # the registration is in the audit log, attributed to the source address
    ip = "203.0.113.77"
    rec2 = submit(srv, ip=ip)
    rows = srv.sql("SELECT ip FROM audit_log WHERE action = 'case.create' ORDER BY id DESC LIMIT 1")
    assert rows and rows[0][0] == ip, rows
    assert rec2["case_no"] != rec["case_no"]


def test_submit_county_only_and_default_kind(srv):
    dongshan, _, _ = region_ids(srv)
    rec = submit(srv, region_id=dongshan, kind=None)
    item = find_case(srv.client("clerk_dongshan"), rec["case_no"])
    assert item["kind"] == "suggestion" and item["region_id"] == dongshan


@pytest.mark.parametrize("field,value", [
    ("region_id", None), ("region_id", 999999), ("region_id", "1"), ("region_id", "root"),
    ("category", None), ("category", "99"), ("category", ""),
    ("kind", "complaint"), ("kind", 3),
    ("title", None), ("title", ""), ("title", "   "), ("title", "题" * 101), ("title", "一\n二"),
    ("content", None), ("content", " \n "), ("content", "字" * 3001),
    ("name", None), ("name", ""), ("name", "名" * 31),
    ("phone", None), ("phone", ""), ("phone", "12345"), ("phone", "1380000123"), ("phone", 13800001234),
    ("id_number", "350901198001011230"), ("id_number", "35090119800101"), ("id_number", "350901299901011234"),
    ("address", "址" * 201),
])
def test_submit_validation(srv, field, value):
    leader = srv.client("leader")
    before = case_total(leader)
    if field == "region_id" and value == "root":
        value = srv.sql("SELECT id FROM regions WHERE level = 1")[0][0]
    body = form(srv)
    if value is None:
        body.pop(field, None)
    else:
        body[field] = value
    if field == "id_number" and value == "350901198001011230":
        # a wrong check character (the right one differs)
        right = id_number("35090119800101123")
        body[field] = right[:17] + ("0" if right[17] != "0" else "1")
    r = pub(srv, "POST", "/cases", json=body)
    assert r.status_code == 422, (field, value, r.text)
    e = err(r)
    assert e["code"] == "validation_failed", e
    assert e["field"] == field, (field, e)
    assert re.search(r"[\u4e00-\u9fff]", e["message"]), e
    assert case_total(leader) == before


def test_submit_rejects_unknown_fields_and_disabled_category(srv):
    r = pub(srv, "POST", "/cases", json=dict(form(srv), handler_id=6))
    assert r.status_code == 422 and err(r)["field"] == "handler_id"
    admin = srv.client("sysadmin")
    items = admin.get("/api/v1/dicts/petition_category/items").json()["items"]
    other = next(i for i in items if i["code"] == "13")
    r = admin.put(f"/api/v1/dict-items/{other['id']}", json={"code": "13", "label": other["label"], "sort": other["sort"],
                                                            "enabled": False, "version": other["version"]})
    assert r.status_code == 200, r.text
    try:
        assert "13" not in {c["code"] for c in pub(srv, "GET", "/categories").json()["items"]}
        r = pub(srv, "POST", "/cases", json=form(srv, category="13"))
        assert r.status_code == 422 and err(r)["field"] == "category", r.text
    finally:
        cur = admin.get("/api/v1/dicts/petition_category/items").json()["items"]
        cur = next(i for i in cur if i["code"] == "13")
        assert admin.put(f"/api/v1/dict-items/{cur['id']}", json={"code": "13", "label": cur["label"], "sort": cur["sort"],
                                                                  "enabled": True, "version": cur["version"]}).status_code == 200


def test_honeypot_stores_nothing(srv):
    leader = srv.client("leader")
    before = case_total(leader)
    events = srv.sql("SELECT COUNT(*) FROM case_events")[0][0]
    audits = srv.sql("SELECT COUNT(*) FROM audit_log")[0][0]
    rec = submit(srv, website="http://spam.example/")
    # the same shape as a real receipt …
    assert set(rec) == {"case_no", "query_code", "received_at", "lookup_url"}
    assert re.fullmatch(r"XF-\d{4}-\d{5}", rec["case_no"])
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{3}", rec["query_code"])
    # … but nothing was stored, and the code leads nowhere
    assert case_total(leader) == before
    assert srv.sql("SELECT COUNT(*) FROM case_events")[0][0] == events
    assert srv.sql("SELECT COUNT(*) FROM audit_log")[0][0] == audits
    lookup(srv, rec["query_code"], "1234", expect=404)
    # an otherwise invalid submission with the honeypot filled gets the same 422 as without it:
    # validation comes first, so a bot cannot tell the two apart
    for bad in ({"phone": "123"}, {"title": ""}, {"region_id": 99999999}):
        with_hp = pub(srv, "POST", "/cases", json=form(srv, website="x", **bad))
        without = pub(srv, "POST", "/cases", json=form(srv, **bad))
        assert with_hp.status_code == without.status_code == 422, (bad, with_hp.text)
        assert err(with_hp) == err(without)
    assert case_total(leader) == before
    # a valid honeypot answer numbers like the next real registration (a bot sees nothing odd)
    rec2 = submit(srv, website="http://spam.example/")
    real = submit(srv)
    n_hp, n_real = int(rec2["case_no"][-5:]), int(real["case_no"][-5:])
    assert abs(n_real - n_hp) <= 1 and rec2["case_no"][:8] == real["case_no"][:8]
    before += 1
    # an empty honeypot is a normal submission
    submit(srv, website="")
    assert case_total(leader) == before + 1


def test_submit_rate_limit_per_address(srv):
    away_from_window_edge(600)
    ip, other = new_ip(), new_ip()
    for i in range(5):
        submit(srv, ip=ip, title=f"限流测试{i}")
    r = pub(srv, "POST", "/cases", ip=ip, json=form(srv, title="第六次"))
    assert r.status_code == 429, r.text
    assert err(r)["code"] == "rate_limited"
    # a honeypot submission is refused too (to a bot it looks like the others) …
    r = pub(srv, "POST", "/cases", ip=ip, json=form(srv, website="x"))
    assert r.status_code == 429
    # … while an invalid one still says what is wrong: it stores nothing, and mistakes do not count
    r = pub(srv, "POST", "/cases", ip=ip, json=form(srv, phone="123"))
    assert r.status_code == 422 and err(r)["field"] == "phone"
    fixer = new_ip()
    for i in range(8):
        r = pub(srv, "POST", "/cases", ip=fixer, json=form(srv, phone="12"))
        assert r.status_code == 422
    submit(srv, ip=fixer, title="改正后提交")
    # another address is not affected
    submit(srv, ip=other, title="另一个地址")


# ---------------------------------------------------------------- look-up

def test_lookup_shows_public_progress(srv):
    rec = submit(srv, phone="+86 139-0000-5678")
    o = lookup(srv, rec["query_code"], "5678").json()
    assert o["case_no"] == rec["case_no"] and o["title"] == "楼道灯不亮"
    assert o["status"] == "registered" and o["status_label"] == "登记"
    assert o["kind_label"] == "建议意见" and o["received_at"] == rec["received_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", o["due_date"]) and o["deadline_state_label"] == "正常"
    assert o["can_rate"] is False and o["rating"] == "" and o["reply_text"] == ""
    assert [e["label"] for e in o["timeline"]] == ["登记"]
    # the code is accepted as people type it: lower case, spaces, no hyphens
    typed = rec["query_code"].replace("-", " ").lower()
    assert lookup(srv, typed, "5678").json()["case_no"] == rec["case_no"]
    assert lookup(srv, rec["query_code"].replace("-", ""), "5678").json()["case_no"] == rec["case_no"]


def test_failed_lookups_are_identical(srv):
    rec = submit(srv)
    code = rec["query_code"]
    # an unknown code of the right form: change one symbol
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    unknown = ("3" if code[0] != "3" else "4") + code[1:]
    assert unknown[0] in alphabet
    bodies = []
    for c, l4 in [(unknown, "1234"),          # unknown code
                  (code, "1235"),             # wrong digits
                  (code, "0000"),
                  ("ABCD-EFGH-IJK", "1234"),  # malformed: I and J… I is not in the alphabet
                  ("12", "1234"),             # malformed: too short
                  ("", ""),                   # nothing
                  (code, "12a4"),             # malformed digits
                  (code, "123"),
                  (code + "X", "1234")]:
        r = pub(srv, "POST", "/lookup", json={"query_code": c, "phone_last4": l4})
        assert r.status_code == 404, (c, l4, r.text)
        bodies.append(r.content)
    r = pub(srv, "POST", "/lookup", json={})
    assert r.status_code == 404
    bodies.append(r.content)
    assert len(set(bodies)) == 1, bodies
    e = json.loads(bodies[0])["error"]
    assert e == {"code": "not_found", "message": "查询码或手机号后四位不正确", "field": None}
    # rating answers the same for a failed look-up
    r = pub(srv, "POST", "/rate", json={"query_code": unknown, "phone_last4": "1234", "satisfaction": "satisfied"})
    assert r.status_code == 404 and r.content == bodies[0]
    r = pub(srv, "POST", "/rate", json={"query_code": code, "phone_last4": "9999", "satisfaction": "satisfied"})
    assert r.status_code == 404 and r.content == bodies[0]


def test_lookup_rate_limit_per_address(srv):
    rec = submit(srv)
    away_from_window_edge(60)
    ip = new_ip()
    for _ in range(10):
        lookup(srv, rec["query_code"], "0000", expect=404, ip=ip)
    # the 11th within the minute is refused, even with the right digits
    r = pub(srv, "POST", "/lookup", ip=ip, json={"query_code": rec["query_code"], "phone_last4": "1234"})
    assert r.status_code == 429 and err(r)["code"] == "rate_limited"
    # rating shares the limit
    r = pub(srv, "POST", "/rate", ip=ip, json={"query_code": rec["query_code"], "phone_last4": "1234",
                                               "satisfaction": "satisfied"})
    assert r.status_code == 429
    # another address is not affected
    assert lookup(srv, rec["query_code"], "1234").json()["case_no"] == rec["case_no"]


def test_lookup_privacy(srv):
    """A console case with two petitioners, notes on every step, a 督办 comment, contact records
    and an extension request: the look-up shows none of it."""
    clerk, handler, leader = srv.client("clerk_dongshan"), srv.client("handler"), srv.client("leader")
    _, town, _ = region_ids(srv)
    id1, id2 = id_number("35090119700101001"), id_number("35090119750505002")
    r = clerk.post("/api/v1/cases", json={
        "channel": "visit", "kind": "appeal", "category": "05", "region_id": town, "title": "小区排水不畅",
        "content": "小区雨后积水严重", "head_count": 2,
        "petitioners": [{"name": "甲某某", "phone": "13700002222", "id_number": id1, "address": "甲的住址一号"},
                        {"name": "邻居乙某", "phone": "13900003333", "id_number": id2, "address": "乙的住址二号"}]})
    assert r.status_code == 201, r.text
    cid, code = r.json()["id"], r.json()["query_code"]
    secrets = ["甲某某", "邻居乙某", "13700002222", "13900003333", "2222", "3333", id1, id2, "甲的住址一号", "乙的住址二号",
               "受理内部备注", "交办内部备注", "签收内部备注", "督办意见机密", "联系记录机密", "延期理由机密", "答复内部备注",
               "地区住房和城乡建设局", "东山县人民政府", "clerk_dongshan", "handler", "leader"]
    act(clerk, cid, "accept", note="受理内部备注")
    act(leader, cid, "supervise", reason="督办意见机密", note="督办意见机密")
    act(clerk, cid, "assign", unit_id=housing_unit(clerk), handler_id=handler.me["id"], deadline=_day(30),
        note="交办内部备注")
    act(handler, cid, "sign", note="签收内部备注")
    act(handler, cid, "contact", contact_how="电话", contact_with="联系记录机密", note="联系记录机密")
    act(handler, cid, "extend_request", reason="延期理由机密", extend_days=10)
    act(handler, cid, "reply", reply_text="经查，排水管道已疏通。", outcome="support", note="答复内部备注")
    names = [c.me["display_name"] for c in (clerk, handler, leader)]
    secrets += names
    for last4 in ("2222", "3333"):  # either petitioner may look it up with their own phone
        r = lookup(srv, code, last4)
        text = r.text
        o = r.json()
        assert o["status"] == "replied" and o["reply_text"] == "经查，排水管道已疏通。"
        assert o["outcome_label"] == "支持" and o["can_rate"] is True
        labels = [e["label"] for e in o["timeline"]]
        assert labels == ["登记", "受理", "交办", "答复"], labels
        assert [e["text"] for e in o["timeline"] if e["label"] == "交办"] == ["已转交承办单位办理。"]
        for s in secrets:
            assert s not in text, f"look-up shows {s!r}: {text}"
        # the raw JSON holds no escaped form of them either
        for s in secrets:
            assert json.dumps(s)[1:-1] not in text, s
        assert set(o) <= {"case_no", "title", "kind", "kind_label", "status", "status_label", "received_at",
                          "due_date", "due_step_label", "deadline_state", "deadline_state_label", "timeline",
                          "reply_text", "outcome_label", "can_rate", "rating", "rating_label", "rated_at", "merged"}
        assert all(set(e) <= {"at", "action", "label", "text", "outcome_label"} for e in o["timeline"])


# ---------------------------------------------------------------- rating

def test_rating_once_after_reply(srv):
    rec = submit(srv, phone="13800004321")
    code = rec["query_code"]

    def rate(sat, expect, ip=None):
        r = pub(srv, "POST", "/rate", ip=ip, json={"query_code": code, "phone_last4": "4321", "satisfaction": sat})
        assert r.status_code == expect, r.text
        return r

    # not before the reply
    r = rate("satisfied", 409)
    assert err(r)["code"] == "conflict" and "答复" in err(r)["message"]
    clerk = srv.client("clerk_dongshan")
    cid = find_case(clerk, rec["case_no"])["id"]
    act(clerk, cid, "accept")
    assert rate("satisfied", 409).status_code == 409
    d = to_replied_from_accepted(srv, cid)
    assert d["status"] == "replied"
    o = lookup(srv, code, "4321").json()
    assert o["can_rate"] is True and o["rating"] == ""
    # an unknown satisfaction is refused
    r = rate("great", 422)
    assert err(r)["field"] == "satisfaction"
    # once
    o = rate("basically_satisfied", 200).json()
    assert o["rating"] == "basically_satisfied" and o["rating_label"] == "基本满意" and o["can_rate"] is False
    assert o["timeline"][-1]["label"] == "评价" and "基本满意" in o["timeline"][-1]["text"]
    r = rate("unsatisfied", 409)
    assert "一次" in err(r)["message"]
    o = lookup(srv, code, "4321").json()
    assert o["rating"] == "basically_satisfied" and o["can_rate"] is False
    # stored on the case with a timeline event and an audit record
    row = srv.sql("SELECT public_rating, public_rated_at IS NOT NULL FROM cases WHERE id = ?", (cid,))
    assert row == [("basically_satisfied", 1)]
    assert srv.sql("SELECT COUNT(*) FROM case_events WHERE case_id = ? AND action = 'rate'", (cid,)) == [(1,)]
    audit = srv.sql("SELECT object_type, object_id, result FROM audit_log WHERE action = 'case.public_rate'"
                    " ORDER BY id DESC LIMIT 1")
    assert audit == [("case", str(cid), "success")]
    d = clerk.get(f"/api/v1/cases/{cid}").json()
    assert d["public_rating"] == "basically_satisfied"
    # still rated after 回访 and 办结
    act(clerk, cid, "callback", resolved=True, satisfaction="satisfied", callback_how="电话")
    act(clerk, cid, "close")
    o = lookup(srv, code, "4321").json()
    assert o["status"] == "closed" and o["rating"] == "basically_satisfied" and o["can_rate"] is False
    labels = [e["label"] for e in o["timeline"]]
    assert labels[:4] == ["登记", "受理", "交办", "答复"] and "回访" in labels and "办结" in labels


def to_replied_from_accepted(srv, cid):
    clerk, handler = srv.client("clerk_dongshan"), srv.client("handler")
    act(clerk, cid, "assign", unit_id=housing_unit(clerk), handler_id=handler.me["id"], deadline=_day(30))
    act(handler, cid, "sign")
    return act(handler, cid, "reply", reply_text="已安排维修。")


def test_declined_case_shows_notice_and_cannot_be_rated(srv):
    rec = submit(srv, phone="13800006666")
    clerk = srv.client("clerk_dongshan")
    cid = find_case(clerk, rec["case_no"])["id"]
    reason = "不属于信访事项受理范围" + "，依法应通过诉讼途径解决" * 150 + "。"  # close to the 2000-character limit
    assert len(reason) <= 2000
    act(clerk, cid, "decline", reason=reason)
    o = lookup(srv, rec["query_code"], "6666").json()
    assert o["status"] == "declined" and o["status_label"] == "不予受理" and o["can_rate"] is False
    last = o["timeline"][-1]
    # the whole 告知书 text, reason included, however long (the title too)
    assert last["label"] == "不予受理" and reason in last["text"] and "楼道灯不亮" in last["text"]
    r = pub(srv, "POST", "/rate", json={"query_code": rec["query_code"], "phone_last4": "6666", "satisfaction": "satisfied"})
    assert r.status_code == 409


def test_duplicate_shows_the_original_progress(srv):
    """A case registered as 重复 of an earlier one shows the earlier case's progress (not its
    title or petitioners), and the petitioner rates their own case."""
    orig = submit(srv, phone="13800007777", title="原件标题机密", name="原件信访人")
    clerk = srv.client("clerk_dongshan")
    oid = find_case(clerk, orig["case_no"])["id"]
    to_replied(srv, oid, reply="原件已答复：已修复。")
    _, town, _ = region_ids(srv)
    r = clerk.post("/api/v1/cases", json={
        "channel": "phone", "kind": "suggestion", "category": "05", "region_id": town, "title": "重复反映楼道灯",
        "content": "同一事项", "duplicate_of": oid, "petitioners": [{"name": "重复件信访人", "phone": "13600008888"}]})
    assert r.status_code == 201, r.text
    code = r.json()["query_code"]
    o = lookup(srv, code, "8888").json()
    assert o["title"] == "重复反映楼道灯" and o["merged"] is True
    assert o["status"] == "replied" and o["reply_text"] == "原件已答复：已修复。" and o["can_rate"] is True
    labels = [e["label"] for e in o["timeline"]]
    assert labels[0] == "登记" and labels[1] == "合并办理" and "答复" in labels and labels.count("登记") == 1
    for s in ("原件标题机密", "原件信访人", "7777", orig["case_no"]):
        assert s not in json.dumps(o, ensure_ascii=False), s
    r = pub(srv, "POST", "/rate", json={"query_code": code, "phone_last4": "8888", "satisfaction": "unsatisfied"})
    assert r.status_code == 200 and r.json()["rating_label"] == "不满意"
    # the original's own petitioner can still rate it
    assert lookup(srv, orig["query_code"], "7777").json()["can_rate"] is True


def test_new_query_code_stops_the_old_one(srv):
    rec = submit(srv, phone="13800009999")
    clerk = srv.client("clerk_dongshan")
    cid = find_case(clerk, rec["case_no"])["id"]
    r = clerk.post(f"/api/v1/cases/{cid}/query-code")
    assert r.status_code == 200, r.text
    lookup(srv, rec["query_code"], "9999", expect=404)
    assert lookup(srv, r.json()["query_code"], "9999").json()["case_no"] == rec["case_no"]


def test_public_page_is_served(srv):
    for path in ("/public", "/public/", "/public/lookup"):
        r = requests.get(srv.url(path), timeout=10)
        assert r.status_code == 200 and "text/html" in r.headers["Content-Type"], path
        assert "/src/public/main.js" in r.text or "网上信访" in r.text, path
    # other unknown paths still get the console
    r = requests.get(srv.url("/publicity"), timeout=10)
    assert r.status_code == 200 and "网上信访" not in r.text


def test_deadline_state_follows_today(tmp_path, monkeypatch):
    """The look-up's 正常/临期/逾期 is the console's: both use the (test build's movable) today."""
    db = str(tmp_path / "d.db")
    run_cli("demo", db=db)
    s = Server(db, extra=["--login-rate", "100000"]).start()
    try:
        rec = submit(s, phone="13800005555")
        o = lookup(s, rec["query_code"], "5555").json()
        assert o["deadline_state"] == "normal", o
        due = o["due_date"]
    finally:
        assert s.stop() == 0
    monkeypatch.setenv("SIXIA_TEST_TODAY", "2099-01-01")
    s = Server(db, extra=["--login-rate", "100000"]).start()
    try:
        o = lookup(s, rec["query_code"], "5555").json()
        assert o["due_date"] == due and o["deadline_state"] == "overdue" and o["deadline_state_label"] == "逾期"
        item = find_case(s.client("clerk_dongshan"), rec["case_no"])
        assert item["deadline_state"] == "overdue"
    finally:
        assert s.stop() == 0
