"""The deadline registry of the write path (src/app/deadlines.c): a calendar edit moves every
running deadline, the first rows inside the edit's own transaction and the rest in small later
transactions run by the server's background worker; where it stands is kept in the database,
so a crash in between loses nothing. The ASan build's hooks shrink the batches so the demo
cases show what a database of millions does."""
import datetime as dt
import glob
import shutil
import signal
import time

from casehelp import today
from conftest import Server, run_cli

DUE = "SELECT id, due_step, due_date, target_step, target_due FROM cases ORDER BY id"


def copy_db(src, dst):
    """The database with its key and audit checkpoint (no server has it open)."""
    for f in glob.glob(src + "*"):
        shutil.copy(f, dst + f[len(src):])


def pending(srv):
    rows = srv.sql("SELECT value FROM settings WHERE key = 'deadlines.pending'")
    return rows[0][0] if rows else ""


def add_holiday(srv, day):
    c = srv.client("sysadmin")
    r = c.post("/api/v1/holidays", json={"day": str(day), "kind": "holiday", "name": "测试调整"})
    assert r.status_code == 201, r.text


def test_calendar_edit_recomputes_in_batches_and_after_a_crash(tmp_path):
    ref_db, db = str(tmp_path / "ref.db"), str(tmp_path / "t.db")
    run_cli("demo", "--with-cases", db=ref_db)
    copy_db(ref_db, db)
    # a working weekday two days on becomes a holiday: every working-day deadline after it moves
    day = today() + dt.timedelta(days=2)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)

    # the reference: a server with the shipped batch sizes (demo data: all inline)
    srv = Server(ref_db).start()
    try:
        before = srv.sql(DUE)
        add_holiday(srv, day)
        ref = srv.sql(DUE)
        assert pending(srv) == ""
    finally:
        srv.stop()
    moved = [a for a, b in zip(before, ref) if a != b]
    assert len(moved) >= 10, "the holiday must move enough deadlines for this test to mean anything"

    # the same edit with 3 rows inline, batches of 2 and no worker: most rows wait
    env = {"SIXIA_TEST_DEADLINE_INLINE": "3", "SIXIA_TEST_DEADLINE_BATCH": "2", "SIXIA_TEST_DEADLINE_WORKER": "0"}
    srv = Server(db, env=env).start()
    add_holiday(srv, day)
    state = pending(srv)
    assert state.startswith("0:") and int(state[2:]) > 0, state
    after = srv.sql(DUE)
    assert after != ref, "without the worker the recomputation must still be pending"
    assert sum(1 for a, b in zip(after, ref) if a != b) > 0
    # rows up to the cursor are done, the rest still show the old calendar
    cursor = int(state[2:])
    assert all(a == b for a, b in zip(after, ref) if a[0] <= cursor)
    srv.stop(signal.SIGKILL)

    # restarted with its worker, the server finishes from where it stood
    srv = Server(db, env={"SIXIA_TEST_DEADLINE_BATCH": "2"}).start()
    try:
        deadline = time.time() + 60
        while pending(srv) != "" and time.time() < deadline:
            time.sleep(0.1)
        assert pending(srv) == ""
        assert srv.sql(DUE) == ref
    finally:
        srv.stop()
    # the worker's transactions and the crash left the audit chain intact
    p = run_cli("check", db=db, check=False)
    assert p.returncode == 0, p.stdout + p.stderr


def test_settings_change_starts_over(tmp_path):
    """A second edit while a recomputation is pending restarts it under the newest calendar."""
    db = str(tmp_path / "t.db")
    run_cli("demo", "--with-cases", db=db)
    env = {"SIXIA_TEST_DEADLINE_INLINE": "2", "SIXIA_TEST_DEADLINE_BATCH": "1", "SIXIA_TEST_DEADLINE_WORKER": "0"}
    srv = Server(db, env=env).start()
    try:
        before = srv.sql(DUE)
        day = today() + dt.timedelta(days=3)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        add_holiday(srv, day)
        first = pending(srv)
        c = srv.client("sysadmin")
        r = c.delete(f"/api/v1/holidays/{day}")
        assert r.status_code == 204, r.text
        second = pending(srv)
        # both stop after two rows from the start: the second did not continue the first's cursor
        assert first == second and first.startswith("0:"), (first, second)
    finally:
        srv.stop()
    # a server with its worker finishes it: the calendar is back as it was, so are the deadlines
    srv = Server(db).start()
    try:
        deadline = time.time() + 60
        while pending(srv) != "" and time.time() < deadline:
            time.sleep(0.1)
        assert pending(srv) == ""
        assert srv.sql(DUE) == before
    finally:
        srv.stop()
