"""Personal data of petitioners: masked in every list, detail, to-do, match and export answer;
the full values only through GET /cases/{id}/pii (case:pii), which is audited; nothing in plain
text in the database file, which has a key file beside it."""
import os
import sqlite3

import pytest

from casehelp import (C, World, act, drive, fake_id_with_tail, fake_phone, get, listing, mask_id, mask_phone)
from conftest import res_xlsx_rows


@pytest.fixture(scope="module")
def w(server):
    return World(server)


@pytest.fixture(scope="module")
def person(w):
    phone = fake_phone()
    idn = fake_id_with_tail("123X")
    phone2 = fake_phone()
    c = w.create(title="隐私测试事项", petitioners=[
        {"name": "赵隐私", "phone": phone, "id_number": idn, "address": "东山县城关镇", "is_representative": True},
        {"name": "钱隐私", "phone": phone2}], head_count=2)
    return {"case": c, "phone": phone, "id": idn, "phone2": phone2}


def assert_masked(text, person, need_masks=True, need_id=True):
    for plain in (person["phone"], person["id"], person["phone2"], person["id"][:17]):
        assert plain not in text
    # also not with the middle digits split by separators
    assert person["phone"][3:7] + person["phone"][7:] not in text
    if need_masks:
        assert mask_phone(person["phone"]) in text and mask_phone(person["phone2"]) in text
    if need_masks and need_id:
        assert mask_id(person["id"]) in text


def test_masks_everywhere(w, person):
    c = person["case"]
    cid = c["id"]
    assert mask_id(person["id"]).startswith("110101********") and mask_id(person["id"]).endswith("123X")
    p0 = c["petitioners"][0]
    assert p0["phone_masked"] == mask_phone(person["phone"]) and p0["id_number_masked"] == mask_id(person["id"])
    assert c["petitioners"][1]["id_number_masked"] == "" and c["petitioners"][1]["phone_masked"] == mask_phone(
        person["phone2"])
    assert "id_number" not in p0 and "phone" not in p0
    r = w.clerk.post(C, json=w.body())  # the create answer of another case is masked too
    assert r.status_code == 201
    assert_masked(w.clerk.get(f"{C}/{cid}").text, person)
    assert_masked(w.clerk.get(C, params={"keyword": c["case_no"]}).text, person)
    assert_masked(w.leader.get(C, params={"page_size": 200}).text, person)
    assert_masked(w.clerk.get("/api/v1/todo").text, person, need_masks=False)
    r = w.clerk.post(f"{C}/match", json={"petitioners": [{"phone": person["phone"]}]})
    assert r.status_code == 200 and cid in {i["id"] for i in r.json()["items"]}
    # the phone sent in the request is not echoed back
    assert_masked(r.text, person, need_masks=False)
    # keyword search by a full phone number finds nothing (only names, numbers, title, content)
    items, total = listing(w.clerk, keyword=person["phone"])
    assert cid not in {i["id"] for i in items}


def test_masks_in_export(w, person):
    r = w.clerk.get(f"{C}/export", params={"keyword": person["case"]["case_no"]})
    assert r.status_code == 200, r.text[:300]
    assert "spreadsheetml" in r.headers["Content-Type"]
    rows = res_xlsx_rows(r.content)
    text = "\n".join("\t".join(row) for row in rows)
    assert person["case"]["case_no"] in text
    # the export lists phones (masked); it has no ID number column, which is allowed: never in full
    assert_masked(text, person, need_id=False)
    # the raw zip parts too (strings may be stored in any part)
    import io
    import zipfile
    z = zipfile.ZipFile(io.BytesIO(r.content))
    for n in z.namelist():
        data = z.read(n).decode("utf-8", "replace")
        assert person["phone"] not in data and person["id"] not in data
    assert w.handler.get(f"{C}/export").status_code == 403


def test_pii_view_audited(w, person):
    cid = person["case"]["id"]
    det = get(w.clerk, cid)
    assert det["can_view_pii"] is True
    r = w.clerk.get(f"{C}/{cid}/pii")
    assert r.status_code == 200, r.text
    ps = r.json()["petitioners"]
    byname = {p["name"]: p for p in ps}
    assert byname["赵隐私"]["id_number"] == person["id"] and byname["赵隐私"]["phone"] == person["phone"]
    assert byname["钱隐私"]["phone"] == person["phone2"] and byname["钱隐私"]["id_number"] == ""
    assert {p["id"] for p in ps} == {p["id"] for p in det["petitioners"]}
    assert w.leader.get(f"{C}/{cid}/pii").status_code == 200
    r = w.audit.get("/api/v1/audit", params={"action": "case.pii_view", "page_size": 200})
    assert r.status_code == 200, r.text
    recs = [a for a in r.json()["items"] if a["object_id"] == str(cid)]
    assert len(recs) == 2, r.json()["items"]
    assert sorted(a["username"] for a in recs) == ["clerk_dongshan", "leader"]
    assert all(a["object_type"] == "case" for a in recs)
    # the audit record says who looked, not what they saw
    assert person["phone"] not in r.text and person["id"] not in r.text


def test_pii_forbidden(w, person, server):
    cid = person["case"]["id"]
    n0 = server.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'case.pii_view'")[0][0]
    drive(w, cid, "assigned")
    assert get(w.handler, cid)["can_view_pii"] is False
    r = w.handler.get(f"{C}/{cid}/pii")
    assert r.status_code == 403
    assert person["phone"] not in r.text
    assert w.server.client("planner").get(f"{C}/{cid}/pii").status_code == 403
    assert w.xiyang.get(f"{C}/{cid}/pii").status_code == 404
    assert w.clerk.get(f"{C}/99999999/pii").status_code == 404
    assert server.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'case.pii_view'")[0][0] == n0


def test_database_holds_no_plain_values(w, person, server):
    # another case through the whole line, so that every table has rows
    cid = w.create(new_matter=True,  # the same person, confirmed as a new matter by the clerk
                   petitioners=[{"name": "全流程", "phone": person["phone"], "id_number": person["id"]}])["id"]
    drive(w, cid, "closed")
    act(w.clerk, cid, "review_request", reason="不服")
    w.clerk.get(f"{C}/{cid}/pii")
    assert os.path.exists(server.db + ".key")
    assert os.path.getsize(server.db + ".key") > 0
    con = sqlite3.connect(server.db, timeout=30)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert "case_petitioners" in tables
        checked = 0
        for t in tables:
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
            for col in cols:
                for plain in (person["phone"], person["id"], person["phone2"], person["id"][:17]):
                    n = con.execute(f'SELECT COUNT(*) FROM "{t}" WHERE instr(CAST("{col}" AS TEXT), ?) > 0',
                                    (plain,)).fetchone()[0]
                    assert n == 0, (t, col, plain)
                    checked += 1
        assert checked > 100
        enc = con.execute("SELECT id_number_enc, phone_enc, id_number_masked, phone_masked FROM case_petitioners "
                          "WHERE name = '赵隐私'").fetchall()
        assert enc and enc[0][0].startswith("v1:") and enc[0][1].startswith("v1:")
        assert enc[0][2] == mask_id(person["id"]) and enc[0][3] == mask_phone(person["phone"])
    finally:
        con.close()
    # and not in the raw bytes of the database file or its WAL
    for suffix in ("", "-wal"):
        path = server.db + suffix
        if os.path.exists(path):
            data = open(path, "rb").read()
            for plain in (person["phone"], person["id"], person["phone2"]):
                assert plain.encode() not in data, (suffix, plain)
