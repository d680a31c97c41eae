#!/bin/bash
# Petition cases under load (part of make bench): demo data with cases, multiplied in SQL to
# BENCH_CASES cases (copies of the demo cases with their petitioners' masked forms), then wrk on
#   1. a case detail (timeline, deadlines, allowed actions),
#   2. the first list page for the leader (scope "all") with its total,
#   3. the first list page for a county clerk (scope "unit and below"),
#   4. a keyword search,
#   5. 我的待办 of the county clerk.
# Prints throughput and latency percentiles; not a timed test.
set -eu
cd "$(dirname "$0")/.."
DUR=${BENCH_SECONDS:-10}
CONN=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
N=${BENCH_CASES:-50000}
out=$(mktemp -d /tmp/sixia-bench-cases.XXXXXX)
trap 'kill $(cat $out/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$out"' EXIT
port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

echo "== dataset: $N cases"
./build/sixia demo --with-cases --db "$out/c.db" >/dev/null
have=$(sqlite3 "$out/c.db" "SELECT COUNT(*) FROM cases")
copies=$(( (N + have - 1) / have - 1 ))
sqlite3 "$out/c.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $copies)
INSERT INTO cases (case_no, year, seq, query_hash, channel, kind, category, region_id, county_id, title,
  content, received_at, urgency, head_count, status, first_time, unit_id, handling_unit_id, handler_id,
  due_step, due_date, accepted_at, assigned_at, created_at, updated_at)
SELECT 'XF-2025-B' || n.i || '-' || c.id, 2025, 100000 + n.i * 1000 + c.id, 'bench-' || n.i || '-' || c.id,
  channel, kind, category, region_id, county_id, title, content, received_at, urgency, head_count, status,
  first_time, unit_id, handling_unit_id, handler_id, due_step, due_date, accepted_at, assigned_at,
  created_at, updated_at FROM cases c, n;
INSERT INTO case_petitioners (case_id, seq, name, phone_masked, id_number_masked)
SELECT id, 1, '演示群众', '199****0001', '' FROM cases WHERE case_no LIKE 'XF-2025-B%';
SQL
echo "cases: $(sqlite3 "$out/c.db" "SELECT COUNT(*) FROM cases")"

SP=$(port)
./build/sixia serve --db "$out/c.db" --listen 127.0.0.1:$SP --access-log off --login-rate 0 --max-conns-per-ip 0 2>"$out/sixia.log" &
echo $! > "$out/sixia.pid"
for i in $(seq 100); do curl -sf "http://127.0.0.1:$SP/api/v1/health" >/dev/null && break; sleep 0.1; done
login() {
  curl -sf -c "$out/$1.cj" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"Demo@2026\"}" "http://127.0.0.1:$SP/api/v1/auth/login" >/dev/null
  awk '$6=="sixia_session"{print $7}' "$out/$1.cj"
}
lead=$(login leader)
clerk=$(login clerk_dongshan)

run() { # label url cookie
  local f="$out/r"
  wrk -t"$THREADS" -c"$CONN" -d"${DUR}s" --latency -H "Cookie: sixia_session=$3" "$2" > "$f.wrk"
  printf '%-34s %10s req/s   p50 %-9s p90 %-9s p99 %-9s %s\n' "$1" "$(awk '/^Requests\/sec/{print $2}' "$f.wrk")" \
    "$(awk '$1=="50%"{print $2}' "$f.wrk")" "$(awk '$1=="90%"{print $2}' "$f.wrk")" \
    "$(awk '$1=="99%"{print $2}' "$f.wrk")" "$(awk '/Non-2xx/{print "non-2xx: " $5}' "$f.wrk")"
}
echo "== wrk: $THREADS threads, $CONN connections, ${DUR}s each, $(nproc) cores"
run "case detail (leader)" "http://127.0.0.1:$SP/api/v1/cases/100" "$lead"
run "case list page (leader, all)" "http://127.0.0.1:$SP/api/v1/cases?page_size=20" "$lead"
run "case list page (county clerk)" "http://127.0.0.1:$SP/api/v1/cases?page_size=20" "$clerk"
run "keyword search (leader)" "http://127.0.0.1:$SP/api/v1/cases?keyword=%E4%BE%9B%E6%9A%96" "$lead"
run "我的待办 page (county clerk)" "http://127.0.0.1:$SP/api/v1/todo?page_size=50" "$clerk"
