"""The audit log: what is recorded, how it is read (audit administrator only), and how it is protected
(append-only triggers, hash chain checked by `sixia check`)."""
import datetime
import hashlib
import os
import sqlite3
import threading
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
import requests

from conftest import DEMO_PASSWORD, Client, err, run_cli

TZ = ZoneInfo("Asia/Shanghai")
TMP_PASSWORD = "Linshi#Mima2027"


@pytest.fixture(scope="module")
def srv(core_server):
    return core_server


@pytest.fixture(scope="module")
def admin(srv):
    return srv.client("sysadmin")


@pytest.fixture(scope="module")
def sec(srv):
    return srv.client("secadmin")


@pytest.fixture(scope="module")
def auditor(srv):
    return srv.client("auditadmin")


def audit(auditor, **params):
    params.setdefault("page_size", 200)
    r = auditor.get("/api/v1/audit", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def find(auditor, action, **match):
    items = audit(auditor, action=action)["items"]
    return [i for i in items if all(str(i.get(k)) == str(v) for k, v in match.items())]


@pytest.fixture(scope="module")
def activity(srv, admin, sec, auditor):
    """Does one of every audited kind of write; returns what is needed to find the records."""
    out = {}
    r = admin.post("/api/v1/regions", json={"code": "660100", "name": "审计地区", "level": 1})
    assert r.status_code == 201
    out["region"] = rid = r.json()["id"]
    r = admin.put(f"/api/v1/regions/{rid}", json={"code": "660100", "name": "审计地区改", "level": 1, "version": 1})
    assert r.status_code == 200
    r = admin.post("/api/v1/regions", json={"code": "660200", "name": "将删除", "level": 1})
    out["deleted"] = did = r.json()["id"]
    assert admin.delete(f"/api/v1/regions/{did}").status_code == 204
    cur = sec.get("/api/v1/settings/security").json()
    cur["lockout_minutes"] = 11
    assert sec.put("/api/v1/settings/security", json=cur).status_code == 200
    # a login, a logout, a failed login, a failed login of an unknown name, password changes
    c = Client(srv)
    c.login("sysadmin")
    out["sysadmin_id"] = c.me["id"]
    assert c.post("/api/v1/auth/logout").status_code == 204
    r = requests.post(srv.url("/api/v1/auth/login"), json={"username": "sysadmin", "password": "Wrong@2026"})
    assert r.status_code == 401
    out["ghost"] = ghost = "ghost_" + uuid.uuid4().hex[:6]
    r = requests.post(srv.url("/api/v1/auth/login"), json={"username": ghost, "password": "Wrong@2026"})
    assert r.status_code == 401
    c = srv.client("sysadmin")
    assert c.post("/api/v1/auth/password",
                  json={"old_password": DEMO_PASSWORD, "new_password": TMP_PASSWORD}).status_code == 204
    assert c.post("/api/v1/auth/password",
                  json={"old_password": TMP_PASSWORD, "new_password": DEMO_PASSWORD}).status_code == 204
    # a password change ends the account's other sessions, the admin client's included
    assert admin.get("/api/v1/regions").status_code == 401
    admin.login("sysadmin")
    # failed writes: a refused region create (duplicate) is not a change
    r = admin.post("/api/v1/regions", json={"code": "660100", "name": "重复", "level": 1})
    assert r.status_code == 409
    return out


def one(rows, what):
    assert len(rows) >= 1, f"no audit record for {what}"
    return rows[0]


def check_record(rec, username, action, object_type=None, object_id=None, result="success"):
    assert rec["username"] == username, rec
    assert rec["ip"] == "127.0.0.1", rec
    assert rec["action"] == action, rec
    assert rec["result"] == result, rec
    if object_type is not None:
        assert rec["object_type"] == object_type, rec
    if object_id is not None:
        assert str(rec["object_id"]) == str(object_id), rec
    assert rec["ts"].endswith("Z") and datetime.datetime.fromisoformat(rec["ts"].replace("Z", "+00:00"))
    assert isinstance(rec["id"], int)


def test_region_writes_audited(auditor, activity):
    rid = activity["region"]
    rec = one(find(auditor, "region.create", object_id=rid), "region.create")
    check_record(rec, "sysadmin", "region.create", "region", rid)
    assert "660100" in rec["details"]
    rec = one(find(auditor, "region.update", object_id=rid), "region.update")
    check_record(rec, "sysadmin", "region.update", "region", rid)
    assert "审计地区改" in rec["details"]
    rec = one(find(auditor, "region.delete", object_id=activity["deleted"]), "region.delete")
    check_record(rec, "sysadmin", "region.delete", "region", activity["deleted"])
    # the refused duplicate did not write anything
    assert len(find(auditor, "region.create", object_id=rid)) == 1
    assert all("重复" not in i["details"] for i in audit(auditor, action="region.create")["items"])


def test_settings_change_audited(auditor, activity):
    rec = one(find(auditor, "settings.security.update"), "settings.security.update")
    check_record(rec, "secadmin", "settings.security.update", "settings")
    assert "lockout_minutes=11" in rec["details"]


def test_auth_events_audited(auditor, activity):
    uid = activity["sysadmin_id"]
    check_record(one(find(auditor, "auth.login", username="sysadmin"), "login"), "sysadmin", "auth.login",
                 "user", uid)
    check_record(one(find(auditor, "auth.logout", username="sysadmin"), "logout"), "sysadmin", "auth.logout",
                 "user", uid)
    fails = find(auditor, "auth.login_failed", username="sysadmin")
    check_record(one(fails, "failed login"), "sysadmin", "auth.login_failed", "user", result="failure")
    ghost = find(auditor, "auth.login_failed", username=activity["ghost"])
    check_record(one(ghost, "failed login of an unknown name"), activity["ghost"], "auth.login_failed",
                 result="failure")
    changes = find(auditor, "auth.password_change", username="sysadmin")
    assert len(changes) >= 2
    for rec in changes[:2]:
        check_record(rec, "sysadmin", "auth.password_change", "user", uid)
        assert DEMO_PASSWORD not in rec["details"] and TMP_PASSWORD not in rec["details"]


def test_no_secret_in_audit(srv, activity):
    dump = str(srv.sql("SELECT * FROM audit_log"))
    assert DEMO_PASSWORD not in dump and TMP_PASSWORD not in dump and "Wrong@2026" not in dump


def test_records_are_newest_first_and_complete(auditor, srv, activity):
    body = audit(auditor)
    assert body["total"] == srv.sql("SELECT COUNT(*) FROM audit_log")[0][0]
    ids = [i["id"] for i in body["items"]]
    assert ids == sorted(ids, reverse=True)
    for it in body["items"]:
        assert {"id", "ts", "user_id", "username", "ip", "action", "object_type", "object_id", "result",
                "details"} <= set(it)
        assert "hash" not in it or it["hash"]


def test_filters(auditor, activity):
    total = audit(auditor)["total"]
    b = audit(auditor, action="region.create")
    assert b["total"] >= 2 and all(i["action"] == "region.create" for i in b["items"])
    b = audit(auditor, username="secadmin")
    assert b["total"] >= 1 and all(i["username"] == "secadmin" for i in b["items"])
    assert any(i["action"] == "settings.security.update" for i in b["items"])
    f = audit(auditor, result="failure")
    s = audit(auditor, result="success")
    assert f["total"] >= 2 and all(i["result"] == "failure" for i in f["items"])
    assert all(i["result"] == "success" for i in s["items"])
    assert f["total"] + s["total"] == total
    b = audit(auditor, object_type="settings")
    assert b["total"] >= 1 and all(i["object_type"] == "settings" for i in b["items"])
    b = audit(auditor, username="sysadmin", action="auth.login_failed")
    assert b["total"] >= 1 and all(i["username"] == "sysadmin" and i["action"] == "auth.login_failed"
                                   for i in b["items"])
    assert audit(auditor, username="nobody_at_all")["total"] == 0
    assert audit(auditor, action="no.such.action")["total"] == 0


def test_date_filters(auditor, activity):
    """A bare date is a whole day in China time. The records' own days are used, not today's:
    a run that crosses midnight writes records on two days."""
    everything = audit(auditor)
    total = everything["total"]
    assert total <= 200, total

    def china_day(ts):
        return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(TZ).date()

    by_day = {}
    for i in everything["items"]:
        by_day.setdefault(china_day(i["ts"]), set()).add(i["id"])
    first, last = min(by_day), max(by_day)
    day = datetime.timedelta(days=1)
    for dd, ids in by_day.items():
        got = audit(auditor, **{"from": str(dd), "to": str(dd)})
        assert {i["id"] for i in got["items"]} == ids, dd
    assert audit(auditor, **{"from": str(first), "to": str(last)})["total"] == total
    assert audit(auditor, **{"from": str(first)})["total"] == total
    assert audit(auditor, **{"from": str(last + day)})["total"] == 0
    assert audit(auditor, to=str(first - day))["total"] == 0
    assert audit(auditor, to=str(last))["total"] == total
    assert audit(auditor, **{"from": "2000-01-01T00:00:00Z", "to": "2999-01-01T00:00:00Z"})["total"] == total
    # exact instants cut between records
    items = audit(auditor)["items"]
    newest = items[0]["ts"]
    after = audit(auditor, **{"from": newest})
    assert after["total"] >= 1 and all(i["ts"] >= newest for i in after["items"])
    before = audit(auditor, to=newest)
    assert all(i["ts"] < newest for i in before["items"])
    assert after["total"] + before["total"] == total


def test_paging(auditor, activity):
    total = audit(auditor)["total"]
    assert total >= 10
    p1 = audit(auditor, page=1, page_size=3)
    p2 = audit(auditor, page=2, page_size=3)
    assert p1["total"] == p2["total"] == total
    assert p1["page"] == 1 and p1["page_size"] == 3 and len(p1["items"]) == 3
    assert p2["page"] == 2 and len(p2["items"]) == 3
    ids1, ids2 = [i["id"] for i in p1["items"]], [i["id"] for i in p2["items"]]
    assert not set(ids1) & set(ids2) and min(ids1) > max(ids2)
    every = audit(auditor, page_size=200)["items"]
    assert [i["id"] for i in every[:6]] == ids1 + ids2
    last_page = (total + 2) // 3
    assert len(audit(auditor, page=last_page, page_size=3)["items"]) == total - 3 * (last_page - 1)
    assert audit(auditor, page=last_page + 1, page_size=3)["items"] == []


def test_login_log_only_auth(auditor, activity):
    r = auditor.get("/api/v1/login-log", params={"page_size": 200})
    assert r.status_code == 200
    body = r.json()
    assert body["items"]
    assert {i["action"] for i in body["items"]} <= {"auth.login", "auth.logout", "auth.login_failed"}
    assert {"auth.login", "auth.logout", "auth.login_failed"} <= {i["action"] for i in body["items"]}
    assert body["total"] < audit(auditor)["total"]
    assert any(i["username"] == activity["ghost"] for i in body["items"])
    r = auditor.get("/api/v1/login-log", params={"result": "failure"})
    assert all(i["result"] == "failure" and i["action"] == "auth.login_failed" for i in r.json()["items"])
    # asking the login log for another action gives nothing
    r = auditor.get("/api/v1/login-log", params={"action": "region.create"})
    assert r.json()["total"] == 0


@pytest.mark.parametrize("path", ["/api/v1/audit", "/api/v1/login-log"])
def test_only_audit_admin_reads(admin, sec, srv, path):
    for c in (admin, sec):
        r = c.get(path)
        assert r.status_code == 403 and err(r)["code"] == "forbidden", (c.me["username"], r.text)
    assert requests.get(srv.url(path)).status_code == 401


def test_audit_admin_cannot_do_other_jobs(auditor):
    r = auditor.post("/api/v1/regions", json={"code": "660300", "name": "x", "level": 1})
    assert r.status_code == 403
    assert auditor.get("/api/v1/settings/security").status_code == 403
    assert "audit:read" in auditor.me["permissions"] and "region:write" not in auditor.me["permissions"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "POST", "PATCH"])
