"""Reception days (接访日): saved plans (draft → published, audited, validated like /validate),
publishing into reception days with stable iCalendar UIDs and SEQUENCE, the published days with
their summary, the public schedule and the iCalendar feeds (parsed with python3-icalendar, an
independent RFC 5545 implementation)."""
import datetime
import re

import icalendar
import pytest
import requests

from conftest import err

PLANS = "/api/v1/reception/plans"
DAYS = "/api/v1/reception/days"
PROPOSE = PLANS + "/propose"
PUBLIC = "/api/v1/public/reception-days"
CST = datetime.timezone(datetime.timedelta(hours=8))

PLACE = "县人民来访接待中心（一楼）, 东门; 接待室\\2"  # comma, semicolon and backslash need escaping
LONG_PLACE = "东山县" + "人民来访接待中心" * 11  # folded across lines in the feed (≤ 100 characters)


@pytest.fixture(scope="module")
def planner(server):
    return server.client("planner")


@pytest.fixture(scope="module")
def leader(server):
    return server.client("leader")


@pytest.fixture(scope="module")
def leaders(planner):
    r = planner.get("/api/v1/cadres", params={"is_leader": "true", "page_size": 200})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) >= 4
    return items


@pytest.fixture(scope="module")
def counties(planner):
    r = planner.get("/api/v1/regions", params={"level": 2, "page_size": 200})
    assert r.status_code == 200, r.text
    return r.json()["items"]


@pytest.fixture(scope="module")
def units(server):
    r = server.client("sysadmin").get("/api/v1/units", params={"page_size": 5})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def month_input(leaders, start, end, n=4, unit_ids=None):
    return {"period_start": start, "period_end": end, "visits_per_county": 1,
            "leaders": [{"cadre_id": c["id"], "unit_ids": list(unit_ids or [])} for c in leaders[:n]]}


def proposed(client, inp):
    r = client.post(PROPOSE, json=inp)
    assert r.status_code == 200, r.text
    return r.json()["plan"]


def visits_of(plan, place="县信访局接待大厅", start="09:00", end="12:00"):
    return [{"date": v["date"], "county_id": v["county_id"], "leader_id": v["leader_id"],
             "unit_ids": v.get("unit_ids", []), "place": place, "start_time": start, "end_time": end}
            for v in plan]


def plan_body(name, inp, visits):
    return {"name": name, "period_start": inp["period_start"], "period_end": inp["period_end"],
            "input": inp, "visits": visits}


def create(client, body, expect=201):
    r = client.post(PLANS, json=body)
    assert r.status_code == expect, r.text
    return r.json()


def publish(client, pid, expect=200, **kw):
    r = client.post(f"{PLANS}/{pid}/publish", **kw)
    assert r.status_code == expect, r.text
    return r.json()


