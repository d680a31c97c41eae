"""Petition cases (信访事项) through their whole lifecycle, for each kind, by the demo roles:
登记 → 受理 → 交办 → 签收 → 办理中 → 答复 → 回访 → 办结, and the side paths (不予受理, 转送, 退回,
当场答复, 督办, 包案, 下访, 延期)."""
import datetime as dt

import pytest

from casehelp import (C, World, act, drive, err, get, has_cjk, step_body, timeline_actions, today, codes,
                      listing, deadline_of, preview, Calendar)


@pytest.fixture(scope="module")
def w(server):
    return World(server)


def todo_tasks(client, cid):
    r = client.get("/api/v1/todo")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] >= len(body["items"])
    return [i["task"] for i in body["items"] if i["case_id"] == cid]


@pytest.mark.parametrize("kind", ["suggestion", "appeal", "report"])
def test_main_line(w, kind):
    over = {"kind": kind}
    unit, handler_id, handler = w.zjj, w.handler_id, w.handler
    if kind == "report":
        over["accused_unit_id"] = w.edu  # accuses 地区教育局; handled by the 纪检监察 organ
        unit, handler_id, handler = w.discipline()
    c = w.create(**over)
    cid = c["id"]
    assert c["status"] == "registered" and c["status_label"] == "登记" and c["kind"] == kind
    assert c["case_no"].startswith(f"XF-{today().year}-") and len(c["query_code"]) == 13
    assert c["version"] >= 1 and timeline_actions(c) == ["register"]
    assert c["due_step"] == "accept_decision" and c["due_date"]
    assert "accept" in todo_tasks(w.clerk, cid)
    # the handler's unit has nothing to do with it yet
    assert get(w.handler, cid, expect=404).status_code == 404

    det = act(w.clerk, cid, "accept")
    assert det["status"] == "accepted" and det["accepted_at"]
    assert det["notice_text"] and has_cjk(det["notice_text"])
    assert "assign" in todo_tasks(w.clerk, cid)

    deadline = today() + dt.timedelta(days=40)
    det = act(w.clerk, cid, "assign", unit_id=unit, handler_id=handler_id, deadline=str(deadline))
    assert det["status"] == "assigned" and det["handling_unit_id"] == unit and det["handler_id"] == handler_id
    assert det["handling_unit_name"] == ("宁川地区纪委监委" if kind == "report" else "地区住房和城乡建设局")
    assert det["assign_deadline"].startswith(str(deadline))
    assert det["due_step"] == "objection"
    assert "sign" in todo_tasks(handler, cid)
    hd = get(handler, cid)
    assert set(codes(hd["allowed_actions"])) == {"sign", "return"}

    det = act(handler, cid, "sign")
    assert det["status"] == "signed" and det["signed_at"] and det["due_step"] == "close"
    assert "reply" in todo_tasks(handler, cid)
    det = act(handler, cid, "contact", **step_body(w, "contact", kind))
    assert det["status"] == "in_progress"
    ev = det["timeline"][-1]
    assert ev["action"] == "contact" and ev["data"].get("contact_how") == "电话"
    assert ev["data"].get("contact_with") == "信访人本人"
    assert ev["actor_name"] == ("地区住建局承办人" if kind != "report" else handler.me["display_name"])
    # a second contact record keeps 办理中
    det = act(handler, cid, "contact", contact_how="面谈", contact_with="信访人家属")
    assert det["status"] == "in_progress"

    if kind == "appeal":
        r = act(handler, cid, "reply", expect=422, reply_text="已答复。")
        assert err(r)["field"] == "outcome" and has_cjk(err(r)["message"])
        r = act(handler, cid, "reply", expect=422, reply_text="已答复。", outcome="maybe")
        assert err(r)["field"] == "outcome"
        assert get(handler, cid)["status"] == "in_progress"
        det = act(handler, cid, "reply", reply_text="经核实，诉求合理，予以支持。", outcome="explain")
        assert det["outcome"] == "explain" and det["outcome_label"] == "解释说明"
    else:
        det = act(handler, cid, "reply", reply_text="经核实，已安排修缮。")
    assert det["status"] == "replied" and det["replied_at"] and det["reply_text"]
    assert "callback" in todo_tasks(w.clerk, cid)

    r = act(w.clerk, cid, "callback", expect=422, resolved=True)
    assert err(r)["field"] == "satisfaction"
    r = act(w.clerk, cid, "callback", expect=422, satisfaction="satisfied")
    assert err(r)["field"] == "resolved"
    det = act(w.clerk, cid, "callback", resolved=True, satisfaction="basically_satisfied", callback_how="电话")
    assert det["status"] == "called_back" and det["resolved"] is True
    assert det["satisfaction"] == "basically_satisfied" and det["satisfaction_label"] == "基本满意"
    assert "close" in todo_tasks(w.clerk, cid)
    det = act(w.clerk, cid, "close")
    assert det["status"] == "closed" and det["closed_at"] and det["status_label"] == "办结"
    assert det["due_date"] == "" and det["deadline_state"] == ""
    assert timeline_actions(det) == ["register", "accept", "assign", "sign", "contact", "contact", "reply",
                                     "callback", "close"]
    for e in det["timeline"][1:]:
        assert e["actor_name"] and e["at"] and e["action_label"]
    # statuses recorded on every transition
    assert [(e["from_status"], e["to_status"]) for e in det["timeline"][1:4]] == [
        ("registered", "accepted"), ("accepted", "assigned"), ("assigned", "signed")]
    assert todo_tasks(w.clerk, cid) == [] and todo_tasks(handler, cid) == []
    # still visible to both sides afterwards
    assert get(handler, cid)["status"] == "closed"


