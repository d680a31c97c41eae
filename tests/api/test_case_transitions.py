"""Every forbidden transition: for each reachable state (built through the API), every action the
state machine (src/domain/case_flow.c) does not allow answers 409 `conflict` with `allowed` equal
to the detail's allowed_actions, and changes nothing; each allowed action without its inputs
answers 422 naming the field. The viewer holds every case permission, has data scope 'all' and
belongs to the handling unit, so allowed_actions is exactly the state machine's set."""
import datetime as dt

import pytest

from casehelp import (ACTIONS, C, World, act, codes, err, flow_allowed, get, has_cjk, today)

ALL_CASE_PERMS = ["case:read", "case:intake", "case:accept", "case:assign", "case:sign", "case:handle",
                  "case:reply", "case:callback", "case:close", "case:extend_request", "case:extend_approve",
                  "case:supervise", "case:review", "case:pii", "case:report", "case:export"]
# the field a 422 names when the action is posted without any input (first check of case_flow.c)
FIRST_FIELD = {"decline": "reason", "forward": "forward_to", "assign": "unit_id", "return": "reason",
               "contact": "contact_how", "reply": "reply_text", "callback": "resolved",
               "extend_request": "reason", "extend_reject": "reason", "supervise": "reason",
               "review_request": "reason", "recheck_request": "reason", "onspot": "reply_text",
               "down_visit": "contact_how", "reclassify": "reason"}
NEEDS = {"accept": [], "decline": ["reason"], "forward": ["forward_to"], "assign": ["unit_id", "handler_id", "deadline"],
         "sign": [], "return": ["reason"], "contact": ["contact"], "reply": ["reply_text"], "callback": ["callback"],
         "close": [], "extend_request": ["reason", "extend_days"], "extend_approve": [], "extend_reject": ["reason"],
         "supervise": ["reason"], "take_charge": [], "review_request": ["reason"], "recheck_request": ["reason"],
         "onspot": ["reply_text"], "down_visit": ["contact"], "reclassify": ["reason", "kind"]}


class Super:
    def __init__(self, w):
        self.w = w
        self.uid, self.c = w.new_user("allpower", w.zjj, ALL_CASE_PERMS, scope=1)

    def body(self, action):
        return {
            "accept": {}, "sign": {}, "close": {}, "extend_approve": {}, "take_charge": {},
            "decline": {"reason": "不属于受理范围"},
            "forward": {"forward_to": "东山县人民法院"},
            "assign": {"unit_id": self.w.zjj, "handler_id": self.uid, "deadline": str(today() + dt.timedelta(days=30))},
            "return": {"reason": "交办错误"},
            "contact": {"contact_how": "电话", "contact_with": "信访人本人"},
            "reply": {"reply_text": "答复内容"},
            "callback": {"resolved": True, "satisfaction": "satisfied", "callback_how": "电话"},
            "extend_request": {"reason": "情况复杂", "extend_days": 10},
            "extend_reject": {"reason": "理由不足"},
            "supervise": {"reason": "请抓紧办理"},
            "review_request": {"reason": "对答复不服"},
            "recheck_request": {"reason": "对复查意见不服"},
            "onspot": {"reply_text": "当场答复"},
            "down_visit": {"contact_how": "上门走访", "contact_with": "信访人"},
            "reclassify": {"kind": "appeal", "reason": "登记时性质选错"},
        }[action]

    def do(self, cid, action):
        return act(self.c, cid, action, **self.body(action))

    def new(self, **over):
        return self.w.create(client=self.c, **over)["id"]


@pytest.fixture(scope="module")
def w(server):
    return World(server)


@pytest.fixture(scope="module")
def su(w):
    return Super(w)


PATHS = {
    "registered": [],
    "accepted": ["accept"],
    "declined": ["decline"],
    "forwarded": ["forward"],
    "forwarded_after_accept": ["accept", "forward"],
    "assigned": ["accept", "assign"],
    "returned": ["accept", "assign", "return"],
    "signed": ["accept", "assign", "sign"],
    "ext_pending": ["accept", "assign", "sign", "extend_request"],
    "ext_approved": ["accept", "assign", "sign", "extend_request", "extend_approve"],
    "ext_rejected": ["accept", "assign", "sign", "contact", "extend_request", "extend_reject"],
    "in_progress": ["accept", "assign", "sign", "contact"],
    "replied": ["accept", "assign", "sign", "reply"],
    "onspot_replied": ["accept", "onspot"],
    "called_back": ["accept", "assign", "sign", "contact", "reply", "callback"],
    "closed": ["accept", "assign", "sign", "contact", "reply", "callback", "close"],
    "charged": ["take_charge", "accept"],
    "supervised_assigned": ["accept", "supervise", "assign"],
    "review_requested": ["accept", "assign", "sign", "reply", "callback", "close", "review_request"],
}
MAIN = ["accept", "assign", "sign", "reply", "callback", "close"]


