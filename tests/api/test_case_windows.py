"""Time windows of the workflow, checked by moving the test build's clock (SIXIA_TEST_TODAY, read
only by the ASan test build): 退回 within the objection period (5 working days from 交办), 复查
within 30 days of the reply, 复核 within 30 days of the 复查 reply, and the deadline state of a
case as days pass (正常 → 临期 → 逾期)."""
import datetime

import pytest

from conftest import Server, run_cli

CN = datetime.timezone(datetime.timedelta(hours=8))


def day(offset):
    return (datetime.datetime.now(CN) + datetime.timedelta(days=offset)).strftime("%Y-%m-%d")


def id_number(body17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(a) * b for a, b in zip(body17, w)) % 11]


class Clock:
    """Runs servers on one database, each with its own idea of today."""

    def __init__(self, db, monkeypatch):
        self.db, self.mp, self.srv = db, monkeypatch, None

    def at(self, today=None):
        if self.srv:
            assert self.srv.stop() == 0
        if today:
            self.mp.setenv("SIXIA_TEST_TODAY", today)
        else:
            self.mp.delenv("SIXIA_TEST_TODAY", raising=False)
        self.srv = Server(self.db, extra=["--login-rate", "100000"]).start()
        return self.srv


@pytest.fixture
def clock(tmp_path, monkeypatch):
    db = str(tmp_path / "w.db")
    run_cli("demo", db=db)
    c = Clock(db, monkeypatch)
    yield c
    if c.srv:
        assert c.srv.stop() == 0


