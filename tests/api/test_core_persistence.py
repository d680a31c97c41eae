"""Durability and lifecycle: kill -9 right after a commit, graceful SIGTERM with a request in flight,
restart keeping sessions, and online backup while the server writes."""
import json
import os
import signal
import socket
import sqlite3
import threading
import time

import requests

from conftest import DEMO_PASSWORD, run_cli


def test_kill9_after_201_keeps_the_write(core_spawn):
    s = core_spawn()
    c = s.client("sysadmin")
    r = c.post("/api/v1/regions", json={"code": "330001", "name": "断电前", "level": 1})
    assert r.status_code == 201
    rid = r.json()["id"]
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait(timeout=10)
    assert s.proc.returncode == -signal.SIGKILL
    s.proc = None
    s.logf.close()
    s2 = core_spawn.restart(s)
    c2 = s2.client("sysadmin")
    g = c2.get(f"/api/v1/regions/{rid}")
    assert g.status_code == 200 and g.json()["name"] == "断电前"
    # the audit record committed with it
    assert s2.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'region.create' AND object_id = ?",
                  (str(rid),))[0][0] == 1
    p = run_cli("check", db=s2.db, check=False)
    assert p.returncode == 0, p.stdout + p.stderr


def test_kill9_during_write_burst(core_spawn):
    """Every write that was answered 201 before the kill is there afterwards."""
    s = core_spawn()
    c = s.client("sysadmin")
    acked = []
    stop = threading.Event()

    def write():
        i = 0
        while not stop.is_set():
            try:
                r = c.post("/api/v1/regions", json={"code": f"34{i:04d}", "name": "突发", "level": 1})
            except requests.RequestException:
                return
            if r.status_code == 201:
                acked.append(r.json()["id"])
            i += 1

    t = threading.Thread(target=write)
    t.start()
    time.sleep(0.7)
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait(timeout=10)
    stop.set()
    t.join(timeout=30)
    s.proc = None
    s.logf.close()
    assert len(acked) > 3
    s2 = core_spawn.restart(s)
    have = {r[0] for r in s2.sql("SELECT id FROM regions")}
    assert set(acked) <= have
    p = run_cli("check", db=s2.db, check=False)
    assert p.returncode == 0, p.stdout + p.stderr


def test_sigterm_finishes_in_flight_request(core_spawn):
    s = core_spawn()
    result = {}
    sent_head = threading.Event()

    def slow_body():
        yield b'{"username": "sysadmin", '
        sent_head.set()
        time.sleep(0.6)  # SIGTERM arrives meanwhile
        yield ('"password": "%s"}' % DEMO_PASSWORD).encode()

    def login():
        try:
            result["r"] = requests.post(s.url("/api/v1/auth/login"), data=slow_body(),
                                        headers={"Content-Type": "application/json"}, timeout=30)
        except Exception as e:  # noqa: BLE001
            result["e"] = e

    t = threading.Thread(target=login)
    t.start()
    assert sent_head.wait(5)
    time.sleep(0.15)
    s.proc.send_signal(signal.SIGTERM)
    time.sleep(0.1)
    # no new connections are taken while shutting down
    try:
        requests.get(s.url("/api/v1/health"), timeout=2)
        refused = False
    except requests.RequestException:
        refused = True
    t.join(timeout=30)
    assert "e" not in result, result.get("e")
    assert result["r"].status_code == 200, result["r"].text
    assert result["r"].json()["user"]["username"] == "sysadmin"
    rc = s.proc.wait(timeout=30)
    assert rc == 0
    assert refused, "the server still accepted new connections after SIGTERM"


def test_sigterm_with_concurrent_login(core_spawn):
    """The plain variant: a whole login request (Argon2 takes a while) is sent, then SIGTERM."""
    s = core_spawn()
    body = json.dumps({"username": "sysadmin", "password": DEMO_PASSWORD}).encode()
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=30)
    try:
        sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nConnection: close\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        time.sleep(0.01)
        s.proc.send_signal(signal.SIGTERM)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    assert s.proc.wait(timeout=30) == 0
    head, _, payload = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), data[:300]
    assert json.loads(payload)["user"]["username"] == "sysadmin"


def test_sigterm_exit_code_and_restart_keeps_session(core_spawn):
    s = core_spawn()
    c = s.client("sysadmin")
    r = c.post("/api/v1/regions", json={"code": "330002", "name": "重启前", "level": 1})
    assert r.status_code == 201
    rid = r.json()["id"]
    assert s.stop() == 0
    log = open(s.log, encoding="utf-8").read()
    assert "stopped" in log
    s2 = core_spawn.restart(s)
    c.server = s2  # same cookie jar and CSRF token, new process
    me = c.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["user"]["username"] == "sysadmin"
    assert me.json()["csrf_token"] == c.csrf
    assert c.get(f"/api/v1/regions/{rid}").json()["name"] == "重启前"
    r = c.put(f"/api/v1/regions/{rid}", json={"code": "330002", "name": "重启后", "level": 1, "version": 1})
    assert r.status_code == 200
    assert s2.stop() == 0


def test_sigint_also_graceful(core_spawn):
    s = core_spawn()
    assert s.stop(sig=signal.SIGINT) == 0


def test_backup_while_serving_and_writing(core_spawn, tmp_path):
    s = core_spawn()
    c = s.client("sysadmin")
    for i in range(20):
        assert c.post("/api/v1/regions", json={"code": f"32{i:04d}", "name": f"备份前{i}", "level": 1}).status_code == 201
    before = {r[0] for r in s.sql("SELECT code FROM regions")}
    stop = threading.Event()
    written, problems = [], []

    def write():
        i = 0
        w = s.client("sysadmin")
        while not stop.is_set():
            r = w.post("/api/v1/regions", json={"code": f"31{i:04d}", "name": "备份中", "level": 1})
            if r.status_code == 201:
                written.append(r.json()["code"])
            else:
                problems.append((r.status_code, r.text[:200]))
            i += 1

    t = threading.Thread(target=write)
    t.start()
    try:
        time.sleep(0.3)
        backup = str(tmp_path / "backup.db")
        p = run_cli("backup", backup, db=s.db, check=False)
        time.sleep(0.3)
    finally:
        stop.set()
        t.join(timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr
    assert problems == [], problems[:5]
    assert written, "the writer made no progress during the backup"
    con = sqlite3.connect(backup)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        codes = {r[0] for r in con.execute("SELECT code FROM regions")}
        n_users = con.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    finally:
        con.close()
    assert before <= codes
    assert n_users >= 3
    # the writes in the backup are a prefix of what was written: a consistent snapshot
    during = [x for x in written if x in codes]
    assert during == written[:len(during)]
    # the backup's own audit chain verifies, and a server starts on it
    p = run_cli("check", db=backup, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    s.stop()
    s2 = core_spawn.start(db=backup)
    c2 = s2.client("sysadmin")
    r = c2.get("/api/v1/regions", params={"keyword": "32", "page_size": 200})
    assert r.json()["total"] >= 20


def test_backup_refuses_to_overwrite(core_spawn, tmp_path):
    s = core_spawn()
    target = tmp_path / "exists.db"
    target.write_bytes(b"precious")
    p = run_cli("backup", str(target), db=s.db, check=False)
    assert p.returncode != 0
    assert target.read_bytes() == b"precious"
    assert "已存在" in p.stdout + p.stderr


def test_backup_of_missing_db(tmp_path):
    target = tmp_path / "b.db"
    p = run_cli("backup", str(target), db=str(tmp_path / "none.db"), check=False)
    assert p.returncode != 0
    assert not target.exists()
    assert not (tmp_path / "none.db").exists()