def days(client, **params):
    params.setdefault("page_size", 200)
    r = client.get(DAYS, params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def audit_of(server, action, pid):
    r = server.client("auditadmin").get("/api/v1/audit", params={"action": action, "page_size": 200})
    assert r.status_code == 200, r.text
    return [a for a in r.json()["items"] if a["object_id"] == str(pid) and a["object_type"] == "reception_plan"]


def feed(server, kind, ident, expect=200):
    r = requests.get(server.url(f"/api/v1/public/ical/{kind}/{ident}"))
    assert r.status_code == expect, r.text
    return r


def parse_feed(r):
    """Checks the raw text (CRLF only, lines ≤ 75 octets, folding at character boundaries) and
    parses it with python3-icalendar; returns (calendar, events by UID)."""
    assert r.headers["Content-Type"].startswith("text/calendar"), r.headers
    raw = r.content
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # every physical line is whole UTF-8: no character split by a fold
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    tzs = [c for c in cal.walk("VTIMEZONE")]
    assert len(tzs) == 1 and str(tzs[0]["TZID"]) == "Asia/Shanghai"
    events = {}
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        assert uid not in events
        events[uid] = ev
    return cal, events


def local(ev, prop):
    dt = ev[prop].dt
    assert isinstance(dt, datetime.datetime) and dt.tzinfo is not None
    assert ev[prop].params["TZID"] == "Asia/Shanghai"
    return dt.astimezone(CST).replace(tzinfo=None)


def day_uids(server, plan_id):
    return {row[0]: (row[1], row[2]) for row in
            server.sql("SELECT id, uid, sequence FROM reception_days WHERE plan_id = ?", (plan_id,))}


# ---------------------------------------------------------------------------------------------


def test_permissions(server, planner, leader, leaders):
    handler = server.client("handler")  # no reception permission at all
    for path in (PLANS, DAYS, f"{PLANS}/1", f"{DAYS}/1"):
        assert handler.get(path).status_code == 403, path
    inp = month_input(leaders, "2026-12-01", "2026-12-31")
    body = plan_body("权限", inp, [])
    assert leader.post(PLANS, json=body).status_code == 403
    assert leader.put(f"{PLANS}/1", json={**body, "version": 1}).status_code == 403
    assert leader.delete(f"{PLANS}/1").status_code == 403
    assert leader.post(f"{PLANS}/1/publish", json={}).status_code == 403
    assert leader.get(PLANS).status_code == 200  # reception:read
    assert leader.get(DAYS).status_code == 200
    anon = requests.Session()
    assert anon.get(server.url(PLANS)).status_code == 401
    assert anon.get(server.url(DAYS)).status_code == 401
    assert anon.get(server.url(PUBLIC)).status_code == 200


def test_lifecycle_create_update_publish(server, planner, leader, leaders, counties, units):
    inp = month_input(leaders, "2026-12-01", "2026-12-31", unit_ids=[units[1]["id"]])
    plan = proposed(planner, inp)
    assert len(plan) == len(counties)
    vs = visits_of(plan)
    vs[0]["place"] = PLACE
    vs[1]["place"] = LONG_PLACE
    vs[2]["start_time"], vs[2]["end_time"] = "14:30", "17:45"
    del vs[3]["unit_ids"]  # takes the leader's units from the input
    vs[4]["unit_ids"] = [units[2]["id"], units[1]["id"], units[2]["id"]]  # sorted, deduplicated
    before = len(planner.get(PLANS).json()["items"])
    p = create(planner, plan_body("2026年12月接访日安排", inp, vs))
    assert p["status"] == "draft" and p["version"] == 1 and p["published_at"] is None
    assert p["days_count"] == len(vs) and p["pending_changes"] is False
    assert p["input"]["leaders"][0]["cadre_id"] == leaders[0]["id"]
    assert [v["date"] for v in p["visits"]] == sorted(v["date"] for v in vs)
    by_date = {(v["date"], v["county_id"]): v for v in p["visits"]}
    first = by_date[(vs[0]["date"], vs[0]["county_id"])]
    assert first["place"] == PLACE and first["day_id"] is None
    assert first["county_name"] in {c["name"] for c in counties}
    assert first["leader_name"] == {c["id"]: c["name"] for c in leaders}[vs[0]["leader_id"]]
    assert first["units"] == [{"id": units[1]["id"], "name": units[1]["name"]}]
    assert by_date[(vs[2]["date"], vs[2]["county_id"])]["start_time"] == "14:30"
    assert by_date[(vs[3]["date"], vs[3]["county_id"])]["unit_ids"] == [units[1]["id"]]
    assert by_date[(vs[4]["date"], vs[4]["county_id"])]["unit_ids"] == sorted([units[1]["id"], units[2]["id"]])
    listed = planner.get(PLANS).json()["items"]
    assert len(listed) == before + 1
    assert any(x["id"] == p["id"] and x["status"] == "draft" for x in listed)
    # a leader (reception:read) reads it; drafts are not reception days yet
    assert leader.get(f"{PLANS}/{p['id']}").status_code == 200
    assert not [d for d in days(planner, **{"from": "2026-12-01", "to": "2026-12-31"})]
    r = requests.get(server.url(PUBLIC))
    assert not [d for d in r.json()["items"] if d["day"].startswith("2026-12")]

    # update: rename, with the version (stale → 409, none → 428)
    body = plan_body("2026年12月接访日安排（修订）", inp, vs)
    r = planner.put(f"{PLANS}/{p['id']}", json=body)
    assert r.status_code == 428, r.text
    r = planner.put(f"{PLANS}/{p['id']}", json={**body, "version": 9})
    assert r.status_code == 409 and err(r)["code"] == "version_conflict", r.text
    r = planner.put(f"{PLANS}/{p['id']}", json={**body, "version": 1})
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["name"].endswith("（修订）") and p["version"] == 2 and p["status"] == "draft"

    # publish
    p = publish(planner, p["id"])
    assert p["status"] == "published" and p["published_at"] and p["version"] == 3
    assert p["pending_changes"] is False
    assert all(v["day_id"] and v["sequence"] == 0 for v in p["visits"])
    listed = days(planner, **{"from": "2026-12-01", "to": "2026-12-31"})
    assert len(listed) == len(vs)
    assert {d["id"] for d in listed} == {v["day_id"] for v in p["visits"]}
    for d in listed:
        assert d["summary"] == {"visitors": 0, "accepted": 0, "answered_on_spot": 0, "assigned": 0}
        assert d["plan_id"] == p["id"] and d["leader_title"] is not None
    uids = day_uids(server, p["id"])
    assert len(uids) == len(vs)
    assert len({u for u, _ in uids.values()}) == len(vs)
    assert all(re.fullmatch(r"[0-9a-f]{32}@sixia", u) for u, _ in uids.values())

    # audit: create, update, publish
    assert len(audit_of(server, "reception.plan.create", p["id"])) == 1
    assert len(audit_of(server, "reception.plan.update", p["id"])) == 1
    pub = audit_of(server, "reception.plan.publish", p["id"])
    assert len(pub) == 1 and '"added":%d' % len(vs) in pub[0]["details"]

    # a published plan cannot be deleted
    r = planner.delete(f"{PLANS}/{p['id']}")
    assert r.status_code == 409 and "已发布" in err(r)["message"]

    # publishing again without edits changes no day
    p2 = publish(planner, p["id"], json={"version": p["version"]})
    assert day_uids(server, p["id"]) == uids
    r = planner.post(f"{PLANS}/{p['id']}/publish", json={"version": 1})
    assert r.status_code == 409, r.text
    assert p2["version"] == p["version"] + 1


def test_republish_keeps_uid_and_bumps_sequence(server, planner, leaders, counties):
    inp = month_input(leaders, "2027-01-04", "2027-01-29")
    vs = visits_of(proposed(planner, inp))
    p = publish(planner, create(planner, plan_body("2027年1月接访日", inp, vs))["id"])
    uids = day_uids(server, p["id"])
    county = p["visits"][0]["county_id"]
    _, before = parse_feed(feed(server, "county", county))
    assert {str(e["UID"]) for e in before.values()} >= {uids[p["visits"][0]["day_id"]][0]}

    # edit: another leader for the first visit (one who is free that day), a new time for the
    # second, and move the third to another free date (it keeps its day by day_id)
    visits = [dict(v) for v in p["visits"]]
    v0 = visits[0]
    busy = {v["leader_id"] for v in visits if v["date"] == v0["date"]}
    other = next(c["id"] for c in leaders[:4] if c["id"] not in busy)
    v0["leader_id"] = other
    visits[1]["start_time"] = "08:30"
    v2 = visits[2]
    taken = {(v["date"], v["leader_id"]) for v in visits} | {(v["date"], v["county_id"]) for v in visits}
    free = next(d for d in ("2027-01-25", "2027-01-26", "2027-01-27", "2027-01-28", "2027-01-29", "2027-01-22")
                if (d, v2["leader_id"]) not in taken and (d, v2["county_id"]) not in taken)
    v2["date"] = free
    r = planner.put(f"{PLANS}/{p['id']}", json={**plan_body(p["name"], p["input"], visits), "version": p["version"]})
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["status"] == "published" and edited["pending_changes"] is True
    # not public until published again
    assert day_uids(server, p["id"]) == uids
    d0 = planner.get(f"{DAYS}/{v0['day_id']}").json()
    assert d0["leader_id"] != other

    q = publish(planner, p["id"])
    assert q["pending_changes"] is False
    after = day_uids(server, q["id"])
    assert set(after) == set(uids)  # same days
    for day_id, (uid, seq) in after.items():
        assert uid == uids[day_id][0]  # UIDs are stable
        assert seq == (1 if day_id in (v0["day_id"], visits[1]["day_id"], v2["day_id"]) else 0), (day_id, seq)
    d0 = planner.get(f"{DAYS}/{v0['day_id']}").json()
    assert d0["leader_id"] == other and d0["sequence"] == 1
    d2 = planner.get(f"{DAYS}/{v2['day_id']}").json()
    assert d2["day"] == free

    # the feeds carry the new SEQUENCE and details under the same UID
    _, evs = parse_feed(feed(server, "leader", other))
    ev = evs[uids[v0["day_id"]][0]]
    assert int(ev["SEQUENCE"]) == 1
    assert local(ev, "DTSTART") == datetime.datetime.fromisoformat(v0["date"] + "T09:00")
    _, evs = parse_feed(feed(server, "county", v2["county_id"]))
    ev = evs[uids[v2["day_id"]][0]]
    assert local(ev, "DTSTART").date().isoformat() == free and int(ev["SEQUENCE"]) == 1

    # dropping a visit removes its day at the next publish
    visits = [dict(v) for v in q["visits"]]
    dropped = visits.pop()
    # a day id of another plan is not taken over: the visit is matched by itself
    foreign = server.sql("SELECT id FROM reception_days WHERE plan_id <> ? LIMIT 1", (p["id"],))[0][0]
    visits[0]["day_id"] = foreign
    kept = q["visits"][0]["day_id"]
    r = planner.put(f"{PLANS}/{p['id']}", json={**plan_body(p["name"], p["input"], visits), "version": q["version"]})
    assert r.status_code == 200, r.text
    first = next(v for v in r.json()["visits"] if v["date"] == visits[0]["date"] and v["county_id"] == visits[0]["county_id"])
    assert first["day_id"] is None
    q = publish(planner, p["id"])
    assert dropped["day_id"] not in day_uids(server, p["id"])
    assert planner.get(f"{DAYS}/{dropped['day_id']}").status_code == 404
    assert len(q["visits"]) == len(visits)
    assert kept in {v["day_id"] for v in q["visits"]}  # matched again by date and county: same day, same UID
    assert day_uids(server, p["id"])[kept] == after[kept]
    assert server.sql("SELECT plan_id FROM reception_days WHERE id = ?", (foreign,))[0][0] != p["id"]

    # a day that cases refer to is withdrawn from the schedule instead (SEQUENCE + 1), not deleted
    visits = [dict(v) for v in q["visits"]]
    gone = visits.pop()
    uid = server.sql("SELECT id FROM users WHERE username = 'clerk_dongshan'")[0][0]
    unit = server.sql("SELECT unit_id FROM users WHERE id = ?", (uid,))[0][0]
    now = "2026-11-20T00:00:00Z"
    server.sql("INSERT INTO cases (case_no, year, seq, query_hash, channel, kind, region_id, title, content,"
               " received_at, unit_id, reception_day_id, created_by, created_at, updated_at)"
               " VALUES ('XF-T-W', 2026, 90100, 'h-withdrawn', 'reception_day', 'suggestion', ?, '撤回测试', '内容', ?,"
               " ?, ?, ?, ?, ?)", (gone["county_id"], now, unit, gone["day_id"], uid, now, now))
    seq_before = day_uids(server, p["id"])[gone["day_id"]][1]
    r = planner.put(f"{PLANS}/{p['id']}", json={**plan_body(p["name"], p["input"], visits), "version": q["version"]})
    assert r.status_code == 200, r.text
    publish(planner, p["id"])
    row = server.sql("SELECT published, sequence FROM reception_days WHERE id = ?", (gone["day_id"],))
    assert row == [(0, seq_before + 1)]
    assert planner.get(f"{DAYS}/{gone['day_id']}").status_code == 404
    assert gone["day_id"] not in {d["id"] for d in days(planner)}
    _, evs = parse_feed(feed(server, "county", gone["county_id"]))
    assert uids[gone["day_id"]][0] not in evs


def test_validation_errors_change_nothing(server, planner, leaders, counties, units):
    inp = month_input(leaders, "2026-12-01", "2026-12-31")
    plan = proposed(planner, inp)
    good = visits_of(plan)
    before = planner.get(PLANS).json()["items"]
    names = {c["id"]: c["name"] for c in leaders}

    def bad(body, field, *words):
        r = planner.post(PLANS, json=body)
        assert r.status_code == 422, r.text
        e = err(r)
        assert e["field"] == field, r.text
        for w in words:
            assert w in e["message"], (w, e["message"])
        return e

    # a leader twice on one day
    vs = [dict(v) for v in good]
    other = next(v for v in vs if v["leader_id"] != vs[0]["leader_id"] and v["county_id"] != vs[0]["county_id"])
    other["date"] = vs[0]["date"]
    other["leader_id"] = vs[0]["leader_id"]
    e = bad(plan_body("重复", inp, vs), "visits", names[vs[0]["leader_id"]])
    assert any(x["kind"] == "leader_double" for x in e["violations"])
    # a date outside the period, and a weekend
    vs = [dict(v) for v in good]
    vs[0]["date"] = "2027-01-05"
    bad(plan_body("越界", inp, vs), "visits")
    vs[0]["date"] = "2026-12-05"  # Saturday
    bad(plan_body("周末", inp, vs), "visits")
    # the leader is unavailable that day
    inp2 = {**inp, "leaders": [dict(x) for x in inp["leaders"]]}
    k = [x["cadre_id"] for x in inp2["leaders"]].index(good[0]["leader_id"])
    inp2["leaders"][k]["unavailable"] = [good[0]["date"]]
    e = bad(plan_body("不可用", inp2, good), "visits", names[good[0]["leader_id"]])
    assert e["violations"][0]["kind"] == "leader_unavailable"
    # counties and leaders must exist; a visit's leader must be in the input
    bad(plan_body("县", {**inp, "county_ids": [99999999]}, good), "input.county_ids")
    bad(plan_body("领导", {**inp, "leaders": [{"cadre_id": 99999999}]}, good), "input.leaders")
    vs = [dict(v) for v in good]
    vs[0]["leader_id"] = leaders[5]["id"] if len(leaders) > 5 else 99999999
    bad(plan_body("不在名单", inp, vs), "visits")
    vs = [dict(v) for v in good]
    vs[0]["county_id"] = 99999999
    bad(plan_body("未知县", inp, vs), "visits")
    # accompanying units must exist
    vs = [dict(v) for v in good]
    vs[0]["unit_ids"] = [units[0]["id"], 99999999]
    bad(plan_body("单位", inp, vs), "visits", "99999999")
    # times and places
    for s, t in (("9:00", "12:00"), ("09:00", "24:00"), ("12:00", "09:00"), ("09:00", "09:00"), (9, "10:00")):
        vs = [dict(v) for v in good]
        vs[0]["start_time"], vs[0]["end_time"] = s, t
        bad(plan_body("时间", inp, vs), "visits", "时间")
    vs = [dict(v) for v in good]
    vs[0]["place"] = "地" * 101
    bad(plan_body("地点", inp, vs), "visits", "地点")
    vs[0]["place"] = "一楼\n二楼"
    bad(plan_body("地点", inp, vs), "visits", "地点")
    # shape
    vs = [dict(v) for v in good]
    vs[0]["secret"] = 1
    bad(plan_body("字段", inp, vs), "visits", "secret")
    bad(plan_body("空", inp, []), "visits")
    bad({**plan_body("无输入", inp, good), "input": None}, "input")
    bad({**plan_body("", inp, good)}, "name")
    bad({**plan_body("x" * 61, inp, good)}, "name")
    bad({**plan_body("日期", inp, good), "period_start": "2026-02-30"}, "period_start")
    bad({**plan_body("多余", inp, good), "extra": 1}, "extra")
    # the December plan published above books the same leaders on the same days
    e = bad(plan_body("与已发布方案冲突", inp, good), "visits", "已有接访安排", names[good[0]["leader_id"]])
    assert "2026年12月接访日安排" in e["message"]
    assert planner.get(PLANS).json()["items"] == before


def test_delete_draft(server, planner, leaders):
    inp = month_input(leaders, "2027-03-01", "2027-03-31")
    p = create(planner, plan_body("待删除草稿", inp, visits_of(proposed(planner, inp))))
    r = planner.delete(f"{PLANS}/{p['id']}")
    assert r.status_code == 204, r.text
    assert planner.get(f"{PLANS}/{p['id']}").status_code == 404
    assert planner.delete(f"{PLANS}/{p['id']}").status_code == 404
    assert planner.post(f"{PLANS}/{p['id']}/publish").status_code == 404
    assert len(audit_of(server, "reception.plan.delete", p["id"])) == 1


def test_day_filters_and_detail(server, planner, leader, leaders, counties):
    dec = days(planner, **{"from": "2026-12-01", "to": "2026-12-31"})
    assert dec
    assert all(dec[i]["day"] <= dec[i + 1]["day"] for i in range(len(dec) - 1))
    c = dec[0]["county_id"]
    assert {d["county_id"] for d in days(planner, county_id=c)} == {c}
    lid = dec[0]["leader_id"]
    assert {d["leader_id"] for d in days(planner, leader_id=lid)} == {lid}
    assert all(d["day"] >= "2026-12-10" for d in days(planner, **{"from": "2026-12-10"}))
    assert all(d["day"] <= "2026-12-10" for d in days(planner, to="2026-12-10"))
    r = planner.get(DAYS, params={"from": "2026-13-01"})
    assert r.status_code == 400 and err(r)["field"] == "from"
    r = planner.get(DAYS, params={"county_id": "abc"})
    assert r.status_code == 400
    r = planner.get(DAYS, params={"page_size": 2})
    assert r.status_code == 200 and len(r.json()["items"]) == 2 and r.json()["total"] >= len(dec)
    d = leader.get(f"{DAYS}/{dec[0]['id']}")
    assert d.status_code == 200, d.text
    d = d.json()
    for k in ("id", "day", "county_id", "county_name", "leader_id", "leader_name", "units", "place", "start_time",
              "end_time", "summary", "cases"):
        assert k in d, k
    assert set(d["summary"]) == {"visitors", "accepted", "answered_on_spot", "assigned"}
    assert isinstance(d["cases"], list)
    assert planner.get(f"{DAYS}/99999999").status_code == 404


def test_summary_counts_cases(server, planner, leaders):
    """Cases registered for a day count in its summary (SQL over cases and case_events)."""
    dec = days(planner, **{"from": "2026-12-01", "to": "2026-12-31"})
    day = dec[-1]
    region = day["county_id"]
    cases = [(3, "2026-11-20T01:00:00Z", ["onspot"]), (2, "2026-11-20T02:00:00Z", ["assign"]),
             (5, None, []), (1, "2026-11-20T03:00:00Z", [])]
    now = "2026-11-20T00:00:00Z"
    uid = server.sql("SELECT id FROM users WHERE username = 'clerk_dongshan'")[0][0]
    unit = server.sql("SELECT unit_id FROM users WHERE id = ?", (uid,))[0][0]
    for i, (heads, accepted, events) in enumerate(cases):
        server.sql("INSERT INTO cases (case_no, year, seq, query_hash, channel, kind, region_id, title, content,"
                   " received_at, head_count, status, unit_id, accepted_at, reception_day_id, created_by, created_at,"
                   " updated_at) VALUES (?, 2026, ?, ?, 'reception_day', 'appeal', ?, ?, '内容', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (f"XF-T-{i}", 90000 + i, f"h-summary-{i}", region, f"接访日事项{i}", now, heads,
                    "accepted" if accepted else "registered", unit, accepted, day["id"], uid, now, now))
        cid = server.sql("SELECT id FROM cases WHERE case_no = ?", (f"XF-T-{i}",))[0][0]
        for a in events:
            server.sql("INSERT INTO case_events (case_id, action, at) VALUES (?, ?, ?)", (cid, a, now))
    d = planner.get(f"{DAYS}/{day['id']}").json()
    assert d["summary"] == {"visitors": 11, "accepted": 3, "answered_on_spot": 1, "assigned": 1}
    listed = {x["id"]: x for x in days(planner, **{"from": day["day"], "to": day["day"]})}
    assert listed[day["id"]]["summary"] == d["summary"]
    pub = [x for x in requests.get(server.url(PUBLIC), params={"county_id": region}).json()["items"]
           if x["id"] == day["id"]]
    assert pub and pub[0]["matters_received"] == 4


