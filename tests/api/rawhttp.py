"""Hand-written HTTP/1.1 over a plain socket, for tests of what clients libraries never send
(duplicate headers, missing Host, a body that never comes) and of when the server answers."""
import json
import socket
import time


class Answer:
    def __init__(self, raw, seconds):
        self.raw = raw
        self.seconds = seconds
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2) if lines and lines[0] else []
        self.status = int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None
        self.headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()

    def json(self):
        n = int(self.headers.get("content-length", len(self.body)))
        return json.loads(self.body[:n])

    def error(self):
        return self.json()["error"]

    def __repr__(self):
        return f"<Answer {self.status} after {self.seconds:.2f}s {self.raw[:200]!r}>"


def connect(port, source=None, timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_answer(s, t0=None, timeout=10):
    """Reads until the server closes (or a whole answer with Content-Length arrived)."""
    t0 = time.monotonic() if t0 is None else t0
    s.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                a = Answer(data, 0)
                n = a.headers.get("content-length")
                if n is not None and len(body) >= int(n):
                    break
    except (socket.timeout, ConnectionResetError):
        pass
    return Answer(data, time.monotonic() - t0)


def exchange(port, data, timeout=10, source=None):
    """Sends data (bytes) on a new connection and reads the answer; the socket is closed after."""
    s = connect(port, source, timeout)
    try:
        t0 = time.monotonic()
        s.sendall(data)
        return read_answer(s, t0, timeout)
    finally:
        s.close()


def request(method, path, headers=(), body=b"", host="127.0.0.1"):
    """Request bytes: method, path, a list of (name, value) header pairs (sent as given, duplicates
    included), then body. Host first unless host is None."""
    lines = [f"{method} {path} HTTP/1.1"]
    if host is not None:
        lines.append(f"Host: {host}")
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def session_headers(client):
    """Cookie and CSRF header of a logged-in conftest Client."""
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.s.cookies)
    return [("Cookie", cookie), ("X-CSRF-Token", client.csrf)]
