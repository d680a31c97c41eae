#!/bin/bash
# make bench: load-tests sixia against nginx on this machine (loopback only, bounded runs).
# Generates a dataset (demo data + N extra cadres imported from a generated CSV), then drives
#   1. nginx serving a 1 KiB static file (the yardstick),
#   2. an authenticated read of one record (GET /api/v1/cadres/{id}, session cookie),
#   3. an authenticated list page (GET /api/v1/cadres?page=1&page_size=20, with its total),
#   4. a keyword search over the same list (a scan: LIKE '%...%' over every cadre),
# with wrk, and prints throughput, latency percentiles and the ratio to nginx.
set -eu
cd "$(dirname "$0")/.."
DUR=${BENCH_SECONDS:-10}
CONN=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
N=${BENCH_CADRES:-20000}
out=$(mktemp -d /tmp/sixia-bench.XXXXXX)
chmod 755 "$out"  # nginx workers (www-data) read the static file from here
trap 'kill $(cat $out/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$out"' EXIT
port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

echo "== dataset"
./build/sixia demo --db "$out/b.db" >/dev/null
SP=$(port)
./build/sixia serve --db "$out/b.db" --listen 127.0.0.1:$SP --access-log off --login-rate 0 --max-conns-per-ip 0 2>"$out/sixia.log" &
echo $! > "$out/sixia.pid"
for i in $(seq 100); do curl -sf "http://127.0.0.1:$SP/api/v1/health" >/dev/null && break; sleep 0.1; done
curl -sf -c "$out/cj" -H 'Content-Type: application/json' \
  -d '{"username":"leader","password":"Demo@2026"}' "http://127.0.0.1:$SP/api/v1/auth/login" >/dev/null
units=$(curl -sf -b "$out/cj" "http://127.0.0.1:$SP/api/v1/units?page_size=200" |
  /usr/bin/python3 -c 'import json,sys;print(" ".join(u["code"] for u in json.load(sys.stdin)["items"] if u.get("code")))')
/usr/bin/python3 - "$N" "$units" > "$out/cadres.csv" <<'PY'
import sys
n, units = int(sys.argv[1]), sys.argv[2].split()
sur = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
giv = "建国伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰春红志宏海波宁晨阳"
tags = ["教育", "医疗卫生", "社会保障", "农业农村", "经济发展", "规划建设", "文化旅游", "法律"]
print("姓名,单位代码,职务,是否领导,专业特长")
for i in range(n):
    name = sur[i % len(sur)] + giv[(i // 7) % len(giv)] + giv[(i // 3) % len(giv)]
    print(f"{name},{units[i % len(units)]},科员,{'是' if i % 50 == 0 else '否'},{tags[i % len(tags)]}")
PY
kill "$(cat $out/sixia.pid)"; wait "$(cat $out/sixia.pid)" 2>/dev/null || true
./build/sixia import cadres "$out/cadres.csv" --db "$out/b.db" >/dev/null
echo "cadres imported: $N"

./build/sixia serve --db "$out/b.db" --listen 127.0.0.1:$SP --access-log off --login-rate 0 --max-conns-per-ip 0 2>"$out/sixia.log" &
echo $! > "$out/sixia.pid"
for i in $(seq 100); do curl -sf "http://127.0.0.1:$SP/api/v1/health" >/dev/null && break; sleep 0.1; done
curl -sf -c "$out/cj" -H 'Content-Type: application/json' \
  -d '{"username":"leader","password":"Demo@2026"}' "http://127.0.0.1:$SP/api/v1/auth/login" >/dev/null
sid=$(awk '$6=="sixia_session"{print $7}' "$out/cj")
cid=$(curl -sf -b "$out/cj" "http://127.0.0.1:$SP/api/v1/cadres?page_size=1&sort=-id" |
  /usr/bin/python3 -c 'import json,sys;print(json.load(sys.stdin)["items"][0]["id"])')
curl -sf -b "$out/cj" "http://127.0.0.1:$SP/api/v1/cadres/$cid" >/dev/null

NP=$(port)
mkdir -p "$out/www"
head -c 1024 /dev/zero | tr '\0' 'x' > "$out/www/1k.txt"
cat > "$out/nginx.conf" <<NG
worker_processes $(nproc);
pid $out/nginx.pid;
error_log $out/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$NP; root $out/www; }
}
NG
nginx -c "$out/nginx.conf"
sleep 0.3

run() { # slug label url [cookie]
  local extra=() f="$out/$1"
  [ -n "${4:-}" ] && extra=(-H "Cookie: sixia_session=$4")
  wrk -t"$THREADS" -c"$CONN" -d"${DUR}s" --latency "${extra[@]}" "$3" > "$f.wrk"
  local rps p50 p90 p99 non2xx
  rps=$(awk '/^Requests\/sec/{print $2}' "$f.wrk")
  p50=$(awk '$1=="50%"{print $2}' "$f.wrk"); p90=$(awk '$1=="90%"{print $2}' "$f.wrk"); p99=$(awk '$1=="99%"{print $2}' "$f.wrk")
  non2xx=$(awk '/Non-2xx/{print $5}' "$f.wrk")
  printf '%-28s %12s req/s   p50 %-9s p90 %-9s p99 %-9s %s\n' "$2" "$rps" "$p50" "$p90" "$p99" "${non2xx:+non-2xx: $non2xx}"
  echo "$rps" > "$f.rps"
}
echo "== wrk: $THREADS threads, $CONN connections, ${DUR}s each, $(nproc) cores"
run nginx "nginx static 1KiB" "http://127.0.0.1:$NP/1k.txt"
run read "sixia GET /cadres/{id}" "http://127.0.0.1:$SP/api/v1/cadres/$cid" "$sid"
run list "sixia GET /cadres (list)" "http://127.0.0.1:$SP/api/v1/cadres?page=1&page_size=20" "$sid"
run search "sixia GET /cadres?keyword=" "http://127.0.0.1:$SP/api/v1/cadres?page=1&page_size=20&keyword=%E7%8E%8B" "$sid"
nginx -c "$out/nginx.conf" -s stop || true
ng=$(cat "$out/nginx.rps")
awk -v a="$(cat "$out/read.rps")" -v b="$ng" 'BEGIN{printf "ratio authenticated read / nginx: %.2fx\n", a/b}'
awk -v a="$(cat "$out/list.rps")" -v b="$ng" 'BEGIN{printf "ratio list page / nginx:          %.2fx\n", a/b}'
awk -v a="$(cat "$out/search.rps")" -v b="$ng" 'BEGIN{printf "ratio keyword search / nginx:     %.3fx\n", a/b}'
