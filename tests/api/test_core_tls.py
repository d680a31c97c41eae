"""HTTPS served directly (--tls-cert/--tls-key): the API works over TLS and the session cookie
is Secure."""
import subprocess
import warnings

import pytest
import requests

from conftest import DEMO_PASSWORD, BIN, free_port, run_cli


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    cert, key = str(d / "cert.pem"), str(d / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    db = str(d / "t.db")
    run_cli("demo", db=db)
    port = free_port()
    log = open(str(d / "server.log"), "ab")
    p = subprocess.Popen([BIN, "serve", "--db", db, "--listen", f"127.0.0.1:{port}", "--access-log", "off",
                          "--tls-cert", cert, "--tls-key", key], stdout=log, stderr=log)
    base = f"https://127.0.0.1:{port}"
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    import time
    for _ in range(300):
        try:
            if requests.get(base + "/api/v1/health", verify=False, timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.05)
    else:
        p.kill()
        raise AssertionError("TLS server did not start")
    yield base
    p.terminate()
    assert p.wait(timeout=30) == 0
    log.close()


def test_https_health_and_secure_cookie(tls_server):
    r = requests.get(tls_server + "/api/v1/health", verify=False)
    assert r.status_code == 200 and r.json()["database"]["ok"] is True
    s = requests.Session()
    r = s.post(tls_server + "/api/v1/auth/login", json={"username": "leader", "password": DEMO_PASSWORD}, verify=False)
    assert r.status_code == 200
    cookie = r.headers["Set-Cookie"]
    assert "sixia_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert s.get(tls_server + "/api/v1/auth/me", verify=False).json()["user"]["username"] == "leader"


def test_plain_http_refused_on_tls_port(tls_server):
    with pytest.raises(requests.RequestException):
        requests.get(tls_server.replace("https://", "http://") + "/api/v1/health", timeout=3)


def test_bad_tls_files_refused(tmp_path):
    db = str(tmp_path / "t.db")
    run_cli("demo", db=db)
    missing = str(tmp_path / "nope.pem")
    p = subprocess.run([BIN, "serve", "--db", db, "--listen", f"127.0.0.1:{free_port()}", "--tls-cert", missing,
                        "--tls-key", missing], capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert "tls" in p.stderr.lower()