def test_legal_is_forwarded_not_accepted(w):
    c = w.create(kind="legal", title="涉法涉诉测试")
    cid = c["id"]
    det = get(w.clerk, cid)
    allowed = codes(det["allowed_actions"])
    assert "accept" not in allowed and "decline" not in allowed and "forward" in allowed
    for a, body in (("accept", {}), ("decline", {"reason": "不受理"})):
        r = act(w.clerk, cid, a, expect=409, **body)
        assert err(r)["code"] == "conflict" and has_cjk(err(r)["message"])
        assert codes(err(r)["allowed"]) == allowed
    assert get(w.clerk, cid)["version"] == det["version"]
    # 诉访分离: forwarded to a 政法 organ chosen from the unit master data, never to free text
    for body in ({}, {"forward_to": "东山县人民法院"}):
        r = act(w.clerk, cid, "forward", expect=422, **body)
        assert err(r)["field"] == "forward_unit_id" and "政法机关" in err(r)["message"]
    r = act(w.clerk, cid, "forward", expect=422, forward_unit_id=w.zjj)  # not a 政法 organ
    assert err(r)["field"] == "forward_unit_id" and "政法机关" in err(r)["message"]
    organs = w.clerk.get(f"{C}/organs", params={"org_type": "politics_law"}).json()["items"]
    court = next(o for o in organs if o["name"] == "东山县人民法院")
    assert court["org_type_label"] == "政法机关" and all(o["org_type"] == "politics_law" for o in organs)
    det = act(w.clerk, cid, "forward", forward_unit_id=court["id"], note="属于诉讼程序")
    assert det["status"] == "forwarded" and det["forward_to"] == "东山县人民法院"
    assert det["forward_unit_id"] == court["id"] and det["forward_unit_name"] == "东山县人民法院"
    assert det["allowed_actions"] == [] and det["due_date"] == ""


def test_decline_with_reason_and_notice(w):
    cid = w.create()["id"]
    r = act(w.clerk, cid, "decline", expect=422)
    assert err(r)["field"] == "reason" and has_cjk(err(r)["message"])
    r = act(w.clerk, cid, "decline", expect=422, reason="   ")
    assert err(r)["field"] == "reason"
    det = act(w.clerk, cid, "decline", reason="已由司法机关受理")
    assert det["status"] == "declined" and det["decline_reason"] == "已由司法机关受理"
    assert det["notice_text"] and "不予受理" in det["notice_text"]
    assert det["due_date"] == ""


