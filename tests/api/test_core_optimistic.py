"""Optimistic concurrency on updates: ETag / If-Match, body version, 409 / 412 / 428."""
import threading

import pytest

from conftest import err


@pytest.fixture(scope="module")
def srv(core_server):
    return core_server


@pytest.fixture(scope="module")
def admin(srv):
    return srv.client("sysadmin")


@pytest.fixture(scope="module")
def other(srv):
    return srv.client("sysadmin")


_n = [0]


@pytest.fixture
def region(admin):
    _n[0] += 1
    code = f"44{_n[0]:04d}"
    r = admin.post("/api/v1/regions", json={"code": code, "name": "乐观锁", "level": 1})
    assert r.status_code == 201, r.text
    assert r.headers["ETag"] == '"1"'
    return r.json()


def body(reg, **kw):
    b = {"code": reg["code"], "name": reg["name"], "level": reg["level"]}
    b.update(kw)
    return b


def test_get_has_etag(admin, region):
    r = admin.get(f"/api/v1/regions/{region['id']}")
    assert r.status_code == 200
    assert r.headers["ETag"] == f'"{r.json()["version"]}"' == '"1"'


def test_put_with_if_match(admin, region, srv):
    url = f"/api/v1/regions/{region['id']}"
    r = admin.put(url, json=body(region, name="改一"), headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["name"] == "改一"
    assert r.headers["ETag"] == '"2"'
    g = admin.get(url)
    assert g.headers["ETag"] == '"2"' and g.json()["name"] == "改一"
    # stale If-Match
    n_audit = srv.sql("SELECT COUNT(*) FROM audit_log")[0][0]
    r = admin.put(url, json=body(region, name="过期"), headers={"If-Match": '"1"'})
    assert r.status_code == 412 and err(r)["code"] == "precondition_failed", r.text
    # garbage If-Match
    r = admin.put(url, json=body(region, name="过期"), headers={"If-Match": '"abc"'})
    assert r.status_code == 412
    r = admin.put(url, json=body(region, name="过期"), headers={"If-Match": '"3"'})
    assert r.status_code == 412
    g = admin.get(url)
    assert g.json()["name"] == "改一" and g.json()["version"] == 2
    assert srv.sql("SELECT COUNT(*) FROM audit_log")[0][0] == n_audit


def test_put_with_body_version(admin, region):
    url = f"/api/v1/regions/{region['id']}"
    r = admin.put(url, json=body(region, name="改二", version=1))
    assert r.status_code == 200 and r.json()["version"] == 2
    r = admin.put(url, json=body(region, name="过期", version=1))
    assert r.status_code == 409 and err(r)["code"] == "version_conflict", r.text
    r = admin.put(url, json=body(region, name="未来", version=99))
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    assert admin.get(url).json()["name"] == "改二"
    r = admin.put(url, json=body(region, name="改三", version=2))
    assert r.status_code == 200 and r.json()["version"] == 3


def test_put_without_version(admin, region, srv):
    url = f"/api/v1/regions/{region['id']}"
    n_audit = srv.sql("SELECT COUNT(*) FROM audit_log")[0][0]
    r = admin.put(url, json=body(region, name="无版本"))
    assert r.status_code == 428 and err(r)["code"] == "precondition_required", r.text
    r = admin.put(url, json=body(region, name="无版本", version=None))
    assert r.status_code == 428
    g = admin.get(url).json()
    assert g["name"] == "乐观锁" and g["version"] == 1
    assert srv.sql("SELECT COUNT(*) FROM audit_log")[0][0] == n_audit


def test_if_match_wins_over_body_version(admin, region):
    url = f"/api/v1/regions/{region['id']}"
    r = admin.put(url, json=body(region, name="x", version=1), headers={"If-Match": '"5"'})
    assert r.status_code == 412


def test_second_editor_loses(admin, other, region):
    url = f"/api/v1/regions/{region['id']}"
    a = admin.get(url).json()
    b = other.get(url).json()
    assert a["version"] == b["version"] == 1
    r = admin.put(url, json=body(a, name="甲的修改", version=a["version"]))
    assert r.status_code == 200
    r = other.put(url, json=body(b, name="乙的修改", version=b["version"]))
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    g = other.get(url).json()
    assert g["name"] == "甲的修改" and g["version"] == 2
    # after reloading, the second editor can save
    r = other.put(url, json=body(g, name="乙的修改", version=g["version"]))
    assert r.status_code == 200 and r.json()["version"] == 3


def test_simultaneous_editors_one_wins(admin, other, region, srv):
    url = f"/api/v1/regions/{region['id']}"
    for round_ in range(5):
        cur = admin.get(url).json()
        results = {}
        barrier = threading.Barrier(2)

        def put(name, client):
            barrier.wait()
            results[name] = client.put(url, json=body(cur, name=f"{name}{round_}", version=cur["version"]))

        ts = [threading.Thread(target=put, args=(n, c)) for n, c in (("甲", admin), ("乙", other))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        codes = sorted(r.status_code for r in results.values())
        assert codes == [200, 409], {k: (v.status_code, v.text[:100]) for k, v in results.items()}
        winner = next(k for k, v in results.items() if v.status_code == 200)
        g = admin.get(url).json()
        assert g["name"] == f"{winner}{round_}" and g["version"] == cur["version"] + 1
    n = srv.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'region.update' AND object_id = ?",
                (str(region["id"]),))[0][0]
    assert n == 5


def test_put_on_missing_record(admin):
    r = admin.put("/api/v1/regions/999999", json={"code": "449999", "name": "x", "level": 1, "version": 1})
    assert r.status_code == 404 and err(r)["code"] == "not_found"


def test_delete_then_put(admin, region):
    url = f"/api/v1/regions/{region['id']}"
    assert admin.delete(url).status_code == 204
    r = admin.put(url, json=body(region, version=1))
    assert r.status_code == 404
    assert admin.get(url).status_code == 404
    assert admin.delete(url).status_code == 404
