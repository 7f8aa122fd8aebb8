#!/usr/bin/env bash
# Side-by-side benchmark of package-repository against nginx serving the SAME directory.
# Usage: src/bench/run.sh [--quick]        (see src/bench/README.md)
#
# S3 and Swift each get the rows of a server of ours with its cache off (the way through the store,
# nginx for scale), then those of one with its cache on: warm (the packages in its cache; against
# ours on the file system, ARCHITECTURE.md's reference for them, not nginx) and cold (200 clients
# at once on a package just published: one GET from the store, checked on GET /stats).
#
# Environment:
#   BENCH_JAR       use this server jar instead of building one with `mvn -q -DskipTests package`
#   BENCH_TMPDIR    parent of the temporary work directory (default /tmp; it must be on a real
#                   disk with ~6 GB free for the full run, ~1.5 GB for --quick)
#   BENCH_ROUNDS    rounds per scenario (default 3, --quick 1)
#   BENCH_CLI_ROUNDS  rounds of the rows against a store's CLI (default BENCH_ROUNDS rounded up to even: 4; --quick 1)
#   BENCH_DURATION  seconds per wrk run (default 5, --quick 2)
#   BENCH_JAVA_OPTS extra JVM options for our main server (default none: what a user would run)
#   BENCH_S3=0      skip the S3 rows (S3Proxy, started from the project's test classpath)
#   BENCH_SWIFT=0   skip the Swift rows (a one-node Swift from Debian's packages, via src/test/swift/swift-node.sh)
#   BENCH_ONLY=s3   only the S3 rows (results still go to results/latest.md: do not commit those);
#                   BENCH_ONLY=swift: only the Swift rows; BENCH_ONLY=startup: only the start-up rows;
#                   BENCH_ONLY=cluster: only the cluster rows (without the main data and servers);
#                   BENCH_ONLY=get: only the GET and listing rows of the file system; BENCH_ONLY=put: only the single PUT rows of the file system;
#                   BENCH_ONLY=heap: only the small-heap rows
#   BENCH_CLUSTER=0 skip the cluster rows (3 members and one instance on S3Proxy)
#   BENCH_CLUSTER_MIB      size of the cluster rows' package in MiB (default 200, --quick 20)
#   BENCH_CLUSTER_CLIENTS  concurrent clients of the cluster rows (default 300)
#   BENCH_CLUSTER_ROUNDS   rounds of the cluster rows (default 1: each moves 240 GiB at 200 MiB)
#   BENCH_CLUSTER_CHECK_EVERY  every Nth body of the cluster rows is compared byte for byte (default 10;
#                   1: every one); the others are checked by status and size
#   BENCH_NGINX_OPEN_FILE_CACHE=1  give nginx `open_file_cache` with 1 s validity, the same freshness
#                   as our server's own caches (default off: nginx as Debian configures it)
#
# Fairness on a small machine (this one has 2 cores): nothing is pinned. The load generator (wrk
# with one thread per core, or curl) and the server under test share all cores, exactly the same
# way for both servers; only one server is under load at any moment (the other one idles), and the
# two are measured alternately (ours, nginx, ours, nginx, ...) so that drifts of the machine hit
# both alike. nginx runs worker_processes = number of cores; our server runs with its defaults.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
RESULTS_DIR="$BENCH_DIR/results"
# shellcheck source=src/bench/lib.sh
source "$BENCH_DIR/lib.sh"

# The rest is in files named for what they hold, sourced here; they only define functions, and
# nothing runs before main (at the end of this file) but the options, sizes and globals below.
# shellcheck source=src/bench/setup.sh
source "$BENCH_DIR/setup.sh"           # tools, the server jar, the test data
# shellcheck source=src/bench/servers.sh
source "$BENCH_DIR/servers.sh"         # ours and nginx, the RSS sampler, the precheck
# shellcheck source=src/bench/measure.sh
source "$BENCH_DIR/measure.sh"         # medians, wrk runs and rows, one upload
# shellcheck source=src/bench/scenarios/get.sh
source "$BENCH_DIR/scenarios/get.sh"                 # GET 100 MiB, 64 KiB, a range
# shellcheck source=src/bench/scenarios/listing.sh
source "$BENCH_DIR/scenarios/listing.sh"             # GET /packages, and right after a PUT
# shellcheck source=src/bench/scenarios/put.sh
source "$BENCH_DIR/scenarios/put.sh"                 # PUT 1 GiB streamed
# shellcheck source=src/bench/scenarios/concurrent-uploads.sh
source "$BENCH_DIR/scenarios/concurrent-uploads.sh"  # 200 concurrent PUTs
# shellcheck source=src/bench/scenarios/small-heap.sh
source "$BENCH_DIR/scenarios/small-heap.sh"          # -Xmx64m: 4 GiB round trip, 200 GETs, 200 PUTs
# shellcheck source=src/bench/scenarios/startup.sh
source "$BENCH_DIR/scenarios/startup.sh"             # start to first answered request
# shellcheck source=src/bench/scenarios/remote-store.sh
source "$BENCH_DIR/scenarios/remote-store.sh"        # S3 and Swift through ours, cache off
# shellcheck source=src/bench/scenarios/cache.sh
source "$BENCH_DIR/scenarios/cache.sh"               # S3 and Swift through ours, cache on: warm, cold
# shellcheck source=src/bench/scenarios/cluster.sh
source "$BENCH_DIR/scenarios/cluster.sh"             # 3 members vs one instance on S3: cold, warm, start-up
# shellcheck source=src/bench/report.sh
source "$BENCH_DIR/report.sh"          # the table

