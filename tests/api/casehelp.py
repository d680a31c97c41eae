"""Shared helpers of the petition-case API tests (test_case_*.py): the demo world (accounts,
units, regions), fake but valid personal data, case creation, driving a case through the
workflow, a Python mirror of the state machine of src/domain/case_flow.c and of the deadline
rules of src/domain/deadline.c over the calendar read from the holidays API."""
import datetime as dt
import itertools
import random

from conftest import err, res_all, res_role_ids, res_unit_id

C = "/api/v1/cases"
CN = dt.timezone(dt.timedelta(hours=8))
ZJJ = "地区住房和城乡建设局"  # the demo `handler` account's unit (地区住建局)
EDU = "地区教育局"
DONGSHAN_GOV = "东山县人民政府"
XIYANG_GOV = "西洋县人民政府"


def today():
    """Today in China time (the server counts days in UTC+8)."""
    return dt.datetime.now(CN).date()


def d(s):
    return dt.date.fromisoformat(s)


def has_cjk(s):
    return any("\u4e00" <= ch <= "\u9fff" for ch in (s or ""))


# ---- fake personal data ------------------------------------------------------------------------
_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check_char(id17):
    """GB 11643 / ISO 7064 MOD 11-2 check character."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(id17, _W)) % 11]


_rnd = random.Random()
_seq = itertools.count(_rnd.randrange(0, 5000))


def fake_id(birth=None):
    """A valid, never-real-looking ID number: region 110101, a birth day, a running sequence."""
    n = next(_seq)
    birth = birth or f"19{60 + n % 40:02d}{1 + n % 12:02d}{1 + n % 28:02d}"
    body = f"110101{birth}{n % 1000:03d}"
    return body + id_check_char(body)


def fake_id_with_tail(tail4):
    """A valid ID ending in tail4 (3 digits + the check character that results); searches birth days."""
    for month in range(1, 13):
        for day in range(1, 29):
            body = f"1101011980{month:02d}{day:02d}{tail4[:3]}"
            if id_check_char(body) == tail4[3]:
                return body + tail4[3]
    raise AssertionError(tail4)


_phone_base = _rnd.randrange(100, 999)
_phone_seq = itertools.count(_rnd.randrange(0, 5000))


def fake_phone():
    return f"1390{_phone_base:03d}{next(_phone_seq) % 10000:04d}"


def mask_phone(p):
    return p[:3] + "****" + p[-4:]


def mask_id(i):
    return i[:6] + "********" + i[-4:]


# ---- the state machine (mirror of case_flow.c) --------------------------------------------------
STATUSES = ["registered", "accepted", "declined", "forwarded", "assigned", "signed", "in_progress", "replied",
            "called_back", "closed"]
NONTERMINAL = {"registered", "accepted", "assigned", "signed", "in_progress", "replied", "called_back"}
# action: (permission, from statuses, to status or None, needs)
FLOW = {
    "accept": ("case:accept", {"registered"}, "accepted", ()),
    "decline": ("case:accept", {"registered"}, "declined", ("reason",)),
    "forward": ("case:assign", {"registered", "accepted"}, "forwarded", ("forward_to",)),
    "assign": ("case:assign", {"accepted"}, "assigned", ("unit_id", "handler_id", "deadline")),
    "sign": ("case:sign", {"assigned"}, "signed", ()),
    "return": ("case:sign", {"assigned"}, "accepted", ("reason",)),
    "contact": ("case:handle", {"signed", "in_progress"}, "in_progress", ("contact",)),
    "reply": ("case:reply", {"signed", "in_progress"}, "replied", ("reply_text",)),
    "callback": ("case:callback", {"replied"}, "called_back", ("callback",)),
    "close": ("case:close", {"called_back"}, "closed", ()),
    "extend_request": ("case:extend_request", {"signed", "in_progress"}, None, ("reason", "extend_days")),
    "extend_approve": ("case:extend_approve", {"signed", "in_progress"}, None, ()),
    "extend_reject": ("case:extend_approve", {"signed", "in_progress"}, None, ("reason",)),
    "supervise": ("case:supervise", NONTERMINAL, None, ("reason",)),
    "take_charge": ("case:supervise", NONTERMINAL, None, ()),
    # 复查/复核 may be requested from the reply on: the 30 days run from the reply
    "review_request": ("case:review", {"replied", "called_back", "closed"}, None, ("reason",)),
    "recheck_request": ("case:review", {"replied", "called_back", "closed"}, None, ("reason",)),
    "onspot": ("case:accept", {"accepted"}, "replied", ("reply_text",)),
    "down_visit": ("case:supervise", NONTERMINAL, None, ("contact",)),
    "reclassify": ("case:intake", NONTERMINAL, None, ("reason", "kind")),
}
ACTIONS = list(FLOW)  # enum order of case_flow.h
HANDLING_UNIT_ONLY = {"sign", "return", "contact", "reply", "extend_request"}


def flow_allowed(status, kind="suggestion", ext="none", review_level=0, review_requested=False,
                 leader_in_charge=False, matter_final=False, open_repeat=False):
    """The actions case_flow_allowed() gives for this state (state and flags, inputs ignored). A
    repeat of a matter closed by 复核 (matter_final) may still be accepted, with the new facts and
    reasons; a repeat of a matter in handling (open_repeat) may not."""
    out = []
    for a, (_, frm, _, _) in FLOW.items():
        if status not in frm:
            continue
        if a == "accept" and (kind == "legal" or open_repeat):
            continue
        if a == "onspot" and open_repeat:
            continue
        if a == "reclassify" and review_level:
            continue
        if a == "decline" and kind == "legal":
            continue
        if a == "extend_request" and ext != "none":
            continue
        if a in ("extend_approve", "extend_reject") and ext != "pending":
            continue
        if a == "take_charge" and leader_in_charge:
            continue
        if a in ("review_request", "recheck_request"):
            if review_level >= 2 or review_requested:
                continue
            if a == "review_request" and review_level == 1:
                continue
            if a == "recheck_request" and review_level != 1:
                continue
        out.append(a)
    return out


# ---- the calendar (read from the holidays API) and the deadline rules ---------------------------
class Calendar:
    """Working days as the server's stored calendar says (GET /api/v1/holidays)."""

    def __init__(self, client):
        r = client.get("/api/v1/holidays")
        assert r.status_code == 200, r.text
        self.kind = {i["day"]: i["kind"] for i in r.json()["items"]}

    def working(self, day):
        k = self.kind.get(day.isoformat())
        if k == "workday":
            return True
        if k == "holiday":
            return False
        return day.weekday() < 5

    def calendar_days(self, start, days):
        due = start + dt.timedelta(days=days)
        while not self.working(due):
            due += dt.timedelta(days=1)
        return due

    def working_days(self, start, days):
        due = start
        while days > 0:
            due += dt.timedelta(days=1)
            if self.working(due):
                days -= 1
        return due