def new_case(srv, kind="suggestion"):
    clerk = srv.client("clerk_dongshan")
    regions = clerk.get("/api/v1/regions", params={"page_size": 200}).json()["items"]
    county = next(r for r in regions if r["name"] == "东山县")
    town = next(r for r in regions if r.get("parent_id") == county["id"])
    r = clerk.post("/api/v1/cases", json={
        "channel": "visit", "kind": kind, "category": "01", "region_id": town["id"], "title": "期限测试",
        "content": "内容", "petitioners": [{"name": "甲", "phone": "13700001111",
                                           "id_number": id_number("35090119700101001")}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def act(client, cid, action, expect=200, **body):
    if "version" not in body:  # every action names the version it was decided on (428 otherwise)
        g = client.get(f"/api/v1/cases/{cid}")
        if g.status_code == 200:
            body["version"] = g.json()["version"]
    r = client.post(f"/api/v1/cases/{cid}/actions/{action}", json=body)
    assert r.status_code == expect, r.text
    return r.json()


def ver(client, cid):
    return client.get(f"/api/v1/cases/{cid}").json()["version"]


def assign(srv, cid):
    clerk = srv.client("clerk_dongshan")
    act(clerk, cid, "accept")
    h = clerk.get("/api/v1/cases/handlers").json()["items"]
    target = next(u for u in h if any(x["username"] == "handler" for x in u["users"]))
    uid = next(x["id"] for x in target["users"] if x["username"] == "handler")
    return act(clerk, cid, "assign", unit_id=target["unit_id"], handler_id=uid, deadline=day(40))


def to_closed(srv, cid):
    assign(srv, cid)
    handler, clerk = srv.client("handler"), srv.client("clerk_dongshan")
    act(handler, cid, "sign")
    act(handler, cid, "reply", reply_text="答复")
    act(clerk, cid, "callback", resolved=True, satisfaction="satisfied")
    return act(clerk, cid, "close")


def codes(detail):
    return [a["code"] for a in detail["allowed_actions"]]


def test_return_only_within_objection_period(clock):
    srv = clock.at()
    cid = new_case(srv)
    d = assign(srv, cid)
    objection = next(x for x in d["deadlines"] if x["step"] == "objection")["due_date"]
    steps = {x["step"]: x for x in d["deadlines"]}
    # the notice of acceptance is met by 受理; the unit's own notice to the petitioner is running
    assert steps["notice"]["done"] is True and steps["notice"]["state_label"] == "已完成"
    assert steps["unit_notice"]["done"] is False and steps["unit_notice"]["label"] == "承办告知期限"
    assert steps["accept_decision"]["done"] is True  # 交办 made the acceptance decision
    assert d["due_step"] == "objection" and d["due_date"] == objection
    # 5 working days: at least 5 and at most 5 + the longest holiday run later
    gap = (datetime.date.fromisoformat(objection) - datetime.date.fromisoformat(day(0))).days
    assert 5 <= gap <= 14
    srv = clock.at(objection)  # the last day still counts
    h = srv.client("handler")
    assert "return" in codes(h.get(f"/api/v1/cases/{cid}").json())
    nxt = (datetime.date.fromisoformat(objection) + datetime.timedelta(days=1)).isoformat()
    srv = clock.at(nxt)
    h = srv.client("handler")
    d = h.get(f"/api/v1/cases/{cid}").json()
    assert "return" not in codes(d) and "sign" in codes(d)
    assert d["deadline_state"] == "overdue"
    r = h.post(f"/api/v1/cases/{cid}/actions/return", json={"reason": "不属于本单位职责", "version": ver(h, cid)})
    assert r.status_code == 409, r.text
    assert "退回异议期限" in r.json()["error"]["message"]
    assert {"code": "sign", "label": "签收"} in r.json()["error"]["allowed"]
    assert h.get(f"/api/v1/cases/{cid}").json()["status"] == "assigned"  # nothing changed
    act(h, cid, "sign")


def test_review_and_recheck_windows(clock):
    srv = clock.at()
    cid = new_case(srv)
    d = to_closed(srv, cid)
    window = next(x for x in d["deadlines"] if x["step"] == "review_request")["due_date"]
    assert window == (datetime.date.fromisoformat(day(0)) + datetime.timedelta(days=30)).isoformat() or \
        window > day(30)  # moved off a rest day
    late = (datetime.date.fromisoformat(window) + datetime.timedelta(days=1)).isoformat()
    srv = clock.at(late)
    clerk = srv.client("clerk_dongshan")
    assert "review_request" not in codes(clerk.get(f"/api/v1/cases/{cid}").json())
    r = clerk.post(f"/api/v1/cases/{cid}/actions/review_request", json={"reason": "不服答复", "version": ver(clerk, cid)})
    assert r.status_code == 409 and "复查申请期限" in r.json()["error"]["message"]
    srv = clock.at(window)
    clerk = srv.client("clerk_dongshan")
    d = act(clerk, cid, "review_request", reason="不服答复")
    review = next(link for link in d["links"] if link["kind"] == "review")
    rid = review["case_id"]
    again = clerk.post(f"/api/v1/cases/{cid}/actions/review_request", json={"reason": "再次申请",
                                                                             "version": ver(clerk, cid)})
    assert again.status_code == 409
    # the review case runs its own course; its closing opens the 复核 window, not another 复查
    srv = clock.at()
    rd = to_closed(srv, rid)
    assert rd["review_level"] == 1
    clerk = srv.client("clerk_dongshan")
    r = clerk.post(f"/api/v1/cases/{rid}/actions/review_request", json={"reason": "x", "version": ver(clerk, rid)})
    assert r.status_code == 409
    rwin = next(x for x in rd["deadlines"] if x["step"] == "recheck_request")["due_date"]
    srv = clock.at((datetime.date.fromisoformat(rwin) + datetime.timedelta(days=1)).isoformat())
    c2 = srv.client("clerk_dongshan")
    r = c2.post(f"/api/v1/cases/{rid}/actions/recheck_request", json={"reason": "申请复核", "version": ver(c2, rid)})
    assert r.status_code == 409 and "复核申请期限" in r.json()["error"]["message"]
    srv = clock.at()
    clerk = srv.client("clerk_dongshan")
    d = act(clerk, rid, "recheck_request", reason="申请复核")
    kid = next(link["case_id"] for link in d["links"] if link["kind"] == "review" and link["case_id"] != cid)
    kd = to_closed(srv, kid)
    assert kd["review_level"] == 2
    # after 复核 the matter is final: a new registration of it as a repeat is accepted only with
    # the new facts and reasons; without them it is declined with the 不再受理 notice
    assert not any(x["step"].endswith("_request") for x in kd["deadlines"])
    regions = clerk.get("/api/v1/regions", params={"page_size": 200}).json()["items"]
    town = next(r for r in regions if r.get("parent_id") == next(c for c in regions if c["name"] == "东山县")["id"])
    r = clerk.post("/api/v1/cases", json={
        "channel": "letter", "kind": "suggestion", "category": "01", "region_id": town["id"], "title": "同一事项",
        "content": "同一事实和理由", "duplicate_of": kid, "petitioners": [{"name": "甲", "phone": "13700001111"}]})
    assert r.status_code == 201, r.text
    new_id = r.json()["id"]
    assert r.json()["matter_final"] is True
    r = clerk.post(f"/api/v1/cases/{new_id}/actions/accept", json={"version": ver(clerk, new_id)})
    assert r.status_code == 422 and "新的事实和理由" in r.json()["error"]["message"], r.text
    assert r.json()["error"]["field"] == "reason"
    d = act(clerk, new_id, "decline")
    assert d["status"] == "declined" and "不再受理" in d["notice_text"] and "第三十六条" in d["notice_text"]


def test_deadline_state_moves_with_time(clock):
    srv = clock.at()
    cid = new_case(srv)
    d = srv.client("clerk_dongshan").get(f"/api/v1/cases/{cid}").json()
    due = d["due_date"]
    assert d["due_step"] == "accept_decision" and d["deadline_state"] == "normal"
    due_d = datetime.date.fromisoformat(due)
    for today, want in ((due_d - datetime.timedelta(days=4), "normal"), (due_d - datetime.timedelta(days=3), "due_soon"),
                        (due_d, "due_soon"), (due_d + datetime.timedelta(days=1), "overdue")):
        srv = clock.at(today.isoformat())
        c = srv.client("clerk_dongshan")
        assert c.get(f"/api/v1/cases/{cid}").json()["deadline_state"] == want, today
        listed = c.get("/api/v1/cases", params={"deadline_state": want}).json()
        assert cid in [x["id"] for x in listed["items"]]
