"""Black-box API tests: each test module gets the real sixia binary on a free loopback port
with a temporary database filled by `sixia demo`."""
import json
import os
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, os.environ.get("SIXIA_BIN", "build/asan/sixia"))
DEMO_PASSWORD = "Demo@2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args, db=None, check=True, input=None):
    """Runs `sixia ARGS [--db DB]`; returns the CompletedProcess."""
    cmd = [BIN, *args]
    if db:
        cmd += ["--db", db]
    p = subprocess.run(cmd, capture_output=True, text=True, input=input, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


class Server:
    """One sixia process. start() waits for /api/v1/health."""

    def __init__(self, db, extra=(), env=None):
        self.db = db
        self.extra = list(extra)
        self.env = env  # more environment for the process (test hooks of the ASan build)
        self.proc = None
        self.port = None
        self.base = None
        self.log = db + ".log"

    def start(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.logf = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", self.db, "--listen", f"127.0.0.1:{self.port}",
             "--access-log", self.db + ".access", "--workers", "4", *self.extra],
            stdout=self.logf, stderr=self.logf, env={**os.environ, **(self.env or {})})
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {open(self.log).read()}")
            try:
                if requests.get(self.base + "/api/v1/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise AssertionError("server did not start")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        if self.proc:
            self.logf.close()
        self.proc = None
        return rc

    def url(self, path):
        return self.base + path

    def client(self, username=None, password=DEMO_PASSWORD):
        c = Client(self)
        if username:
            c.login(username, password)
        return c

    def sql(self, query, params=()):
        """Direct read/write on the database file (for set-up and tamper tests only)."""
        con = sqlite3.connect(self.db, timeout=30)
        try:
            cur = con.execute(query, params)
            rows = cur.fetchall()
            con.commit()
            return rows
        finally:
            con.close()


class Client:
    """A logged-in browser-like session: cookie jar plus the CSRF header on writes."""

    def __init__(self, server):
        self.server = server
        self.s = requests.Session()
        self.csrf = None
        self.me = None

    def login(self, username, password=DEMO_PASSWORD, expect=200):
        r = self.s.post(self.server.url("/api/v1/auth/login"),
                        json={"username": username, "password": password})
        assert r.status_code == expect, r.text
        if r.status_code == 200:
            self.csrf = r.json()["csrf_token"]
            self.me = r.json()["user"]
        return r

    def req(self, method, path, **kw):
        headers = dict(kw.pop("headers", None) or {})
        if method not in ("GET", "HEAD") and self.csrf and "X-CSRF-Token" not in headers:
            headers["X-CSRF-Token"] = self.csrf
        return self.s.request(method, self.server.url(path), headers=headers, **kw)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, **kw):
        return self.req("POST", path, **kw)

    def put(self, path, **kw):
        return self.req("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.req("DELETE", path, **kw)


def err(r):
    """The error object of an error answer."""
    return r.json()["error"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A demo database and a running server, shared by one test module."""
    d = tmp_path_factory.mktemp("sixia")
    db = str(d / "t.db")
    run_cli("demo", db=db)
    srv = Server(db, extra=["--login-rate", "100000"]).start()
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own for tests that change global state (policy, lockouts, restarts)."""
    db = str(tmp_path / "t.db")
    run_cli("demo", db=db)
    srv = Server(db, extra=["--login-rate", "100000"]).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def admin(server):
    return server.client("sysadmin")


@pytest.fixture(scope="module")
def secadmin(server):
    return server.client("secadmin")


@pytest.fixture(scope="module")
def auditadmin(server):
    return server.client("auditadmin")


# ---------------------------------------------------------------------------------------------
# Helpers for the core tests (test_core_*.py). One template database is built per test session
# and copied for every server: a `sixia demo` database when that command works, otherwise a
# `sixia init` database whose three administrators have changed their passwords to
# DEMO_PASSWORD through the API. `srv.demo` says which one a server runs on.
import re as _re
import shutil as _shutil

_INIT_PW_RE = _re.compile(r"^\s*(sysadmin|secadmin|auditadmin)\s+\S+\s+初始密码:\s*(\S+?)（", _re.M)


def core_init_db(db):
    """`sixia init` on a new file; returns {username: initial password} for the three admins."""
    p = run_cli("init", db=db)
    pws = dict(_INIT_PW_RE.findall(p.stdout))
    assert set(pws) == {"sysadmin", "secadmin", "auditadmin"}, p.stdout
    return pws


def core_remove_db(db):
    for suffix in ("", "-wal", "-shm", ".key", ".audit"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)


def core_build_db(db):
    """Creates a database at db; True when it is a demo database."""
    if run_cli("demo", db=db, check=False).returncode == 0:
        return True
    core_remove_db(db)
    pws = core_init_db(db)
    srv = Server(db, extra=["--login-rate", "100000"]).start()
    try:
        for user, pw in pws.items():
            c = srv.client(user, pw)
            r = c.post("/api/v1/auth/password", json={"old_password": pw, "new_password": DEMO_PASSWORD})
            assert r.status_code == 204, r.text
            assert c.post("/api/v1/auth/logout").status_code == 204
    finally:
        assert srv.stop() == 0
    return False


def core_copy_db(src, dst):
    # ".key": the key of the sealed personal data and of the audit chain travels with its
    # database, and ".audit", the audit checkpoint that names the log's last record, with both
    for suffix in ("", "-wal", "-shm", ".key", ".audit"):
        if os.path.exists(src + suffix):
            _shutil.copyfile(src + suffix, dst + suffix)


@pytest.fixture(scope="session")
def core_template(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("core_template") / "template.db")
    return db, core_build_db(db)


class CoreServers:
    """Starts servers on copies of the template database; stops them all at teardown."""

    def __init__(self, template, directory):
        self.template, self.demo = template
        self.dir = directory
        self.servers = []
        self.n = 0

    def new_db(self):
        self.n += 1
        db = os.path.join(str(self.dir), f"c{self.n}.db")
        core_copy_db(self.template, db)
        return db

    def start(self, extra=("--login-rate", "100000"), db=None):
        srv = Server(db or self.new_db(), extra=list(extra)).start()
        srv.demo = self.demo
        self.servers.append(srv)
        return srv

    __call__ = start

    def restart(self, srv, extra=None):
        """Starts a new server on srv's database (srv must be stopped)."""
        return self.start(extra=srv.extra if extra is None else extra, db=srv.db)

    def stop_all(self):
        for s in self.servers:
            if s.proc:
                s.stop()


@pytest.fixture
def core_spawn(core_template, tmp_path):
    """Factory: core_spawn(extra=[...]) starts a server of the test's own on a template copy."""
    cs = CoreServers(core_template, tmp_path)
    yield cs
    cs.stop_all()


@pytest.fixture(scope="module")
def core_server(core_template, tmp_path_factory):
    """A server shared by one test module, on its own copy of the template database."""
    cs = CoreServers(core_template, tmp_path_factory.mktemp("core"))
    srv = cs.start()
    yield srv
    cs.stop_all()


# ---------------------------------------------------------------------------------------------
# Helpers for the resource tests (test_res_*.py).
import io as _io
import zipfile as _zipfile
import xml.etree.ElementTree as _ET

_XLSX_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def res_xlsx_rows(data):
    """The rows of the first worksheet of an .xlsx (bytes) as lists of cell texts, read with
    zipfile + ElementTree (shared strings, inline strings and numbers)."""
    z = _zipfile.ZipFile(_io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        root = _ET.fromstring(z.read("xl/sharedStrings.xml"))
        for si in root.findall("m:si", _XLSX_NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % _XLSX_NS["m"])))
    sheets = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
    assert sheets, z.namelist()
    root = _ET.fromstring(z.read(sheets[0]))
    rows = []
    for row in root.iter("{%s}row" % _XLSX_NS["m"]):
        cells = {}
        for c in row.findall("m:c", _XLSX_NS):
            ref = c.get("r")
            col = 0
            for ch in _re.match(r"[A-Z]+", ref).group(0):
                col = col * 26 + ord(ch) - 64
            t = c.get("t")
            v = c.find("m:v", _XLSX_NS)
            if t == "s":
                text = shared[int(v.text)]
            elif t == "inlineStr":
                text = "".join(x.text or "" for x in c.iter("{%s}t" % _XLSX_NS["m"]))
            else:
                text = v.text if v is not None else ""
            cells[col - 1] = text
        width = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, "") for i in range(width)])
    return rows


