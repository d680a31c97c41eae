"""Reception-day (接访日) rotation planner: propose a plan over the working days of a period and
validate an edited one (nothing is stored)."""
import datetime

import pytest

from conftest import err

PROPOSE = "/api/v1/reception/plans/propose"
VALIDATE = "/api/v1/reception/plans/validate"


@pytest.fixture(scope="module")
def planner(server):
    return server.client("planner")


@pytest.fixture(scope="module")
def leaders(planner):
    r = planner.get("/api/v1/cadres", params={"is_leader": "true", "page_size": 200})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) >= 4 and all(c["is_leader"] for c in items)
    return items


@pytest.fixture(scope="module")
def counties(planner):
    r = planner.get("/api/v1/regions", params={"level": 2, "page_size": 200})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) == 9
    return items


def body(leaders, n=4, visits=1, start="2026-12-01", end="2026-12-31", **extra):
    b = {"period_start": start, "period_end": end, "visits_per_county": visits,
         "leaders": [{"cadre_id": c["id"]} for c in leaders[:n]]}
    b.update(extra)
    return b


def propose(client, b, expect=200):
    r = client.post(PROPOSE, json=b)
    assert r.status_code == expect, r.text
    return r.json()


def weekday(d):
    return datetime.date.fromisoformat(d).isoweekday()


def test_permission(server, leaders):
    lead = server.client("leader")
    assert lead.post(PROPOSE, json=body(leaders)).status_code == 403
    assert lead.post(VALIDATE, json=body(leaders, plan=[])).status_code == 403


def test_december_has_no_holidays(planner):
    r = planner.get("/api/v1/holidays", params={"year": 2026})
    assert r.status_code == 200, r.text
    assert not [i for i in r.json()["items"] if i["day"].startswith("2026-12")]


def test_propose_december(planner, leaders, counties):
    out = propose(planner, body(leaders))
    plan = out["plan"]
    assert len(plan) == 9
    ids = {c["id"] for c in counties}
    assert sorted(v["county_id"] for v in plan) == sorted(ids)
    names = {c["id"]: c["name"] for c in counties}
    lnames = {c["id"]: c["name"] for c in leaders[:4]}
    seen = set()
    for v in plan:
        assert v["date"].startswith("2026-12-")
        assert weekday(v["date"]) <= 5 and v["weekday"] == weekday(v["date"])
        assert (v["date"], v["leader_id"]) not in seen
        seen.add((v["date"], v["leader_id"]))
        assert v["leader_id"] in lnames and v["leader_name"] == lnames[v["leader_id"]]
        assert v["county_name"] == names[v["county_id"]]
        assert v["unit_ids"] == []
    assert [v["date"] for v in plan] == sorted(v["date"] for v in plan)
    assert sum(x["count"] for x in out["per_leader"]) == 9
    assert {x["leader_id"] for x in out["per_leader"]} == set(lnames)
    counts = [x["count"] for x in out["per_leader"]]
    assert max(counts) - min(counts) <= 1
    assert all(x["count"] == 1 for x in out["per_county"]) and len(out["per_county"]) == 9
    assert out["warning"] is None
    assert propose(planner, body(leaders)) == out  # deterministic


def test_unavailable_and_units(planner, leaders):
    dec = [f"2026-12-{d:02d}" for d in range(1, 32)]
    b = body(leaders, n=2, visits=2)
    b["leaders"][0]["unavailable"] = dec[:15]
    b["leaders"][0]["unit_ids"] = [leaders[0]["unit_id"]]
    out = propose(planner, b)
    assert len(out["plan"]) == 18
    for v in out["plan"]:
        if v["leader_id"] == leaders[0]["id"]:
            assert v["date"] not in dec[:15]
            assert v["unit_ids"] == [leaders[0]["unit_id"]]
    per_day = {}
    for v in out["plan"]:
        per_day.setdefault((v["date"], v["county_id"]), 0)
        per_day[(v["date"], v["county_id"])] += 1
    assert max(per_day.values()) == 1


def test_infeasible(planner, leaders, counties):
    dec = [f"2026-12-{d:02d}" for d in range(1, 32)]
    b = body(leaders, n=1, visits=3)
    b["leaders"][0]["unavailable"] = [d for d in dec if d not in ("2026-12-01", "2026-12-02")]
    r = planner.post(PROPOSE, json=b)
    assert r.status_code == 422, r.text
    e = err(r)
    assert e["code"] == "validation_failed" and e["field"] == "plan"
    names = [c["name"] for c in counties] + [leaders[0]["name"]]
    assert any(n in e["message"] for n in names), e["message"]


