"""The files that hold the data are private to the account sixia runs as: the database, its WAL
and SHM files, the key file, the audit checkpoint and backups are created with mode 0600 whatever
the umask (SQLite alone would create the database and its WAL/SHM files 0644 under umask 022)."""
import os
import stat
import subprocess

import pytest

from conftest import BIN, Server

UMASK = 0o022


def run(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120,
                       preexec_fn=lambda: os.umask(UMASK))
    assert p.returncode == 0, (args, p.stdout, p.stderr)
    return p


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask022():
    old = os.umask(UMASK)  # inherited by the servers the test starts
    yield
    os.umask(old)


@pytest.mark.parametrize("cmd", ["demo", "init"])
def test_new_database_files_private(tmp_path, cmd):
    db = str(tmp_path / "t.db")
    run(cmd, "--db", db)
    for suffix in ("", ".key", ".audit"):
        assert mode(db + suffix) == 0o600, (suffix, oct(mode(db + suffix)))


def test_wal_and_shm_private_while_serving(tmp_path, umask022):
    db = str(tmp_path / "t.db")
    run("demo", "--db", db)
    s = Server(db, extra=["--login-rate", "100000"]).start()
    try:
        c = s.client("sysadmin")
        assert c.post("/api/v1/regions", json={"code": "690001", "name": "权限", "level": 1}).status_code == 201
        for suffix in ("", "-wal", "-shm", ".key", ".audit"):
            assert os.path.exists(db + suffix), suffix
            assert mode(db + suffix) == 0o600, (suffix, oct(mode(db + suffix)))
    finally:
        assert s.stop() == 0


def test_backup_files_private(tmp_path, umask022):
    db = str(tmp_path / "t.db")
    run("demo", "--db", db)
    s = Server(db, extra=["--login-rate", "100000"]).start()
    try:
        backup = str(tmp_path / "b.db")
        run("backup", "--db", db, backup)  # while serving
        for suffix in ("", ".key", ".audit"):
            assert mode(backup + suffix) == 0o600, (suffix, oct(mode(backup + suffix)))
        assert not [f for f in os.listdir(tmp_path) if ".audit." in f]  # no temporary file left
    finally:
        assert s.stop() == 0
