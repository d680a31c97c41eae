"""检举控告 (reports) are a per-case restriction: only holders of case:report (and the handling
unit) see them, and nobody in the accused unit (or below it) ever does — not in lists, counts,
details, actions, attachments, to-do lists, exports or repeat matches."""
import datetime as dt

import pytest

from casehelp import (C, World, act, err, fake_phone, get, listing, today, codes, res_unit_id)
from conftest import res_xlsx_rows

ACCUSED_OFFICE = "城乡规划处"  # an office under 地区住建局


@pytest.fixture(scope="module")
def w(server):
    return World(server)


@pytest.fixture(scope="module")
def report(w):
    phone = fake_phone()
    c = w.create(kind="report", accused_unit_id=w.zjj, title="检举住建局某科室违规收费",
                 content="检举地区住建局城乡规划处工作人员在审批中违规收费。",
                 petitioners=[{"name": "检举人", "phone": phone}])
    assert c["accused_unit_id"] == w.zjj and c["accused_unit_name"] == "地区住房和城乡建设局"
    return {"case": c, "phone": phone}


@pytest.fixture(scope="module")
def accused_staff(w):
    """Users of the accused unit and of an office below it who hold every case read permission
    including case:report — they still must not see it."""
    _, same = w.new_user("zjj_clerk", w.zjj, ["case:read", "case:intake", "case:report", "case:pii",
                                              "case:export", "case:accept", "case:assign"], scope=4)
    office = res_unit_id(w.admin, ACCUSED_OFFICE)
    _, below = w.new_user("zjj_office", office, ["case:read", "case:intake", "case:report"], scope=1)
    return [w.handler, same, below]


def invisible(client, rep):
    c = rep["case"]
    cid = c["id"]
    assert client.get(f"{C}/{cid}").status_code == 404
    items, total = listing(client, keyword="检举住建局")
    assert cid not in {i["id"] for i in items}
    items, total = listing(client, kind="report")
    assert cid not in {i["id"] for i in items}
    all_items, all_total = listing(client)
    assert cid not in {i["id"] for i in all_items} and all_total == len(all_items)
    for a, body in (("accept", {}), ("supervise", {"reason": "x"}), ("sign", {})):
        r = client.post(f"{C}/{cid}/actions/{a}", json=dict(body, version=c["version"]))
        assert r.status_code == 404, (a, r.text)
    assert client.get(f"{C}/{cid}/pii").status_code in (403, 404)
    r = client.post(f"{C}/{cid}/attachments", params={"name": "a.txt"}, data=b"hello")
    assert r.status_code in (403, 404)
    todo = client.get("/api/v1/todo")
    assert todo.status_code == 200 and cid not in {i["case_id"] for i in todo.json()["items"]}
    r = client.post(f"{C}/match", json={"title": c["title"], "content": "检举地区住建局城乡规划处工作人员在审批中违规收费。",
                                        "petitioners": [{"phone": rep["phone"]}]})
    if r.status_code == 200:
        assert cid not in {i["id"] for i in r.json()["items"]}
        assert "检举住建局" not in r.text
    else:
        assert r.status_code == 403
    r = client.get(f"{C}/export", params={"kind": "report"})
    if r.status_code == 200:
        text = "\n".join("\t".join(x) for x in res_xlsx_rows(r.content))
        assert c["case_no"] not in text and "违规收费" not in text
    else:
        assert r.status_code == 403


def test_accused_unit_never_sees_it(w, report, accused_staff):
    for client in accused_staff:
        invisible(client, report)


def test_accused_unit_cannot_reach_attachments(w, report, accused_staff):
    cid = report["case"]["id"]
    up = w.clerk.post(f"{C}/{cid}/attachments", params={"name": "证据.txt"}, data="收费凭证".encode(),
                      headers={"Content-Type": "application/octet-stream"})
    assert up.status_code == 201, up.text
    att = up.json()["id"]
    assert w.leader.get(f"{C}/{cid}/attachments/{att}").status_code == 200
    for client in accused_staff:
        r = client.get(f"{C}/{cid}/attachments/{att}")
        assert r.status_code == 404 and "收费凭证" not in r.text


def test_others_without_case_report_do_not_see_it(w, report):
    # a reader in 东山县人民政府 (the registering unit's scope) without case:report
    _, reader = w.new_user("ds_reader", w.dongshan_gov, ["case:read"], scope=4)
    invisible(reader, report)
    plain = w.create(title="普通事项可见对照")
    assert get(reader, plain["id"])["id"] == plain["id"]
    # the planner reads every case (scope all) but has no case:report
    invisible(w.server.client("planner"), report)
    assert get(w.server.client("planner"), plain["id"])["id"] == plain["id"]


def test_report_holders_see_it(w, report):
    cid = report["case"]["id"]
    for client in (w.clerk, w.leader):
        det = get(client, cid)
        assert det["kind"] == "report" and det["content"].startswith("检举")
        items, _ = listing(client, kind="report")
        assert cid in {i["id"] for i in items}


def test_cannot_assign_to_accused_unit(w, report, accused_staff):
    cid = report["case"]["id"]
    act(w.clerk, cid, "accept")
    deadline = str(today() + dt.timedelta(days=20))
    for unit, handler in ((w.zjj, w.handler_id), (res_unit_id(w.admin, ACCUSED_OFFICE), w.uid["zjj_office"])):
        v = get(w.clerk, cid)["version"]
        r = w.clerk.post(f"{C}/{cid}/actions/assign", json={"version": v, "unit_id": unit, "handler_id": handler,
                                                              "deadline": deadline})
        assert r.status_code in (409, 422), (unit, r.status_code, r.text[:300])
        if r.status_code == 422:
            assert err(r)["field"] == "unit_id", r.text
        det = get(w.clerk, cid)
        assert det["status"] == "accepted" and det["version"] == v and det["handling_unit_id"] is None


def test_handling_unit_without_case_report_sees_it(w):
    """A report accusing 住建局, assigned to the 纪检监察 organ: that organ's handler (no
    case:report) sees it because it handles it; 住建局's handler does not. Any other unit is
    refused as the handling unit (检举控告 goes to 纪检监察, 2022 art. 30)."""
    c = w.create(kind="report", accused_unit_id=w.zjj, title="检举对照二")
    cid = c["id"]
    act(w.clerk, cid, "accept")
    edu_uid, _ = w.new_user("edu_h", w.edu, roles=("handler",))
    r = act(w.clerk, cid, "assign", expect=422, unit_id=w.edu, handler_id=edu_uid,
            deadline=str(today() + dt.timedelta(days=20)))
    assert err(r)["field"] == "unit_id" and "纪检监察" in err(r)["message"]
    jw_unit, jw_uid, edu = w.discipline()
    act(w.clerk, cid, "assign", unit_id=jw_unit, handler_id=jw_uid, deadline=str(today() + dt.timedelta(days=20)))
    det = get(edu, cid)
    assert set(codes(det["allowed_actions"])) == {"sign", "return"}
    assert w.handler.get(f"{C}/{cid}").status_code == 404
    assert act(edu, cid, "sign")["status"] == "signed"
