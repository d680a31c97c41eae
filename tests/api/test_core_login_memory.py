"""Memory under a flood of logins: each Argon2id hash holds 64 MiB while it runs, so the server
bounds how many run at once (--hash-concurrency) and answers 503 busy (with Retry-After) to a login
that finds no slot within --hash-wait-ms. Resident memory is read from /proc/<pid>/status (the test
server is the ASan build, whose base RSS is higher than the release build's)."""
import threading
import time

import requests

from conftest import DEMO_PASSWORD, err

MIB = 1024 * 1024
HASH_MIB = 64


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field)


def reset_peak(pid):
    """Resets VmHWM to the current RSS (Linux clear_refs 5); False when the kernel refuses."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def flood_logins(srv, n, username_of):
    """n logins with wrong credentials at once; returns (answers, seconds, peak RSS MiB sampled)."""
    pid = srv.proc.pid
    answers = [None] * n
    start = threading.Barrier(n + 1)
    done = threading.Event()
    peak = [0]

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], status_kib(pid, "VmRSS"))
            time.sleep(0.002)

    def one(i):
        start.wait()
        try:
            r = requests.post(srv.url("/api/v1/auth/login"),
                              json={"username": username_of(i), "password": "Wrong#Pass1"}, timeout=60)
            answers[i] = r
        except requests.RequestException as e:  # a hang or a reset is a failure of the test
            answers[i] = e

    s = threading.Thread(target=sample)
    s.start()
    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    t0 = time.monotonic()
    start.wait()
    for t in ts:
        t.join(90)
    secs = time.monotonic() - t0
    done.set()
    s.join()
    return answers, secs, peak[0] / 1024


def test_fifty_concurrent_logins_memory_bounded(core_spawn, capsys):
    # 8 workers could run 8 hashes (512 MiB) at once; the gate lets 2 run. The 50 clients share
    # one loopback address: no per-address connection limit here.
    srv = core_spawn(["--login-rate", "100000", "--workers", "8", "--hash-concurrency", "2",
                      "--max-conns-per-ip", "0"])
    pid = srv.proc.pid
    # the 50 failures come from one address: let them all reach the hashing (the per-address
    # throttle of the lockout would otherwise refuse most of them before any work is done)
    sec = srv.client("secadmin")
    pol = sec.get("/api/v1/settings/security").json()
    pol["address_lockout_threshold"] = 10000
    r = sec.put("/api/v1/settings/security", json=pol)
    assert r.status_code == 200, r.text
    # warm up: the dummy hash for unknown accounts and one real login
    assert requests.post(srv.url("/api/v1/auth/login"),
                         json={"username": "nobody", "password": "x"}).status_code == 401
    assert srv.client("sysadmin").me is not None
    time.sleep(0.2)
    base = status_kib(pid, "VmRSS") / 1024
    have_hwm = reset_peak(pid)
    # unknown accounts: the same Argon2id work as a real one, and no lockout to change the answer
    answers, secs, sampled = flood_logins(srv, 50, lambda i: f"nosuch{i}")
    hwm = status_kib(pid, "VmHWM") / 1024 if have_hwm else sampled
    after = status_kib(pid, "VmRSS") / 1024
    codes = [a.status_code if isinstance(a, requests.Response) else repr(a) for a in answers]
    peak = max(hwm, sampled)
    msg = (f"50 concurrent wrong-password logins (--hash-concurrency 2, 8 workers, ASan build): "
           f"RSS before {base:.1f} MiB, peak {peak:.1f} MiB (VmHWM {'reset' if have_hwm else 'n/a'}, "
           f"sampled {sampled:.1f}), after {after:.1f} MiB, growth {peak - base:.1f} MiB; "
           f"{secs:.1f} s; answers {sorted(set(map(str, codes)))}")
    with capsys.disabled():
        print("\n" + msg)
    assert all(c in (401, 429, 503) for c in codes), msg
    # two hashes at once and some slack, far below 50 × 64 MiB (and below the 8 × 64 MiB the
    # worker pool alone would allow)
    assert peak - base < 3 * HASH_MIB, msg
    # the server still answers, and a right password still logs in
    assert srv.client("sysadmin").me is not None


def test_busy_answer_is_503_with_retry_after(core_spawn):
    # one slot and no waiting: concurrent logins beyond the first find the gate full
    srv = core_spawn(["--login-rate", "100000", "--workers", "8", "--hash-concurrency", "1", "--hash-wait-ms", "0",
                      "--max-conns-per-ip", "0"])
    answers, _, _ = flood_logins(srv, 16, lambda i: f"nosuch{i}")
    codes = [a.status_code if isinstance(a, requests.Response) else repr(a) for a in answers]
    assert all(c in (401, 503) for c in codes), codes
    busy = [a for a in answers if a.status_code == 503]
    assert busy, codes
    for r in busy:
        e = err(r)
        assert e["code"] == "busy" and "繁忙" in e["message"], r.text
        assert r.headers.get("Retry-After") == "2"
    # once the flood is over a login gets its slot again
    r = requests.post(srv.url("/api/v1/auth/login"), json={"username": "sysadmin", "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
