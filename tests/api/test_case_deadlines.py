"""Deadlines of cases (DOMAIN.md §1, src/domain/deadline.c) over the stored working-day calendar:
weekends, public holidays and 调休 make-up working days. Every expectation is checked three ways:
a hand-computed date, the calendar read from the holidays API (casehelp.Calendar) and the
independent /api/v1/deadlines/preview endpoint. Cases are registered with received_at in the past
(the server accepts up to 366 days back)."""
import csv
import datetime as dt
import os

import pytest

from casehelp import (C, Calendar, World, act, d, deadline_of, drive, err, get, listing, preview, today)
from conftest import ROOT


@pytest.fixture(scope="module")
def w(server):
    return World(server)


@pytest.fixture(scope="module")
def cal(w):
    return Calendar(w.admin)


def csv_days():
    """data/holidays.csv as {day: kind}."""
    out = {}
    with open(os.path.join(ROOT, "data", "holidays.csv"), encoding="utf-8") as f:
        for row in csv.reader(f):
            if not row or row[0].startswith("#") or not row[0][:1].isdigit():
                continue
            out[row[0]] = {"假日": "holiday", "调休上班": "workday"}[row[1].strip()]
    return out


def test_calendar_matches_shipped_data(cal):
    shipped = csv_days()
    days2026 = {k: v for k, v in shipped.items() if k.startswith("2026-")}
    assert days2026["2026-10-05"] == "holiday" and days2026["2026-09-20"] == "workday"
    assert days2026["2026-10-10"] == "workday"
    for day, kind in shipped.items():
        assert cal.kind.get(day) == kind, day


def too_old(day):
    """Cases can be registered at most 366 days back; the 2026 examples expire in late 2027."""
    return (today() - d(day[:10])).days > 365


def registered(w, received):
    if too_old(received):
        pytest.skip(f"{received} is more than 366 days ago")
    c = w.create(received_at=received)
    assert c["status"] == "registered"
    return c


# (received_at as sent, the received day in China time, accept_decision due, why)
ACCEPT_CASES = [
    ("2026-09-20", "2026-09-20", "2026-10-08", "15 days → 10-05 in 国庆 (10-01..07) → 10-08"),
    ("2026-09-20T09:30:00+08:00", "2026-09-20", "2026-10-08", "same with a time and an offset"),
    ("2026-11-06", "2026-11-06", "2026-11-23", "15 days → Sat 11-21 → Mon 11-23"),
    ("2026-11-07", "2026-11-07", "2026-11-23", "15 days → Sun 11-22 → Mon 11-23"),
    ("2026-09-25", "2026-09-25", "2026-10-10", "15 days → Sat 10-10, a 调休 working day: stays"),
    ("2026-09-05", "2026-09-05", "2026-09-20", "15 days → Sun 09-20, a 调休 working day: stays"),
    ("2026-11-01T17:00:00Z", "2026-11-02", "2026-11-17", "UTC evening = next day in China (UTC+8)"),
    ("2026-06-04", "2026-06-04", "2026-06-22", "15 days → Fri 06-19 端午 (06-19..21) → Mon 06-22"),
]


@pytest.mark.parametrize("received,day,due,why", ACCEPT_CASES)
def test_accept_decision_due(w, cal, received, day, due, why):
    c = registered(w, received)
    # the API gives the China day the periods count from, so no client converts the UTC time
    assert c["received_day"] == day, c["received_at"]
    items, _ = listing(w.clerk, keyword=c["case_no"])
    assert [i["received_day"] for i in items] == [day]
    assert c["due_step"] == "accept_decision"
    assert c["due_date"] == due, why
    assert deadline_of(c, "accept_decision")["due_date"] == due
    assert str(preview(w.admin, "accept_decision", day)) == due
    assert str(cal.calendar_days(d(day), 15)) == due
    # all these are in the past → 逾期
    assert c["deadline_state"] == "overdue" and c["deadline_state_label"] == "逾期"
    # the list agrees with the detail
    items, _ = listing(w.clerk, keyword=c["case_no"])
    assert [(i["due_date"], i["deadline_state"]) for i in items] == [(due, "overdue")]


