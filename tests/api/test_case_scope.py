"""Data scopes of cases: a county clerk never sees another county's cases (list, total, detail,
personal data, actions, attachments, export, to-do, match); the leader (scope all) sees both;
the handling unit sees only what is assigned to it. Attachments: type by content, content-addressed."""
import datetime as dt
import hashlib

import pytest

from casehelp import C, World, act, drive, err, get, listing, today
from conftest import res_xlsx_rows

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def w(server):
    return World(server)


def upload(client, cid, name, data, expect=201):
    r = client.post(f"{C}/{cid}/attachments", params={"name": name}, data=data,
                    headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == expect, (name, r.status_code, r.text[:300])
    return r.json() if expect == 201 else r


@pytest.fixture(scope="module")
def two(w):
    ds = w.create(title="东山县范围测试", content="东山县的事项内容（范围测试）。")
    xy = w.create(client=w.xiyang, region_id=w.xiyang_region, title="西洋县范围测试",
                  content="西洋县的事项内容（范围测试）。")
    ds_phone = w.clerk.get(f"{C}/{ds['id']}/pii").json()["petitioners"][0]["phone"]
    xy_phone = w.xiyang.get(f"{C}/{xy['id']}/pii").json()["petitioners"][0]["phone"]
    return {"ds": ds, "xy": xy, "ds_phone": ds_phone, "xy_phone": xy_phone}


def export_text(client, **params):
    r = client.get(f"{C}/export", params=params)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return "\n".join("\t".join(row) for row in res_xlsx_rows(r.content))


def not_visible(client, case):
    """List, totals, detail, personal data, actions, links and query codes."""
    cid = case["id"]
    items, total = listing(client)
    assert cid not in {i["id"] for i in items} and total == len(items)
    items, total = listing(client, keyword=case["case_no"])
    assert items == [] and total == 0
    items, total = listing(client, keyword=case["title"])
    assert cid not in {i["id"] for i in items} and total == len(items)
    r = client.get(f"{C}/{cid}")
    assert r.status_code == 404 and err(r)["code"] == "not_found"
    assert client.get(f"{C}/{cid}/pii").status_code == 404
    for a, body in (("accept", {}), ("decline", {"reason": "越权"}), ("supervise", {"reason": "x"})):
        body["version"] = case["version"]  # a well-formed action: only visibility refuses it
        assert client.post(f"{C}/{cid}/actions/{a}", json=body).status_code == 404, a
    assert client.post(f"{C}/{cid}/links", json={"case_id": cid}).status_code in (404, 422)
    assert client.post(f"{C}/{cid}/query-code").status_code == 404


def test_clerks_see_only_their_county(w, two):
    ds, xy = two["ds"], two["xy"]
    not_visible(w.xiyang, ds)
    not_visible(w.clerk, xy)
    # each sees its own
    assert get(w.clerk, ds["id"])["title"] == ds["title"]
    assert get(w.xiyang, xy["id"])["title"] == xy["title"]
    # totals are over the visible cases only
    everything, _ = listing(w.leader)
    ds_only = {i["id"] for i in everything if i["unit_id"] == w.dongshan_gov and i["handling_unit_id"] in (None, w.zjj, w.edu)}
    xy_only = {i["id"] for i in everything if i["unit_id"] == w.xiyang_gov and i["handling_unit_id"] in (None, w.zjj, w.edu)}
    assert ds["id"] in ds_only and xy["id"] in xy_only
    items, total = listing(w.xiyang)
    assert total == len(items) and not ({i["id"] for i in items} & ds_only)
    items, total = listing(w.clerk)
    assert total == len(items) and not ({i["id"] for i in items} & xy_only)
    # county filter of the other county gives nothing of it
    items, _ = listing(w.xiyang, county_id=w.dongshan)
    assert ds["id"] not in {i["id"] for i in items}


def test_attachments_out_of_scope(w, two):
    a_ds = upload(w.clerk, two["ds"]["id"], "东山附件.txt", "东山县附件内容".encode())
    a_xy = upload(w.xiyang, two["xy"]["id"], "西洋附件.txt", "西洋县附件内容".encode())
    for client, case, att in ((w.xiyang, two["ds"], a_ds), (w.clerk, two["xy"], a_xy)):
        cid = case["id"]
        r = client.get(f"{C}/{cid}/attachments/{att['id']}")
        assert r.status_code == 404 and "附件内容" not in r.text
        r = client.post(f"{C}/{cid}/attachments", params={"name": "x.txt"}, data=b"intrusion")
        assert r.status_code == 404
    assert len(get(w.clerk, two["ds"]["id"])["attachments"]) == 1
    for key, att in (("ds", a_ds), ("xy", a_xy)):
        r = w.leader.get(f"{C}/{two[key]['id']}/attachments/{att['id']}")
        assert r.status_code == 200 and r.content.decode().endswith("县附件内容")


def test_export_todo_match_out_of_scope(w, two):
    for client, own, case, phone in ((w.xiyang, two["xy"], two["ds"], two["ds_phone"]),
                                     (w.clerk, two["ds"], two["xy"], two["xy_phone"])):
        cid = case["id"]
        todo = client.get("/api/v1/todo")
        assert todo.status_code == 200
        ids = {i["case_id"] for i in todo.json()["items"]}
        assert cid not in ids and own["id"] in ids
        r = client.post(f"{C}/match", json={"title": case["title"], "content": case["content"],
                                            "petitioners": [{"phone": phone}]})
        assert r.status_code == 200
        assert cid not in {i["id"] for i in r.json()["items"]} and case["title"] not in r.text
        text = export_text(client)
        assert case["case_no"] not in text and case["title"] not in text
        assert own["case_no"] in text
    text = export_text(w.leader)
    assert two["ds"]["case_no"] in text and two["xy"]["case_no"] in text


def test_a_clerk_cannot_register_into_another_scope(w):
    r = w.xiyang.post(C, json=w.body())
    # registering in another county's region is allowed or refused, but the case belongs to the
    # registering clerk's unit and is invisible to the other county
    if r.status_code == 201:
        c = r.json()
        assert c["unit_id"] == w.xiyang_gov
        assert w.clerk.get(f"{C}/{c['id']}").status_code == 404
    else:
        assert r.status_code == 422 and err(r)["field"] == "region_id"
    other = w.create()
    r = w.xiyang.post(C, json=w.body(region_id=w.xiyang_region, duplicate_of=other["id"]))
    assert r.status_code == 422 and err(r)["field"] == "duplicate_of"
    r = w.xiyang.post(C, json=w.body(region_id=w.xiyang_region, related_case_ids=[other["id"]]))
    assert r.status_code == 422 and err(r)["field"] == "related_case_ids"


def test_leader_sees_both(w, two):
    for key in ("ds", "xy"):
        c = two[key]
        assert get(w.leader, c["id"])["case_no"] == c["case_no"]
        assert c["id"] in {i["id"] for i in listing(w.leader, keyword=c["case_no"])[0]}


def test_handler_sees_only_its_assignments(w, two):
    a = w.create(title="交办住建局")
    b = w.create(title="交办教育局")
    get(w.handler, a["id"], expect=404)
    edu_uid, _ = w.new_user("edu_scope", w.edu, roles=("handler",))
    act(w.clerk, a["id"], "accept")
    act(w.clerk, a["id"], "assign", unit_id=w.zjj, handler_id=w.handler_id, deadline=str(today() + dt.timedelta(days=20)))
    act(w.clerk, b["id"], "accept")
    act(w.clerk, b["id"], "assign", unit_id=w.edu, handler_id=edu_uid, deadline=str(today() + dt.timedelta(days=20)))
    assert get(w.handler, a["id"])["title"] == "交办住建局"
    get(w.handler, b["id"], expect=404)
    items, total = listing(w.handler)
    assert a["id"] in {i["id"] for i in items} and b["id"] not in {i["id"] for i in items}
    assert all(i["handling_unit_id"] == w.zjj for i in items) and total == len(items)
    for key in ("ds", "xy"):
        get(w.handler, two[key]["id"], expect=404)
    todo = w.handler.get("/api/v1/todo").json()
    assert a["id"] in {i["case_id"] for i in todo["items"]} and b["id"] not in {i["case_id"] for i in todo["items"]}
    # the handler's unit may add attachments to its own case
    att = upload(w.handler, a["id"], "现场照片.png", PNG)
    assert att["mime"] == "image/png"


def test_attachments(w, server):
    c = w.create()
    cid = c["id"]
    t = upload(w.clerk, cid, "说明.txt", "情况说明：道路破损。\n".encode())
    assert t["mime"].startswith("text/plain") and t["size"] == len("情况说明：道路破损。\n".encode())
    assert t["sha256"] == hashlib.sha256("情况说明：道路破损。\n".encode()).hexdigest() and t["name"] == "说明.txt"
    p = upload(w.clerk, cid, "photo.jpg", PNG)  # the name says JPEG; the content is PNG
    assert p["mime"] == "image/png"
    f = upload(w.clerk, cid, "材料.pdf", PDF)
    assert f["mime"] == "application/pdf"
    r = w.clerk.get(f"{C}/{cid}/attachments/{p['id']}")
    assert r.status_code == 200 and r.content == PNG and r.headers["Content-Type"] == "image/png"
    assert r.headers["Content-Disposition"].startswith("attachment")
    det = get(w.clerk, cid)
    assert {a["id"] for a in det["attachments"]} == {t["id"], p["id"], f["id"]}
    assert all(a["uploaded_by_name"] for a in det["attachments"])
    # the same bytes again (also on another case) are stored once
    n0 = server.sql("SELECT COUNT(*) FROM case_blobs")[0][0]
    other = w.create()["id"]
    p2 = upload(w.clerk, other, "again.png", PNG)
    assert p2["sha256"] == p["sha256"] and p2["id"] != p["id"]
    assert server.sql("SELECT COUNT(*) FROM case_blobs")[0][0] == n0
    # attachments of one case are not reachable through another
    assert w.clerk.get(f"{C}/{other}/attachments/{p['id']}").status_code == 404
    # unsupported content
    for name, data in (("x.exe", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256))),
                       ("bad.txt", b"\xff\xfe\x00bad utf8 \xc3\x28"), ("empty.txt", b"")):
        r = w.clerk.post(f"{C}/{cid}/attachments", params={"name": name}, data=data)
        assert r.status_code in ((400, 415, 422) if not data else (415,)), (name, r.status_code, r.text)
        assert err(r)["code"] and err(r)["message"]
    r = w.clerk.post(f"{C}/{cid}/attachments", data=b"no name")
    assert r.status_code in (400, 422) and err(r)["field"] == "name"
    assert len(get(w.clerk, cid)["attachments"]) == 3
    # an attachment bound to an action's event
    drive(w, cid, "signed")
    ev_att = upload(w.handler, cid, "答复函.pdf", PDF + b"%reply\n")
    det = act(w.handler, cid, "reply", reply_text="见答复函", attachment_ids=[ev_att["id"]])
    assert [a["id"] for a in det["timeline"][-1]["attachments"]] == [ev_att["id"]]
    assert [a["event_id"] for a in det["attachments"] if a["id"] == ev_att["id"]] == [det["timeline"][-1]["id"]]


def test_attachment_count_limit(w):
    cid = w.create()["id"]
    for i in range(20):
        upload(w.clerk, cid, f"f{i}.txt", f"第{i}份材料".encode())
    r = w.clerk.post(f"{C}/{cid}/attachments", params={"name": "f20.txt"}, data="第20份材料".encode())
    assert r.status_code in (409, 413, 422), r.text
    assert len(get(w.clerk, cid)["attachments"]) == 20