def test_public_schedule_only_published(server, planner, leaders, counties):
    # a past month (older than 30 days) is published but not on the public schedule
    inp = month_input(leaders, "2026-09-01", "2026-09-30")
    past = publish(planner, create(planner, plan_body("2026年9月接访日", inp, visits_of(proposed(planner, inp))))["id"])
    # a draft is never public
    inp = month_input(leaders, "2027-02-01", "2027-02-26")
    draft = create(planner, plan_body("2027年2月草稿", inp, visits_of(proposed(planner, inp))))
    r = requests.get(server.url(PUBLIC))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert items
    keys = {"id", "day", "start_time", "end_time", "place", "county_id", "county_name", "leader_name", "leader_title",
            "units", "matters_received"}
    today = datetime.datetime.now(CST).date()
    published = {row[0] for row in server.sql("SELECT id FROM reception_days WHERE published = 1")}
    for it in items:
        assert set(it) == keys, set(it) ^ keys  # no plan, uid, sequence, summary or ids of people
        assert it["id"] in published
        assert datetime.date.fromisoformat(it["day"]) >= today - datetime.timedelta(days=30)
        assert all(isinstance(u, str) for u in it["units"])
    assert not [it for it in items if it["day"].startswith("2026-09")]
    assert not [it for it in items if it["day"].startswith("2027-02")]
    assert days(planner, **{"from": "2026-09-01", "to": "2026-09-30"})  # the console still lists them
    assert len(past["visits"]) > 0 and draft["status"] == "draft"
    c = counties[0]["id"]
    only = requests.get(server.url(PUBLIC), params={"county_id": c}).json()["items"]
    assert only and {it["county_id"] for it in only} == {c}
    assert requests.get(server.url(PUBLIC), params={"county_id": "x"}).status_code == 400