def res_all(client, path, params=None, expect=200):
    """Every item of a paginated list (page_size 200), plus the reported total."""
    items, page, total = [], 1, None
    while True:
        p = dict(params or {})
        p.update(page=page, page_size=200)
        r = client.get(path, params=p)
        assert r.status_code == expect, (path, p, r.status_code, r.text)
        body = r.json()
        total = body["total"]
        items += body["items"]
        if len(body["items"]) < 200:
            break
        page += 1
    return items, total


def res_role_ids(secadmin_client):
    """{role code: id} read through GET /api/v1/roles."""
    items, _ = res_all(secadmin_client, "/api/v1/roles")
    return {r["code"]: r["id"] for r in items}


def res_unit_id(client, name):
    """Id of the unit with exactly this name."""
    items, _ = res_all(client, "/api/v1/units", {"keyword": name})
    ids = [u["id"] for u in items if u["name"] == name]
    assert len(ids) == 1, (name, items)
    return ids[0]


def res_cli_user(server, username, unit_id, roles=(), password=DEMO_PASSWORD, must_change=False):
    """Creates an account with `sixia user add` on the server's database; returns its id."""
    args = ["user", "add", "--username", username, "--display-name", username, "--unit-id", str(unit_id),
            "--password", password]
    for r in roles:
        args += ["--role", r]
    if must_change:
        args.append("--must-change")
    p = run_cli(*args, db=server.db)
    m = _re.search(r"id=(\d+)", p.stdout)
    assert m, p.stdout
    return int(m.group(1))


def res_api_user(server, sysadmin, secadmin, username, unit_id, role_ids=(), password=DEMO_PASSWORD):
    """Creates an account through the API as the system administrator, has the security
    administrator grant role_ids, logs it in and changes the initial password to password.
    Returns (user id, logged-in Client)."""
    initial = "Init#2026abc"
    r = sysadmin.post("/api/v1/users", json={"username": username, "display_name": username,
                                              "unit_id": unit_id, "password": initial})
    assert r.status_code == 201, r.text
    u = r.json()
    if role_ids:
        r = secadmin.put(f"/api/v1/users/{u['id']}/roles", json={"role_ids": list(role_ids), "version": u["version"]})
        assert r.status_code == 200, r.text
    c = server.client(username, initial)
    r = c.post("/api/v1/auth/password", json={"old_password": initial, "new_password": password})
    assert r.status_code == 204, r.text
    return u["id"], c


def res_bearer(server, secret):
    """A requests session that authenticates with a bearer token only (no cookie, no CSRF)."""
    s = requests.Session()
    s.headers["Authorization"] = "Bearer " + secret

    class _B:
        def req(self, method, path, **kw):
            return s.request(method, server.url(path), **kw)

        def get(self, path, **kw):
            return self.req("GET", path, **kw)

        def post(self, path, **kw):
            return self.req("POST", path, **kw)

        def put(self, path, **kw):
            return self.req("PUT", path, **kw)

        def delete(self, path, **kw):
            return self.req("DELETE", path, **kw)
    return _B()