def preview(client, step, start):
    r = client.get("/api/v1/deadlines/preview", params={"step": step, "start": str(start)})
    assert r.status_code == 200, r.text
    return d(r.json()["due"])


# ---- the demo world ----------------------------------------------------------------------------
class World:
    """Logged-in demo accounts and the ids the case tests need, for one server."""

    def __init__(self, server):
        self.server = server
        self.clerk = server.client("clerk_dongshan")
        self.xiyang = server.client("clerk_xiyang")
        self.handler = server.client("handler")
        self.leader = server.client("leader")
        self.admin = server.client("sysadmin")
        self.sec = server.client("secadmin")
        self.audit = server.client("auditadmin")
        self.zjj = res_unit_id(self.admin, ZJJ)
        self.edu = res_unit_id(self.admin, EDU)
        self.dongshan_gov = res_unit_id(self.admin, DONGSHAN_GOV)
        self.xiyang_gov = res_unit_id(self.admin, XIYANG_GOV)
        users, _ = res_all(self.admin, "/api/v1/users")
        self.uid = {u["username"]: u["id"] for u in users}
        self.handler_id = self.uid["handler"]
        self.leader_id = self.uid["leader"]
        regions, _ = res_all(self.admin, "/api/v1/regions", {"level": 2})
        by = {r["name"]: r["id"] for r in regions}
        self.dongshan = by["东山县"]
        self.xiyang_region = by["西洋县"]
        towns, _ = res_all(self.admin, "/api/v1/regions", {"parent_id": self.dongshan})
        self.dongshan_town = towns[0]["id"]
        self._roles = None
        self._n = 0

    def discipline(self):
        """(unit id, user id, client) of a handler in 地区纪委监委, the 纪检监察 organ a 检举控告 goes to."""
        if not hasattr(self, "_jw"):
            unit = res_unit_id(self.admin, "宁川地区纪委监委")
            uid, c = self.new_user(f"jw_handler{self._n}", unit, roles=["handler"])
            self._jw = (unit, uid, c)
        return self._jw

    def organ(self, name):
        """Id of an organ of the master data (政法机关, 纪检监察机关) by name."""
        return res_unit_id(self.admin, name)

    def roles(self):
        if self._roles is None:
            self._roles = res_role_ids(self.sec)
        return self._roles

    def new_user(self, username, unit_id, permissions=None, scope=1, roles=()):
        """An account in unit_id holding a new role with these permissions and data scope (and
        the named built-in roles). Returns (user id, logged-in Client)."""
        from conftest import res_api_user
        role_ids = [self.roles()[r] for r in roles]
        if permissions is not None:
            r = self.sec.post("/api/v1/roles", json={"code": "r_" + username, "name": "测试" + username,
                                                     "permissions": permissions, "data_scope": scope})
            assert r.status_code == 201, r.text
            role_ids.append(r.json()["id"])
        uid, c = res_api_user(self.server, self.admin, self.sec, username, unit_id, role_ids)
        self.uid[username] = uid
        return uid, c

    def body(self, **over):
        """A valid intake body (a fresh petitioner each time) with fields overridden."""
        self._n += 1
        b = {"channel": "visit", "kind": "suggestion", "category": "05", "region_id": self.dongshan_town,
             "title": f"测试信访事项{self._n}", "content": f"群众反映小区道路破损需要修缮（测试{self._n}）。",
             "petitioners": [{"name": "张测试", "phone": fake_phone(), "id_number": fake_id(),
                              "address": "东山县城关镇测试路1号", "is_representative": False}]}
        b.update(over)
        return b

    def create(self, client=None, expect=201, **over):
        r = (client or self.clerk).post(C, json=self.body(**over))
        assert r.status_code == expect, r.text
        return r.json()


