"""The command line: CSV import (BOM, CRLF, Chinese headers, all-or-nothing), `sixia user`,
--help of every command, unknown options."""
import re
import subprocess

import pytest

from conftest import BIN, DEMO_PASSWORD, err, res_all, run_cli

SHARED_OPTS = ["--db", "--listen", "--workers", "--body-limit", "--tls-cert", "--tls-key", "--trust-proxy",
               "--access-log", "--timezone", "--login-rate", "--config", "--help"]
COMMANDS = {
    "serve": ["--shutdown-grace"],
    "init": [],
    "demo": [],
    "import": [],
    "backup": [],
    "check": [],
    "routes": [],
}
USER_SUBS = {
    "add": ["--username", "--display-name", "--unit-id", "--password", "--role", "--must-change"],
    "disable": [],
    "enable": [],
    "reset-password": ["--password"],
    "list": [],
}


def write_csv(path, rows):
    """UTF-8 with the BOM Excel writes, CRLF line ends."""
    text = "\r\n".join(rows) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return str(path)


def imp(server, kind, path, check=True):
    return run_cli("import", kind, path, db=server.db, check=check)


def regions_named(admin, name):
    return [r for r in res_all(admin, "/api/v1/regions", {"keyword": name})[0] if r["name"] == name]


def test_import_regions_units_cadres(server, admin, tmp_path):
    f = write_csv(tmp_path / "regions.csv", [
        "代码,名称,层级,上级代码",
        "359950,导入县,县,359900",
        "359950101,导入镇,乡镇,359950",
        "359950101201,导入村,4,359950101",
    ])
    p = imp(server, "regions", f)
    assert "3" in p.stdout
    county = regions_named(admin, "导入县")
    assert len(county) == 1 and county[0]["level"] == 2 and county[0]["code"] == "359950"
    town = regions_named(admin, "导入镇")
    assert town[0]["parent_id"] == county[0]["id"] and town[0]["level"] == 3
    village = regions_named(admin, "导入村")
    assert village[0]["parent_id"] == town[0]["id"] and village[0]["level"] == 4
    root_unit = admin.get("/api/v1/units", params={"parent_id": 0}).json()["items"][0]
    f = write_csv(tmp_path / "units.csv", [
        "单位代码,单位名称,单位类型,上级单位代码,所属区划代码",
        f"GIMP01,导入县人民政府,政府,{root_unit['code']},359950",
        "XIMP01,\"导入县信访局,接访科\",部门,GIMP01,359950",
        "TIMP01,导入镇人民政府,乡镇,GIMP01,359950101",
    ])
    imp(server, "units", f)
    units = {u["code"]: u for u in res_all(admin, "/api/v1/units", {"keyword": "导入"})[0]}
    assert set(units) == {"GIMP01", "XIMP01", "TIMP01"}
    assert units["GIMP01"]["kind"] == "government" and units["GIMP01"]["parent_id"] == root_unit["id"]
    assert units["XIMP01"]["name"] == "导入县信访局,接访科" and units["XIMP01"]["parent_id"] == units["GIMP01"]["id"]
    assert units["TIMP01"]["kind"] == "township" and units["TIMP01"]["region_id"] == town[0]["id"]
    f = write_csv(tmp_path / "cadres.csv", [
        "姓名,单位代码,职务,是否领导,专业特长",
        "导入甲,GIMP01,县长,是,经济发展、法律",
        "导入乙,XIMP01,局长,否,基层党建;教育",
        "导入丙,TIMP01,,,",
    ])
    imp(server, "cadres", f)
    got = {c["name"]: c for c in res_all(admin, "/api/v1/cadres", {"keyword": "导入"})[0]}
    assert set(got) == {"导入甲", "导入乙", "导入丙"}
    assert got["导入甲"]["is_leader"] is True and got["导入甲"]["tags"] == ["经济发展", "法律"]
    assert got["导入甲"]["unit_id"] == units["GIMP01"]["id"] and got["导入甲"]["title"] == "县长"
    assert got["导入乙"]["is_leader"] is False and got["导入乙"]["tags"] == ["基层党建", "教育"]
    assert got["导入丙"]["tags"] == [] and got["导入丙"]["unit_id"] == units["TIMP01"]["id"]