def build(su, name):
    """A case in the named state; returns (case id, flow_allowed kwargs)."""
    cid = su.new()
    flags = {}
    for a in PATHS[name]:
        su.do(cid, a)
        if a == "extend_request":
            flags["ext"] = "pending"
        elif a in ("extend_approve", "extend_reject"):
            flags["ext"] = "approved" if a == "extend_approve" else "rejected"
        elif a == "take_charge":
            flags["leader_in_charge"] = True
        elif a == "review_request":
            flags["review_requested"] = True
    return cid, det_status(su, cid), flags


def det_status(su, cid):
    return get(su.c, cid)["status"]


def check_state(su, cid, status, kind="suggestion", **flags):
    det = get(su.c, cid)
    assert det["status"] == status
    expected = flow_allowed(status, kind=kind, **flags)
    got = codes(det["allowed_actions"])
    assert sorted(got) == sorted(expected), (status, flags, got, expected)
    assert len(got) == len(set(got))
    for a in det["allowed_actions"]:
        assert a["label"] and has_cjk(a["label"])
        need = set(a["needs"])
        assert set(NEEDS[a["code"]]) <= need <= set(NEEDS[a["code"]]) | {"outcome"}, a
        if kind == "appeal" and a["code"] in ("reply", "onspot"):
            assert "outcome" in need
    version, timeline = det["version"], det["timeline"]
    for a in ACTIONS:
        if a in expected:
            continue
        r = su.c.post(f"{C}/{cid}/actions/{a}", json=dict(su.body(a), version=version))
        assert r.status_code == 409, (status, flags, a, r.status_code, r.text)
        e = err(r)
        assert e["code"] == "conflict" and has_cjk(e["message"]), r.text
        assert sorted(codes(e["allowed"])) == sorted(got), (a, e["allowed"], got)
        assert all(x["label"] for x in e["allowed"])
    for a in expected:
        if a not in FIRST_FIELD:
            continue
        r = su.c.post(f"{C}/{cid}/actions/{a}", json={"version": version})
        assert r.status_code == 422, (status, a, r.status_code, r.text)
        # 涉法涉诉 and 检举控告 are forwarded to an organ of the master data, not to free text
        first = "forward_unit_id" if a == "forward" and kind in ("legal", "report") else FIRST_FIELD[a]
        assert err(r)["field"] == first and has_cjk(err(r)["message"]), (a, r.text)
    after = get(su.c, cid)
    assert after["version"] == version and after["timeline"] == timeline and after["status"] == status
    return det


@pytest.mark.parametrize("name", list(PATHS))
def test_forbidden_transitions(su, name):
    cid, status, flags = build(su, name)
    check_state(su, cid, status, **flags)


def test_legal_registered_and_accepted_flags(su):
    cid = su.new(kind="legal")
    check_state(su, cid, "registered", kind="legal")
    cid = su.new(kind="appeal")
    su.do(cid, "accept")
    check_state(su, cid, "accepted", kind="appeal")


def review_case_of(su, cid, level):
    det = get(su.c, cid)
    links = [l for l in det["links"] if l["kind"] == "review"]
    assert links, det["links"]
    rid = max(l["case_id"] for l in links)
    r = get(su.c, rid)
    assert r["review_level"] == level and r["status"] == "registered" and r["parent_case_id"] == cid
    return rid


def test_review_levels(su):
    cid, _, flags = build(su, "review_requested")
    rid = review_case_of(su, cid, 1)
    check_state(su, rid, "registered", review_level=1)
    for a in MAIN:
        su.do(rid, a)
    check_state(su, rid, "closed", review_level=1)
    su.do(rid, "recheck_request")
    check_state(su, rid, "closed", review_level=1, review_requested=True)
    rid2 = review_case_of(su, rid, 2)
    for a in MAIN:
        su.do(rid2, a)
    check_state(su, rid2, "closed", review_level=2)


def test_error_allowed_matches_detail_for_demo_roles(su, w):
    cid = w.create()["id"]
    act(w.clerk, cid, "accept")
    act(w.clerk, cid, "assign", unit_id=w.zjj, handler_id=w.handler_id, deadline=str(today() + dt.timedelta(days=9)))
    # each holds the permission of the action, the state forbids it
    for client, action, body in ((w.handler, "reply", {"reply_text": "答复"}), (w.clerk, "accept", {}),
                                 (w.leader, "extend_approve", {})):
        det = get(client, cid)
        r = act(client, cid, action, expect=409, **body)
        assert sorted(codes(err(r)["allowed"])) == sorted(codes(det["allowed_actions"])), (action, r.text)
    # the handler (handling unit, case:sign) may sign or return; the clerk neither
    assert sorted(codes(get(w.handler, cid)["allowed_actions"])) == ["return", "sign"]
    assert codes(get(w.clerk, cid)["allowed_actions"]) == ["reclassify"]  # the clerk corrects the kind
    assert set(codes(get(w.leader, cid)["allowed_actions"])) == {"supervise", "take_charge", "down_visit"}
