"""Petition data at rest and the demo cases: sealed personal data with its key file (created
0600, carried by `sixia backup`), no plain ID numbers or phones in the database file, and the
demo reception day's 101 / 85 / 12."""
import datetime
import os
import sqlite3
import stat

import pytest

from conftest import Server, run_cli, DEMO_PASSWORD


def id_number(body17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(a) * b for a, b in zip(body17, w))
    return body17 + "10X98765432"[s % 11]


@pytest.fixture(scope="module")
def demo_cases(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("democases") / "d.db")
    p = run_cli("demo", "--with-cases", db=db)
    assert "101" in p.stdout and "85" in p.stdout and "12" in p.stdout
    srv = Server(db, extra=["--login-rate", "100000"]).start()
    yield srv
    assert srv.stop() == 0


def region_in(client, county):
    regions = client.get("/api/v1/regions", params={"page_size": 200}).json()["items"]
    c = next(r for r in regions if r["name"] == county)
    return next(r for r in regions if r.get("parent_id") == c["id"])


def test_demo_reception_day_numbers(demo_cases):
    leader = demo_cases.client("leader")
    r = leader.get("/api/v1/cases", params={"reception_day_id": 1, "page_size": 200})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert r.json()["total"] == 90
    assert sum(c["head_count"] for c in items) == 101
    con = sqlite3.connect(demo_cases.db)
    accepted, onspot = con.execute(
        "SELECT SUM(accepted_at IS NOT NULL), SUM(EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id"
        " AND e.action = 'onspot')) FROM cases c WHERE reception_day_id = 1").fetchone()
    con.close()
    assert (accepted, onspot) == (85, 12)
    assert all(c["channel"] == "reception_day" and c["county_name"] == "霞溪县" for c in items)


def test_demo_lists_by_county(demo_cases):
    dong = demo_cases.client("clerk_dongshan")
    body = dong.get("/api/v1/cases", params={"page_size": 200}).json()
    assert body["total"] == len(body["items"]) > 10
    assert {c["county_name"] for c in body["items"]} == {"东山县"}
    # every state of the work list is there, and the ones past their deadline show it
    states = {c["status"] for c in body["items"]}
    assert {"registered", "accepted", "assigned", "signed", "replied", "called_back", "closed"} <= states
    overdue = dong.get("/api/v1/cases", params={"deadline_state": "overdue"}).json()
    assert overdue["total"] >= 1 and all(c["deadline_state"] == "overdue" for c in overdue["items"])
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).strftime("%Y-%m-%d")
    assert all("" < c["due_date"] < today for c in overdue["items"])
    # the repeat petitioner is not a 初信初访
    first = {c["case_no"]: c["first_time"] for c in body["items"]}
    assert False in first.values() and True in first.values()


def test_sealed_at_rest_and_backup_keeps_key(fresh_server, tmp_path):
    srv = fresh_server
    clerk = srv.client("clerk_dongshan")
    idn = id_number("35090019750505123")
    phone = "13912340077"
    town = region_in(clerk, "东山县")
    r = clerk.post("/api/v1/cases", json={
        "channel": "letter", "kind": "suggestion", "category": "01", "region_id": town["id"],
        "title": "存储加密测试", "content": "测试内容",
        "petitioners": [{"name": "测试人", "id_number": idn, "phone": phone}]})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    key = srv.db + ".key"
    assert os.path.exists(key)
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    # nowhere in the database file (nor its WAL) are the plain values
    for suffix in ("", "-wal"):
        if os.path.exists(srv.db + suffix):
            data = open(srv.db + suffix, "rb").read()
            assert idn.encode() not in data and phone.encode() not in data
            assert b"12340077" not in data
    # found by the petitioner's name, the case number and words of the title, not by another county
    no = clerk.get(f"/api/v1/cases/{cid}").json()["case_no"]
    for kw in ("测试人", no, "加密"):
        found = clerk.get("/api/v1/cases", params={"keyword": kw}).json()
        assert [c["id"] for c in found["items"]] == [cid] and found["total"] == 1, kw
    assert srv.client("clerk_xiyang").get("/api/v1/cases", params={"keyword": "测试人"}).json()["total"] == 0
    # masked in the detail, full in the audited view
    d = clerk.get(f"/api/v1/cases/{cid}").json()
    assert d["petitioners"][0]["phone_masked"] == "139****0077"
    assert d["petitioners"][0]["id_number_masked"] == idn[:6] + "********" + idn[-4:]
    assert clerk.get(f"/api/v1/cases/{cid}/pii").json()["petitioners"][0]["id_number"] == idn
    # a backup comes with its key and opens on its own
    backup = str(tmp_path / "b.db")
    run_cli("backup", backup, db=srv.db)
    assert os.path.exists(backup + ".key")
    assert open(backup + ".key").read() == open(key).read()
    # the key of a backup is never overwritten
    p = run_cli("backup", backup, db=srv.db, check=False)
    assert p.returncode != 0
    os.remove(backup)
    p = run_cli("backup", backup, db=srv.db, check=False)
    assert p.returncode != 0 and "密钥" in p.stderr
    os.remove(backup + ".key")
    os.remove(backup + ".audit")  # the backup's audit checkpoint is never overwritten either
    run_cli("backup", backup, db=srv.db)
    s2 = Server(backup, extra=["--login-rate", "100000"]).start()
    try:
        c2 = s2.client("clerk_dongshan")
        got = c2.get(f"/api/v1/cases/{cid}/pii").json()["petitioners"][0]
        assert (got["id_number"], got["phone"]) == (idn, phone)
    finally:
        assert s2.stop() == 0