def test_forward_from_accepted(w):
    cid = w.create()["id"]
    act(w.clerk, cid, "accept")
    det = act(w.clerk, cid, "forward", forward_to="地区自然资源局")
    assert det["status"] == "forwarded" and det["timeline"][-1]["action"] == "forward"


def test_return_and_reassign(w):
    cid = w.create()["id"]
    drive(w, cid, "assigned")
    r = act(w.handler, cid, "return", expect=422)
    assert err(r)["field"] == "reason"
    v = get(w.handler, cid)["version"]
    ret = w.handler.post(f"{C}/{cid}/actions/return", json={"version": v, "reason": "不属于本单位职责，应由教育局办理"})
    det = get(w.clerk, cid)
    assert det["status"] == "accepted" and det["handling_unit_id"] is None and det["handler_id"] is None
    assert det["timeline"][-1]["action"] == "return" and "教育局" in (
        det["timeline"][-1]["note"] + str(det["timeline"][-1]["data"]))
    # the unit that returned it no longer handles it
    get(w.handler, cid, expect=404)
    # the dispatcher reassigns: 地区教育局 this time; 住建局's handler no longer sees it
    assert "assign" in codes(get(w.clerk, cid)["allowed_actions"])
    edu_handler, _ = w.new_user("edu_handler", w.edu, roles=("handler",))
    det = act(w.clerk, cid, "assign", unit_id=w.edu, handler_id=edu_handler,
              deadline=str(today() + dt.timedelta(days=20)))
    assert det["status"] == "assigned" and det["handling_unit_id"] == w.edu
    get(w.handler, cid, expect=404)
    # the 退回 itself was answered with success (it was committed)
    assert ret.status_code == 200, (ret.status_code, ret.text)


def test_onspot(w):
    cid = w.create(channel="reception_day")["id"]
    act(w.clerk, cid, "accept")
    r = act(w.clerk, cid, "onspot", expect=422)
    assert err(r)["field"] == "reply_text"
    det = act(w.clerk, cid, "onspot", reply_text="当场答复：已协调解决。")
    assert det["status"] == "replied" and det["reply_text"] == "当场答复：已协调解决。"
    assert det["timeline"][-1]["action"] == "onspot" and det["timeline"][-1]["action_label"] == "当场答复"
    act(w.clerk, cid, "callback", resolved=True, satisfaction="satisfied")
    assert act(w.clerk, cid, "close")["status"] == "closed"


def test_onspot_appeal_needs_outcome(w):
    cid = w.create(kind="appeal")["id"]
    act(w.clerk, cid, "accept")
    r = act(w.clerk, cid, "onspot", expect=422, reply_text="当场答复")
    assert err(r)["field"] == "outcome"


def test_supervise_shows_in_list_and_detail(w):
    c = w.create(title="督办测试事项")
    cid = c["id"]
    assert c["supervised"] is False
    r = act(w.leader, cid, "supervise", expect=422)
    assert err(r)["field"] == "reason"
    act(w.clerk, cid, "supervise", expect=403, reason="请加快")
    det = act(w.leader, cid, "supervise", reason="请于本周内答复")
    assert det["supervised"] is True and det["supervise_comment"] == "请于本周内答复"
    assert det["status"] == "registered"
    for client in (w.clerk, w.leader):
        assert get(client, cid)["supervised"] is True
        items, _ = listing(client, supervised="true")
        assert cid in {i["id"] for i in items}
        items, _ = listing(client, supervised="false")
        assert cid not in {i["id"] for i in items}
    drive(w, cid, "signed")
    assert get(w.handler, cid)["supervised"] is True
    items, _ = listing(w.handler, supervised="true")
    assert cid in {i["id"] for i in items}
    todo = [i for i in w.handler.get("/api/v1/todo").json()["items"] if i["case_id"] == cid]
    assert todo and todo[0]["supervised"] is True