def test_objection_preview_over_real_2026_data(w, cal):
    """objection = 5 working days; 2026-09-20 (Sunday) and 2026-10-10 (Saturday) are 调休 working days."""
    cases = [
        ("2026-09-18", "2026-09-24"),  # Fri → Sun 09-20 (调休, 1), 21, 22, 23, 24
        ("2026-09-30", "2026-10-13"),  # 10-01..07 holidays; 08, 09, Sat 10 (调休), 12, 13
        ("2026-11-13", "2026-11-20"),  # Fri → 16..20, the weekend skipped
        ("2026-09-23", "2026-10-08"),  # 24, (25..27 中秋), 28, 29, 30, (10-01..07 国庆), 10-08
    ]
    for start, due in cases:
        assert str(preview(w.admin, "objection", start)) == due, start
        assert str(cal.working_days(d(start), 5)) == due, start


def test_objection_over_real_2026_data_in_a_case(w, server):
    """A case 交办 on Friday 2026-09-18 (the assignment day moved back in the database, set-up
    only): its objection period ends on Thursday 2026-09-24, because Sunday 2026-09-20 is a 调休
    working day; one 交办 on Wednesday 2026-09-30 ends on 2026-10-13 (国庆 10-01..07 are not
    counted, Saturday 10-10 is). Both periods are over, so 退回 is refused."""
    if too_old("2026-09-15"):
        pytest.skip("2026-09-15 is more than 366 days ago")
    for assigned, due in (("2026-09-18T02:00:00Z", "2026-09-24"), ("2026-09-30T02:00:00Z", "2026-10-13")):
        cid = w.create(received_at="2026-09-15")["id"]
        drive(w, cid, "assigned")
        server.sql("UPDATE cases SET assigned_at = ? WHERE id = ?", (assigned, cid))
        det = get(w.clerk, cid)
        ob = deadline_of(det, "objection")
        assert ob["due_date"] == due and ob["state"] == "overdue", ob
        assert str(preview(w.admin, "objection", assigned[:10])) == due
        assert "return" not in [a["code"] for a in get(w.handler, cid)["allowed_actions"]]
        r = act(w.handler, cid, "return", expect=409, reason="交办错误")
        assert err(r)["code"] == "conflict" and "sign" in [a["code"] for a in err(r)["allowed"]]
        assert act(w.handler, cid, "sign")["status"] == "signed"


def test_close_is_60_days_from_acceptance(w, cal):
    # preview: 60 calendar days, moved off rest days
    assert str(preview(w.admin, "close", "2026-08-02")) == "2026-10-08"  # 10-01 holiday → 10-08
    assert str(cal.calendar_days(d("2026-08-02"), 60)) == "2026-10-08"
    c = w.create(received_at=str(today() - dt.timedelta(days=3)))
    cid = c["id"]
    far = today() + dt.timedelta(days=120)
    det = drive(w, cid, "assigned", assign_deadline=far)
    assigned_day = d(det["assigned_day"])
    assert det["due_step"] == "objection"
    assert d(det["due_date"]) == preview(w.admin, "objection", assigned_day) == cal.working_days(assigned_day, 5)
    det = act(w.handler, cid, "sign")
    accepted_day = d(det["accepted_day"])
    close = preview(w.admin, "close", accepted_day)
    assert close == cal.calendar_days(accepted_day, 60)
    assert det["due_step"] == "close" and det["due_date"] == str(close)
    assert deadline_of(det, "close")["due_date"] == str(close)
    assert det["deadline_state"] == "normal"


STEP_LABELS = {"accept_decision": "受理期限", "notice": "告知期限", "unit_notice": "承办告知期限",
               "objection": "异议期限", "close": "办结期限", "review_request": "复查申请期限",
               "review_answer": "复查答复期限", "recheck_request": "复核申请期限", "recheck_answer": "复核答复期限",
               "first_assign": "初信初访交办时限", "first_supervise": "初信初访督办时限",
               "first_callback": "初信初访回访时限"}


def test_due_step_labels_per_contract(w):
    """docs/CASES.md, table 'deadline step': the labels of due_step_label and deadlines[].label."""
    cid = w.create()["id"]
    seen = {}
    for target in ("registered", "assigned", "signed", "closed"):
        det = drive(w, cid, target) if target == "registered" else None
        if det is None:
            nxt = {"assigned": ["accept", "assign"], "signed": ["sign"], "closed": ["reply", "callback", "close"]}
            from casehelp import step_body
            for a in nxt[target]:
                who = w.handler if a in ("sign", "reply") else w.clerk
                det = act(who, cid, a, **step_body(w, a, "suggestion"))
        if det["due_step"]:
            seen[det["due_step"]] = det["due_step_label"]
        for x in det["deadlines"]:
            seen[x["step"]] = x["label"]
    det = act(w.clerk, cid, "review_request", reason="不服")
    rid = [l["case_id"] for l in det["links"] if l["kind"] == "review"][0]
    rev = get(w.clerk, rid)
    seen[rev["due_step"]] = rev["due_step_label"]
    for x in rev["deadlines"]:
        seen[x["step"]] = x["label"]
    assert {"accept_decision", "objection", "close", "review_request", "review_answer"} <= set(seen), seen
    assert seen == {k: STEP_LABELS[k] for k in seen}