def test_import_english_headers_lf_no_bom(server, admin, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("code,name,level,parent_code\n359951,英文表头县,2,359900\n", encoding="utf-8")
    imp(server, "regions", str(path))
    assert len(regions_named(admin, "英文表头县")) == 1


@pytest.mark.parametrize("kind,rows,line", [
    ("regions", ["代码,名称,层级,上级代码", "359960,坏行县,2,359900", "35996A,坏代码镇,3,359960"], 3),
    ("regions", ["代码,名称,层级,上级代码", "359961,坏层级县,2,359900", "359961101,坏层级镇,9,359961"], 3),
    ("regions", ["代码,名称,层级,上级代码", "359962,无上级县,2,"], 2),
    ("units", ["单位代码,单位名称,单位类型,上级单位代码,所属区划代码", "GBAD01,坏单位甲,政府,,359900",
               "GBAD02,坏单位乙,公司,,359900"], 3),
    ("units", ["单位代码,单位名称,单位类型,上级单位代码,所属区划代码", "GBAD03,坏单位丙,政府,,359900",
               "GBAD04,坏单位丁,部门,NOPE,359900"], 3),
    ("cadres", ["姓名,单位代码,职务,是否领导,专业特长", "坏干部甲,G359900,科员,否,法律",
                "坏干部乙,G359900,科员,否,法律", "坏干部丙,G359900,科员,否,唱歌"], 4),
    ("cadres", ["姓名,单位代码,职务,是否领导,专业特长", "坏干部丁,G359900,科员,也许,法律"], 2),
    ("cadres", ["姓名,单位代码,职务,是否领导,专业特长", "坏干部戊,NOSUCH,科员,否,"], 2),
])
def test_import_bad_row_imports_nothing(server, admin, tmp_path, kind, rows, line):
    f = write_csv(tmp_path / f"bad_{kind}.csv", rows)
    path = {"regions": "/api/v1/regions", "units": "/api/v1/units", "cadres": "/api/v1/cadres"}[kind]
    before = admin.get(path).json()["total"]
    audit_rows = server.sql("SELECT COUNT(*) FROM audit_log")[0][0] if server.sql(
        "SELECT name FROM sqlite_master WHERE name = 'audit_log'") else None
    p = imp(server, kind, f, check=False)
    assert p.returncode != 0
    assert f"{f}:{line}" in p.stderr, p.stderr
    assert admin.get(path).json()["total"] == before
    if audit_rows is not None:
        assert server.sql("SELECT COUNT(*) FROM audit_log")[0][0] == audit_rows


def test_import_bad_header_and_usage(server, tmp_path):
    f = write_csv(tmp_path / "h.csv", ["代码,名称,颜色", "1,2,3"])
    p = imp(server, "regions", f, check=False)
    assert p.returncode == 1 and "颜色" in p.stderr and f"{f}:1" in p.stderr
    f = write_csv(tmp_path / "m.csv", ["名称,层级", "x,1"])
    p = imp(server, "regions", f, check=False)
    assert p.returncode == 1 and "代码" in p.stderr
    p = run_cli("import", "people", f, db=server.db, check=False)
    assert p.returncode == 2
    p = run_cli("import", "regions", db=server.db, check=False)
    assert p.returncode == 2
    p = run_cli("import", "regions", str(tmp_path / "missing.csv"), db=server.db, check=False)
    assert p.returncode == 1


def login_status(server, username, password=DEMO_PASSWORD):
    c = server.client()
    r = c.s.post(server.url("/api/v1/auth/login"), json={"username": username, "password": password})
    return r.status_code, (r.json().get("error") or {}).get("code"), r


def users_listed(server):
    return run_cli("user", "list", db=server.db).stdout


def test_user_lifecycle(server, admin):
    p = run_cli("user", "add", "--username", "cli_user", "--display-name", "命令行用户", "--unit-id", "1",
                "--password", DEMO_PASSWORD, "--role", "leader", "--role", "planner", db=server.db)
    m = re.search(r"id=(\d+)", p.stdout)
    assert m
    uid = int(m.group(1))
    u = admin.get(f"/api/v1/users/{uid}").json()
    assert u["username"] == "cli_user" and u["display_name"] == "命令行用户"
    assert sorted(r["code"] for r in u["roles"]) == ["leader", "planner"] and u["must_change_password"] is False
    st, _, r = login_status(server, "cli_user")
    assert st == 200 and r.json()["user"]["must_change_password"] is False
    out = users_listed(server)
    line = [ln for ln in out.splitlines() if "cli_user" in ln]
    assert len(line) == 1 and "命令行用户" in line[0] and "leader" in line[0] and "planner" in line[0]
    assert all(name in out for name in ("sysadmin", "clerk_dongshan", "handler"))
    session = server.client("cli_user")
    # disable
    run_cli("user", "disable", "cli_user", db=server.db)
    st, code, _ = login_status(server, "cli_user")
    assert st == 403 and code == "account_disabled"
    assert session.get("/api/v1/auth/me").status_code in (401, 403)
    assert "停用" in [ln for ln in users_listed(server).splitlines() if "cli_user" in ln][0]
    assert admin.get(f"/api/v1/users/{uid}").json()["status"] == "disabled"
    # enable
    run_cli("user", "enable", "cli_user", db=server.db)
    assert login_status(server, "cli_user")[0] == 200
    assert admin.get(f"/api/v1/users/{uid}").json()["status"] == "active"
    # reset-password with a given password
    run_cli("user", "reset-password", "cli_user", "--password", "Reset#2026cli", db=server.db)
    assert login_status(server, "cli_user")[0] == 401
    st, _, r = login_status(server, "cli_user", "Reset#2026cli")
    assert st == 200 and r.json()["user"]["must_change_password"] is True
    # reset-password with a generated one, shown once
    p = run_cli("user", "reset-password", "cli_user", db=server.db)
    m = re.search(r"新密码:\s*(\S+?)（", p.stdout)
    assert m, p.stdout
    assert login_status(server, "cli_user", m.group(1))[0] == 200
    # password from standard input
    p = run_cli("user", "add", "--username", "cli_stdin", "--display-name", "标准输入", "--unit-id", "1",
                "--password", "-", "--must-change", db=server.db, input="Stdin#2026pw\n")
    st, _, r = login_status(server, "cli_stdin", "Stdin#2026pw")
    assert st == 200 and r.json()["user"]["must_change_password"] is True


def test_user_add_generated_password(server):
    p = run_cli("user", "add", "--username", "cli_gen", "--display-name", "随机", "--unit-id", "1",
                "--must-change", db=server.db)
    m = re.search(r"初始密码:\s*(\S+?)（", p.stdout)
    assert m, p.stdout
    st, _, r = login_status(server, "cli_gen", m.group(1))
    assert st == 200 and r.json()["user"]["must_change_password"] is True


@pytest.mark.parametrize("args,rc", [
    (["--username", "cli_bad1", "--display-name", "x", "--unit-id", "1", "--password", "weak"], 1),
    (["--username", "leader", "--display-name", "x", "--unit-id", "1", "--password", DEMO_PASSWORD], 1),
    (["--username", "cli_bad2", "--display-name", "x", "--unit-id", "999999", "--password", DEMO_PASSWORD], 1),
    (["--username", "cli_bad3", "--display-name", "x", "--unit-id", "1", "--password", DEMO_PASSWORD,
      "--role", "nosuchrole"], 1),
    (["--username", "cli_bad4", "--display-name", "x", "--unit-id", "1", "--password", DEMO_PASSWORD,
      "--role", "secadmin", "--role", "auditadmin"], 1),
    (["--username", "cli_bad5", "--display-name", "x"], 2),
    (["--username", "x", "--display-name", "x", "--unit-id", "1", "--password", DEMO_PASSWORD], 2),
    (["--username", "cli_bad6", "--display-name", "x", "--unit-id", "abc", "--password", DEMO_PASSWORD], 2),
])
def test_user_add_errors(server, admin, args, rc):
    before = admin.get("/api/v1/users").json()["total"]
    p = run_cli("user", "add", *args, db=server.db, check=False)
    assert p.returncode == rc, (p.returncode, p.stdout, p.stderr)
    assert p.stderr.strip()
    assert admin.get("/api/v1/users").json()["total"] == before


def test_user_change_unknown(server):
    for sub in ("disable", "enable", "reset-password"):
        p = run_cli("user", sub, "no_such_user", db=server.db, check=False)
        assert p.returncode == 1 and "no_such_user" in p.stderr
        p = run_cli("user", sub, db=server.db, check=False)
        assert p.returncode == 2
    p = run_cli("user", "frobnicate", db=server.db, check=False)
    assert p.returncode == 2


def run(args, timeout=20):
    try:
        return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"sixia {' '.join(args)} did not exit within {timeout}s")