def test_ical_feeds(server, planner, leaders, counties):
    dec = days(planner, **{"from": "2026-12-01", "to": "2026-12-31"})
    by_county = {}
    for d in days(planner):
        by_county.setdefault(d["county_id"], []).append(d)
    uid_of = {row[0]: (row[1], row[2]) for row in server.sql("SELECT id, uid, sequence FROM reception_days")}
    checked_long = checked_escape = False
    for c in counties:
        cal, evs = parse_feed(feed(server, "county", c["id"]))
        assert c["name"] in str(cal["X-WR-CALNAME"])
        mine = [d for d in by_county.get(c["id"], []) if d["day"] >= "2025-11-29"]
        assert {uid_of[d["id"]][0] for d in mine} == set(evs)
        for d in mine:
            ev = evs[uid_of[d["id"]][0]]
            assert str(ev["SUMMARY"]) == f"接访日：{d['county_name']}（{d['leader_name']}）"
            assert str(ev["LOCATION"]) == d["place"]
            assert local(ev, "DTSTART") == datetime.datetime.fromisoformat(f"{d['day']}T{d['start_time']}")
            assert local(ev, "DTEND") == datetime.datetime.fromisoformat(f"{d['day']}T{d['end_time']}")
            assert int(ev["SEQUENCE"]) == uid_of[d["id"]][1]
            stamp = ev["DTSTAMP"].dt
            assert stamp.tzinfo is not None and stamp.utcoffset() == datetime.timedelta(0)
            assert d["leader_name"] in str(ev["DESCRIPTION"])
            checked_long |= d["place"] == LONG_PLACE
            checked_escape |= d["place"] == PLACE
    assert checked_long and checked_escape
    raw = b"".join(feed(server, "county", c["id"]).content for c in counties)
    assert "东门\\; 接待室\\\\2".encode() in raw and "（一楼）\\,".encode() in raw  # escaped TEXT
    # the long place is folded across lines
    assert any(len(line) >= 73 for line in raw.split(b"\r\n")) and b"\r\n " in raw
    # per leader: exactly that leader's published days
    lid = dec[0]["leader_id"]
    _, evs = parse_feed(feed(server, "leader", lid))
    want = {uid_of[d["id"]][0] for d in days(planner, leader_id=lid) if d["day"] >= "2025-11-29"}
    assert want and set(evs) == want
    for ev in evs.values():
        assert str(ev["SUMMARY"]).endswith(f"（{dec[0]['leader_name']}）")
    # unknown county / leader, a town, a cadre who is not a leader
    feed(server, "county", 99999999, expect=404)
    feed(server, "leader", 99999999, expect=404)
    town = planner.get("/api/v1/regions", params={"level": 3, "page_size": 1}).json()["items"][0]
    feed(server, "county", town["id"], expect=404)
    non = planner.get("/api/v1/cadres", params={"is_leader": "false", "page_size": 1}).json()["items"][0]
    feed(server, "leader", non["id"], expect=404)
    feed(server, "county", "abc", expect=404)
    # drafts are never in a feed
    draft_days = {row[0] for row in server.sql("SELECT uid FROM reception_days WHERE published = 0")}
    assert not draft_days & set(evs)


