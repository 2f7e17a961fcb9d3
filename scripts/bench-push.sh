#!/usr/bin/env bash
# Benchmark of `onething push` (docs/benchmarks.md): a RECORDS-line contributions CSV made by
# `onething gen` is pushed into a local `onething serve` on a fresh SQLite database (release
# build), then pushed again (all duplicates), then a SMALL-line prefix of it is pushed (to
# compare the client's peak memory: it must not grow with the file). Prints records/s and
# the peak RSS of the client and of the server, measured with GNU time -v.
#
#   scripts/bench-push.sh
#   env: RECORDS=1000000 SMALL=100000 SEED=20241105 PORT=18080
#        BIN=path/to/onething (default: cargo build --release, honouring CARGO_TARGET_DIR)
#        WORK=dir (default: a new /tmp/onething-bench.* kept for inspection)
#        PERF=1 records a call-graph profile of the server during the first push (perf)
set -euo pipefail
cd "$(dirname "$0")/.."

RECORDS=${RECORDS:-1000000}
SMALL=${SMALL:-100000}
SEED=${SEED:-20241105}
PORT=${PORT:-18080}
PERF=${PERF:-0}
if [ -z "${BIN:-}" ]; then
  cargo build --release -p onething >&2
  BIN=${CARGO_TARGET_DIR:-target}/release/onething
fi
WORK=${WORK:-$(mktemp -d /tmp/onething-bench.XXXXXX)}
mkdir -p "$WORK"
echo "work directory: $WORK" >&2

# An employee has ~21 months of contributions in the 24-month window on average.
PEOPLE=$((RECORDS / 20 + 1000))
EMPLOYERS=$((PEOPLE / 25 + 1))
"$BIN" gen --seed "$SEED" --employers "$EMPLOYERS" --people "$PEOPLE" --out "$WORK/city" >"$WORK/gen.out"
head -n $((RECORDS + 1)) "$WORK/city/contributions.csv" >"$WORK/contributions.csv"
records=$(($(wc -l <"$WORK/contributions.csv") - 1))
if [ "$records" -ne "$RECORDS" ]; then
  echo "only $records records were generated; raise PEOPLE in this script" >&2
  exit 1
fi
head -n $((SMALL + 1)) "$WORK/contributions.csv" >"$WORK/contributions-small.csv"

db="sqlite://$WORK/bench.db"
"$BIN" migrate --db "$db" >/dev/null
"$BIN" dept keygen --out "$WORK/mi" >/dev/null
"$BIN" dept add --db "$db" --id bench-mi --name "基准测试医保局（演示）" \
  --kind medical_insurance --public-key "$WORK/mi.pub" >/dev/null

/usr/bin/time -v -o "$WORK/server.time" "$BIN" serve --db "$db" --listen "127.0.0.1:$PORT" \
  >"$WORK/server.out" 2>"$WORK/server.log" &
time_pid=$!
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; fi
  wait "$time_pid" 2>/dev/null || true
}
trap stop_server EXIT
for _ in $(seq 200); do
  server_pid=$(pgrep -P "$time_pid" || true)
  if [ -n "$server_pid" ] && curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null; then break; fi
  sleep 0.1
done
[ -n "$server_pid" ] || { echo "the server did not start; see $WORK/server.log" >&2; exit 1; }

# push NAME FILE: runs the client under GNU time; its exit code is kept in NAME.code.
push() {
  local code=0
  /usr/bin/time -v -o "$WORK/$1.time" "$BIN" push --url "http://127.0.0.1:$PORT" --dept bench-mi \
    --key "$WORK/mi.key" --dataset contributions "$2" >"$WORK/$1.out" 2>"$WORK/$1.err" || code=$?
  echo "$code" >"$WORK/$1.code"
}

perf_pid=""
if [ "$PERF" = 1 ] && command -v perf >/dev/null; then
  perf record -F 499 -g -p "$server_pid" -o "$WORK/perf.data" 2>"$WORK/perf.log" &
  perf_pid=$!
fi
push first "$WORK/contributions.csv"
if [ -n "$perf_pid" ]; then
  kill -INT "$perf_pid"; wait "$perf_pid" || true
  perf report -i "$WORK/perf.data" --stdio --no-children --percent-limit 1.5 2>/dev/null \
    | grep -v '^$' | head -120 >"$WORK/perf.txt" || true
fi
push again "$WORK/contributions.csv"
push small "$WORK/contributions-small.csv"
stop_server
trap - EXIT

field() { grep -F "$2" "$WORK/$1.time" | sed 's/.*: //'; }
count() { grep -F "$2" "$WORK/$1.out" | head -1 | awk -F: '{print $2}' | awk '{print $1}'; }
rate() { grep -F 'records/s' "$WORK/$1.out" | tail -1 | sed 's/.*rate: *//; s/ records.*//'; }

echo
echo "| run | records | accepted | duplicates | rejected | exit | wall | records/s | client peak RSS | client CPU (user+sys) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for run in first again small; do
  cpu=$(awk -v u="$(field $run 'User time')" -v s="$(field $run 'System time')" 'BEGIN{printf "%.1f s", u+s}')
  echo "| $run | $(count $run 'records:') | $(count $run 'accepted:') | $(count $run 'duplicates:') |" \
    "$(count $run '拒收 rejected:') | $(cat "$WORK/$run.code") | $(field $run 'Elapsed (wall clock)') |" \
    "$(rate $run) | $(field $run 'Maximum resident set size') KB | $cpu |"
done
server_cpu=$(awk -v u="$(field server 'User time')" -v s="$(field server 'System time')" 'BEGIN{printf "%.1f s", u+s}')
echo
echo "server: peak RSS $(field server 'Maximum resident set size') KB, CPU (user+sys) $server_cpu over all three runs;" \
  "database $(du -h "$WORK/bench.db" | cut -f1)"
echo "input: $(du -h "$WORK/contributions.csv" | cut -f1) ($RECORDS records), seed $SEED, employers $EMPLOYERS, people $PEOPLE"
[ -f "$WORK/perf.txt" ] && echo "server profile: $WORK/perf.txt"