def get(client, cid, expect=200):
    r = client.get(f"{C}/{cid}")
    assert r.status_code == expect, (cid, r.status_code, r.text)
    return r.json() if expect == 200 else r


def act(client, cid, action, expect=200, version=True, **body):
    """POST an action (with the case's current version unless version=False or given)."""
    if version is True and "version" not in body:
        g = client.get(f"{C}/{cid}")
        # a case the client cannot see still gets a well-formed request (only visibility refuses it)
        body["version"] = g.json()["version"] if g.status_code == 200 else 1
    r = client.post(f"{C}/{cid}/actions/{action}", json=body)
    assert r.status_code == expect, (action, cid, r.status_code, r.text)
    return r.json() if r.status_code == 200 else r


def codes(allowed):
    return [a["code"] for a in allowed]


def listing(client, **params):
    """Every visible list item and the reported total."""
    return res_all(client, C, params)


def visible_ids(client, **params):
    items, total = listing(client, **params)
    return {i["id"] for i in items}, total


# The main line: status → (actor attribute of World, action, body builder)
def step_body(w, action, kind, assign_deadline=None):
    if action == "accept":
        return {}
    if action == "assign":
        return {"unit_id": w.zjj, "handler_id": w.handler_id,
                "deadline": str(assign_deadline or today() + dt.timedelta(days=30))}
    if action == "sign":
        return {}
    if action == "contact":
        return {"contact_how": "电话", "contact_with": "信访人本人", "contact_at": dt.datetime.now(dt.timezone.utc)
                .strftime("%Y-%m-%dT%H:%M:%SZ"), "note": "已电话联系信访人了解情况"}
    if action == "reply":
        b = {"reply_text": "经核实，已安排施工队修缮道路。"}
        if kind == "appeal":
            b["outcome"] = "support"
        return b
    if action == "callback":
        return {"resolved": True, "satisfaction": "satisfied", "callback_how": "电话"}
    if action == "close":
        return {}
    if action == "decline":
        return {"reason": "不属于信访事项受理范围"}
    if action == "forward":
        return {"forward_to": "东山县人民法院"}
    raise KeyError(action)


MAIN_LINE = [("accepted", "clerk", "accept"), ("assigned", "clerk", "assign"), ("signed", "handler", "sign"),
             ("in_progress", "handler", "contact"), ("replied", "handler", "reply"),
             ("called_back", "clerk", "callback"), ("closed", "clerk", "close")]


def drive(w, cid, target, kind="suggestion", assign_deadline=None):
    """Moves a registered case along the main line (by the right demo roles) to target
    (or declines / forwards it). Returns the last detail."""
    if target == "registered":
        return get(w.clerk, cid)
    if target in ("declined", "forwarded"):
        a = "decline" if target == "declined" else "forward"
        return act(w.clerk, cid, a, **step_body(w, a, kind))
    det = None
    for status, who, action in MAIN_LINE:
        det = act(getattr(w, who), cid, action, **step_body(w, action, kind, assign_deadline))
        assert det["status"] == status, det
        if status == target:
            return det
    raise KeyError(target)


def timeline_actions(det):
    return [e["action"] for e in det["timeline"]]


def deadline_of(det, step):
    ds = [x for x in det["deadlines"] if x["step"] == step]
    assert len(ds) == 1, (step, det["deadlines"])
    return ds[0]


__all__ = [n for n in dir() if not n.startswith("_")] + ["err"]
