"""Repeat detection (重复件), attachments, 我的待办, the case export and the case settings
(docs/CASES.md). Cases are registered and moved through the workflow with the case API; the
database file is read directly only to check how attachments are stored."""
import datetime
import io
import itertools
import random
import zipfile

import pytest

from conftest import err, res_xlsx_rows

CHINA = datetime.timezone(datetime.timedelta(hours=8))
_seq = itertools.count(1)


def today():
    return datetime.datetime.now(CHINA).date()


def id_number(n, birth="19800101", region="350102"):
    """A valid fake citizen ID number (GB 11643: 17 digits + MOD 11-2 check character)."""
    body = f"{region}{birth}{n % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def phone(n):
    return f"1380099{n:04d}"


def rand_text(n, k=40):
    """Text that shares (almost) no character pairs with any other: no accidental 内容相似."""
    rng = random.Random(n * 7919 + 17)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(k))


@pytest.fixture(scope="module")
def ctx(server):
    q = server.sql
    out = {}
    for key, name in (("ds", "东山县"), ("xy", "西洋县")):
        cid, path = q("SELECT id, path FROM regions WHERE name = ? AND level = 2", (name,))[0]
        out[key + "_county"] = cid
        out[key + "_town"] = q("SELECT id FROM regions WHERE level = 3 AND path LIKE ? ORDER BY id LIMIT 1",
                               (path + "%",))[0][0]
        out[key + "_town2"] = q("SELECT id FROM regions WHERE level = 3 AND path LIKE ? ORDER BY id LIMIT 1 OFFSET 1",
                                (path + "%",))[0][0]
    out["handler_unit"] = q("SELECT unit_id FROM users WHERE username = 'handler'")[0][0]
    out["handler_id"] = q("SELECT id FROM users WHERE username = 'handler'")[0][0]
    return out


@pytest.fixture(scope="module")
def ds(server):
    return server.client("clerk_dongshan")


@pytest.fixture(scope="module")
def xy(server):
    return server.client("clerk_xiyang")


@pytest.fixture(scope="module")
def handler(server):
    return server.client("handler")


@pytest.fixture(scope="module")
def leader(server):
    return server.client("leader")