def test_assign_deadline_earlier_cuts_close(w):
    c = w.create()
    cid = c["id"]
    short = today() + dt.timedelta(days=10)
    drive(w, cid, "signed", assign_deadline=short)
    det = get(w.handler, cid)
    assert det["due_step"] == "close" and det["due_date"] == str(short)


def test_deadline_states(w, server):
    warn = 3  # the default warn_days of a fresh database (checked in test_settings_change_new_cases)
    t = today()
    # overdue: due well in the past
    c = w.create(received_at=str(t - dt.timedelta(days=40)))
    assert c["deadline_state"] == "overdue" and d(c["due_date"]) < t
    # normal: received today, due 15+ days away
    c = w.create()
    assert c["deadline_state"] == "normal" and c["deadline_state_label"] == "正常"
    assert d(c["due_date"]) == preview(w.admin, "accept_decision", t)
    # due soon: a received day whose due day falls within [today, today + warn]
    for back in range(15 - warn, 16):
        start = t - dt.timedelta(days=back)
        due = preview(w.admin, "accept_decision", start)
        if t <= due <= t + dt.timedelta(days=warn):
            break
    else:
        pytest.fail("no received day gives a due day within the warning window")
    c = w.create(received_at=str(start))
    assert c["due_date"] == str(due)
    assert c["deadline_state"] == "due_soon" and c["deadline_state_label"] == "临期", (start, due, warn)
    # the list filter by deadline state
    for state, cid in (("due_soon", c["id"]),):
        items, _ = listing(w.clerk, deadline_state=state)
        assert cid in {i["id"] for i in items}
        assert all(i["deadline_state"] == state for i in items)
    items, _ = listing(w.clerk, deadline_state="overdue")
    assert c["id"] not in {i["id"] for i in items}
    r = w.clerk.get(C, params={"deadline_state": "late"})
    assert r.status_code in (400, 422) and err(r)["field"] == "deadline_state"


def test_todo_ordered_by_due_date(w):
    t = today()
    ids = [w.create(received_at=str(t - dt.timedelta(days=n)))["id"] for n in (2, 30, 10)]
    items = w.clerk.get("/api/v1/todo").json()["items"]
    mine = [i for i in items if i["case_id"] in ids]
    assert [i["task"] for i in mine] == ["accept"] * 3 and all(i["task_label"] == "待受理" for i in mine)
    dues = [i["due_date"] for i in items]
    non_empty = [x for x in dues if x]
    assert non_empty == sorted(non_empty) and dues[:len(non_empty)] == non_empty
    assert [i["case_id"] for i in mine] == [ids[1], ids[2], ids[0]]


def test_review_window_in_deadlines(w, cal):
    """The reply happens today through the API, so only the within-window side can be reached by
    actions; the window itself is checked as the review_request deadline of the closed case."""
    cid = w.create()["id"]
    det = drive(w, cid, "closed")
    assert det["due_date"] == "" and det["deadline_state"] == ""
    replied = d(det["replied_day"])
    win = deadline_of(det, "review_request")
    assert win["due_date"] == str(preview(w.admin, "review_request", replied))
    assert d(win["due_date"]) == cal.calendar_days(replied, 30)
    assert win["state"] in ("normal", "due_soon")


def test_review_window_expired(w, server):
    """After the window: the reply day moved 40 days back in the database (set-up only)."""
    cid = w.create(received_at=str(today() - dt.timedelta(days=80)))["id"]
    drive(w, cid, "closed")
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    server.sql("UPDATE cases SET replied_at = ?, called_back_at = ?, closed_at = ? WHERE id = ?", (old, old, old, cid))
    server.sql("UPDATE case_events SET at = ? WHERE case_id = ? AND action IN ('reply', 'callback', 'close')",
               (old, cid))
    det = get(w.clerk, cid)
    assert d(deadline_of(det, "review_request")["due_date"]) < today()
    assert "review_request" not in [a["code"] for a in det["allowed_actions"]]
    r = act(w.clerk, cid, "review_request", expect=409, reason="不服答复")
    assert err(r)["code"] == "conflict"
    assert [l for l in get(w.clerk, cid)["links"] if l["kind"] == "review"] == []


