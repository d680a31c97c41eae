"""What a newcomer types first: a bare `make` installs what the build needs before building
(scripts/deps.sh, which does nothing when everything is there), the Makefile asks the
pkg-config named by PKG_CONFIG (cross builds), and deps.sh lists every -dev package the
pkg-config files link (xlsxwriter.pc links -lz). Cheap: make -n and stubs, nothing built."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make_n(*args, env=None):
    p = subprocess.run(["make", "-n", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                       timeout=120, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


def test_default_target_installs_deps_first():
    out = make_n().splitlines()
    assert out and out[0] == "scripts/deps.sh build", out[:5]
    # and then builds the server
    assert any("build/sixia" in line for line in out), out[:5]


def test_pkg_config_variable_honoured():
    out = make_n("-B", "build/rel/util/err.o", "PKG_CONFIG=echo SXPKG")
    assert "SXPKG --cflags libmicrohttpd jansson sqlite3 libsodium xlsxwriter" in out, out
    # nowhere is pkg-config called by its name
    lines = [ln for ln in open(os.path.join(ROOT, "Makefile"), encoding="utf-8") if "pkg-config" in ln]
    assert [ln.strip() for ln in lines if not ln.startswith("#")] == ["PKG_CONFIG ?= pkg-config"], lines


def deps_packages(kind):
    text = open(os.path.join(ROOT, "scripts/deps.sh"), encoding="utf-8").read()
    return re.search(rf'^{kind}_pkgs="([^"]*)"', text, re.M).group(1).split()


def test_deps_lists_zlib():
    assert "zlib1g-dev" in deps_packages("build")
    libs = subprocess.run(["pkg-config", "--libs", "xlsxwriter"], capture_output=True, text=True).stdout
    assert "-lz" in libs.split()  # why it is needed


def test_deps_idempotent(tmp_path):
    """With everything installed, deps.sh only checks: no apt-get, no sudo, no npm."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    marker = tmp_path / "called"
    for tool in ("apt-get", "sudo", "npm"):
        f = stubs / tool
        f.write_text(f"#!/bin/sh\necho {tool} >> {marker}\nexit 1\n")
        f.chmod(0o755)
    env = dict(os.environ, PATH=f"{stubs}:{os.environ['PATH']}")
    for _ in range(2):
        p = subprocess.run(["scripts/deps.sh", "build"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
        assert p.returncode == 0, p.stdout + p.stderr
        assert p.stdout == "" and not marker.exists(), (p.stdout, marker.exists() and marker.read_text())