def test_take_charge(w):
    cid = w.create()["id"]
    act(w.clerk, cid, "take_charge", expect=403)
    det = act(w.leader, cid, "take_charge")
    assert det["leader_in_charge_name"] == "地区领导" and det["status"] == "registered"
    assert det["timeline"][-1]["action"] == "take_charge"
    assert "take_charge" not in codes(det["allowed_actions"])
    r = act(w.leader, cid, "take_charge", expect=409)
    assert "take_charge" not in codes(err(r)["allowed"])
    items, _ = listing(w.leader, keyword=det["case_no"])
    assert [i["leader_in_charge_name"] for i in items if i["id"] == cid] == ["地区领导"]
    assert get(w.clerk, cid)["leader_in_charge_name"] == "地区领导"


def test_down_visit(w):
    cid = w.create(kind="appeal")["id"]
    act(w.clerk, cid, "accept")
    v = get(w.leader, cid)["version"]
    r = act(w.leader, cid, "down_visit", expect=422, contact_how="上门走访")
    assert err(r)["field"] == "contact_with"
    r = act(w.leader, cid, "down_visit", expect=422, contact_with="信访人")
    assert err(r)["field"] == "contact_how"
    assert get(w.leader, cid)["version"] == v
    act(w.clerk, cid, "down_visit", expect=403, contact_how="上门走访", contact_with="信访人")
    det = act(w.leader, cid, "down_visit", contact_how="上门走访", contact_with="信访人及其家属",
              note="了解到道路问题已持续两年")
    assert det["status"] == "accepted"
    ev = det["timeline"][-1]
    assert ev["action"] == "down_visit" and ev["action_label"] == "下访" and ev["actor_name"] == "地区领导"
    assert ev["data"]["contact_how"] == "上门走访" and ev["data"]["contact_with"] == "信访人及其家属"
    assert ev["note"] == "了解到道路问题已持续两年"


def test_extension_request_approve(w):
    cal = Calendar(w.admin)
    cid = w.create()["id"]
    far = today() + dt.timedelta(days=90)  # the 交办 deadline does not cut the closing deadline here
    drive(w, cid, "signed", assign_deadline=far)
    det = get(w.handler, cid)
    close0 = dt.date.fromisoformat(deadline_of(det, "close")["due_date"])
    accepted = dt.date.fromisoformat(det["accepted_day"])
    assert close0 == preview(w.admin, "close", accepted) == cal.calendar_days(accepted, 60)
    assert det["due_step"] == "close" and det["due_date"] == str(close0)
    assert det["ext"] == "none" and det["ext_label"] == "未申请"

    r = act(w.handler, cid, "extend_request", expect=422, reason="情况复杂", extend_days=31)
    assert err(r)["field"] == "extend_days" and has_cjk(err(r)["message"])
    r = act(w.handler, cid, "extend_request", expect=422, reason="情况复杂", extend_days=0)
    assert err(r)["field"] == "extend_days"
    r = act(w.handler, cid, "extend_request", expect=422, extend_days=10)
    assert err(r)["field"] == "reason"
    act(w.clerk, cid, "extend_request", expect=403, reason="情况复杂", extend_days=10)
    det = act(w.handler, cid, "extend_request", reason="涉及多个部门，需要协调", extend_days=12)
    assert det["ext"] == "pending" and det["ext_label"] == "待审批" and det["status"] == "signed"
    assert "approve" in todo_tasks(w.leader, cid)
    r = act(w.handler, cid, "extend_request", expect=409, reason="再次申请", extend_days=5)
    assert "extend_request" not in codes(err(r)["allowed"])
    act(w.handler, cid, "extend_approve", expect=403)
    act(w.clerk, cid, "extend_approve", expect=403)
    det = act(w.leader, cid, "extend_approve")
    assert det["ext"] == "approved" and det["extension_days"] == 12
    close1 = dt.date.fromisoformat(deadline_of(det, "close")["due_date"])
    assert close1 == cal.calendar_days(close0, 12), (close0, close1)
    assert det["due_date"] == str(close1)
    # once only, whatever the answer was
    r = act(w.handler, cid, "extend_request", expect=409, reason="再次申请", extend_days=5)
    assert err(r)["code"] == "conflict"
    act(w.leader, cid, "extend_approve", expect=409)
    # still 办理中-able afterwards
    assert act(w.handler, cid, "contact", contact_how="电话", contact_with="本人")["ext"] == "approved"