usage() { sed -n '2,/^# Fairness/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

QUICK=0
for arg in "$@"; do
  case $arg in
    --quick) QUICK=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $arg" >&2; usage >&2; exit 2 ;;
  esac
done

MiB=$((1024 * 1024))
CORES=$(nproc)
THREADS=$CORES                 # wrk threads: one per core, same for both servers
if ((QUICK)); then
  ROUNDS=${BENCH_ROUNDS:-1}; DUR=${BENCH_DURATION:-2}; WARM=1
  PUT_SIZE=$((256 * MiB)); RT_SIZE=$((512 * MiB)); CONC=200; CONC_SIZE=$((4 * MiB)); STARTS=5
else
  ROUNDS=${BENCH_ROUNDS:-3}; DUR=${BENCH_DURATION:-5}; WARM=10
  PUT_SIZE=$((1024 * MiB)); RT_SIZE=$((4096 * MiB)); CONC=200; CONC_SIZE=$((20 * MiB)); STARTS=5
fi
# The rows against a store's CLI: an even number of rounds, so that each side goes first in as many (one more than the
# other rows: one 1 GiB upload through S3Proxy ran at 131 to 294 MiB/s from round to round on this disk).
CLI_ROUNDS=${BENCH_CLI_ROUNDS:-$((ROUNDS > 1 ? 2 * ((ROUNDS + 1) / 2) : ROUNDS))}
BIG_SIZE=$((100 * MiB)); SMALL_SIZE=$((64 * 1024))
LIST_NAMES=1000; LIST_VERSIONS=10        # 1000 names x 10 versions = 10,000 packages
CURL_MAX=900                             # no single transfer may take longer than this (s)
STALL=(--speed-limit 1 --speed-time 30)  # ... nor make no progress for 30 s (a wedged server)
CACHE_MAX=$((1024 * MiB))   # cache.max_size of cache.sh's servers: the two packages and one cold package at a time fit
COLD_N=$CONC                # concurrent clients of the cold row (ARCHITECTURE.md: 200 hosts)
CLUSTER_N=3                 # members of the cluster rows
CLUSTER_SIZE=$((${BENCH_CLUSTER_MIB:-$( ((QUICK)) && echo 20 || echo 200)} * MiB))   # their package (issue 17: 200 MB)
CLUSTER_CLIENTS=${BENCH_CLUSTER_CLIENTS:-300}               # their concurrent clients (ARCHITECTURE.md: 300)
CLUSTER_CHECK_EVERY=${BENCH_CLUSTER_CHECK_EVERY:-10}        # 1 body in N compared byte for byte
CL_ROUNDS=${BENCH_CLUSTER_ROUNDS:-1}       # each round moves 4 x 300 x 200 MiB: one unless asked

# Globals the sourced files share. Each scenario file's header names what else it sets for the
# report; main sets the work paths (WORK, PKGS, SRC, OUT_DIR), the package names (BIG, SMALL) and
# its servers' URLs, RSS files and baselines (OURS_URL, NGINX_URL, NOFSYNC_URL, MAIN_*, NOFSYNC_*).
declare -A OURS NGINX RAW NOTE PEAK REMOTE_BASE   # per row id (REMOTE_BASE: per remote server)
ROWS=()               # row ids, in the order the table prints them
OUT_DIR=""            # per-run scratch files
LAST_PID=""           # what start_ours, start_nginx (servers.sh), start_s3proxy (lib.sh) started
WRK_REF=nginx         # the second side of wrk_scenario (cache.sh's warm rows: ours on the file system)
declare -A CACHE_HWM WARM_STORE COLD_WALL COLD_WALL_NG COLD_CHECK COLD_CLIENTS_BAD   # cache.sh's, per store

# ---------------------------------------------------------------------------------------------
# Everything we start is registered here and stopped at exit; the work directory is removed.
WORK=""
POLICY_RC_CREATED=0

