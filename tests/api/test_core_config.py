"""Configuration precedence: command-line flags over environment over the config file."""
import os
import subprocess
import time

import requests

from conftest import BIN, free_port, run_cli


def serve_and_probe(db, args, env_extra, ports):
    """Starts `sixia serve` with args/env, returns the ports (of `ports`) that answer health."""
    env = dict(os.environ, **env_extra)
    p = subprocess.Popen([BIN, "serve", "--db", db, "--access-log", "off", *args], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        answering = []
        deadline = time.time() + 20
        while time.time() < deadline and not answering:
            assert p.poll() is None, p.stderr.read()
            for port in ports:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=0.5).status_code == 200:
                        answering.append(port)
                except requests.RequestException:
                    pass
            time.sleep(0.1)
        time.sleep(0.2)  # any other port would be up by now as well
        for port in ports:
            if port not in answering:
                try:
                    requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=0.5)
                    answering.append(port)
                except requests.RequestException:
                    pass
        return sorted(answering)
    finally:
        p.terminate()
        p.wait(timeout=30)


def test_flag_beats_env_beats_file(tmp_path):
    db = str(tmp_path / "t.db")
    run_cli("demo", db=db)
    p_file, p_env, p_flag = free_port(), free_port(), free_port()
    cfg = tmp_path / "sixia.conf"
    cfg.write_text(f"# test\nlisten = 127.0.0.1:{p_file}\nworkers = 2\n", encoding="utf-8")
    ports = [p_file, p_env, p_flag]
    env = {"SIXIA_CONFIG": str(cfg), "SIXIA_LISTEN": f"127.0.0.1:{p_env}"}
    assert serve_and_probe(db, ["--listen", f"127.0.0.1:{p_flag}"], env, ports) == [p_flag]
    assert serve_and_probe(db, [], env, ports) == [p_env]
    assert serve_and_probe(db, [], {"SIXIA_CONFIG": str(cfg)}, ports) == [p_file]
    # --config on the command line works like SIXIA_CONFIG
    assert serve_and_probe(db, ["--config", str(cfg)], {}, ports) == [p_file]


def test_bad_config_file_is_refused(tmp_path):
    db = str(tmp_path / "t.db")
    cfg = tmp_path / "bad.conf"
    cfg.write_text("listen = 127.0.0.1:1\nno_such_key = 1\n", encoding="utf-8")
    p = subprocess.run([BIN, "serve", "--db", db, "--config", str(cfg)], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2
    assert "no_such_key" in p.stderr and "未知配置项" in p.stderr
    cfg.write_text("workers = lots\n", encoding="utf-8")
    p = subprocess.run([BIN, "serve", "--db", db, "--config", str(cfg)], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "workers" in p.stderr


def test_body_limit_from_environment(tmp_path):
    db = str(tmp_path / "t.db")
    run_cli("demo", db=db)
    port = free_port()
    env = dict(os.environ, SIXIA_BODY_LIMIT="2048")
    p = subprocess.Popen([BIN, "serve", "--db", db, "--listen", f"127.0.0.1:{port}", "--access-log", "off"],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                requests.get(base + "/api/v1/health", timeout=0.5)
                break
            except requests.RequestException:
                time.sleep(0.05)
        r = requests.post(base + "/api/v1/auth/login", data=b"{" + b" " * 4096 + b"}",
                          headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
    finally:
        p.terminate()
        p.wait(timeout=30)


def test_setting_hidden_at_end_of_long_comment_ignored(tmp_path):
    """The end of a long comment line is part of the comment: a parser reading lines in
    1,023-byte pieces applied `listen = …` hidden there as a setting of its own."""
    db = str(tmp_path / "t.db")
    run_cli("demo", db=db)
    p_real, p_hidden = free_port(), free_port()
    cfg = tmp_path / "sixia.conf"
    cfg.write_text(f"listen = 127.0.0.1:{p_real}\n"
                   + "#" + "说" * 341 + f"listen = 127.0.0.1:{p_hidden}\n"  # 1 + 341×3 = 1,024 bytes
                   + "#" + "x" * 1022 + f"listen = 127.0.0.1:{p_hidden}\n"
                   + "# " + "注释很长" * 600 + f" listen = 127.0.0.1:{p_hidden}\n"
                   + "workers = 2\n", encoding="utf-8")
    assert serve_and_probe(db, ["--config", str(cfg)], {}, [p_real, p_hidden]) == [p_real]


def test_huge_config_file_refused(tmp_path):
    db = str(tmp_path / "t.db")
    cfg = tmp_path / "big.conf"
    cfg.write_text(("#" * 79 + "\n") * 14000, encoding="utf-8")  # > 1 MiB
    p = subprocess.run([BIN, "serve", "--db", db, "--config", str(cfg)], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "配置文件超过" in p.stderr, p.stderr