def new_case(c, region_id, title=None, content=None, pets=None, head_count=None, received_at=None):
    """Registers a case through the API; returns its detail. Default texts and phone are unique."""
    n = next(_seq)
    body = {"channel": "visit", "kind": "suggestion", "category": "01", "region_id": region_id,
            "title": title or "事项" + rand_text(n, 12), "content": content or rand_text(n + 100000),
            "petitioners": pets or [{"name": "测试群众", "phone": phone(n)}]}
    if head_count:
        body["head_count"] = head_count
    if received_at:
        body["received_at"] = received_at
    r = c.post("/api/v1/cases", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def act(c, cid, action, **body):
    d = c.get(f"/api/v1/cases/{cid}")
    assert d.status_code == 200, d.text
    body.setdefault("version", d.json()["version"])
    r = c.post(f"/api/v1/cases/{cid}/actions/{action}", json=body)
    assert r.status_code == 200, (action, r.text)
    return r.json()


def to_handler(clerk, handler, ctx, cid, sign=True):
    """受理 → 交办 to the demo handler's unit (→ 签收 by the handler)."""
    act(clerk, cid, "accept")
    deadline = (today() + datetime.timedelta(days=90)).isoformat()
    d = act(clerk, cid, "assign", unit_id=ctx["handler_unit"], handler_id=ctx["handler_id"], deadline=deadline)
    if sign:
        d = act(handler, cid, "sign")
    return d


def match(c, **body):
    r = c.post("/api/v1/cases/match", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def by_id(items):
    return {i["id"]: i for i in items}


# ---------------------------------------------------------------------------------------------
# repeat detection


def test_match_by_id_number(ds, ctx):
    idn = id_number(101)
    c = new_case(ds, ctx["ds_town"], pets=[{"name": "王某", "id_number": idn}])
    # the ID number written differently (blanks, lower-case x) still matches: compared normalised.
    # Another matter of the same person: shown, but the new one is still 初信初访 (per matter).
    other = id_number(102)
    res = match(ds, region_id=ctx["ds_town"], title="另一件事", content=rand_text(9001),
                petitioners=[{"id_number": " " + idn.lower() + " "}, {"id_number": other}])
    hit = by_id(res["items"]).get(c["id"])
    assert hit, res
    assert hit["reasons"][:2] == ["同一信访人（身份证号）", "其他事项"] and hit["same_matter"] is False
    assert hit["case_no"] == c["case_no"] and hit["status"] == "registered" and hit["status_label"] == "登记"
    assert hit["region_name"] and hit["received_at"]
    assert res["first_time"] is True
    # the same matter of the same person: the repeat, score 100
    res = match(ds, region_id=ctx["ds_town"], title=c["title"], content=c["content"], category="01",
                petitioners=[{"id_number": idn}])
    hit = by_id(res["items"]).get(c["id"])
    assert hit and hit["score"] == 100 and hit["same_matter"] is True and res["first_time"] is False
    assert hit["reasons"][0] == "同一信访人（身份证号）" and "其他事项" not in hit["reasons"]
    # an unfinished ID number (the clerk is still typing) is simply not used
    res = match(ds, region_id=ctx["ds_town"], petitioners=[{"id_number": idn[:10]}])
    assert c["id"] not in by_id(res["items"]) and res["first_time"] is True


def test_match_by_phone(ds, ctx):
    p = phone(7001)
    c = new_case(ds, ctx["ds_town"], pets=[{"name": "李某", "phone": p}])
    res = match(ds, region_id=ctx["ds_town2"], title=c["title"], content=c["content"],
                petitioners=[{"phone": p[:3] + "-" + p[3:7] + "-" + p[7:]}])
    hit = by_id(res["items"]).get(c["id"])
    assert hit and hit["score"] == 100 and hit["reasons"][0] == "同一信访人（电话）", res
    assert res["first_time"] is False and res["repeat_of"]["id"] == c["id"]
    # excluding the case itself (the form while editing it)
    res = match(ds, petitioners=[{"phone": p}], exclude_id=c["id"])
    assert c["id"] not in by_id(res["items"])


def test_match_by_representative(ds, ctx):
    rep = phone(7101)
    pets = [{"name": "代表甲", "phone": rep, "is_representative": True},
            {"name": "群众乙", "phone": phone(7102)}, {"name": "群众丙", "phone": phone(7103)}]
    c = new_case(ds, ctx["ds_town"], pets=pets, head_count=30)
    res = match(ds, region_id=ctx["ds_town"], content=rand_text(9003), petitioners=[{"phone": rep}])
    hit = by_id(res["items"]).get(c["id"])
    assert hit and hit["reasons"][0] == "同一代表人" and hit["same_petitioner"] is True, res
    # an ordinary member of the same group petition is the same petitioner
    res = match(ds, petitioners=[{"phone": phone(7102)}])
    hit = by_id(res["items"]).get(c["id"])
    assert hit and hit["reasons"][0] == "同一信访人（电话）"
    # a representative of a small (not group) petition counts as the petitioner himself
    solo = phone(7104)
    c2 = new_case(ds, ctx["ds_town"], pets=[{"name": "丁某", "phone": solo, "is_representative": True}])
    hit = by_id(match(ds, petitioners=[{"phone": solo}])["items"]).get(c2["id"])
    assert hit and hit["reasons"][0] == "同一信访人（电话）"


BASE = ("我村土地于去年被征收，补偿款至今未发放到位，多次向镇里反映无果，家中生活困难，"
        "请求有关部门督促落实征地补偿款的发放。")


def test_match_by_similar_content(ds, ctx):
    content = BASE + rand_text(9100, 6)
    c = new_case(ds, ctx["ds_town"], title="征地补偿款未发放", content=content)
    res = match(ds, region_id=ctx["ds_town2"], title="征地补偿款至今未发放",
                content="我村的土地去年被征收，补偿款至今没有发放到位，多次向镇里反映无果，家里生活困难，"
                        "请求督促落实征地补偿款的发放。",
                petitioners=[{"phone": phone(7201)}])
    hit = by_id(res["items"]).get(c["id"])
    assert hit, res
    sim = [x for x in hit["reasons"] if x.startswith("内容相似")]
    assert sim and hit["same_petitioner"] is False
    assert 45 <= hit["score"] < 100  # the default suggestion threshold (信访办理设置) is 45
    assert res["first_time"] is True  # a similar matter is not the same petitioner
    # unrelated content is not similar
    res = match(ds, region_id=ctx["ds_town"], title="学校食堂", content="学校食堂卫生状况差，学生多次出现腹泻症状。")
    assert c["id"] not in by_id(res["items"])
    # items come ordered by score
    scores = [i["score"] for i in res["items"]]
    assert scores == sorted(scores, reverse=True)


def test_no_match_first_time(ds, ctx):
    res = match(ds, region_id=ctx["ds_town"], title=rand_text(9201, 10), content=rand_text(9202),
                petitioners=[{"phone": phone(7301), "id_number": id_number(301)}])
    assert res["items"] == [] and res["first_time"] is True and res["repeat_of"] is None
    res = match(ds)
    assert res["items"] == [] and res["first_time"] is True


def test_match_validation(ds):
    for body, field in (({"petitioners": [{"name": "张三"}]}, "petitioners[0].name"),
                        ({"petitioners": "13800990001"}, "petitioners"),
                        ({"petitioners": [{"phone": 13800990001}]}, "petitioners[0].phone"),
                        ({"region_id": "东山"}, "region_id"),
                        ({"title": "长" * 101}, "title"),
                        ({"bogus": 1}, "bogus")):
        r = ds.post("/api/v1/cases/match", json=body)
        assert r.status_code == 422 and err(r)["field"] == field, (body, r.text)


def settings(c):
    r = c.get("/api/v1/settings/cases")
    assert r.status_code == 200, r.text
    return r.json()


def put_settings(admin, s, **changes):
    body = {k: s[k] for k in ("max_extension_days", "warn_days", "repeat_window_days", "similarity_percent")}
    body["steps"] = {k: {"days": v["days"], "working": v["working"]} for k, v in s["steps"].items()}
    body.update(changes)
    body["version"] = s["version"]
    r = admin.put("/api/v1/settings/cases", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_match_window_from_settings(ds, admin, ctx):
    p = phone(7401)
    received = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=100)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    c = new_case(ds, ctx["ds_town"], pets=[{"name": "赵某", "phone": p}], received_at=received)
    s = settings(ds)
    assert s["repeat_window_days"] >= 100
    assert c["id"] in by_id(match(ds, petitioners=[{"phone": p}])["items"])
    s2 = put_settings(admin, s, repeat_window_days=30)
    try:
        res = match(ds, petitioners=[{"phone": p}])
        assert c["id"] not in by_id(res["items"]) and res["first_time"] is True
    finally:
        put_settings(admin, s2, repeat_window_days=s["repeat_window_days"])
    assert c["id"] in by_id(match(ds, petitioners=[{"phone": p}])["items"])


def test_match_scope(ds, xy, ctx):
    p, idn = phone(7501), id_number(501)
    content = BASE + rand_text(9500, 6)
    c = new_case(ds, ctx["ds_town"], content=content, pets=[{"name": "钱某", "phone": p, "id_number": idn}])
    body = dict(region_id=ctx["xy_town"], content=content, petitioners=[{"phone": p, "id_number": idn}])
    # the 东山县 clerk finds it; the 西洋县 clerk never learns about it, not even as 非初访
    assert c["id"] in by_id(match(ds, **body)["items"])
    res = match(xy, **body)
    assert c["id"] not in by_id(res["items"]) and res["first_time"] is True
    res = match(xy, region_id=ctx["ds_town"], content=content, petitioners=[{"phone": p}])
    assert c["id"] not in by_id(res["items"]) and res["first_time"] is True


# ---------------------------------------------------------------------------------------------
# attachments

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def upload(c, cid, name, data, expect=201):
    r = c.post(f"/api/v1/cases/{cid}/attachments", params={"name": name}, data=data,
               headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == expect, (name, r.status_code, r.text)
    return r.json()


def docx_bytes():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return b.getvalue()


def test_attachment_types(ds, ctx, server, auditadmin):
    c = new_case(ds, ctx["ds_town"])
    a = upload(ds, c["id"], "现场照片.txt", PNG)  # the name says text, the bytes say PNG
    assert a["mime"] == "image/png" and a["name"] == "现场照片.txt" and a["size"] == len(PNG)
    assert len(a["sha256"]) == 64 and a["id"] > 0
    assert upload(ds, c["id"], "情况说明.txt", "情况说明：道路损坏。\n".encode())["mime"].startswith("text/plain")
    assert upload(ds, c["id"], "材料.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")["mime"] == "application/pdf"
    assert upload(ds, c["id"], "诉求.docx", docx_bytes())["mime"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    for name, data in (("tool.png", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64),
                       ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
                       ("gbk.txt", "信访".encode("gbk")),
                       ("a.zip", b"PK\x03\x04" + b"\x00" * 64)):
        r = ds.post(f"/api/v1/cases/{c['id']}/attachments", params={"name": name}, data=data)
        assert r.status_code == 415 and err(r)["code"] == "unsupported_media_type", (name, r.text)
    for name in ("", "a/b.png", "..\\x.png", "..", "tab\there.png", "长" * 101):
        r = ds.post(f"/api/v1/cases/{c['id']}/attachments", params={"name": name}, data=PNG)
        assert r.status_code == 422 and err(r)["field"] == "name", (name, r.text)
    r = ds.post(f"/api/v1/cases/{c['id']}/attachments", data=PNG)
    assert r.status_code == 422 and err(r)["field"] == "name"
    r = ds.post(f"/api/v1/cases/{c['id']}/attachments", params={"name": "empty.txt"}, data=b"")
    assert r.status_code == 422
    r = ds.post(f"/api/v1/cases/{c['id']}/attachments", params={"name": "big.txt"}, data=b"a" * (10 * 1024 * 1024 + 1))
    assert r.status_code == 413
    assert upload(ds, c["id"], "刚好10M.txt", b"a" * (10 * 1024 * 1024))["size"] == 10 * 1024 * 1024
    # the detail lists them, the timeline has an attach event, the audit log a case.attach record
    d = ds.get(f"/api/v1/cases/{c['id']}").json()
    assert a["id"] in {x["id"] for x in d["attachments"]}
    assert any(e["action"] == "attach" for e in d["timeline"])
    r = auditadmin.get("/api/v1/audit", params={"action": "case.attach"})
    assert r.status_code == 200
    assert any(x["object_id"] == str(c["id"]) and a["sha256"] in x["details"] for x in r.json()["items"])
    assert server.sql("SELECT COUNT(*) FROM case_attachments WHERE case_id = ?", (c["id"],))[0][0] == 5


def test_attachment_content_addressed(ds, ctx, server):
    c1, c2 = new_case(ds, ctx["ds_town"]), new_case(ds, ctx["ds_town"])
    data = PNG + rand_text(9600).encode()
    a1 = upload(ds, c1["id"], "图1.png", data)
    a2 = upload(ds, c2["id"], "图2.png", data)
    assert a1["sha256"] == a2["sha256"] and a1["id"] != a2["id"]
    assert server.sql("SELECT COUNT(*), MAX(size) FROM case_blobs WHERE sha256 = ?", (a1["sha256"],))[0] == (1, len(data))
    assert server.sql("SELECT COUNT(*) FROM case_attachments WHERE sha256 = ?", (a1["sha256"],))[0][0] == 2
    import hashlib
    assert a1["sha256"] == hashlib.sha256(data).hexdigest()
    for cid, a in ((c1["id"], a1), (c2["id"], a2)):
        r = ds.get(f"/api/v1/cases/{cid}/attachments/{a['id']}")
        assert r.status_code == 200 and r.content == data
        assert r.headers["Content-Type"] == "image/png"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        cd = r.headers["Content-Disposition"]
        assert cd.startswith("attachment;") and "filename*=UTF-8''" in cd
    assert "%E5%9B%BE1.png" in ds.get(f"/api/v1/cases/{c1['id']}/attachments/{a1['id']}").headers["Content-Disposition"]
    # an attachment is reached only through its own case
    assert ds.get(f"/api/v1/cases/{c2['id']}/attachments/{a1['id']}").status_code == 404
    assert ds.get(f"/api/v1/cases/{c1['id']}/attachments/999999").status_code == 404


def test_attachment_limit(ds, ctx):
    c = new_case(ds, ctx["ds_town"])
    for i in range(20):
        upload(ds, c["id"], f"第{i + 1}页.txt", f"第{i + 1}页".encode())
    r = ds.post(f"/api/v1/cases/{c['id']}/attachments", params={"name": "第21页.txt"}, data="第21页".encode())
    assert r.status_code == 409 and "20" in err(r)["message"], r.text


def test_attachment_scope(ds, xy, ctx):
    c = new_case(ds, ctx["ds_town"])
    a = upload(ds, c["id"], "证据.png", PNG)
    r = xy.post(f"/api/v1/cases/{c['id']}/attachments", params={"name": "x.png"}, data=PNG)
    assert r.status_code == 404
    r = xy.post(f"/api/v1/cases/{c['id']}/attachments", params={"name": "x.bin"}, data=b"\x7fELF\x00\x00")
    assert r.status_code == 404  # not 415: nothing is said about a case the user cannot see
    assert xy.get(f"/api/v1/cases/{c['id']}/attachments/{a['id']}").status_code == 404
    assert ds.get(f"/api/v1/cases/{c['id']}/attachments/{a['id']}").status_code == 200


# ---------------------------------------------------------------------------------------------
# 我的待办


def todo(c):
    r = c.get("/api/v1/todo")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    dues = [i["due_date"] for i in body["items"]]
    filled = [d for d in dues if d]
    assert dues == filled + [""] * (len(dues) - len(filled)), dues  # empty due dates last
    assert filled == sorted(filled)
    return body["items"]


def tasks(items):
    return {(i["case_id"], i["task"]) for i in items}


def test_todo_clerk(ds, xy, ctx, server):
    c = new_case(ds, ctx["ds_town"])
    x = new_case(xy, ctx["xy_town"])
    items = todo(ds)
    assert (c["id"], "accept") in tasks(items) and x["id"] not in {i["case_id"] for i in items}
    # every case in the 东山县 clerk's list is registered or handled in 东山县
    ids = ",".join(str(int(i["case_id"])) for i in items)
    gov = server.sql("SELECT path FROM units WHERE name = '东山县人民政府'")[0][0]
    outside = server.sql(f"SELECT c.id FROM cases c JOIN units u ON u.id = c.unit_id LEFT JOIN units h"
                         f" ON h.id = c.handling_unit_id WHERE c.id IN ({ids}) AND u.path NOT LIKE ? AND"
                         f" (h.path IS NULL OR h.path NOT LIKE ?)", (gov + "%", gov + "%"))
    assert outside == []
    it = next(i for i in items if i["case_id"] == c["id"])
    assert it["task_label"] == "待受理" and it["status"] == "registered" and it["status_label"] == "登记"
    assert it["case_no"] == c["case_no"] and it["title"] == c["title"]
    assert it["kind"] == "suggestion" and it["kind_label"] == "建议意见"
    # a first petition (初信初访) is to be assigned at once: its task is due by the 三个第一 target,
    # earlier than the statutory 15 days the case itself shows
    target = next(x for x in c["deadlines"] if x["step"] == "first_assign")
    assert c["first_time"] is True and c["due_step"] == "accept_decision"
    assert it["due_date"] == target["due_date"] < c["due_date"] and it["due_step"] == "first_assign"
    assert it["first_time"] is True and it["due_step_label"] == "初信初访交办时限"
    assert it["deadline_state"] in ("normal", "due_soon", "overdue")
    assert it["deadline_state_label"] in ("正常", "临期", "逾期")
    assert it["urgency"] == "normal" and it["supervised"] is False
    assert c["id"] not in {i["case_id"] for i in todo(xy)}
    # after 受理 the clerk's task becomes 交办
    act(ds, c["id"], "accept")
    assert (c["id"], "assign") in tasks(todo(ds)) and (c["id"], "accept") not in tasks(todo(ds))


def test_todo_handler_and_leader(ds, handler, leader, ctx):
    c = new_case(ds, ctx["ds_town"])
    assert c["id"] not in {i["case_id"] for i in todo(handler)}
    to_handler(ds, handler, ctx, c["id"], sign=False)
    items = todo(handler)
    assert (c["id"], "sign") in tasks(items)
    assert next(i for i in items if i["case_id"] == c["id"])["task_label"] == "待签收"
    assert c["id"] not in {i["case_id"] for i in todo(ds)}  # nothing for the clerk while the unit works
    act(handler, c["id"], "sign")
    assert (c["id"], "reply") in tasks(todo(handler))
    # 三个第一: a first petition in handling is the leader's to supervise at once
    it = next(i for i in todo(leader) if i["case_id"] == c["id"])
    assert it["task"] == "supervise" and it["task_label"] == "待督办" and it["due_step"] == "first_supervise"
    d = ds.get(f"/api/v1/cases/{c['id']}").json()
    assert it["due_date"] == next(x for x in d["deadlines"] if x["step"] == "first_supervise")["due_date"]
    act(leader, c["id"], "supervise", reason="初信初访，请第一时间办理")
    assert c["id"] not in {i["case_id"] for i in todo(leader)}
    d = ds.get(f"/api/v1/cases/{c['id']}").json()
    assert next(x for x in d["deadlines"] if x["step"] == "first_supervise")["done"] is True
    act(handler, c["id"], "extend_request", reason="需要现场勘查", extend_days=15)
    items = todo(leader)
    it = next(i for i in items if i["case_id"] == c["id"])
    assert it["task"] == "approve" and it["task_label"] == "待审批延期"
    act(leader, c["id"], "extend_approve")
    assert c["id"] not in {i["case_id"] for i in todo(leader)}
    # 答复 with an uploaded document: the action binds it to its own timeline event
    att = upload(handler, c["id"], "答复意见书.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    d = ds.get(f"/api/v1/cases/{c['id']}").json()
    assert next(x for x in d["attachments"] if x["id"] == att["id"])["event_id"] is None
    d = act(handler, c["id"], "reply", reply_text="已安排维修。", attachment_ids=[att["id"]])
    ev = next(e for e in d["timeline"] if e["action"] == "reply")
    assert [x["id"] for x in ev["attachments"]] == [att["id"]]
    assert next(x for x in d["attachments"] if x["id"] == att["id"])["event_id"] == ev["id"]
    assert any(e["action"] == "attach" and e["action_label"] == "上传附件" for e in d["timeline"])
    # 答复 → the clerk calls back, then closes
    assert (c["id"], "callback") in tasks(todo(ds))
    act(ds, c["id"], "callback", satisfaction="satisfied", resolved=True, callback_how="电话")
    assert (c["id"], "close") in tasks(todo(ds))
    act(ds, c["id"], "close")
    assert c["id"] not in {i["case_id"] for i in todo(ds)}


def test_todo_other_roles(server):
    for user in ("sysadmin", "planner"):
        assert todo(server.client(user)) == []
    assert server.client().get("/api/v1/todo").status_code == 401


# ---------------------------------------------------------------------------------------------
# export


def export(c, **params):
    r = c.get("/api/v1/cases/export", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in r.headers["Content-Disposition"]
    return r.content


def test_export(ds, xy, ctx, auditadmin):
    p, idn = phone(8001), id_number(801)
    c = new_case(ds, ctx["ds_town"], title="导出测试事项", pets=[{"name": "孙某", "phone": p, "id_number": idn}])
    x = new_case(xy, ctx["xy_town"], title="西洋县导出测试")
    data = export(ds)
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = z.read("xl/sharedStrings.xml").decode()
    assert p[:3] + "****" + p[-4:] in shared
    assert p not in shared and idn not in shared and idn[6:14] not in shared
    rows = res_xlsx_rows(data)
    assert rows[0] == ["信访编号", "登记时间", "渠道", "类别", "性质", "问题属地", "标题", "信访人", "联系电话", "状态",
                       "承办单位", "办理期限", "期限状态"]
    nos = {r[0] for r in rows[1:]}
    assert c["case_no"] in nos and x["case_no"] not in nos
    row = next(r for r in rows if r[0] == c["case_no"])
    assert row[2] == "来访" and row[4] == "建议意见" and row[6] == "导出测试事项" and row[7] == "孙某"
    assert row[9] == "登记" and row[11] == c["due_date"]
    # exactly the cases the clerk's list shows
    total = ds.get("/api/v1/cases", params={"page_size": 1}).json()["total"]
    assert len(rows) - 1 == total
    assert x["case_no"] in {r[0] for r in res_xlsx_rows(export(xy))[1:]}
    # filters as in the list
    rows = res_xlsx_rows(export(ds, keyword="导出测试事项"))
    assert [r[0] for r in rows[1:]] == [c["case_no"]]
    assert len(res_xlsx_rows(export(ds, status="closed", keyword="导出测试事项"))) == 1
    for bad in ({"status": "bogus"}, {"from": "2026-02-30"}, {"supervised": "maybe"}, {"sort": "title"}):
        r = ds.get("/api/v1/cases/export", params=bad)
        assert r.status_code == 400, (bad, r.text)
    r = auditadmin.get("/api/v1/audit", params={"action": "case.export"})
    assert r.status_code == 200 and r.json()["total"] >= 1


# ---------------------------------------------------------------------------------------------
# settings


def test_settings_get(ds, leader, server):
    s = settings(ds)
    assert set(s["steps"]) == {"accept_decision", "notice", "unit_notice", "objection", "close", "review_request",
                               "review_answer", "recheck_request", "recheck_answer", "first_assign",
                               "first_supervise", "first_callback"}
    # 三个第一 of first petitions: shorter targets, in working days
    assert s["steps"]["first_assign"] == {"days": 2, "working": True, "label": "初信初访交办"}
    assert s["extension_approval"] == "unit_or_above" and s["extension_approval_label"]
    assert s["steps"]["close"]["days"] == 60
    assert s["steps"]["objection"]["days"] == 5 and s["steps"]["objection"]["working"] is True
    assert all(v["label"] for v in s["steps"].values())
    for k in ("max_extension_days", "warn_days", "repeat_window_days", "similarity_percent", "version"):
        assert isinstance(s[k], int), k
    assert settings(leader) == s
    r = ds.get("/api/v1/settings/cases")
    assert r.headers["ETag"] == f'"{s["version"]}"'


def test_settings_validation(ds, admin):
    s = settings(ds)
    bad = [({"warn_days": 31}, "warn_days"), ({"warn_days": -1}, "warn_days"),
           ({"max_extension_days": 0}, "max_extension_days"), ({"max_extension_days": 91}, "max_extension_days"),
           ({"repeat_window_days": 0}, "repeat_window_days"), ({"repeat_window_days": 3651}, "repeat_window_days"),
           ({"similarity_percent": 19}, "similarity_percent"), ({"similarity_percent": 101}, "similarity_percent"),
           ({"steps": {"close": {"days": 0}}}, "steps.close.days"),
           ({"steps": {"close": {"days": 366}}}, "steps.close.days"),
           ({"steps": {"close": {"working": "yes"}}}, "steps.close.working"),
           ({"steps": {"close": {"days": 10, "hours": 1}}}, "steps.close.hours"),
           ({"steps": {"bogus": {"days": 10}}}, "steps.bogus"),
           ({"steps": [1]}, "steps"), ({"bogus": 1}, "bogus")]
    for change, field in bad:
        body = dict(change, version=s["version"])
        r = admin.put("/api/v1/settings/cases", json=body)
        assert r.status_code == 422 and err(r)["field"] == field, (change, r.text)
    r = admin.put("/api/v1/settings/cases", json={"warn_days": 3})
    assert r.status_code == 428
    r = admin.put("/api/v1/settings/cases", json={"warn_days": 3, "version": s["version"] + 5})
    assert r.status_code == 409 and err(r)["code"] == "version_conflict"
    r = admin.put("/api/v1/settings/cases", json={"warn_days": 3}, headers={"If-Match": f'"{s["version"] + 5}"'})
    assert r.status_code == 412
    assert settings(ds) == s  # nothing changed
    assert ds.put("/api/v1/settings/cases", json={"warn_days": 3, "version": s["version"]}).status_code == 403


def test_settings_change_deadline(ds, handler, admin, ctx):
    s = settings(ds)
    old = new_case(ds, ctx["ds_town"])
    old = to_handler(ds, handler, ctx, old["id"])
    assert old["due_step"] == "close"
    s2 = put_settings(admin, s, steps={"close": {"days": 10, "working": False}}, warn_days=5)
    try:
        assert s2["version"] == s["version"] + 1 and s2["steps"]["close"]["days"] == 10 and s2["warn_days"] == 5
        assert settings(ds) == s2
        new = new_case(ds, ctx["ds_town"])
        new = to_handler(ds, handler, ctx, new["id"])
        assert new["due_step"] == "close"
        due = datetime.date.fromisoformat(new["due_date"])
        assert today() + datetime.timedelta(days=10) <= due <= today() + datetime.timedelta(days=19), new["due_date"]
        assert due < datetime.date.fromisoformat(old["due_date"])
        # the handler's todo shows it 临期 with warn_days 5 only when due within 5 days: not yet
        it = next(i for i in todo(handler) if i["case_id"] == new["id"])
        assert it["deadline_state"] == ("due_soon" if (due - today()).days <= 5 else "normal")
    finally:
        put_settings(admin, s2, steps={"close": s["steps"]["close"]}, warn_days=s["warn_days"])
    assert settings(ds)["steps"]["close"]["days"] == 60


def test_todo_deadline_state_follows_today(tmp_path, monkeypatch):
    """正常 → 临期 → 逾期 in 我的待办 as days pass (the test build's clock), the same as in the list."""
    from conftest import Server, run_cli
    db = str(tmp_path / "clock.db")
    run_cli("demo", db=db)
    srv = Server(db, extra=["--login-rate", "100000"]).start()
    try:
        clerk = srv.client("clerk_dongshan")
        town = srv.sql("SELECT r.id FROM regions r JOIN regions k ON r.parent_id = k.id"
                       " WHERE k.name = '东山县' ORDER BY r.id LIMIT 1")[0][0]
        # the 三个第一 target as long as the statutory limit: the task is due by the latter, as the list
        admin = srv.client("sysadmin")
        put_settings(admin, settings(admin), steps={"first_assign": {"days": 15, "working": False}})
        c = new_case(clerk, town)
        due = datetime.date.fromisoformat(c["due_date"])
        warn = settings(clerk)["warn_days"]
        for offset, state in ((-(warn + 1), "normal"), (-warn, "due_soon"), (0, "due_soon"), (1, "overdue")):
            assert srv.stop() == 0
            monkeypatch.setenv("SIXIA_TEST_TODAY", (due + datetime.timedelta(days=offset)).isoformat())
            srv = Server(db, extra=["--login-rate", "100000"]).start()
            clerk = srv.client("clerk_dongshan")
            it = next(i for i in todo(clerk) if i["case_id"] == c["id"])
            listed = next(i for i in clerk.get("/api/v1/cases", params={"page_size": 200}).json()["items"]
                          if i["id"] == c["id"])
            assert it["deadline_state"] == state == listed["deadline_state"], (offset, it, listed)
            assert it["deadline_state_label"] == listed["deadline_state_label"]
    finally:
        assert srv.stop() == 0