cleanup() {
  local rc=$? pid child
  trap - EXIT INT TERM
  for pid in "${STARTED[@]}"; do
    # children of a load run we started (curl under xargs), by parent pid
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do kill -TERM "$child" 2>/dev/null || true; done
    stop_pid "$pid"
  done
  if ((POLICY_RC_CREATED)); then rm -f /usr/sbin/policy-rc.d; fi
  if [[ -n ${SWIFT_NODE:-} && -d $SWIFT_NODE ]]; then
    bash "$ROOT/src/test/swift/swift-node.sh" stop "$SWIFT_NODE" || true
    rm -rf "$(dirname "$SWIFT_NODE")"
  fi
  if [[ -n $WORK && -d $WORK ]]; then rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# The run: set-up, the main server of ours and nginx (up to the end), then the scenarios in the
# order of the table, then the report.
main() {
  ensure_tools
  build_jar
  ulimit -n 65536 2>/dev/null || true
  WORK=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/pr-bench.XXXXXX")
  PKGS="$WORK/packages"; SRC="$WORK/src"; OUT_DIR="$WORK/out"
  mkdir -p "$WORK/logs" "$OUT_DIR"
  BIG="bench-big-1.0.0.tar.gz"; SMALL="bench-small-1.0.0.tar.gz"
  log "work directory $WORK ($([[ $QUICK == 1 ]] && echo quick || echo full) run)"
  if [[ ${BENCH_ONLY:-} == cluster ]]; then
    # servers and data of their own: none of the main ones is needed
    MAIN_BASE=0
    cluster_scenarios
    log_summary
    report
    return 0
  fi
  make_data

  local ours_port nginx_port nofsync_port ours_pid nginx_pid nofsync_pid
  ours_port=$(free_port); nginx_port=$(free_port); nofsync_port=$(free_port)
  # shellcheck disable=SC2086
  start_ours ours "$ours_port" "$PKGS" true ${BENCH_JAVA_OPTS:-}
  ours_pid=$LAST_PID; MAIN_PID=$ours_pid
  write_nginx_conf "$WORK/nginx" "$nginx_port"
  start_nginx "$WORK/nginx"
  nginx_pid=$LAST_PID; NGINX_PID=$nginx_pid
  OURS_URL="http://127.0.0.1:$ours_port"; NGINX_URL="http://127.0.0.1:$nginx_port"
  wait_ready "$OURS_URL/packages" "$ours_pid" ours
  wait_ready "$NGINX_URL/packages/" "$nginx_pid" nginx
  sleep 1
  MAIN_BASE=$(status_kb "$ours_pid" VmRSS)
  MAIN_RSS="$OUT_DIR/main.rss"
  start_sampler "$ours_pid" "$MAIN_RSS"
  log "ours (pid $ours_pid) on $OURS_URL, RSS $(mib "$MAIN_BASE") MiB after start-up; nginx (pid $nginx_pid) on $NGINX_URL"
  precheck
  if [[ ${BENCH_ONLY:-} == get ]]; then
    get_scenarios
    listing_scenarios
    log_summary
    report
    return 0
  fi
  if [[ ${BENCH_ONLY:-} == s3 || ${BENCH_ONLY:-} == swift || ${BENCH_ONLY:-} == startup ]]; then
    "${BENCH_ONLY}_scenarios"
    log_summary
    report
    return 0
  fi

  if [[ ${BENCH_ONLY:-} == heap ]]; then
    smallheap_scenario
    log_summary
    report
    return 0
  fi
  if [[ ${BENCH_ONLY:-} != put ]]; then
    get_scenarios          # scenarios/get.sh
    listing_scenarios      # scenarios/listing.sh
  fi

  # The second server of ours, fsync off, for the two upload scenarios only.
  # shellcheck disable=SC2086
  start_ours nofsync "$nofsync_port" "$PKGS" false ${BENCH_JAVA_OPTS:-}
  nofsync_pid=$LAST_PID; NOFSYNC_PID=$nofsync_pid
  NOFSYNC_URL="http://127.0.0.1:$nofsync_port"
  wait_ready "$NOFSYNC_URL/packages" "$nofsync_pid" nofsync
  sleep 1
  NOFSYNC_BASE=$(status_kb "$nofsync_pid" VmRSS)
  NOFSYNC_RSS="$OUT_DIR/nofsync.rss"
  start_sampler "$nofsync_pid" "$NOFSYNC_RSS"
  put_scenario             # scenarios/put.sh
  if [[ ${BENCH_ONLY:-} == put ]]; then
    stop_pid "$nofsync_pid"
    log_summary
    report
    return 0
  fi
  conc_scenario            # scenarios/concurrent-uploads.sh
  NOFSYNC_HWM=$(status_kb "$nofsync_pid" VmHWM)
  stop_pid "$nofsync_pid"

  smallheap_scenario       # scenarios/small-heap.sh
  s3_scenarios             # scenarios/remote-store.sh, then scenarios/cache.sh
  swift_scenarios          # the same on Swift
  startup_scenarios        # scenarios/startup.sh
  cluster_scenarios        # scenarios/cluster.sh

  MAIN_HWM=$(status_kb "$ours_pid" VmHWM)
  log_summary
  report
}

main