def test_calendar_edits_move_open_deadlines(fresh_server):
    srv = fresh_server
    clerk, admin = srv.client("clerk_dongshan"), srv.client("sysadmin")
    town = region_in(clerk, "东山县")
    r = clerk.post("/api/v1/cases", json={
        "channel": "letter", "kind": "suggestion", "category": "01", "region_id": town["id"],
        "title": "期限随日历", "content": "内容", "petitioners": [{"name": "乙", "phone": "13912340078"}]})
    assert r.status_code == 201, r.text
    cid, due = r.json()["id"], r.json()["due_date"]
    listed = lambda: next(c for c in clerk.get("/api/v1/cases").json()["items"] if c["id"] == cid)["due_date"]
    listed_days = {h["day"] for h in admin.get("/api/v1/holidays", params={"year": int(due[:4])}).json()["items"]}
    if due in listed_days:
        pytest.skip(f"{due} is a listed 调休上班 day this year")
    # the due day becomes a public holiday: the period ends on the next working day
    r = admin.post("/api/v1/holidays", json={"day": due, "kind": "holiday", "name": "测试假日"})
    assert r.status_code == 201, r.text
    moved = listed()
    assert moved > due
    assert clerk.get(f"/api/v1/cases/{cid}").json()["due_date"] == moved
    # and back when the entry is removed
    assert admin.delete(f"/api/v1/holidays/{due}").status_code == 204
    assert listed() == due


def test_todo_counts_filters_and_pages(fresh_server):
    srv = fresh_server
    clerk = srv.client("clerk_dongshan")
    town = region_in(clerk, "东山县")
    ids = []
    for i, ago in enumerate((40, 1, 10)):  # received 40, 1 and 10 days ago: overdue, normal, due soon or normal
        day = (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
               - datetime.timedelta(days=ago)).strftime("%Y-%m-%d")
        r = clerk.post("/api/v1/cases", json={
            "channel": "phone", "kind": "suggestion", "category": "01", "region_id": town["id"],
            "title": f"待办{i}", "content": "内容", "received_at": day,
            "petitioners": [{"name": "丙", "phone": f"1391234{i:04d}"}]})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    r = clerk.post(f"/api/v1/cases/{ids[2]}/actions/accept", json={"version": 1})
    assert r.status_code == 200
    body = clerk.get("/api/v1/todo").json()
    assert body["counts"]["accept"] == 2 and body["counts"]["assign"] == 1
    assert body["total"] == 3 and len(body["items"]) == 3
    # received 40 days ago: the 15-day decision is past; received 10 days ago: these are first
    # petitions (初信初访), whose 三个第一 target (assigned within 2 working days) is past too
    assert body["counts"]["overdue"] == 2
    byid = {x["case_id"]: x for x in body["items"]}
    assert byid[ids[1]]["due_step"] == "first_assign" and byid[ids[1]]["first_time"] is True
    dues = [x["due_date"] for x in body["items"]]
    assert dues == sorted(dues)
    # one page at a time, the counts stay those of all tasks
    p1 = clerk.get("/api/v1/todo", params={"page_size": 2}).json()
    p2 = clerk.get("/api/v1/todo", params={"page_size": 2, "page": 2}).json()
    assert [x["case_id"] for x in p1["items"] + p2["items"]] == [x["case_id"] for x in body["items"]]
    assert p1["total"] == p2["total"] == 3 and p1["counts"] == body["counts"]
    # filters by task and by deadline state
    assign = clerk.get("/api/v1/todo", params={"task": "assign"}).json()
    assert assign["total"] == 1 and [x["case_id"] for x in assign["items"]] == [ids[2]]
    over = clerk.get("/api/v1/todo", params={"deadline_state": "overdue"}).json()
    assert over["total"] == 2 and {x["case_id"] for x in over["items"]} == {ids[0], ids[2]}
    assert all(x["deadline_state_label"] == "逾期" for x in over["items"])
    # the statutory deadline of the 10-day-old case is still running: only its target is missed
    det = clerk.get(f"/api/v1/cases/{ids[2]}").json()
    assert det["due_step"] == "accept_decision" and det["deadline_state"] != "overdue"
    for bad in ({"task": "nap"}, {"deadline_state": "late"}, {"page_size": 0}, {"page_size": 201}):
        r = clerk.get("/api/v1/todo", params=bad)
        assert r.status_code == 400, (bad, r.text)
    # another county's clerk has none of these
    assert srv.client("clerk_xiyang").get("/api/v1/todo").json()["total"] == 0
