"""Concurrent writers: no lost writes, no errors, and the audit hash chain stays intact."""
import threading

from conftest import run_cli

THREADS = 8
PER_THREAD = 25


def test_concurrent_region_creates(core_spawn):
    s = core_spawn()
    clients = [s.client("sysadmin") for _ in range(THREADS)]
    assert len({c.csrf for c in clients}) == THREADS  # separate sessions
    auditor = s.client("auditadmin")
    audit_before = auditor.get("/api/v1/audit", params={"action": "region.create", "page_size": 1}).json()["total"]
    errors, ids = [], []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work(t, c):
        start.wait()
        for i in range(PER_THREAD):
            code = f"55{t:02d}{i:03d}"
            try:
                r = c.post("/api/v1/regions", json={"code": code, "name": f"并发{t}-{i}", "level": 1})
                with lock:
                    if r.status_code == 201 and r.json()["code"] == code:
                        ids.append(r.json()["id"])
                    else:
                        errors.append((code, r.status_code, r.text[:200]))
            except Exception as e:  # noqa: BLE001 - every failure counts
                with lock:
                    errors.append((code, "exception", repr(e)))

    threads = [threading.Thread(target=work, args=(t, c)) for t, c in enumerate(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert not any(th.is_alive() for th in threads)
    assert errors == [], errors[:10]
    total = THREADS * PER_THREAD
    assert len(ids) == total and len(set(ids)) == total
    rows = s.sql("SELECT code FROM regions WHERE code LIKE '55_____'")
    assert sorted(r[0] for r in rows) == sorted(f"55{t:02d}{i:03d}" for t in range(THREADS) for i in range(PER_THREAD))
    r = clients[0].get("/api/v1/regions", params={"keyword": "55", "level": 1, "page_size": 200})
    assert r.json()["total"] == total
    audit_after = auditor.get("/api/v1/audit", params={"action": "region.create", "page_size": 1}).json()["total"]
    assert audit_after - audit_before == total
    # every record's object id is one of the new regions, each exactly once
    objs = s.sql("SELECT object_id FROM audit_log WHERE action = 'region.create'")
    assert {str(i) for i in ids} <= {o[0] for o in objs} and len(objs) == len({o[0] for o in objs})
    p = run_cli("check", db=s.db, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert s.stop() == 0
    p = run_cli("check", db=s.db, check=False)
    assert p.returncode == 0, p.stdout + p.stderr


def test_concurrent_reads_and_writes(core_spawn):
    """Readers keep getting answers while writers write."""
    s = core_spawn()
    writer, reader = s.client("sysadmin"), s.client("sysadmin")
    problems = []
    stop = threading.Event()

    def read():
        while not stop.is_set():
            r = reader.get("/api/v1/regions", params={"page_size": 50})
            if r.status_code != 200:
                problems.append(("read", r.status_code, r.text[:200]))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for th in readers:
        th.start()
    try:
        for i in range(40):
            r = writer.post("/api/v1/regions", json={"code": f"54{i:04d}", "name": f"读写{i}", "level": 1})
            if r.status_code != 201:
                problems.append(("write", r.status_code, r.text[:200]))
    finally:
        stop.set()
        for th in readers:
            th.join()
    assert problems == []
    assert s.sql("SELECT COUNT(*) FROM regions WHERE code LIKE '54____'")[0][0] == 40
