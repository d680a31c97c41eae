"""Petitions held to the rules (issue 8, DOMAIN.md §1): repeats and 初信初访 per petitioner and
matter, 2022 art. 19 (a matter in its time limits is not accepted again), art. 36 (不再受理 after
复核), 三个第一, 首办负责制, extensions (art. 34), 复查 from the reply, routing of 涉法涉诉 and
检举控告 to organs, correcting the kind, the calendar warning on every deadline, and a version on
every workflow action."""
import datetime as dt

import pytest
import requests

from casehelp import (C, Calendar, World, act, codes, d, deadline_of, drive, err, fake_id, fake_phone, get,
                      has_cjk, listing, today)
from conftest import Server, res_unit_id, run_cli


@pytest.fixture(scope="module")
def w(server):
    return World(server)


def match(client, **body):
    r = client.post(f"{C}/match", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def person():
    return {"name": "测试群众", "phone": fake_phone(), "id_number": fake_id()}


STREETLIGHT = {"category": "11", "title": "小区路灯坏了好几个月没人修",
               "content": "我们小区门口和主干道的路灯坏了好几个月，晚上一片漆黑，老人孩子出门不安全，物业说不归他们管。"}
PENSION = {"category": "07", "title": "养老金停发", "content": "本人退休后养老金从上个月起停发，社保经办机构没有说明原因。"}


def lookup(server, code, phone):
    r = requests.post(server.url("/api/v1/public/lookup"), json={"query_code": code, "phone_last4": phone[-4:]})
    assert r.status_code == 200, r.text
    return r.json()


# ---------------------------------------------------------------- 初信初访 per petitioner and matter


def test_first_time_is_per_petitioner_and_matter(w):
    """The same person with an unrelated matter (养老金 after 路灯) is still 初信初访 for it; the
    match endpoint and the stored flag agree."""
    p = person()
    a = w.create(petitioners=[p], **STREETLIGHT)
    assert a["first_time"] is True and a["duplicate_of"] is None
    body = dict(region_id=w.dongshan_town, petitioners=[{"phone": p["phone"], "id_number": p["id_number"]}])
    m = match(w.clerk, **body, **PENSION)
    assert m["first_time"] is True and m["repeat_of"] is None
    b = w.create(petitioners=[p], **PENSION)
    assert b["first_time"] is m["first_time"] is True and b["duplicate_of"] is None
    # the same matter again, said differently: not 初信初访, linked to the open case
    again = {"category": "11", "title": "路灯长期不亮", "content": "小区路灯一直不亮，晚上出行很不方便。"}
    m = match(w.clerk, **body, **again)
    assert m["first_time"] is False and m["repeat_of"]["id"] == a["id"] and m["repeat_open"] is True
    c = w.create(petitioners=[p], **again)
    assert c["first_time"] is m["first_time"] is False and c["duplicate_of"] == a["id"]
    assert any(link["case_id"] == a["id"] and link["kind"] == "duplicate" for link in c["links"])
    # the stored flag drives the list filter
    firsts, _ = listing(w.clerk, first_time="true", keyword=b["case_no"])
    assert [i["id"] for i in firsts] == [b["id"]]
    assert listing(w.clerk, first_time="true", keyword=c["case_no"])[0] == []


def test_paraphrase_in_the_same_township_is_suggested(w):
    """"路灯长期不亮" in the same township as an open 路灯 case by another person is suggested."""
    a = w.create(petitioners=[person()], **STREETLIGHT)
    m = match(w.clerk, region_id=w.dongshan_town, category="11", title="路灯长期不亮", content="",
              petitioners=[{"phone": fake_phone()}])
    hit = next((i for i in m["items"] if i["id"] == a["id"]), None)
    assert hit, m
    assert hit["same_petitioner"] is False
    assert "同一乡镇" in hit["reasons"] or "同一村（社区）" in hit["reasons"], hit
    assert "同类问题" in hit["reasons"] and any(x.startswith("关键词") for x in hit["reasons"]), hit
    assert m["first_time"] is True  # somebody else's matter: the new petitioner's first


def test_report_cases_do_not_leak_through_first_time(w):
    """A clerk in the accused unit cannot see a 检举控告; it must not change what the clerk learns:
    neither the match nor the stored 初信初访 flag reveals that the person has petitioned."""
    p = person()
    # a report accusing 东山县人民政府, registered by 西洋县 (it concerns a 东山 matter too)
    rep = w.create(client=w.xiyang, kind="report", accused_unit_id=w.dongshan_gov, region_id=w.xiyang_region,
                   petitioners=[p], title="检举东山县某干部", content="检举东山县人民政府某干部在征地中收受好处。")
    assert w.clerk.get(f"{C}/{rep['id']}").status_code == 404
    body = dict(region_id=w.dongshan_town, title="检举东山县某干部", content="检举东山县人民政府某干部在征地中收受好处。",
                petitioners=[{"phone": p["phone"], "id_number": p["id_number"]}])
    m = match(w.clerk, **body)
    assert rep["id"] not in {i["id"] for i in m["items"]} and m["first_time"] is True
    c = w.create(petitioners=[p], title=body["title"], content=body["content"])
    assert c["first_time"] is True and c["duplicate_of"] is None
    # nor through a case others see later: an ordinary intake is never linked to a 检举控告, even by
    # a clerk who may see it; a new 检举控告 of the same matter is
    m = match(w.xiyang, **dict(body, region_id=w.xiyang_region))
    assert rep["id"] not in {i["id"] for i in m["items"]} and m["first_time"] is True
    m = match(w.xiyang, **dict(body, region_id=w.xiyang_region, kind="report"))
    assert rep["id"] in {i["id"] for i in m["items"]} and m["repeat_of"]["id"] == rep["id"]
    again = w.create(client=w.xiyang, kind="report", accused_unit_id=w.dongshan_gov, region_id=w.xiyang_region,
                     petitioners=[p], title=body["title"], content=body["content"])
    assert again["duplicate_of"] == rep["id"] and again["first_time"] is False


# ---------------------------------------------------------------- art. 19: a matter in its time limits


def test_repeat_of_open_matter_is_not_accepted_and_shows_progress(w, server):
    p = person()
    a = w.create(petitioners=[p], **STREETLIGHT)
    drive(w, a["id"], "signed")
    c = w.create(petitioners=[p], category="11", title="路灯还是不亮", content="上次反映的小区路灯问题至今没有修好。")
    assert c["duplicate_of"] == a["id"] and c["open_repeat"] is True and c["first_time"] is False
    # the clerk sees the original's progress to tell the petitioner
    rep = c["repeat_of"]
    assert rep["case_no"] == a["case_no"] and rep["status"] == "signed" and rep["status_label"] == "签收"
    assert rep["handling_unit_name"] == "地区住房和城乡建设局" and rep["due_date"] and rep["open"] is True
    assert "accept" not in codes(c["allowed_actions"]) and "onspot" not in codes(c["allowed_actions"])
    r = act(w.clerk, c["id"], "accept", expect=409)
    assert "第十九条" in err(r)["message"] and "decline" in codes(err(r)["allowed"])
    decline = next(x for x in c["allowed_actions"] if x["code"] == "decline")
    assert decline["needs"] == []  # the notice says why
    det = act(w.clerk, c["id"], "decline")
    assert det["status"] == "declined" and a["case_no"] in det["notice_text"] and "第十九条" in det["notice_text"]
    assert "签收" in det["notice_text"] and "。。" not in det["notice_text"]
    # the petitioner's lookup shows the original's progress
    look = lookup(server, c["query_code"], p["phone"])
    assert look["merged"] is True and look["status"] == "signed"


def test_repeat_of_closed_matter_goes_to_the_first_handling_unit(w):
    """首办负责制: once the earlier case has ended, a repeat may be accepted; it goes by default to
    the first case's handling unit and handler."""
    p = person()
    a = w.create(petitioners=[p], **STREETLIGHT)
    drive(w, a["id"], "closed")
    c = w.create(petitioners=[p], category="11", title="路灯又坏了", content="小区路灯修好后又坏了，晚上还是一片漆黑。")
    assert c["duplicate_of"] == a["id"] and c["open_repeat"] is False
    hint = c["routing_hint"]
    assert hint["unit_id"] == w.zjj and hint["handler_id"] == w.handler_id and hint["case_no"] == a["case_no"]
    act(w.clerk, c["id"], "accept")
    det = act(w.clerk, c["id"], "assign", deadline=str(today() + dt.timedelta(days=20)))
    assert det["status"] == "assigned" and det["handling_unit_id"] == w.zjj and det["handler_id"] == w.handler_id


def test_repeat_of_final_matter_is_flagged_at_intake(w, server):
    """A new intake whose petitioner and content match a matter closed by 复核 is flagged without
    the clerk linking it: declined with the 不再受理 notice unless accepted with a reason."""
    p = person()
    orig = w.create(kind="appeal", petitioners=[p], **PENSION)["id"]
    drive(w, orig, "closed", kind="appeal")
    rev = [l["case_id"] for l in act(w.clerk, orig, "review_request", reason="不服")["links"]
           if l["kind"] == "review"][0]
    drive(w, rev, "closed", kind="appeal")
    rechk = [l["case_id"] for l in act(w.clerk, rev, "recheck_request", reason="不服复查")["links"]
             if l["kind"] == "review" and l["case_id"] != orig][0]
    drive(w, rechk, "closed", kind="appeal")
    again = {"category": "07", "title": "养老金还是没有恢复", "content": "退休养老金停发的问题，我还是不服，要求恢复发放。"}
    m = match(w.clerk, region_id=w.dongshan_town, petitioners=[{"phone": p["phone"]}], **again)
    assert m["repeat_final"] is True and m["repeat_of"]["final_label"] == "已复核终结"
    c = w.create(kind="appeal", petitioners=[p], **again)
    assert c["matter_final"] is True and c["duplicate_of"] in (orig, rev, rechk)
    r = act(w.clerk, c["id"], "accept", expect=422)
    assert err(r)["field"] == "reason" and "第三十六条" in err(r)["message"]
    det = act(w.clerk, c["id"], "decline")
    assert "不再受理" in det["notice_text"]
    look = lookup(server, c["query_code"], p["phone"])
    assert look["merged"] is False and look["status"] == "declined"
    assert any("不再受理" in e["text"] for e in look["timeline"] if e["action"] == "decline")


def test_public_submission_of_an_open_matter_is_linked(w, server):
    phone = fake_phone()
    a = w.create(petitioners=[{"name": "网上群众", "phone": phone}], **STREETLIGHT)
    r = requests.post(server.url("/api/v1/public/cases"), headers={"X-Forwarded-For": "10.77.0.1"}, json={
        "region_id": w.dongshan_town, "category": "11", "title": "路灯长期不亮",
        "content": "小区路灯坏了很久，一直没人修。", "name": "网上群众", "phone": phone})
    assert r.status_code == 201, r.text
    items, _ = listing(w.clerk, keyword=r.json()["case_no"])
    assert items[0]["duplicate_of"] == a["id"] and items[0]["first_time"] is False
    look = lookup(server, r.json()["query_code"], phone)
    assert look["merged"] is True


# ---------------------------------------------------------------- 三个第一


def test_three_firsts_targets(w):
    c = w.create()
    assert c["first_time"] is True
    fa = deadline_of(c, "first_assign")
    assert d(fa["due_date"]) < d(c["due_date"]) and fa["label"] == "初信初访交办时限"
    cal = Calendar(w.admin)
    assert d(fa["due_date"]) == cal.working_days(d(c["received_day"]), 2)
    r = w.admin.get("/api/v1/deadlines/preview", params={"step": "first_assign", "start": c["received_day"]})
    assert r.status_code == 200 and r.json()["due"] == fa["due_date"] and r.json()["working"] is True
    assert c["due_step"] == "accept_decision"  # the statutory deadline stays the case's own
    det = drive(w, c["id"], "signed")
    assert deadline_of(det, "first_assign")["done"] is True
    fs = deadline_of(det, "first_supervise")
    assert fs["done"] is False
    det = act(w.leader, c["id"], "supervise", reason="初信初访，请第一时间办理")
    assert deadline_of(det, "first_supervise")["done"] is True
    det = act(w.handler, c["id"], "reply", reply_text="已安排维修。")
    fc = deadline_of(det, "first_callback")
    assert fc["done"] is False
    assert d(fc["due_date"]) == cal.working_days(d(det["replied_day"]), 3)
    todo = w.clerk.get("/api/v1/todo", params={"task": "callback"}).json()["items"]
    it = next(i for i in todo if i["case_id"] == c["id"])
    assert it["due_date"] == fc["due_date"] and it["first_time"] is True and it["due_step"] == "first_callback"
    assert it["due_step_label"] == "初信初访回访时限"


def test_repeat_has_no_three_firsts_targets(w):
    p = person()
    w.create(petitioners=[p], **STREETLIGHT)
    c = w.create(petitioners=[p], category="11", title="路灯还是坏的", content="小区路灯坏了好几个月没人修，再次反映。")
    assert c["first_time"] is False
    assert not [x for x in c["deadlines"] if x["step"].startswith("first_")]


def test_three_firsts_targets_are_settings(fresh_server):
    admin = fresh_server.client("sysadmin")
    s = admin.get("/api/v1/settings/cases").json()
    r = admin.put("/api/v1/settings/cases", json={"version": s["version"],
                                                  "steps": {"first_assign": {"days": 1, "working": True}}})
    assert r.status_code == 200 and r.json()["steps"]["first_assign"]["days"] == 1
    w = World(fresh_server)
    c = w.create()
    cal = Calendar(w.admin)
    assert d(deadline_of(c, "first_assign")["due_date"]) == cal.working_days(d(c["received_day"]), 1)


# ---------------------------------------------------------------- 延期 (2022 art. 34)


def ext_case(w, assign_deadline):
    cid = w.create()["id"]
    drive(w, cid, "signed", assign_deadline=assign_deadline)
    return cid


def test_extension_of_assign_deadline_moves_off_rest_days(w, server):
    """The extended end date is moved off rest days like every other period: an assign deadline D
    extended by n days whose D+n is a Saturday ends on the next working day."""
    cal = Calendar(w.admin)
    t = today()
    dl = n = None
    for k in range(12, 40):
        dl = t + dt.timedelta(days=k)
        ns = [x for x in range(10, 31) if (dl + dt.timedelta(days=x)).weekday() == 5
              and not cal.working(dl + dt.timedelta(days=x))]
        if cal.working(dl) and ns:
            n = ns[0]
            break
    assert n, "no Saturday rest day found"
    cid = ext_case(w, dl)
    det = get(w.handler, cid)
    assert det["due_date"] == str(dl)  # the 交办 deadline is earlier than the 60 days
    act(w.handler, cid, "extend_request", reason="需要等待第三方鉴定结论", extend_days=n)
    det = act(w.leader, cid, "extend_approve")
    plain = dl + dt.timedelta(days=n)
    assert plain.weekday() == 5
    assert det["due_date"] == str(cal.calendar_days(dl, n)) != str(plain)
    assert not cal.working(plain) and cal.working(d(det["due_date"]))
    ev = det["timeline"][-1]
    assert ev["action"] == "extend_approve" and ev["public"] is True and ev["data"]["due_date"] == det["due_date"]
    # the petitioner is told the extension and its reason
    look = lookup(server, det_query_code(w, server, cid), det_phone(w, cid))
    ext = [e for e in look["timeline"] if e["action"] == "extend_approve"]
    assert ext and ext[0]["label"] == "延期办理"
    assert "需要等待第三方鉴定结论" in ext[0]["text"] and det["due_date"][:4] in ext[0]["text"]


def det_phone(w, cid):
    return w.clerk.get(f"{C}/{cid}/pii").json()["petitioners"][0]["phone"]


def det_query_code(w, server, cid):
    r = w.clerk.post(f"{C}/{cid}/query-code")
    assert r.status_code == 200, r.text
    return r.json()["query_code"]


def test_extension_approved_by_the_handling_units_head(w):
    """Approval belongs to a leader of the handling unit or above (configurable), not to any holder
    of the permission."""
    cid = ext_case(w, today() + dt.timedelta(days=40))
    act(w.handler, cid, "extend_request", reason="情况复杂", extend_days=10)
    # a leader in 东山县人民政府 holds the permission but is not above 地区住建局
    _, outsider = w.new_user("ds_leader", w.dongshan_gov, ["case:read", "case:extend_approve"], scope=1)
    det = get(outsider, cid)
    assert "extend_approve" not in codes(det["allowed_actions"])
    r = act(outsider, cid, "extend_approve", expect=403)
    assert "负责人" in err(r)["message"]
    # the head of the handling unit itself may
    _, head = w.new_user("zjj_head", w.zjj, ["case:read", "case:extend_approve"], scope=3)
    assert "extend_approve" in codes(get(head, cid)["allowed_actions"])
    # "only the handling unit": the prefecture leader (above it) no longer may
    s = w.admin.get("/api/v1/settings/cases").json()
    r = w.admin.put("/api/v1/settings/cases", json={"version": s["version"], "extension_approval": "unit_only"})
    assert r.status_code == 200 and r.json()["extension_approval"] == "unit_only"
    try:
        assert "extend_approve" not in codes(get(w.leader, cid)["allowed_actions"])
        act(w.leader, cid, "extend_approve", expect=403)
        det = act(head, cid, "extend_approve")
        assert det["ext"] == "approved"
    finally:
        s = w.admin.get("/api/v1/settings/cases").json()
        r = w.admin.put("/api/v1/settings/cases", json={"version": s["version"], "extension_approval": "unit_or_above"})
        assert r.status_code == 200
    r = w.admin.put("/api/v1/settings/cases", json={"version": r.json()["version"], "extension_approval": "boss"})
    assert r.status_code == 422 and err(r)["field"] == "extension_approval"


# ---------------------------------------------------------------- 复查 from the reply


def test_review_request_possible_from_the_reply(w):
    """The 30-day window runs from the reply, and the request is possible from the reply on: the
    call-back and closure must not eat the petitioner's window."""
    cid = w.create(kind="appeal")["id"]
    det = drive(w, cid, "replied", kind="appeal")
    win = deadline_of(det, "review_request")
    cal = Calendar(w.admin)
    assert d(win["due_date"]) == cal.calendar_days(d(det["replied_day"]), 30)
    assert "review_request" in codes(get(w.clerk, cid)["allowed_actions"])
    det = act(w.clerk, cid, "review_request", reason="对答复意见不服")
    rid = [l["case_id"] for l in det["links"] if l["kind"] == "review"][0]
    assert get(w.clerk, rid)["review_level"] == 1
    # the original still runs its course
    det = act(w.clerk, cid, "callback", resolved=False, satisfaction="unsatisfied")
    det = act(w.clerk, cid, "close")
    assert det["status"] == "closed" and "review_request" not in codes(det["allowed_actions"])


# ---------------------------------------------------------------- routing by kind, correcting the kind


def test_reclassify_with_reason_audited_and_rechecked(w):
    c = w.create(kind="suggestion")
    cid = c["id"]
    r = act(w.clerk, cid, "reclassify", expect=422, kind="appeal")
    assert err(r)["field"] == "reason"
    r = act(w.clerk, cid, "reclassify", expect=422, kind="suggestion", reason="x")
    assert err(r)["field"] == "kind"
    r = act(w.clerk, cid, "reclassify", expect=422, kind="bogus", reason="x")
    assert err(r)["field"] == "kind"
    act(w.handler, cid, "reclassify", expect=404, kind="appeal", reason="x")
    det = act(w.clerk, cid, "reclassify", kind="legal", reason="经核实，属于对法院判决不服")
    assert det["kind"] == "legal" and det["kind_label"] == "涉法涉诉"
    ev = det["timeline"][-1]
    assert ev["action"] == "reclassify" and ev["action_label"] == "更正性质"
    assert ev["data"]["from_kind"] == "suggestion" and ev["data"]["to_kind"] == "legal"
    # the workflow is rechecked: a 涉法涉诉 is forwarded, never accepted
    assert "accept" not in codes(det["allowed_actions"]) and "forward" in codes(det["allowed_actions"])
    logs = w.audit.get("/api/v1/audit", params={"action": "case.reclassify"}).json()["items"]
    assert any(x["object_id"] == str(cid) and "经核实" in x["details"] for x in logs)
    # back to an appeal, then assigned: it can no longer become 涉法涉诉 or a 检举控告 at 住建局
    act(w.clerk, cid, "reclassify", kind="appeal", reason="更正")
    act(w.clerk, cid, "accept")
    act(w.clerk, cid, "assign", unit_id=w.zjj, handler_id=w.handler_id, deadline=str(today() + dt.timedelta(days=20)))
    r = act(w.clerk, cid, "reclassify", expect=422, kind="legal", reason="x")
    assert err(r)["field"] == "kind" and "退回" in err(r)["message"]
    r = act(w.clerk, cid, "reclassify", expect=422, kind="report", reason="x")
    assert err(r)["field"] == "kind" and "纪检监察" in err(r)["message"]
    assert get(w.clerk, cid)["kind"] == "appeal"


def test_report_routed_to_discipline_organs(w):
    c = w.create(kind="report", accused_unit_id=w.edu, title="检举教育局干部")
    cid = c["id"]
    act(w.clerk, cid, "accept")
    organs = w.clerk.get(f"{C}/organs", params={"org_type": "discipline"}).json()["items"]
    assert organs and all(o["org_type"] == "discipline" and o["org_type_label"] == "纪检监察机关" for o in organs)
    assert w.clerk.get(f"{C}/organs", params={"org_type": "x"}).status_code == 400
    r = act(w.clerk, cid, "forward", expect=422, forward_to="地区教育局")
    assert err(r)["field"] == "forward_unit_id" and "纪检监察" in err(r)["message"]
    jw = next(o for o in organs if o["name"] == "东山县纪委监委")
    det = act(w.clerk, cid, "forward", forward_unit_id=jw["id"])
    assert det["status"] == "forwarded" and det["forward_to"] == "东山县纪委监委"


def test_units_carry_an_organ_type(w):
    root = res_unit_id(w.admin, "宁川地区行政公署")
    region = w.admin.get("/api/v1/regions", params={"level": 1}).json()["items"][0]["id"]
    base = {"name": "测试区人民检察院", "kind": "department", "parent_id": root, "region_id": region}
    r = w.admin.post("/api/v1/units", json=dict(base, org_type="judge"))
    assert r.status_code == 422 and err(r)["field"] == "org_type"
    r = w.admin.post("/api/v1/units", json=dict(base, org_type="politics_law"))
    assert r.status_code == 201 and r.json()["org_type"] == "politics_law"
    u = r.json()
    listed = w.admin.get("/api/v1/units", params={"org_type": "politics_law", "page_size": 200}).json()["items"]
    assert u["id"] in {x["id"] for x in listed} and all(x["org_type"] == "politics_law" for x in listed)
    r = w.admin.put(f"/api/v1/units/{u['id']}", json=dict(base, org_type="", version=u["version"]))
    assert r.status_code == 200 and r.json()["org_type"] == ""
    assert u["id"] not in {o["id"] for o in w.clerk.get(f"{C}/organs").json()["items"]}


# ---------------------------------------------------------------- a version on every workflow action


def test_workflow_action_without_version_is_428(w):
    cid = w.create()["id"]
    r = w.clerk.post(f"{C}/{cid}/actions/accept", json={})
    assert r.status_code == 428 and err(r)["field"] == "version"
    v = get(w.clerk, cid)["version"]
    r = w.clerk.post(f"{C}/{cid}/actions/accept", json={"version": v + 5})
    assert r.status_code == 409 and err(r)["field"] == "version"
    r = w.clerk.post(f"{C}/{cid}/actions/accept", json={}, headers={"If-Match": f'"{v + 5}"'})
    assert r.status_code == 412
    r = w.clerk.post(f"{C}/{cid}/actions/accept", json={}, headers={"If-Match": f'"{v}"'})
    assert r.status_code == 200 and r.json()["status"] == "accepted"


# ---------------------------------------------------------------- the calendar warning


@pytest.fixture
def uncovered(fresh_server):
    """A server whose holiday calendar lacks this year and the next (China time): every deadline
    it computes touches a year the calendar does not cover."""
    admin = fresh_server.client("sysadmin")
    years = (today().year, today().year + 1)
    for y in years:
        for h in admin.get("/api/v1/holidays", params={"year": y}).json()["items"]:
            assert admin.delete(f"/api/v1/holidays/{h['day']}").status_code == 204
    return fresh_server, years


def test_uncovered_year_warned_wherever_a_deadline_is_shown(uncovered):
    srv, years = uncovered
    w = World(srv)
    cid = w.create()["id"]
    reg = get(w.clerk, cid)
    assert reg["due_warning"] and str(years[0]) in reg["due_warning"] and has_cjk(reg["due_warning"])
    assert deadline_of(reg, "accept_decision")["warning"] == reg["due_warning"]
    det = drive(w, cid, "signed", assign_deadline=today() + dt.timedelta(days=90))
    assert det["due_step"] == "close"
    for text in (det["due_warning"], deadline_of(det, "close")["warning"]):
        assert text and has_cjk(text)
    items, _ = listing(w.handler, keyword=det["case_no"])
    assert items[0]["due_warning"] == det["due_warning"]
    todo = w.handler.get("/api/v1/todo").json()["items"]
    it = next(i for i in todo if i["case_id"] == cid)
    assert it["due_warning"] == det["due_warning"]
    # a met step carries no warning; covering the years removes it everywhere
    assert all(x["warning"] is None for x in det["deadlines"] if x["done"])
    for y in years:
        r = w.admin.post("/api/v1/holidays", json={"day": f"{y}-10-01", "kind": "holiday", "name": "国庆节"})
        assert r.status_code == 201, r.text
    det = get(w.handler, cid)
    if d(det["due_date"]).year <= years[1]:
        assert det["due_warning"] is None and deadline_of(det, "close")["warning"] is None
        assert listing(w.handler, keyword=det["case_no"])[0][0]["due_warning"] is None
        it = next(i for i in w.handler.get("/api/v1/todo").json()["items"] if i["case_id"] == cid)
        assert it["due_warning"] is None


def test_calendar_coverage_asks_for_next_year_from_november(tmp_path, monkeypatch):
    db = str(tmp_path / "cov.db")
    run_cli("demo", db=db)
    year = today().year
    covered_next = False
    for day, ask in ((f"{year}-10-31", False), (f"{year}-11-01", True), (f"{year}-12-31", True)):
        monkeypatch.setenv("SIXIA_TEST_TODAY", day)
        srv = Server(db, extra=["--login-rate", "100000"]).start()
        try:
            admin = srv.client("sysadmin")
            cov = admin.get("/api/v1/holidays/coverage").json()
            covered_next = cov["next_covered"]
            assert cov["today"] == day and cov["current_year"] == year and cov["next_year"] == year + 1
            if covered_next:
                break  # a calendar already shipping next year's arrangement asks nothing
            if not cov["current_covered"]:  # this year itself is missing: asked at any date
                assert cov["ask_next_year"] is True and str(year) in cov["message"]
                continue
            assert cov["ask_next_year"] is ask, (day, cov)
            assert (cov["message"] is not None) is ask
            if ask:
                assert str(year + 1) in cov["message"] and has_cjk(cov["message"])
        finally:
            assert srv.stop() == 0
    if not covered_next:
        srv = Server(db, extra=["--login-rate", "100000"]).start()
        try:
            admin = srv.client("sysadmin")
            assert admin.post("/api/v1/holidays", json={"day": f"{year + 1}-01-01", "kind": "holiday",
                                                        "name": "元旦"}).status_code == 201
            if not admin.get("/api/v1/holidays/coverage").json()["current_covered"]:
                assert admin.post("/api/v1/holidays", json={"day": f"{year}-10-01", "kind": "holiday",
                                                            "name": "国庆节"}).status_code == 201
            cov = admin.get("/api/v1/holidays/coverage").json()
            assert cov["next_covered"] is True and cov["ask_next_year"] is False and cov["message"] is None
        finally:
            assert srv.stop() == 0
