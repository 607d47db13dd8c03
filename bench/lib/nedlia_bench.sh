# Shared by the benchmark scripts that run `nedlia serve` (bench/placements, bench/http_edge,
# bench/event_stream) and by bench/events_cold_drain: a throwaway managed PostgreSQL and server
# on loopback, the placements data set, wrk and pgbench output parsing, and a cleanup that
# always runs.
#
# Source it from a script that did `set -euo pipefail` and `cd` to the repository's root:
#   . bench/lib/nedlia_bench.sh
#   bench_build TARGET...              the release build of nedlia (and bench TARGETs); $nedlia
#   bench_start_cluster [MAX_CONN]     a throwaway managed cluster in $work, migrated to head;
#                                      $url, psql_. MAX_CONN raises max_connections (restart)
#   bench_seed_placements V P N        advertiser, P products, V videos, N placements;
#                                      $work/ids, BENCH_IDS BENCH_VIDEOS BENCH_PRODUCTS
#   bench_start_serve [VAR=VALUE...]   `nedlia serve` on a free port with those variables;
#                                      $serve_pid, $base (http://127.0.0.1:PORT), BENCH_KEY
#   bench_track_pid PID                stopped by the cleanup (a background tool)
#   bench_stop_pid PID [SECONDS]       SIGTERM, SIGKILL after SECONDS (default 15)
#   bench_raise_open_files N           ulimit -n to the hard limit, or exit with one line when
#                                      that is below N
#   bench_parse_wrk FILE               "req/s p50_ms p99_ms non2xx socket_errors"
#   bench_summarize FILE               rounds' lines -> "mean(1) median(2) median(3) sum(4) ..."
#   bench_serve_complaints             the server's warnings and errors so far, counted
#   bench_wait_for_consumers [SECONDS] until the server's consumers have handled every event
#                                      and generated every placement file (default 300 s)
# The cleanup (EXIT trap, also on SIGINT/SIGTERM) stops the tracked tools, serve and the cluster
# and deletes $work (kept with BENCH_KEEP=1).

root=$PWD
nedlia=$root/build/release/src/nedlia
work=""
serve_pid=""
bench_pids=()

