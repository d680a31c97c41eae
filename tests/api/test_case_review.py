"""复查 and 复核 (review and re-check) requests: each opens a linked new case within its window;
after 复核 the matter is final. (The window refusal itself is in test_case_deadlines.py.)"""
import pytest

from casehelp import World, act, codes, deadline_of, drive, err, get, has_cjk, preview, today, d


@pytest.fixture(scope="module")
def w(server):
    return World(server)


def review_links(det):
    return [l for l in det["links"] if l["kind"] == "review"]


@pytest.fixture(scope="module")
def chain(w):
    """An original case closed, its 复查 case closed and its 复核 case closed: (orig, rev, rechk)."""
    orig = w.create(kind="appeal", title="复查复核测试")["id"]
    drive(w, orig, "closed", kind="appeal")
    det = act(w.clerk, orig, "review_request", reason="对处理意见不服，申请复查")
    assert det["id"] == orig and det["status"] == "closed"
    links = review_links(det)
    assert len(links) == 1 and links[0]["kind_label"]
    rev = links[0]["case_id"]
    drive(w, rev, "closed", kind="appeal")
    det = act(w.clerk, rev, "recheck_request", reason="对复查意见不服，申请复核")
    assert det["id"] == rev
    rl = [l for l in review_links(det) if l["case_id"] != orig]
    assert len(rl) == 1
    rechk = rl[0]["case_id"]
    drive(w, rechk, "closed", kind="appeal")
    return orig, rev, rechk


def test_review_case_shape(w, chain):
    orig, rev, rechk = chain
    o = get(w.clerk, orig)
    r = get(w.clerk, rev)
    assert r["review_level"] == 1 and r["parent_case_id"] == orig and r["kind"] == "appeal"
    assert r["case_no"] != o["case_no"]
    assert orig in {l["case_id"] for l in review_links(r)}
    k = get(w.clerk, rechk)
    assert k["review_level"] == 2 and k["parent_case_id"] == rev
    assert rev in {l["case_id"] for l in review_links(k)}
    assert o["review_level"] == 0


def test_review_case_deadline(w):
    orig = w.create()["id"]
    drive(w, orig, "closed")
    det = act(w.clerk, orig, "review_request", reason="不服")
    rid = review_links(det)[0]["case_id"]
    r = get(w.clerk, rid)
    assert r["status"] == "registered" and r["review_level"] == 1
    assert r["due_step"] == "review_answer"
    assert d(r["due_date"]) == preview(w.admin, "review_answer", today())
    assert deadline_of(r, "review_answer")["due_date"] == r["due_date"]


def test_second_review_request_refused(w, chain):
    orig, rev, rechk = chain
    before = get(w.clerk, orig)
    r = act(w.clerk, orig, "review_request", expect=409, reason="再次申请复查")
    assert err(r)["code"] == "conflict" and has_cjk(err(r)["message"])
    assert "review_request" not in codes(err(r)["allowed"])
    after = get(w.clerk, orig)
    assert len(review_links(after)) == len(review_links(before)) == 1 and after["version"] == before["version"]


def test_recheck_needs_a_review_case(w):
    orig = w.create()["id"]
    drive(w, orig, "closed")
    r = act(w.clerk, orig, "recheck_request", expect=409, reason="直接申请复核")
    assert err(r)["code"] == "conflict"
    r = act(w.clerk, orig, "review_request", expect=422)
    assert err(r)["field"] == "reason"
    act(w.handler, orig, "review_request", expect=403, reason="不服")
    assert review_links(get(w.clerk, orig)) == []


def test_review_request_on_level1_refused(w, chain):
    orig, rev, rechk = chain
    r = act(w.clerk, rev, "review_request", expect=409, reason="复查案件再申请复查")
    assert err(r)["code"] == "conflict"
    r = act(w.clerk, rev, "recheck_request", expect=409, reason="第二次复核")
    assert err(r)["code"] == "conflict"


def test_recheck_case_is_final(w, chain):
    orig, rev, rechk = chain
    det = get(w.clerk, rechk)
    assert "review_request" not in codes(det["allowed_actions"])
    assert "recheck_request" not in codes(det["allowed_actions"])
    for a in ("review_request", "recheck_request"):
        r = act(w.clerk, rechk, a, expect=409, reason="继续申请")
        assert err(r)["code"] == "conflict"