def test_top_help():
    p = run(["--help"])
    assert p.returncode == 0
    for cmd in list(COMMANDS) + ["user"]:
        assert re.search(rf"^\s+{cmd}\s", p.stdout, re.M), cmd
    p = run([])
    assert p.returncode == 2
    p = run(["frobnicate"])
    assert p.returncode == 2 and "frobnicate" in p.stderr


@pytest.mark.parametrize("cmd", list(COMMANDS))
def test_command_help(cmd):
    p = run([cmd, "--help"])
    assert p.returncode == 0, p.stderr
    assert "用法" in p.stdout, f"`sixia {cmd} --help` printed no usage:\n{p.stdout[:300]}"
    for opt in SHARED_OPTS + COMMANDS[cmd]:
        assert opt in p.stdout, (cmd, opt)


@pytest.mark.parametrize("sub", list(USER_SUBS))
def test_user_help(sub):
    p = run(["user", "--help"])
    assert p.returncode == 0 and sub in p.stdout
    p = run(["user", sub, "--help"])
    assert p.returncode == 0 and "用法" in p.stdout
    for opt in USER_SUBS[sub] + ["--db", "--help"]:
        assert opt in p.stdout, (sub, opt)


@pytest.mark.parametrize("args", [[c] for c in COMMANDS] + [["user", s] for s in USER_SUBS] + [["user"]])
def test_unknown_option_exit_2(tmp_path, args):
    p = run(args + ["--no-such-option", "--db", str(tmp_path / "x.db")])
    assert p.returncode == 2, (args, p.returncode, p.stdout[:200], p.stderr[:200])
    assert not (tmp_path / "x.db").exists() or args[0] in ("user",)