def test_audit_is_read_only_over_http(srv, auditor, method):
    n = srv.sql("SELECT COUNT(*) FROM audit_log")[0][0]
    for path in ("/api/v1/audit", "/api/v1/login-log"):
        r = auditor.req(method, path, json={"details": "x"})
        assert r.status_code == 405 and err(r)["code"] == "method_not_allowed", r.text
        assert r.headers["Allow"] == "GET"
    r = auditor.req(method, "/api/v1/audit/1", json={})
    assert r.status_code in (404, 405)
    assert srv.sql("SELECT COUNT(*) FROM audit_log")[0][0] == n


def test_sql_update_delete_refused_by_triggers(srv, activity):
    first = srv.sql("SELECT id, details, hash FROM audit_log ORDER BY id LIMIT 1")[0]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        srv.sql("UPDATE audit_log SET details = 'changed' WHERE id = ?", (first[0],))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        srv.sql("DELETE FROM audit_log WHERE id = ?", (first[0],))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        srv.sql("DELETE FROM audit_log")
    assert srv.sql("SELECT id, details, hash FROM audit_log ORDER BY id LIMIT 1")[0] == first


def check(db):
    p = run_cli("check", db=db, check=False)
    return p.returncode, p.stdout + p.stderr


def test_check_clean_db(srv, activity):
    rc, out = check(srv.db)
    assert rc == 0, out
    n = srv.sql("SELECT COUNT(*) FROM audit_log")[0][0]
    assert str(n) in out