@pytest.fixture(scope="module")
def demo_day(tmp_path_factory):
    """A `sixia demo --with-cases` server: its published reception day in 霞溪县 (9 days ago)."""
    from conftest import Server, run_cli
    db = str(tmp_path_factory.mktemp("recdemo") / "d.db")
    run_cli("demo", "--with-cases", db=db)
    srv = Server(db, extra=["--login-rate", "100000"]).start()
    rows = srv.sql("SELECT id, county_id FROM reception_days WHERE published = 1")
    assert len(rows) == 1, rows
    yield srv, rows[0][0], rows[0][1]
    assert srv.stop() == 0


def test_demo_day_summary_and_cases(demo_day):
    srv, day_id, county = demo_day
    assigned = srv.sql("SELECT COUNT(*) FROM cases c WHERE reception_day_id = ? AND EXISTS"
                       " (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = 'assign')", (day_id,))[0][0]
    assert assigned > 0
    want = {"visitors": 101, "accepted": 85, "answered_on_spot": 12, "assigned": assigned}
    leader = srv.client("leader")
    listed = [d for d in days(leader) if d["id"] == day_id]
    assert listed and listed[0]["summary"] == want and listed[0]["county_name"] == "霞溪县"
    d = leader.get(f"{DAYS}/{day_id}")
    assert d.status_code == 200, d.text
    d = d.json()
    assert d["summary"] == want
    assert d["cases_total"] == 90 and len(d["cases"]) == 90
    assert all(c["reception_day_id"] == day_id and c["case_no"].startswith("XF-") for c in d["cases"])
    assert sum(c["head_count"] for c in d["cases"]) == 101
    # the 东山县 clerk reads the day and its numbers, but none of its cases (霞溪县 is outside the scope)
    dong = srv.client("clerk_dongshan")
    d2 = dong.get(f"{DAYS}/{day_id}").json()
    assert d2["summary"] == want and d2["cases"] == [] and d2["cases_total"] == 0
    # the public schedule shows the day (within the last 30 days) with its matters, nothing internal
    pub = [x for x in requests.get(srv.url(PUBLIC), params={"county_id": county}).json()["items"] if x["id"] == day_id]
    assert pub and pub[0]["matters_received"] == 90 and pub[0]["county_name"] == "霞溪县"
    assert "summary" not in pub[0] and "plan_id" not in pub[0] and "leader_id" not in pub[0]
    # and the county feed carries it
    uid = srv.sql("SELECT uid FROM reception_days WHERE id = ?", (day_id,))[0][0]
    _, evs = parse_feed(feed(srv, "county", county))
    assert set(evs) == {uid}
    assert str(evs[uid]["SUMMARY"]).startswith("接访日：霞溪县（") and str(evs[uid]["LOCATION"]) == "霞溪县信访局接待大厅"
    # the demo plan is published and has no pending changes
    plans = leader.get(PLANS).json()["items"]
    assert [p["status"] for p in plans] == ["published"] and plans[0]["pending_changes"] is False