def test_bad_inputs(planner, leaders, counties, server):
    def bad(b, field):
        r = planner.post(PROPOSE, json=b)
        assert r.status_code == 422, r.text
        assert err(r)["field"] == field, r.text
        return err(r)["message"]

    r = planner.get("/api/v1/cadres", params={"is_leader": "false", "page_size": 1})
    non = r.json()["items"][0]
    msg = bad({**body(leaders), "leaders": [{"cadre_id": non["id"]}]}, "leaders")
    assert "领导" in msg
    bad({**body(leaders), "leaders": [{"cadre_id": 99999999}]}, "leaders")
    bad({**body(leaders), "leaders": []}, "leaders")
    bad({**body(leaders), "leaders": [{"cadre_id": leaders[0]["id"]}] * 2}, "leaders")
    bad({**body(leaders), "leaders": [{"cadre_id": leaders[0]["id"], "x": 1}]}, "leaders")
    bad({**body(leaders), "leaders": [{"cadre_id": leaders[0]["id"], "unavailable": ["2026-13-01"]}]}, "leaders")
    r = planner.get("/api/v1/regions", params={"level": 3, "page_size": 1})
    town = r.json()["items"][0]
    bad(body(leaders, county_ids=[town["id"]]), "county_ids")
    bad(body(leaders, county_ids=[99999999]), "county_ids")
    bad(body(leaders, county_ids=[counties[0]["id"]] * 2), "county_ids")
    bad(body(leaders, start="2026-12-31", end="2026-12-01"), "period_end")
    bad(body(leaders, start="2026-10-01", end="2027-01-01"), "period_end")  # 93 days
    bad(body(leaders, start="2026-12-32"), "period_start")
    bad(body(leaders, visits=0), "visits_per_county")
    bad(body(leaders, visits=6), "visits_per_county")
    bad(body(leaders, extra_field=1), "extra_field")
    bad(body(leaders, plan=[]), "plan")  # propose takes no plan
    r = planner.post(PROPOSE, json={})
    assert r.status_code == 422
    # 92 days is allowed
    out = propose(planner, body(leaders, start="2026-10-01", end="2026-12-31"))
    assert len(out["plan"]) == 9


def test_subset_of_counties(planner, leaders, counties):
    ids = [counties[2]["id"], counties[0]["id"]]
    out = propose(planner, body(leaders, n=1, visits=2, county_ids=ids))
    assert [x["county_id"] for x in out["per_county"]] == ids
    assert len(out["plan"]) == 4


def test_validate(planner, leaders):
    b = body(leaders)
    out = propose(planner, b)
    r = planner.post(VALIDATE, json={**b, "plan": [{"date": v["date"], "county_id": v["county_id"],
                                                    "leader_id": v["leader_id"]} for v in out["plan"]]})
    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True and r.json()["violations"] == []
    # the proposed plan as returned (with display fields) is accepted as well
    r = planner.post(VALIDATE, json={**b, "plan": out["plan"]})
    assert r.status_code == 200 and r.json()["ok"] is True, r.text

    edited = [dict(date=v["date"], county_id=v["county_id"], leader_id=v["leader_id"]) for v in out["plan"]]
    edited[1]["date"] = edited[0]["date"]
    edited[1]["leader_id"] = edited[0]["leader_id"]
    r = planner.post(VALIDATE, json={**b, "plan": edited})
    assert r.status_code == 200, r.text
    v = r.json()
    assert v["ok"] is False and v["violations"]
    double = [x for x in v["violations"] if x["kind"] == "leader_double"]
    assert double and leaders[[c["id"] for c in leaders].index(edited[0]["leader_id"])]["name"] in double[0]["message"]

    r = planner.post(VALIDATE, json={**b, "plan": edited[:-1]})
    kinds = {x["kind"] for x in r.json()["violations"]}
    assert "county_count" in kinds

    r = planner.post(VALIDATE, json=b)
    assert r.status_code == 422 and err(r)["field"] == "plan"
    r = planner.post(VALIDATE, json={**b, "plan": [{"date": "x", "county_id": 1, "leader_id": 1}]})
    assert r.status_code == 422 and err(r)["field"] == "plan"