def drop_triggers(s):
    s.sql("DROP TRIGGER audit_log_no_update")
    s.sql("DROP TRIGGER audit_log_no_delete")


@pytest.fixture
def busy(core_spawn):
    """A server of its own with some audit history."""
    s = core_spawn()
    c = s.client("sysadmin")
    for i in range(5):
        assert c.post("/api/v1/regions", json={"code": f"66{i:04d}", "name": f"篡改{i}", "level": 1}).status_code == 201
    rc, out = check(s.db)
    assert rc == 0, out
    return s


@pytest.mark.parametrize("column,value", [("details", "{}"), ("username", "secadmin"), ("result", "failure"),
                                          ("ts", "2020-01-01T00:00:00Z"), ("ip", "10.0.0.1"),
                                          ("action", "region.update")])
def test_tampered_record_detected(busy, column, value):
    s = busy
    drop_triggers(s)
    ids = [r[0] for r in s.sql("SELECT id FROM audit_log ORDER BY id")]
    victim = ids[len(ids) // 2]
    s.sql(f"UPDATE audit_log SET {column} = ? WHERE id = ?", (value, victim))
    rc, out = check(s.db)
    assert rc != 0, out
    assert f"id={victim}" in out, out


def test_recomputed_hash_still_detected(busy):
    """Changing a record and its own hash breaks the link to the next record."""
    s = busy
    drop_triggers(s)
    ids = [r[0] for r in s.sql("SELECT id FROM audit_log ORDER BY id")]
    victim = ids[len(ids) // 2]
    s.sql("UPDATE audit_log SET details = 'x', hash = ? WHERE id = ?", ("ab" * 32, victim))
    rc, out = check(s.db)
    assert rc != 0 and f"id={victim}" in out, out


def test_deleted_middle_record_detected(busy):
    s = busy
    drop_triggers(s)
    ids = [r[0] for r in s.sql("SELECT id FROM audit_log ORDER BY id")]
    victim = ids[len(ids) // 2]
    s.sql("DELETE FROM audit_log WHERE id = ?", (victim,))
    rc, out = check(s.db)
    assert rc != 0, out
    assert f"id={victim + 1}" in out or f"id={victim}" in out, out


def test_deleted_last_record_detected(busy):
    s = busy
    drop_triggers(s)
    last = s.sql("SELECT MAX(id) FROM audit_log")[0][0]
    s.sql("DELETE FROM audit_log WHERE id = ?", (last,))
    rc, out = check(s.db)
    assert rc != 0, out
    assert str(last) in out, out


def test_deleted_everything_detected(busy):
    s = busy
    drop_triggers(s)
    s.sql("DELETE FROM audit_log")
    rc, out = check(s.db)
    assert rc != 0, out


def test_inserted_record_detected(busy):
    s = busy
    drop_triggers(s)
    last = s.sql("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    s.sql("INSERT INTO audit_log (id, ts, username, ip, action, result, prev_hash, hash)"
          " VALUES (?, '2026-01-01T00:00:00Z', 'x', '1.1.1.1', 'region.create', 'success', ?, ?)",
          (last[0] + 1, last[1], "cd" * 32))
    rc, out = check(s.db)
    assert rc != 0 and f"id={last[0] + 1}" in out, out


def test_check_on_missing_db(tmp_path):
    rc, out = check(str(tmp_path / "nope.db"))
    assert rc != 0
    assert not (tmp_path / "nope.db").exists()


DEMO_BUSINESS = ("clerk_dongshan", "clerk_xiyang", "handler", "leader", "planner")


def test_business_users_cannot_read_audit(srv):
    if not srv.demo:
        pytest.skip("needs the demo accounts")
    for user in DEMO_BUSINESS:
        c = srv.client(user)
        for path in ("/api/v1/audit", "/api/v1/login-log"):
            r = c.get(path)
            assert r.status_code == 403 and err(r)["code"] == "forbidden", (user, path, r.text)
        assert "audit:read" not in c.me["permissions"]


# ---------------------------------------------------------------------------------------------
# Forgeries by someone who can write the database file but not read the key file beside it:
# with the server stopped, the triggers dropped with sqlite3, and the chain recomputed the only
# way such a person can (unkeyed SHA-256). Each used to pass `sixia check`.

GENESIS = "0" * 64
TRIGGERS = ("audit_log_no_update", "audit_log_no_delete", "audit_keyed_from_no_update", "audit_keyed_from_no_delete")
COLS = "id, ts, user_id, username, ip, action, object_type, object_id, result, details"


def unkeyed_hash(prev, row):
    """The unkeyed record hash of domain/audit_chain.c (length-prefixed fields, SHA-256)."""
    h = hashlib.sha256()
    rid, ts, user_id, username, ip, action, object_type, object_id, result, details = row
    for v in (prev, str(rid), ts, str(user_id or 0), username, ip, action, object_type, object_id, result, details):
        b = (v or "").encode()
        h.update(f"{len(b)}:".encode() + b)
    return h.hexdigest()


def recompute_unkeyed(con, start=1, head=True):
    """Rewrites the hashes from record start on as an unkeyed chain, and the head to match."""
    prev = GENESIS if start == 1 else con.execute("SELECT hash FROM audit_log WHERE id = ?", (start - 1,)).fetchone()[0]
    for row in con.execute(f"SELECT {COLS} FROM audit_log WHERE id >= ? ORDER BY id", (start,)).fetchall():
        h = unkeyed_hash(prev, row)
        con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, row[0]))
        prev = h
    last = con.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
    if head:
        con.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'", (f"{last}:{prev}",))


def tamper(db, fn):
    """Runs fn(connection) on the database file directly, its triggers dropped first."""
    con = sqlite3.connect(db)
    try:
        for t in TRIGGERS:
            con.execute(f"DROP TRIGGER IF EXISTS {t}")
        fn(con)
        con.commit()
    finally:
        con.close()


def head_of(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT value FROM settings WHERE key = 'audit_head'").fetchone()[0]
    finally:
        con.close()


def regions(s, n, tag):
    c = s.client("sysadmin")
    for i in range(n):
        r = c.post("/api/v1/regions", json={"code": f"67{tag}{i:03d}", "name": f"伪造{tag}{i}", "level": 1})
        assert r.status_code == 201, r.text


@pytest.fixture
def stopped(core_spawn):
    """A database with some audit history whose server has stopped; .old_head is the head as
    it was a few records before the end (what an old copy of the database would hold)."""
    s = core_spawn()
    regions(s, 3, "1")
    s.old_head = head_of(s.db)
    s.old_last = int(s.old_head.split(":")[0])
    regions(s, 3, "2")
    assert s.stop() == 0
    s.last = s.sql("SELECT MAX(id) FROM audit_log")[0][0]
    assert s.last >= s.old_last + 3
    rc, out = check(s.db)
    assert rc == 0, out
    return s


def test_forgery_tail_and_head_deleted(stopped):
    s = stopped
    tamper(s.db, lambda con: (con.execute("DELETE FROM audit_log WHERE id > ?", (s.last - 3,)),
                              con.execute("DELETE FROM settings WHERE key = 'audit_head'")))
    rc, out = check(s.db)
    assert rc != 0, out
    assert "审计日志末尾的记录被删除" in out and f"id={s.last}" in out and f"id={s.last - 3}" in out, out
    assert "audit_head" in out and "被删除" in out, out


def test_forgery_head_recomputed_after_tail_deleted(stopped):
    s = stopped

    def forge(con):
        con.execute("DELETE FROM audit_log WHERE id > ?", (s.last - 3,))
        last, h = con.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        con.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'", (f"{last}:{h}",))
    tamper(s.db, forge)
    rc, out = check(s.db)
    assert rc != 0, out
    assert "审计日志末尾的记录被删除" in out and f"id={s.last}" in out, out
    assert "audit_head" in out and "密钥校验失败" in out, out


def test_forgery_old_head_replayed_after_tail_deleted(stopped):
    """The head of an earlier state is authentic: only the checkpoint beside the database,
    which the writer of the database cannot recompute, still knows the log was longer."""
    s = stopped
    tamper(s.db, lambda con: (con.execute("DELETE FROM audit_log WHERE id > ?", (s.old_last,)),
                              con.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'", (s.old_head,))))
    rc, out = check(s.db)
    assert rc != 0, out
    assert "审计日志末尾的记录被删除" in out and "审计检查点" in out and f"id={s.last}" in out, out


def test_forgery_edited_and_whole_chain_recomputed(stopped):
    s = stopped
    victim = s.last - 2

    def forge(con):
        con.execute("UPDATE audit_log SET details = '{}', username = 'secadmin' WHERE id = ?", (victim,))
        recompute_unkeyed(con, 1)
    tamper(s.db, forge)
    rc, out = check(s.db)
    assert rc != 0, out
    # a new database is keyed from its first record, so the first recomputed one already fails
    assert "第一条被破坏的记录 id=1" in out and "哈希链校验失败" in out, out


def test_forgery_edited_and_chain_recomputed_from_it(stopped):
    s = stopped
    victim = s.last - 2

    def forge(con):
        con.execute("UPDATE audit_log SET details = '{}' WHERE id = ?", (victim,))
        recompute_unkeyed(con, victim)
    tamper(s.db, forge)
    rc, out = check(s.db)
    assert rc != 0, out
    assert f"第一条被破坏的记录 id={victim}" in out and "哈希链校验失败" in out, out


def test_forgery_switch_point_moved_and_chain_recomputed(stopped):
    """Passing every keyed record off as one from before the key was introduced."""
    s = stopped

    def forge(con):
        con.execute("UPDATE audit_log SET details = '{}' WHERE id = ?", (s.last - 1,))
        con.execute("UPDATE settings SET value = ? WHERE key = 'audit_keyed_from'", (str(s.last + 1),))
        recompute_unkeyed(con, 1)
    tamper(s.db, forge)
    rc, out = check(s.db)
    assert rc != 0, out
    assert "audit_keyed_from" in out and "被改动" in out, out


def test_forgery_everything_deleted(stopped):
    s = stopped
    tamper(s.db, lambda con: (con.execute("DELETE FROM audit_log"),
                              con.execute("DELETE FROM settings WHERE key = 'audit_head'")))
    rc, out = check(s.db)
    assert rc != 0, out
    assert "审计日志被清空" in out and f"id={s.last}" in out, out


def test_forgery_everything_deleted_with_checkpoint(stopped):
    """Removing the checkpoint file as well still shows: a keyed log must have one."""
    s = stopped
    tamper(s.db, lambda con: (con.execute("DELETE FROM audit_log"),
                              con.execute("DELETE FROM settings WHERE key = 'audit_head'")))
    os.remove(s.db + ".audit")
    rc, out = check(s.db)
    assert rc != 0, out
    assert "审计检查点文件" in out and "不存在" in out, out


def test_forged_checkpoint_file_detected(stopped):
    s = stopped
    text = open(s.db + ".audit").read()
    parts = text.split(" ")
    parts[3] = str(int(parts[3]) + 5)  # claim more records than there are
    open(s.db + ".audit", "w").write(" ".join(parts))
    rc, out = check(s.db)
    assert rc != 0 and "审计检查点文件" in out and "密钥校验失败" in out, out


def test_server_keeps_checkpoint_after_forgery(stopped, core_spawn):
    """A server started on a truncated log goes on appending but does not move the checkpoint
    to the shortened log: `sixia check` still sees what happened."""
    s = stopped
    tamper(s.db, lambda con: (con.execute("DELETE FROM audit_log WHERE id > ?", (s.old_last,)),
                              con.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'", (s.old_head,))))
    s2 = core_spawn.restart(s)
    regions(s2, 6, "3")  # the log grows past the length the checkpoint names
    assert s2.stop() == 0
    rc, out = check(s.db)
    assert rc != 0 and "审计检查点" in out, out
    assert "kept as it is" in open(s.log, encoding="utf-8", errors="replace").read()


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_check_reports_missing_trigger(stopped, trigger):
    s = stopped
    s.sql(f"DROP TRIGGER {trigger}")
    rc, out = check(s.db)
    assert rc != 0, out
    assert "触发器" in out and f"{trigger} 缺失" in out, out
    assert all(f"{t} " not in out for t in TRIGGERS if t != trigger), out


def test_check_reports_altered_trigger(stopped):
    s = stopped
    s.sql("DROP TRIGGER audit_log_no_delete")
    s.sql("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END")
    rc, out = check(s.db)
    assert rc != 0 and "audit_log_no_delete 被改动" in out, out


def test_check_clean_while_serving(core_spawn):
    """`sixia check` against a live server that keeps writing from several threads."""
    s = core_spawn()
    stop = threading.Event()
    errors = []

    def writer(k):
        c = s.client("sysadmin")
        i = 0
        while not stop.is_set():
            r = c.post("/api/v1/regions", json={"code": f"68{k}{i:04d}", "name": f"并发{k}{i}", "level": 1})
            if r.status_code != 201:
                errors.append(r.text)
            i += 1
    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        for _ in range(3):
            rc, out = check(s.db)
            assert rc == 0, out
            assert "与数据库一致" in out, out
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    assert s.stop() == 0
    rc, out = check(s.db)
    assert rc == 0, out
    n = s.sql("SELECT COUNT(*) FROM audit_log")[0][0]
    assert f"至少有到 id={n} " in out, out  # the checkpoint caught up with the end on shutdown


def test_backup_brings_what_it_needs_to_check_clean(core_spawn, tmp_path):
    s = core_spawn()
    regions(s, 3, "4")
    backup = str(tmp_path / "b.db")
    p = run_cli("backup", backup, db=s.db)
    assert ".audit" in p.stdout and ".key" in p.stdout
    regions(s, 2, "5")  # the live database moves on; the backup keeps its own end
    for f in (backup, backup + ".key", backup + ".audit"):
        assert os.path.exists(f), f
    rc, out = check(backup)
    assert rc == 0, out
    n = sqlite3.connect(backup).execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    assert f"至少有到 id={n} " in out, out
    # a backup restored without its checkpoint cannot be shown complete
    os.rename(backup + ".audit", backup + ".audit.moved")
    rc, out = check(backup)
    assert rc != 0 and "审计检查点文件" in out and "不存在" in out, out
    # nor without its key
    os.rename(backup + ".audit.moved", backup + ".audit")
    os.rename(backup + ".key", backup + ".key.moved")
    rc, out = check(backup)
    assert rc != 0 and "密钥文件" in out, out
    assert not os.path.exists(backup + ".key")  # check never invents a key


def test_backup_refuses_existing_checkpoint(core_spawn, tmp_path):
    s = core_spawn()
    backup = str(tmp_path / "b.db")
    open(backup + ".audit", "w").write("x")
    p = run_cli("backup", backup, db=s.db, check=False)
    assert p.returncode != 0 and "不覆盖" in p.stderr and not os.path.exists(backup)
    assert open(backup + ".audit").read() == "x"


def test_backup_of_forged_log_is_not_anchored(stopped, tmp_path):
    s = stopped
    tamper(s.db, lambda con: con.execute("DELETE FROM audit_log WHERE id > ?", (s.last - 1,)))
    backup = str(tmp_path / "b.db")
    p = run_cli("backup", backup, db=s.db, check=False)
    assert p.returncode != 0 and "审计日志末尾的记录被删除" in p.stdout, p.stdout + p.stderr
    assert os.path.exists(backup) and not os.path.exists(backup + ".audit")


def make_unkeyed(db):
    """Turns a database back into one from before migration 6: unkeyed chain and head, no
    switch point, no checkpoint file (the state of every database created before)."""
    def undo(con):
        con.execute("DELETE FROM schema_migrations WHERE version = 6")
        con.execute("DELETE FROM settings WHERE key = 'audit_keyed_from'")
        recompute_unkeyed(con, 1)
    tamper(db, undo)
    con = sqlite3.connect(db)
    con.executescript(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;")
    con.close()
    os.remove(db + ".audit")


def test_upgrade_from_unkeyed_chain(stopped, core_spawn):
    s = stopped
    make_unkeyed(s.db)
    n_old = s.sql("SELECT COUNT(*) FROM audit_log")[0][0]
    rc, out = check(s.db)
    assert rc == 0, out
    assert "尚未升级" in out and "无密钥" in out, out
    # a backup of it (backup does not migrate) has nothing keyed to anchor, and checks clean
    backup = s.db + ".bak"
    p = run_cli("backup", backup, db=s.db)
    assert "审计检查点" not in p.stdout and not os.path.exists(backup + ".audit"), p.stdout
    rc, out = check(backup)
    assert rc == 0 and "尚未升级" in out, out
    # any command that opens the database migrates it: the old records stay as they are
    run_cli("user", "list", db=s.db)
    assert s.sql("SELECT value FROM settings WHERE key = 'audit_keyed_from'")[0][0] == str(n_old + 1)
    assert os.path.exists(s.db + ".audit")
    rc, out = check(s.db)
    assert rc == 0, out
    assert f"其中 id 1–{n_old} 的 {n_old} 条记录早于启用密钥" in out, out
    s2 = core_spawn.restart(s)
    regions(s2, 2, "6")
    assert s2.stop() == 0
    rc, out = check(s.db)
    assert rc == 0, out
    assert f"其中 id 1–{n_old} 的 {n_old} 条记录早于启用密钥" in out and f"id {n_old + 1} 起的记录带密钥" in out, out
    # the old records are protected by the keyed ones after them: rewriting them shows
    tamper(s.db, lambda con: (con.execute("UPDATE audit_log SET details = '{}' WHERE id = 1"),
                              recompute_unkeyed(con, 1, head=False)))
    rc, out = check(s.db)
    assert rc != 0 and f"第一条被破坏的记录 id={n_old + 1}" in out, out


def test_upgraded_unkeyed_records_anchored_at_once(stopped):
    """Right after the upgrade, before any keyed record: the checkpoint names the last old one."""
    s = stopped
    make_unkeyed(s.db)
    run_cli("user", "list", db=s.db)
    tamper(s.db, lambda con: (con.execute("UPDATE audit_log SET username = 'x' WHERE id = 2"),
                              recompute_unkeyed(con, 1)))
    rc, out = check(s.db)
    assert rc != 0 and "与审计检查点记载的哈希不符" in out, out