def test_duplicate_of_final_matter_not_accepted(w, chain):
    """After 复核 the same facts and reasons are 不再受理 (2022 art. 36): accepting the repeat needs
    the new facts and reasons; without them it is declined with the 不再受理 notice."""
    orig, rev, rechk = chain
    c = w.create(kind="appeal", duplicate_of=rechk, title="同一事项再次信访")
    assert c["duplicate_of"] == rechk and c["matter_final"] is True
    accept = next(a for a in c["allowed_actions"] if a["code"] == "accept")
    assert accept["needs"] == ["reason"]
    decline = next(a for a in c["allowed_actions"] if a["code"] == "decline")
    assert decline["needs"] == []
    r = act(w.clerk, c["id"], "accept", expect=422)
    assert err(r)["field"] == "reason" and "新的事实和理由" in err(r)["message"]
    assert get(w.clerk, c["id"])["status"] == "registered"
    det = act(w.clerk, c["id"], "decline")
    assert det["status"] == "declined" and "不再受理" in det["notice_text"]
    assert get(w.clerk, rechk)["case_no"] in det["notice_text"] and "。。" not in det["notice_text"]
    assert "复核终结" in det["decline_reason"]


def test_final_matter_accepted_with_new_facts_is_audited(w, chain):
    orig, rev, rechk = chain
    c = w.create(kind="appeal", duplicate_of=orig, title="同一事项再次信访（新证据）")
    assert c["matter_final"] is True  # the original of a matter closed by 复核 is final as well
    det = act(w.clerk, c["id"], "accept", reason="信访人提供了新的证据材料：2026年11月的书面协议")
    assert det["status"] == "accepted"
    ev = det["timeline"][-1]
    assert ev["action"] == "accept" and ev["data"]["accepted_despite_final"] is True
    assert "新的证据材料" in ev["data"]["reason"]
    logs = w.audit.get("/api/v1/audit", params={"action": "case.accept", "page_size": 200}).json()["items"]
    rec = next(x for x in logs if x["object_id"] == str(c["id"]))
    assert "新的证据材料" in rec["details"] and "accepted_despite_final" in rec["details"]


def test_duplicate_of_original_of_final_matter_not_accepted(w, chain):
    """The matter went through 复核: a new case filed as a duplicate of the original case is the
    same matter (2022 art. 36), so it cannot be accepted without the new facts and reasons."""
    orig, rev, rechk = chain
    c = w.create(kind="appeal", duplicate_of=orig, title="同一事项再次信访（原件）")
    r = act(w.clerk, c["id"], "accept", expect=422)
    assert err(r)["field"] == "reason"


def test_duplicate_of_ordinary_case_can_be_accepted(w):
    orig = w.create()["id"]
    drive(w, orig, "closed")
    c = w.create(duplicate_of=orig)
    assert act(w.clerk, c["id"], "accept")["status"] == "accepted"


def test_recheck_window(w, server, chain):
    """The 复核 window counts from the 复查 case's reply: inside it the deadline entry says so; with
    the reply moved 45 days back in the database (set-up only) the request is refused."""
    orig = w.create(kind="appeal")["id"]
    drive(w, orig, "closed", kind="appeal")
    rev = review_links(act(w.clerk, orig, "review_request", reason="不服"))[0]["case_id"]
    det = drive(w, rev, "closed", kind="appeal")
    win = deadline_of(det, "recheck_request")
    assert d(win["due_date"]) == preview(w.admin, "recheck_request", d(det["replied_day"]))
    assert "recheck_request" in codes(det["allowed_actions"])
    import datetime as dt
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=45)).strftime("%Y-%m-%dT%H:%M:%SZ")
    server.sql("UPDATE cases SET replied_at = ? WHERE id = ?", (old, rev))
    server.sql("UPDATE case_events SET at = ? WHERE case_id = ? AND action = 'reply'", (old, rev))
    det = get(w.clerk, rev)
    assert d(deadline_of(det, "recheck_request")["due_date"]) < today()
    assert "recheck_request" not in codes(det["allowed_actions"])
    r = act(w.clerk, rev, "recheck_request", expect=409, reason="逾期申请复核")
    assert err(r)["code"] == "conflict" and has_cjk(err(r)["message"])
    assert len(review_links(get(w.clerk, rev))) == 1  # only the link to the original