bench_stop_pid() {
  local pid=$1 patience=${2:-15} tick
  kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  for ((tick = 0; tick < patience * 10; tick++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

bench_track_pid() { bench_pids+=("$1"); }

bench_cleanup() {
  local status=$?
  set +e
  local pid
  for pid in "${bench_pids[@]}"; do bench_stop_pid "$pid" 5; done
  # A server holding thousands of connections takes its shutdown grace (10 s) to let go.
  [ -n "$serve_pid" ] && bench_stop_pid "$serve_pid" 20
  [ -n "$work" ] && "$nedlia" db stop >/dev/null 2>&1
  if [ -n "$work" ]; then
    if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
  fi
  exit "$status"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PostgreSQL starts each backend in a session of its own (setsid). With the kernel's autogroup
# on, every session in the root cgroup is scheduled as one group, so each backend got as much
# CPU as the whole server with its I/O and worker threads: at 16 connections GET's p99 was
# 50-270 ms (its handlers waited for the CPU), 3 ms without autogroup. A machine run by systemd
# has services and user sessions in cgroups of their own, where autogroup does not apply; the
# benchmarks run in a cgroup of their own (when they may create one) to be scheduled as there.
bench_leave_autogroup() {
  [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ] || return 0
  local v1=/sys/fs/cgroup/cpu v2=/sys/fs/cgroup
  if [ "$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ {print $3}' /proc/self/cgroup)" = / ] &&
     mkdir -p "$v1/nedlia-bench" 2>/dev/null && echo $$ >"$v1/nedlia-bench/cgroup.procs" 2>/dev/null; then
    return 0
  fi
  if [ "$(awk -F: '$1 == 0 {print $3}' /proc/self/cgroup)" = / ] &&
     grep -qw cpu "$v2/cgroup.controllers" 2>/dev/null &&
     { grep -qw cpu "$v2/cgroup.subtree_control" || echo +cpu >"$v2/cgroup.subtree_control"; } 2>/dev/null &&
     mkdir -p "$v2/nedlia-bench" 2>/dev/null && echo $$ >"$v2/nedlia-bench/cgroup.procs" 2>/dev/null; then
    return 0
  fi
  if [ "$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ || $1 == 0 {print $3}' /proc/self/cgroup | sort -u)" = / ]; then
    echo "note: autogroup schedules each PostgreSQL backend like the whole server here, and this" \
         "user may not create a cgroup: latency figures will be worse than on a systemd host" >&2
  fi
}
bench_leave_autogroup

bench_build() {
  cmake --preset release >/dev/null
  cmake --build --preset release --target nedlia "$@" >/dev/null
}

# Raises the soft limit to the hard one (the server under test may need more descriptors per
# connection than the clients do), failing when even that is below what the clients need.
bench_raise_open_files() {
  local wanted=$1 hard
  hard=$(ulimit -Hn)
  if [ "$hard" != unlimited ] && [ "$hard" -lt "$wanted" ]; then
    echo "needs $wanted open files per process, but the hard limit (ulimit -Hn) is $hard:" \
      "raise it (e.g. /etc/security/limits.conf, LimitNOFILE) or pass smaller counts" >&2
    exit 1
  fi
  [ "$hard" = unlimited ] && hard=$((wanted > 1048576 ? wanted : 1048576))
  ulimit -n "$hard" || { echo "cannot raise ulimit -n to $hard" >&2; exit 1; }
}

# psql on the bench database, quiet, failing on the first error.
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"; }

bench_start_cluster() {
  local max_connections=${1:-}
  work=$(mktemp -d /tmp/nedlia-bench.XXXXXX)
  chmod 755 "$work"  # the server user must reach the data directory inside
  # Its own object store (WAL archive, placement files): another cluster's archive (an earlier
  # run's) refuses this one's segments, and archiving would stop at the first.
  export NEDLIA_PG_DIR=$work/pg NEDLIA_OBJECTS_DIR=$work/objects NEDLIA_LOG_LEVEL=warn
  # A random port, another one while the chosen one is taken (other clusters share the machine).
  local attempt
  for attempt in 1 2 3 4 5; do
    export NEDLIA_PG_PORT=$((57000 + RANDOM % 1000))
    "$nedlia" db start >/dev/null 2>"$work/db_start.err" && break
    if [ "$attempt" = 5 ] || ! grep -q "in use" "$work/db_start.err"; then
      cat "$work/db_start.err" >&2
      exit 1
    fi
  done
  if [ -n "$max_connections" ]; then
    # The managed cluster has no setting of its own for it: postgresql.auto.conf survives the
    # managed settings block that `nedlia db start` rewrites in postgresql.conf.
    psql -X -q -v ON_ERROR_STOP=1 "$("$nedlia" db url)" \
      -c "ALTER SYSTEM SET max_connections = $max_connections"
    "$nedlia" db stop >/dev/null
    "$nedlia" db start >/dev/null
  fi
  "$nedlia" migrate upgrade head >/dev/null
  url=$("$nedlia" db url)
}

bench_seed_placements() {
  local videos=$1 products=$2 placements=$3
  psql_ <<SQL
INSERT INTO advertisers (id, name, contact_email)
VALUES ('00000000-0000-4000-8000-000000000001', 'Bench', 'bench@example.com');
INSERT INTO products (id, advertiser_id, name)
SELECT ('00000001-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
       '00000000-0000-4000-8000-000000000001', 'product ' || n
FROM generate_series(1, $products) AS n;
INSERT INTO videos (id, title, duration, status)
SELECT ('00000002-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'video ' || n,
       9999999.999, 'ready'
FROM generate_series(1, $videos) AS n;
-- Placements for the reads; times far from where the writes land.
INSERT INTO placements (id, video_id, product_id, start_time, end_time)
SELECT ('00000004-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
       ('00000002-0000-4000-8000-' || lpad(to_hex(1 + n % $videos), 12, '0'))::uuid,
       ('00000001-0000-4000-8000-' || lpad(to_hex(1 + n % $products), 12, '0'))::uuid,
       9999000 + n * 0.01, 9999000 + n * 0.01 + 0.005
FROM generate_series(1, $placements) AS n;
VACUUM ANALYZE;
SQL
  psql_ -At -c "SELECT id FROM placements" >"$work/ids"
  export BENCH_IDS=$work/ids BENCH_VIDEOS=$videos BENCH_PRODUCTS=$products
}

bench_start_serve() {
  local tick
  env "$@" NEDLIA_HTTP_PORT=0 "$nedlia" serve >"$work/serve.log" 2>&1 &
  serve_pid=$!
  for ((tick = 0; tick < 300; tick++)); do
    grep -q "^listening on " "$work/serve.log" && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
  done
  base=$(sed -n 's/^listening on //p' "$work/serve.log")
  if [ -z "$base" ]; then
    echo "nedlia serve did not start:" >&2
    cat "$work/serve.log" >&2
    exit 1
  fi
  # Printed by the first start on a database without keys only.
  local key
  key=$(sed -n 's/^first admin API key.*: //p' "$work/serve.log")
  [ -n "$key" ] && export BENCH_KEY=$key
  return 0
}

bench_parse_wrk() {
  awk '/Requests\/sec/ {rps = $2}
       /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2}
       /Non-2xx/ {bad = $NF}
       /Socket errors/ {gsub(/,/, ""); errors = $4 + $6 + $8 + $10}
       END {printf "%d %.2f %.2f %d %d\n", rps, ms(p50), ms(p99), bad, errors}
       function ms(t) { if (t ~ /us$/) return t / 1000; if (t ~ /ms$/) return t + 0;
                        if (t ~ /s$/) return t * 1000; return 0 }' "$1"
}

bench_median_of_column() {
  local column=$1 file=$2
  sort -g -k"$column,$column" "$file" | awk -v c="$column" '{v[NR] = $c}
    END {print v[int((NR + 1) / 2)]}'
}

# Rounds of one tool, a line each ("rate p50 p99 failures [more failures...]"): the mean rate,
# the median p50 and p99, the sums of the other columns.
bench_summarize() {
  local file=$1
  printf "%d %s %s%s\n" "$(awk '{s += $1} END {print int(s / NR)}' "$file")" \
    "$(bench_median_of_column 2 "$file")" "$(bench_median_of_column 3 "$file")" \
    "$(awk '{for (i = 4; i <= NF; i++) s[i] += $i; n = NF}
            END {for (i = 4; i <= n; i++) printf " %d", s[i]}' "$file")"
}

# The server's warnings and errors, one line per distinct message with its count, most frequent
# first (timestamps and numbers folded, so that "refusing a connection: 1024 are open" counts as
# one); "none" when there are none.
bench_serve_complaints() {
  local lines
  lines=$(grep -E '^[0-9TZ:.-]+ (warning|warn|error|critical) ' "$work/serve.log" |
    cut -d' ' -f2- | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -5 |
    awk '{n = $1; $1 = ""; printf "%s%d × %s", (NR > 1 ? "; " : ""), n, substr($0, 2)}')
  echo "${lines:-none}"
}

# Writes leave the server's consumers work (placement files for every video touched, the read
# model, webhooks) that goes on well after the writers stop: measuring reads during it measures
# that work too.
bench_wait_for_consumers() {
  local patience=${1:-300} before="" now tick
  for ((tick = 0; tick < patience; tick++)); do
    now=$(psql_ -At -c "SELECT (SELECT count(*) FROM placement_file_jobs) || ' ' ||
                               (SELECT coalesce(sum(handled_count), 0) FROM event_subscriptions)")
    [ "${now%% *}" = 0 ] && [ "$now" = "$before" ] && return 0
    before=$now
    sleep 1
  done
  echo "warning: the server's consumers were still busy after ${patience} s" >&2
}
