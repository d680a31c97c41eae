"""PUT /api/v1/settings/cases as the 信访办理设置 page uses it, for what test_case_extra.py leaves
out: a partial body keeps the fields it leaves out, the GET answer can be sent back as it is
(labels included), If-Match works as the version, a body with one bad field among good ones
changes nothing, and each save is audited."""
import json

from conftest import err


def settings(c):
    r = c.get("/api/v1/settings/cases")
    assert r.status_code == 200, r.text
    return r.json()


def without_version(s):
    return {k: v for k, v in s.items() if k != "version"}


def test_partial_put_keeps_the_rest(admin):
    s = settings(admin)
    r = admin.put("/api/v1/settings/cases", json={"steps": {"close": {"days": 45}}, "version": s["version"]})
    assert r.status_code == 200, r.text
    s2 = r.json()
    assert s2["version"] == s["version"] + 1
    assert s2["steps"]["close"] == dict(s["steps"]["close"], days=45)  # working and label kept
    assert {k: v for k, v in s2["steps"].items() if k != "close"} == {
        k: v for k, v in s["steps"].items() if k != "close"}
    for k in ("max_extension_days", "warn_days", "repeat_window_days", "similarity_percent"):
        assert s2[k] == s[k], k
    # only the calculation mode of one step
    r = admin.put("/api/v1/settings/cases", json={"steps": {"objection": {"working": False}}, "version": s2["version"]})
    assert r.status_code == 200, r.text
    s3 = r.json()
    assert s3["steps"]["objection"] == dict(s2["steps"]["objection"], working=False)
    assert s3["steps"]["close"]["days"] == 45
    assert settings(admin) == s3


def test_get_answer_round_trips(admin):
    s = settings(admin)
    body = json.loads(json.dumps(s))  # labels and all
    body["steps"]["notice"]["days"] = 20
    body["steps"]["notice"]["label"] = "别的名称"  # labels are the server's: ignored
    body["warn_days"] = 7
    r = admin.put("/api/v1/settings/cases", json=body)
    assert r.status_code == 200, r.text
    s2 = r.json()
    assert s2["steps"]["notice"] == dict(s["steps"]["notice"], days=20)
    assert s2["warn_days"] == 7 and s2["version"] == s["version"] + 1
    # the same body again carries a stale version now
    r = admin.put("/api/v1/settings/cases", json=body)
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    assert settings(admin) == s2


def test_if_match_as_the_version(admin):
    s = settings(admin)
    r = admin.put("/api/v1/settings/cases", json={"similarity_percent": 75},
                  headers={"If-Match": f'"{s["version"]}"'})
    assert r.status_code == 200, r.text
    assert r.json()["similarity_percent"] == 75 and r.json()["version"] == s["version"] + 1
    r = admin.get("/api/v1/settings/cases")
    assert r.headers["ETag"] == f'"{s["version"] + 1}"'


def test_one_bad_field_among_good_ones_changes_nothing(admin):
    s = settings(admin)
    good_steps = {k: {"days": v["days"] % 365 + 1, "working": not v["working"]} for k, v in s["steps"].items()}
    for bad, field in ((dict(warn_days=31), "warn_days"),
                       (dict(steps=dict(good_steps, close={"days": 0, "working": False})), "steps.close.days"),
                       (dict(steps=dict(good_steps, review_answer={"days": 30, "working": 1})),
                        "steps.review_answer.working")):
        body = {"steps": good_steps, "max_extension_days": 20, "warn_days": 2, "repeat_window_days": 100,
                "similarity_percent": 90, "version": s["version"]}
        body.update(bad)
        r = admin.put("/api/v1/settings/cases", json=body)
        assert r.status_code == 422 and err(r)["field"] == field, (bad, r.text)
        assert err(r)["message"]
        assert settings(admin) == s, bad


def test_saves_are_audited(admin, auditadmin):
    s = settings(admin)
    r = admin.put("/api/v1/settings/cases", json={"max_extension_days": 25, "version": s["version"]})
    assert r.status_code == 200, r.text
    r = auditadmin.get("/api/v1/audit", params={"action": "case.settings.update"})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert items, "no case.settings.update record"
    latest = max(items, key=lambda x: x["id"])
    saved = json.loads(latest["details"])
    assert saved["max_extension_days"] == 25 and saved["version"] == s["version"] + 1
