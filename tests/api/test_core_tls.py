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


def test_hsts_on_every_response(tls_server):
    """Served over TLS, every answer tells the browser to keep to HTTPS: API, errors (also those
    refused before the body is read), the console's files."""
    s = requests.Session()
    answers = [
        s.get(tls_server + "/api/v1/health", verify=False),
        s.get(tls_server + "/api/v1/auth/me", verify=False),  # 401
        s.get(tls_server + "/api/v1/nope", verify=False),  # 404
        s.get(tls_server + "/", verify=False),
        s.get(tls_server + "/login", verify=False),
    ]
    statuses = [r.status_code for r in answers]
    assert statuses == [200, 401, 404, 200, 200], statuses
    for r in answers:
        assert r.headers.get("Strict-Transport-Security") == "max-age=31536000", (r.url, r.headers)
    # a body refused at the headers (413), without sending it
    import socket
    import ssl
    host, port = tls_server.replace("https://", "").split(":")
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, int(port)), timeout=10) as raw, ctx.wrap_socket(raw) as t:
        t.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000000\r\n\r\n")
        data = b""
        try:
            while True:
                chunk = t.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (ssl.SSLError, OSError):
            pass
    head = data.partition(b"\r\n\r\n")[0].decode("latin-1")
    assert head.startswith("HTTP/1.1 413"), data[:300]
    assert "Strict-Transport-Security: max-age=31536000" in head, head
