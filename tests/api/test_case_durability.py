"""Concurrent actions on one case (exactly one wins) and durability of a created case across
kill -9 (its sealed personal data still opens: the key file persisted)."""
import signal
import threading

import pytest

from casehelp import C, World, act, drive, get, timeline_actions, today
from conftest import run_cli


@pytest.fixture(scope="module")
def w(server):
    return World(server)


def race(clients, cid, action, body_of):
    """Posts action from every client at once; returns the status codes."""
    barrier = threading.Barrier(len(clients))
    out = [None] * len(clients)

    def go(i, c):
        body = dict(body_of(i))
        body.setdefault("version", c.get(f"{C}/{cid}").json()["version"])
        barrier.wait()
        out[i] = c.post(f"{C}/{cid}/actions/{action}", json=body).status_code

    ts = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=60)
    return out


@pytest.mark.parametrize("with_version", [True, False])
def test_two_identical_actions_one_wins(w, server, with_version):
    clerks = [server.client("clerk_dongshan") for _ in range(2)]
    for _ in range(5):
        cid = w.create()["id"]
        v = get(w.clerk, cid)["version"]
        codes = race(clerks, cid, "accept", lambda i: {"version": v} if with_version else {})
        assert sorted(codes) == [200, 409], codes
        det = get(w.clerk, cid)
        assert timeline_actions(det).count("accept") == 1 and det["status"] == "accepted"


def test_concurrent_different_actions(w, server):
    """accept and decline at once: one of them, never both."""
    c1, c2 = server.client("clerk_dongshan"), server.client("clerk_dongshan")
    for _ in range(5):
        cid = w.create()["id"]
        barrier = threading.Barrier(2)
        out = {}

        def go(name, c, body):
            body = dict(body, version=c.get(f"{C}/{cid}").json()["version"])
            barrier.wait()
            out[name] = c.post(f"{C}/{cid}/actions/{name}", json=body).status_code

        ts = [threading.Thread(target=go, args=("accept", c1, {})),
              threading.Thread(target=go, args=("decline", c2, {"reason": "不属于受理范围"}))]
        for t in ts:
            t.start()
        for t in ts:
            t.join(timeout=60)
        assert sorted(out.values()) == [200, 409], out
        det = get(w.clerk, cid)
        acts = timeline_actions(det)
        assert acts.count("accept") + acts.count("decline") == 1
        assert det["status"] == ("accepted" if out["accept"] == 200 else "declined")


def test_concurrent_extension_requests(w, server):
    hs = [server.client("handler") for _ in range(3)]
    cid = w.create()["id"]
    drive(w, cid, "signed")
    codes = race(hs, cid, "extend_request", lambda i: {"reason": f"申请{i}", "extend_days": 5 + i})
    assert sorted(codes) == [200, 409, 409], codes
    assert timeline_actions(get(w.handler, cid)).count("extend_request") == 1


def test_case_survives_kill9(core_spawn):
    s = core_spawn()
    if not s.demo:
        pytest.skip("needs the demo accounts")
    w = World(s)
    c = w.create(title="断电前登记的事项", petitioners=[{"name": "持久", "phone": "13900009999"}])
    cid = c["id"]
    act(w.clerk, cid, "accept")
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait(timeout=10)
    assert s.proc.returncode == -signal.SIGKILL
    s.proc = None
    s.logf.close()
    s2 = core_spawn.restart(s)
    clerk = s2.client("clerk_dongshan")
    det = get(clerk, cid)
    assert det["title"] == "断电前登记的事项" and det["status"] == "accepted" and det["case_no"] == c["case_no"]
    assert timeline_actions(det) == ["register", "accept"]
    r = clerk.get(f"{C}/{cid}/pii")
    assert r.status_code == 200 and r.json()["petitioners"][0]["phone"] == "13900009999"
    assert s2.sql("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'case.%' AND object_id = ?", (str(cid),))[0][0] >= 2
    # numbering continues after the restart
    c2 = World(s2).create()
    assert c2["case_no"] > c["case_no"] and c2["case_no"].startswith(f"XF-{today().year}-")
    p = run_cli("check", db=s2.db, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