def test_extension_reject(w):
    cid = w.create()["id"]
    drive(w, cid, "in_progress")
    due0 = get(w.handler, cid)["due_date"]
    act(w.leader, cid, "extend_reject", expect=409, reason="无申请")
    act(w.handler, cid, "extend_request", reason="需现场勘查", extend_days=30)
    r = act(w.leader, cid, "extend_reject", expect=422)
    assert err(r)["field"] == "reason"
    det = act(w.leader, cid, "extend_reject", reason="理由不充分")
    assert det["ext"] == "rejected" and det["ext_label"] == "未批准" and det["due_date"] == due0
    assert det["extension_days"] == 0
    act(w.handler, cid, "extend_request", expect=409, reason="再申请", extend_days=5)
    assert act(w.handler, cid, "reply", reply_text="答复")["status"] == "replied"


def test_permission_denied_changes_nothing(w):
    cid = w.create()["id"]
    before = get(w.clerk, cid)
    # the handler cannot see a registered case of another unit at all
    act(w.handler, cid, "accept", expect=404)
    # a planner (case:read, all) sees it but may not accept
    planner = w.server.client("planner")
    r = act(planner, cid, "accept", expect=403)
    assert err(r)["code"] == "forbidden"
    assert get(planner, cid)["allowed_actions"] == []
    drive(w, cid, "assigned")
    r = act(w.clerk, cid, "sign", expect=403)
    assert err(r)["code"] == "forbidden"
    r = act(w.handler, cid, "supervise", expect=403, reason="督办")
    assert err(r)["code"] == "forbidden"
    after = get(w.clerk, cid)
    assert after["status"] == "assigned" and timeline_actions(after) == ["register", "accept", "assign"]
    assert after["version"] > before["version"]


def test_unknown_action(w):
    """Actions are the case_flow codes; anything else is an unknown sub-resource: 404."""
    cid = w.create()["id"]
    before = get(w.clerk, cid)
    for bad in ("approve", "ACCEPT", "accept2", "register", "link", "%E5%8F%97%E7%90%86"):
        r = w.clerk.post(f"{C}/{cid}/actions/{bad}", json={"version": before["version"]})
        assert r.status_code == 404, (bad, r.status_code, r.text)
        assert err(r)["code"] == "not_found" and has_cjk(err(r)["message"])
    # unknown or mistyped inputs of a known action
    for body, field in (({"bogus": 1}, "bogus"), ({"version": "x"}, "version"), ({"note": 5}, "note"),
                        ({"reason": ["a"]}, "reason"), ({"note": "长" * 2001}, "note")):
        r = w.clerk.post(f"{C}/{cid}/actions/accept", json=body)
        assert r.status_code == 422 and err(r)["field"] == field, (body, r.status_code, r.text)
    after = get(w.clerk, cid)
    assert after["version"] == before["version"] and after["timeline"] == before["timeline"]


def test_stale_version_refused(w):
    cid = w.create()["id"]
    v = get(w.clerk, cid)["version"]
    act(w.leader, cid, "supervise", reason="督办")
    r = w.clerk.post(f"{C}/{cid}/actions/accept", json={"version": v})
    assert r.status_code == 409, r.text
    assert get(w.clerk, cid)["status"] == "registered"