def test_objection_over_edited_calendar(fresh_server):
    """Live 交办 today: a holiday and a 调休 Saturday added in the next week move the objection due day."""
    w = World(fresh_server)
    t = today()
    # the first working weekday after today becomes a holiday; the first Saturday after it a working day
    hol = t + dt.timedelta(days=1)
    while hol.weekday() >= 5:
        hol += dt.timedelta(days=1)
    sat = hol + dt.timedelta(days=(5 - hol.weekday()) % 7 or 7)
    before = Calendar(w.admin).working_days(t, 5)
    for day, kind in ((hol, "holiday"), (sat, "workday")):
        r = w.admin.post("/api/v1/holidays", json={"day": str(day), "kind": kind, "name": "测试调整"})
        assert r.status_code in (201, 409), r.text
    cal = Calendar(w.admin)
    due = cal.working_days(t, 5)
    assert preview(w.admin, "objection", t) == due
    cid = w.create()["id"]
    det = drive(w, cid, "assigned")
    assert det["due_step"] == "objection" and det["due_date"] == str(due), (before, due, hol, sat)


def test_settings_change_new_cases(fresh_server):
    if too_old("2026-11-02"):
        pytest.skip("2026-11-02 is more than 366 days ago")
    w = World(fresh_server)
    r = w.clerk.get("/api/v1/settings/cases")
    assert r.status_code == 200
    s = r.json()
    assert s["steps"]["accept_decision"]["days"] == 15 and s["steps"]["accept_decision"]["working"] is False
    assert s["steps"]["objection"] == {"days": 5, "working": True, "label": s["steps"]["objection"]["label"]}
    assert s["steps"]["close"]["days"] == 60 and s["max_extension_days"] == 30 and s["warn_days"] == 3
    old = w.create(received_at="2026-11-02")
    assert old["due_date"] == "2026-11-17"
    body = {"steps": {k: {"days": v["days"], "working": v["working"]} for k, v in s["steps"].items()},
            "max_extension_days": 20, "warn_days": s["warn_days"], "repeat_window_days": s["repeat_window_days"],
            "similarity_percent": s["similarity_percent"], "version": s["version"]}
    body["steps"]["accept_decision"] = {"days": 10, "working": True}
    r = w.clerk.put("/api/v1/settings/cases", json=body)
    assert r.status_code == 403
    r = w.admin.put("/api/v1/settings/cases", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["steps"]["accept_decision"] == {"days": 10, "working": True,
                                                     "label": s["steps"]["accept_decision"]["label"]}
    assert r.json()["version"] > s["version"]
    r = w.admin.put("/api/v1/settings/cases", json=body)  # stale version
    assert r.status_code == 409
    cal = Calendar(w.admin)
    new = w.create(received_at="2026-11-02")
    # 10 working days from Mon 11-02: 03..06, 09..13, 16 → 2026-11-16
    assert new["due_date"] == "2026-11-16" == str(cal.working_days(d("2026-11-02"), 10))
    assert str(preview(w.admin, "accept_decision", "2026-11-02")) == "2026-11-16"
    # an open case's stored next deadline follows the new limit at once (list and detail agree)
    assert get(w.clerk, old["id"])["due_date"] == "2026-11-16"
    listed = w.clerk.get("/api/v1/cases", params={"page_size": 200}).json()["items"]
    assert next(c for c in listed if c["id"] == old["id"])["due_date"] == "2026-11-16"
    # the extension bound follows the setting
    cid = w.create()["id"]
    drive(w, cid, "signed")
    r = act(w.handler, cid, "extend_request", expect=422, reason="复杂", extend_days=21)
    assert err(r)["field"] == "extend_days"
    act(w.handler, cid, "extend_request", reason="复杂", extend_days=20)
    # invalid settings are refused
    bad = dict(body, version=w.admin.get("/api/v1/settings/cases").json()["version"])
    bad["steps"] = dict(body["steps"], close={"days": 0, "working": False})
    r = w.admin.put("/api/v1/settings/cases", json=bad)
    assert r.status_code == 422, r.text
