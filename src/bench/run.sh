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
#   BENCH_DURATION  seconds per wrk run (default 5, --quick 2)
#   BENCH_JAVA_OPTS extra JVM options for our main server (default none: what a user would run)
#   BENCH_S3=0      skip the S3 rows (S3Proxy, started from the project's test classpath)
#   BENCH_SWIFT=0   skip the Swift rows (a one-node Swift from Debian's packages, via src/test/swift/swift-node.sh)
#   BENCH_ONLY=s3   only the S3 rows (results still go to results/latest.md: do not commit those);
#                   BENCH_ONLY=swift: only the Swift rows; BENCH_ONLY=startup: only the start-up rows
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

# The scenarios, one file per family named for what it measures; they only define functions.
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
  ROUNDS=${BENCH_ROUNDS:-3}; DUR=${BENCH_DURATION:-5}; WARM=3
  PUT_SIZE=$((1024 * MiB)); RT_SIZE=$((4096 * MiB)); CONC=200; CONC_SIZE=$((20 * MiB)); STARTS=5
fi
BIG_SIZE=$((100 * MiB)); SMALL_SIZE=$((64 * 1024))
LIST_NAMES=1000; LIST_VERSIONS=10        # 1000 names x 10 versions = 10,000 packages
CURL_MAX=900                             # no single transfer may take longer than this (s)
STALL=(--speed-limit 1 --speed-time 30)  # ... nor make no progress for 30 s (a wedged server)


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
# 1. Tools, jar, test data
ensure_tools() {
  local missing=() pkg
  command -v nginx >/dev/null || missing+=(nginx)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v curl >/dev/null || missing+=(curl)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v ss >/dev/null || missing+=(iproute2)
  if ((${#missing[@]})); then
    [[ $(id -u) == 0 ]] || die "missing ${missing[*]}; run as root (apt-get install) or install them first"
    log "missing ${missing[*]}: installing from Debian's packages"
    apt-get update -qq
    local pkgs=()
    for pkg in "${missing[@]}"; do
      if [[ $pkg == nginx ]]; then
        local policy
        policy=$(apt-cache policy nginx-light 2>/dev/null || true)
        if [[ $policy =~ Candidate:\ [0-9] ]]; then pkgs+=(nginx-light); else pkgs+=(nginx); fi
      else
        pkgs+=("$pkg")
      fi
    done
    # Debian starts a service when its package is installed; the system nginx must not start on
    # port 80 because of us. policy-rc.d (exit 101) forbids that, as Docker images do.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
      POLICY_RC_CREATED=1
    fi
    log "apt-get install -y ${pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" > "${TMPDIR:-/tmp}/pr-bench-apt.log" 2>&1 \
      || { cat "${TMPDIR:-/tmp}/pr-bench-apt.log" >&2; die "apt-get install failed"; }
    rm -f "${TMPDIR:-/tmp}/pr-bench-apt.log"
    if ((POLICY_RC_CREATED)); then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=0; fi
  fi
  local build
  build=$(nginx -V 2>&1 || true)
  [[ $build == *http_dav_module* ]] || die "this nginx has no WebDAV module (http_dav_module)"
}

build_jar() {
  local head
  head=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "unknown")
  if [[ -n ${BENCH_JAR:-} ]]; then
    JAR=$BENCH_JAR
    local jar_head
    jar_head=$(git -C "$(dirname "$JAR")/.." rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
    JAR_LABEL="BENCH_JAR=$JAR (built from a tree at $jar_head; this checkout is at $head)"
    log "using BENCH_JAR=$JAR (not building)"
  else
    log "building the server: mvn -q -DskipTests package in $ROOT"
    (cd "$ROOT" && mvn -q -DskipTests package) >&2
    JAR=$ROOT/target/package-repository.jar
    JAR_LABEL="built from $head$(git -C "$ROOT" diff --quiet HEAD -- src/main pom.xml 2>/dev/null || echo " with local changes")"
  fi
  [[ -f $JAR ]] || die "no jar at $JAR"
}


make_data() {
  mkdir -p "$PKGS" "$SRC"
  random_bytes "$BIG_SIZE" 1 > "$PKGS/$BIG"
  random_bytes "$SMALL_SIZE" 2 > "$PKGS/$SMALL"
  random_bytes "$PUT_SIZE" 3 > "$SRC/put.bin"
  random_bytes "$CONC_SIZE" 4 > "$SRC/conc.bin"
  BIG_SHA=$(sha256sum < "$PKGS/$BIG" | cut -d' ' -f1)
  PUT_SHA=$(sha256sum < "$SRC/put.bin" | cut -d' ' -f1)
  # 10,000 small packages for the listing. Their content does not matter to a listing, so they
  # are slices of one random (base64) text, written with shell built-ins: no process per file.
  local blob n v i=0
  blob=$(random_bytes $((LIST_NAMES * 1024)) 5 | base64 -w0)
  for ((n = 0; n < LIST_NAMES; n++)); do
    for ((v = 1; v <= LIST_VERSIONS; v++)); do
      printf '%s' "${blob:$(((i * 997) % (${#blob} - 1024))):1024}" > "$PKGS/$(printf 'pkg-%04d-1.0.%d.tar.gz' "$n" "$v")"
      i=$((i + 1))
    done
  done
  log "test data: $(human_size "$BIG_SIZE"), $(human_size "$SMALL_SIZE"), $((LIST_NAMES * LIST_VERSIONS)) small packages in $PKGS; upload sources $(human_size "$PUT_SIZE"), $(human_size "$CONC_SIZE")"
}

# ---------------------------------------------------------------------------------------------
# 2. Servers

LAST_PID=""
start_ours() {        # start_ours NAME PORT DIR FSYNC [JVM options...]  -> LAST_PID
  local name=$1 port=$2 dir=$3 fsync=$4
  shift 4
  cat > "$WORK/$name.json" <<EOF
{"FsRepository":{"location":{"path":"$dir","fsync":$fsync,"zero_copy":true}},
 "config":{"port":$port,"host":"127.0.0.1","log_level":"WARN"}}
EOF
  # shellcheck disable=SC2086
  java "$@" -jar "$JAR" --config "$WORK/$name.json" --port "$port" \
    > "$WORK/logs/$name.out" 2> "$WORK/logs/$name.err" &
  LAST_PID=$!
  STARTED+=("$LAST_PID")
}

write_nginx_conf() {  # write_nginx_conf DIR PORT [ROOT]: a private nginx (own pid, logs, temp paths)
  local d=$1 port=$2 root=${3:-$WORK} user_line=""
  mkdir -p "$d/client_body" "$d/tmp"
  [[ $(id -u) == 0 ]] && user_line="user root root;   # the work directory is private to root"
  cat > "$d/nginx.conf" <<EOF
# Generated by src/bench/run.sh; never the system configuration.
$user_line
worker_processes $CORES;
daemon off;
master_process on;
pid $d/nginx.pid;
lock_file $d/nginx.lock;
error_log $d/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 8192; }
http {
  access_log off;
  default_type application/gzip;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 75s;
  keepalive_requests 1000000;    # keep-alive for the whole run, as our server does
$(if [[ ${BENCH_NGINX_OPEN_FILE_CACHE:-0} == 1 ]]; then
    echo "  open_file_cache max=10000 inactive=20s; open_file_cache_valid 1s; open_file_cache_errors on;"
  fi)
  client_body_temp_path $d/client_body;   # same file system as the packages: PUT is a rename
  proxy_temp_path $d/tmp; fastcgi_temp_path $d/tmp; uwsgi_temp_path $d/tmp; scgi_temp_path $d/tmp;
  server {
    listen 127.0.0.1:$port;
    root $root;                  # /packages/<file> is $root/packages/<file>
    location = /packages/ {      # the directory listing
      autoindex on;
      autoindex_format json;
    }
    location /packages/ {        # GET with sendfile; PUT and DELETE with WebDAV
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
      client_max_body_size 0;
    }
  }
}
EOF
  nginx -t -q -e "$d/error.log" -p "$d" -c "$d/nginx.conf" 2>> "$WORK/logs/nginx-t.err" \
    || die "nginx rejects its configuration: $(cat "$WORK/logs/nginx-t.err" "$d/error.log" 2>/dev/null)"
}

start_nginx() {       # start_nginx DIR  -> LAST_PID
  local d=$1
  nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf" > "$d/stdout" 2>&1 &
  LAST_PID=$!
  STARTED+=("$LAST_PID")
}


# Resident memory: a sampler per server process appends "<time µs> <VmRSS kB>" every 100 ms.
start_sampler() {     # start_sampler PID FILE
  local pid=$1 file=$2
  (
    while [[ -r /proc/$pid/status ]]; do
      while read -r key value _; do
        if [[ $key == VmRSS: ]]; then echo "${EPOCHREALTIME/./} $value"; break; fi
      done < "/proc/$pid/status" 2>/dev/null || true
      sleep 0.1
    done
  ) >> "$file" 2>/dev/null &
  STARTED+=("$!")
}
peak_kb() {           # peak_kb FILE FROM_US TO_US: highest sample in the window
  awk -v a="$2" -v b="$3" '$1 >= a && $1 <= b && $2 > m { m = $2 } END { print m + 0 }' "$1"
}

# ---------------------------------------------------------------------------------------------
# 3. Measurements
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<< " $1"; }

declare -A OURS NGINX RAW NOTE PEAK REMOTE_BASE
ROWS=()
OUT_DIR=""            # per-run scratch files

run_wrk() {           # run_wrk SECONDS CONNECTIONS URL [HEADER] -> the BENCH line
  local secs=$1 conns=$2 url=$3 hdr=${4:-} out
  local args=(-t "$THREADS" -c "$conns" -d "${secs}s" --timeout 30s -s "$BENCH_DIR/wrk-report.lua")
  [[ -n $hdr ]] && args+=(-H "$hdr")
  out="$OUT_DIR/wrk.out"
  wrk "${args[@]}" "$url" > "$out" 2>&1 || true
  grep '^BENCH ' "$out" || { log "wrk failed: $(cat "$out")"; echo "BENCH requests=0 bytes=0 duration_us=1"; }
}

# wrk_scenario ID TITLE UNIT(mibs|rps) CONNECTIONS OURS_URL NGINX_URL [HEADER]
# The second side is nginx, or what WRK_REF names (the warm cache rows compare with ours on the file system).
WRK_REF=nginx
wrk_scenario() {
  local id=$1 title=$2 unit=$3 conns=$4 ours_url=$5 nginx_url=$6 hdr=${7:-}
  local r side name url line value errs t0 t1 peak=0 p
  local -a ours_v=() nginx_v=()
  local raw="" bad=0
  log "$title: warm-up ${WARM}s each, then $ROUNDS round(s) of ${DUR}s, alternating"
  run_wrk "$WARM" "$conns" "$ours_url" "$hdr" > /dev/null
  run_wrk "$WARM" "$conns" "$nginx_url" "$hdr" > /dev/null
  for ((r = 1; r <= ROUNDS; r++)); do
    for side in ours nginx; do
      if [[ $side == ours ]]; then url=$ours_url; name=ours; else url=$nginx_url; name=$WRK_REF; fi
      t0=$(now_us)
      line=$(run_wrk "$DUR" "$conns" "$url" "$hdr")
      t1=$(now_us)
      if [[ $unit == mibs ]]; then
        value=$(awk -v b="$(field "$line" bytes)" -v d="$(field "$line" duration_us)" 'BEGIN { printf "%.1f", b / 1048576 / (d / 1e6) }')
      else
        value=$(awk -v n="$(field "$line" requests)" -v d="$(field "$line" duration_us)" 'BEGIN { printf "%.1f", n / (d / 1e6) }')
      fi
      errs=$(($(field "$line" connect) + $(field "$line" read) + $(field "$line" write) + $(field "$line" status) + $(field "$line" timeout)))
      if ((errs > 0)); then
        bad=$((bad + errs))
        log "  $name round $r: $errs errors ($line)"
      fi
      if [[ $side == ours ]]; then
        ours_v+=("$value")
        p=$(peak_kb "$MAIN_RSS" "$t0" "$t1"); ((p > peak)) && peak=$p
      else
        nginx_v+=("$value")
      fi
      raw+="$name=$value "
      log "  round $r $name: $value $([[ $unit == mibs ]] && echo MiB/s || echo req/s) (requests $(field "$line" requests), p99 $(($(field "$line" p99_us) / 1000)) ms)"
    done
  done
  OURS[$id]=$(median "${ours_v[@]}"); NGINX[$id]=$(median "${nginx_v[@]}")
  RAW[$id]="$raw($([[ $unit == mibs ]] && echo MiB/s || echo req/s))"; PEAK[$id]=$peak
  ((bad > 0)) && NOTE[$id]="$bad failed or non-2xx requests in the measured runs"
  ROWS+=("$id")
  return 0
}

put_once() {          # put_once BASE_URL NAME FILE -> "code bytes seconds" (response in $OUT_DIR/put.resp)
  curl -sS --max-time "$CURL_MAX" "${STALL[@]}" -o "$OUT_DIR/put.resp" -w '%{http_code} %{size_upload} %{time_total}' \
    -T "$3" "$1/packages/$2" 2>> "$WORK/logs/curl.err" || echo "000 0 1"
}

remove_package() {    # remove_package NAME...: straight from the directory both servers serve
  local n
  for n in "$@"; do rm -f "$PKGS/$n"; done
}

# Before measuring, each server must answer what the scenario asks, with the right bytes.
precheck() {
  local side base list got n
  for side in ours nginx; do
    if [[ $side == ours ]]; then base=$OURS_URL; list="$OURS_URL/packages"; else base=$NGINX_URL; list="$NGINX_URL/packages/"; fi
    got=$(curl -sS --max-time 120 "$base/packages/$BIG" | sha256sum | cut -d' ' -f1)
    [[ $got == "$BIG_SHA" ]] || die "$side: GET $BIG does not return the file's bytes"
    [[ $(curl -sS --max-time 30 "$base/packages/$SMALL" | wc -c) == "$SMALL_SIZE" ]] || die "$side: GET $SMALL has the wrong length"
    got=$(curl -sS --max-time 30 -o "$OUT_DIR/range" -w '%{http_code}' -H 'Range: bytes=1000-1999' "$base/packages/$BIG")
    [[ $got == 206 ]] || die "$side: Range GET answered $got, not 206"
    cmp -s "$OUT_DIR/range" <(tail -c +1001 "$PKGS/$BIG" | head -c 1000) || die "$side: Range GET returned the wrong bytes"
    curl -sS --max-time 60 -o "$OUT_DIR/list.$side" "$list"
  done
  n=$(grep -o '"name"' "$OUT_DIR/list.ours" | wc -l)
  ((n == LIST_NAMES + 2)) || die "ours: the listing has $n packages, expected $((LIST_NAMES + 2))"
  n=$(grep -o '"name"' "$OUT_DIR/list.nginx" | wc -l)
  ((n >= LIST_NAMES * LIST_VERSIONS)) || die "nginx: the autoindex has $n entries, expected $((LIST_NAMES * LIST_VERSIONS + 2))"
  log "precheck passed: same bytes, 206 ranges and full listings from both servers (ours $(wc -c < "$OUT_DIR/list.ours") bytes of JSON, nginx $(wc -c < "$OUT_DIR/list.nginx"))"
}

# ---------------------------------------------------------------------------------------------
# 4. Report
fmt_num() { awk -v v="$1" 'BEGIN { if (v >= 100) printf "%.0f", v; else printf "%.1f", v }'; }
store_label() {
  case $1 in
    s3) echo "S3 (S3Proxy)" ;;
    swift) echo "Swift (one node)" ;;
  esac
}

# The servers of scenarios/cache.sh, a store's second server of ours with its cache on (issue 6).
CACHE_MAX=$((1024 * MiB))   # its cache.max_size: the two packages and one cold package at a time fit
COLD_N=$CONC                # concurrent clients of the cold row (ARCHITECTURE.md: 200 hosts)
declare -A CACHE_HWM WARM_STORE COLD_WALL COLD_WALL_NG COLD_CHECK COLD_CLIENTS_BAD

ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "—" }'; }
verdict() {           # verdict RATIO MIN -> "met"/"NOT met"
  awk -v r="$1" -v m="$2" 'BEGIN { print (r + 0 >= m) ? "met" : "**NOT met**" }'
}
peak_cell() {         # peak_cell KB BASELINE_KB
  if [[ -z $1 || $1 == 0 ]]; then echo "—"; return; fi
  echo "$(mib "$1") MiB (+$(mib $(($1 - $2))) MiB)"
}

report() {
  local id title unit target min ours ng ratio tcell baseline met
  local out="$OUT_DIR/table.md"
  {
    echo "## package-repository vs nginx — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Mode: $([[ $QUICK == 1 ]] && echo "--quick" || echo full); $ROUNDS round(s) per scenario, alternating ours/nginx, **median** of the rounds (start-up: best of $STARTS); wrk runs of ${DUR}s with $THREADS threads after a ${WARM}s warm-up of each server."
    echo "Machine: $CORES cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(df --output=fstype "$WORK" | tail -1 | tr -d ' ') for the packages; load generator and servers share all cores, nothing pinned."
    [[ ${BENCH_NGINX_OPEN_FILE_CACHE:-0} == 1 ]] && echo "nginx has \`open_file_cache\` (1 s validity) in this run (BENCH_NGINX_OPEN_FILE_CACHE=1)."
    echo "Versions: $(java -version 2>&1 | head -1), $(nginx -v 2>&1 | sed 's/.*: //') (worker_processes $CORES), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1,2), curl $(curl -V | head -1 | cut -d' ' -f2); server $JAR_LABEL; extra JVM options (BENCH_JAVA_OPTS): ${BENCH_JAVA_OPTS:-none}."
    echo
    echo "| scenario | ours | nginx | ratio | target | ours peak RSS |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for id in "${ROWS[@]}"; do
      min=""; baseline=$MAIN_BASE
      case $id in
        get_big | get_small | get_range | list | put_fsync | put_nofsync)
          case $id in
            get_big) title="GET $(human_size "$BIG_SIZE"), 16 connections (wrk)"; unit="MiB/s"; target="≥ 0.95 × nginx"; min=0.95 ;;
            get_small) title="GET $(human_size "$SMALL_SIZE"), 64 keep-alive connections (wrk)"; unit="req/s"; target="≥ 0.8 × nginx"; min=0.8 ;;
            get_range) title="GET \`Range: bytes=1000-1999\` of $(human_size "$BIG_SIZE"), 64 connections (wrk)"; unit="req/s"; target="none set" ;;
            list) title="GET /packages over $((LIST_NAMES * LIST_VERSIONS)) packages ($LIST_NAMES names × $LIST_VERSIONS versions; nginx: \`autoindex_format json\`), 4 connections (wrk)"; unit="req/s"; target="≥ 1 × nginx"; min=1 ;;
            put_fsync) title="PUT $(human_size "$PUT_SIZE") streamed (curl -T), ours **fsync on** (default)"; unit="MiB/s"; target="≥ 0.8 × nginx"; min=0.8 ;;
            put_nofsync) title="PUT $(human_size "$PUT_SIZE") streamed (curl -T), ours fsync off"; unit="MiB/s"; target="≥ 0.8 × nginx"; min=0.8; baseline=$NOFSYNC_BASE ;;
          esac
          ours=${OURS[$id]}; ng=${NGINX[$id]}; ratio=$(ratio_of "$ours" "$ng")
          if [[ -n $min ]]; then tcell="$target: $(verdict "$ratio" "$min")"; else tcell=$target; fi
          [[ $id == put_* ]] && tcell+=" (nginx never fsyncs)"
          [[ -n ${NOTE[$id]:-} ]] && tcell+=" ⚠ ${NOTE[$id]}"
          echo "| $title | $(fmt_num "$ours") $unit | $(fmt_num "$ng") $unit | $ratio | $tcell | $(peak_cell "${PEAK[$id]}" "$baseline") |" ;;
        conc_fsync | conc_nofsync)
          local wall fs_label
          if [[ $id == conc_fsync ]]; then wall=$WALL_OURS_FS; fs_label="**fsync on**"; else wall=$WALL_OURS_NOFS; baseline=$NOFSYNC_BASE; fs_label="fsync off"; fi
          ours=${OURS[$id]}; ng=${NGINX[$id]}; ratio=$(ratio_of "$ours" "$ng")
          tcell="none set; every upload answered: $([[ $CONC_BAD == 0 ]] && echo met || echo "**NOT met** ($CONC_BAD failed)")"
          echo "| $CONC concurrent PUTs of $(human_size "$CONC_SIZE") (curl, xargs -P $CONC), ours $fs_label | $(fmt_num "$ours") MiB/s aggregate (wall ${wall} s) | $(fmt_num "$ng") MiB/s (wall ${WALL_NG} s) | $ratio | $tcell | $(peak_cell "${PEAK[$id]}" "$baseline") |" ;;
        roundtrip)
          met="met"; ((RT_GROWTH <= 64 * 1024 && RT_EXACT == 1)) || met="**NOT met**"
          echo "| $(human_size "$RT_SIZE") round trip through ours started with \`-Xmx64m\` (PUT chunked from a generator, GET to sha256sum) | RSS growth **$(mib "$RT_GROWTH") MiB**; PUT $RT_PUT_MIBS MiB/s, GET $RT_GET_MIBS MiB/s; $([[ $RT_EXACT == 1 ]] && echo "byte-exact (SHA-256)" || echo "**bytes differ**") | — | — | RSS growth ≤ 64 MiB with -Xmx64m, same bytes back: $met | $(mib "$RT_PEAK") MiB (start-up $(mib "$RT_BASE") MiB) |" ;;
        heap_get)
          met="met"; ((HG_GROWTH <= 64 * 1024 && HG_OK == CONC)) || met="**NOT met**"
          echo "| $CONC concurrent GETs of $(human_size "$BIG_SIZE"), same \`-Xmx64m\` server | RSS growth **$(mib "$HG_GROWTH") MiB**; $HG_OK/$CONC complete; $HG_MIBS MiB/s aggregate (${HG_SECS} s) | — | — | RSS growth ≤ 64 MiB, all complete: $met | $(mib "$HG_PEAK") MiB (start-up $(mib "$RT_BASE") MiB) |" ;;
        heap_put)
          met="met"; ((HP_GROWTH <= 64 * 1024 && HP_OK == CONC)) || met="**NOT met**"
          local broken=""
          [[ $HP_OOM != 0 ]] && broken+="; **OutOfMemoryError** in the server's log"
          [[ $HP_ALIVE != 200 ]] && broken+="; afterwards \`GET /packages\` got $HP_ALIVE (server wedged)"
          echo "| $CONC concurrent PUTs of $(human_size "$CONC_SIZE"), same \`-Xmx64m\` server (fsync on) | RSS growth **$(mib "$HP_GROWTH") MiB**; $HP_OK/$CONC answered 200; $HP_MIBS MiB/s aggregate (${HP_SECS} s)$broken | — | — | RSS growth ≤ 64 MiB, all 200: $met | $(mib "$HP_PEAK") MiB (start-up $(mib "$RT_BASE") MiB) |" ;;
        s3_get_big | s3_get_small | s3_list | s3_put | swift_get_big | swift_get_small | swift_list | swift_put)
          local store=${id%%_*} label how
          label=$(store_label "$store")
          if [[ $store == s3 ]]; then how="multipart, then a copy in the store"; else how="segments of a Static Large Object, then its manifest"; fi
          case ${id#*_} in
            get_big) title="$label: GET $(human_size "$BIG_SIZE"), 16 connections (wrk)"; unit="MiB/s" ;;
            get_small) title="$label: GET $(human_size "$SMALL_SIZE"), 64 keep-alive connections (wrk)"; unit="req/s" ;;
            list) title="$label: GET /packages over $((LIST_NAMES * LIST_VERSIONS)) packages, 4 connections (wrk)"; unit="req/s" ;;
            put) title="$label: PUT $(human_size "$PUT_SIZE") streamed (curl -T; $how)"; unit="MiB/s" ;;
          esac
          ours=${OURS[$id]}; ng=${NGINX[$id]}; ratio=$(ratio_of "$ours" "$ng")
          tcell="none set (nginx serves the local file; ours goes through $label on the same cores)"
          [[ -n ${NOTE[$id]:-} ]] && tcell+=" ⚠ ${NOTE[$id]}"
          echo "| $title | $(fmt_num "$ours") $unit | $(fmt_num "$ng") $unit | $ratio | $tcell | $(peak_cell "${PEAK[$id]}" "${REMOTE_BASE[$store]}") |" ;;
        s3_warm_big | s3_warm_small | swift_warm_big | swift_warm_small)
          local store=${id%%_*} label
          label=$(store_label "$store")
          case ${id#*_} in
            warm_big) title="$label, **cache on, warm** (package in the cache): GET $(human_size "$BIG_SIZE"), 16 connections (wrk), vs **ours on the file system**"; unit="MiB/s" ;;
            warm_small) title="$label, **cache on, warm** (package in the cache): GET $(human_size "$SMALL_SIZE"), 64 keep-alive connections (wrk), vs **ours on the file system**"; unit="req/s" ;;
          esac
          ours=${OURS[$id]}; ng=${NGINX[$id]}; ratio=$(ratio_of "$ours" "$ng")
          tcell="≥ 0.9 × ours on the file system: $(verdict "$ratio" 0.9); read from the store during the runs: "
          if [[ ${WARM_STORE[$id]} == 0 ]]; then tcell+="0 bytes (/stats)"; else tcell+="**${WARM_STORE[$id]} bytes** (/stats)"; fi
          [[ -n ${NOTE[$id]:-} ]] && tcell+=" ⚠ ${NOTE[$id]}"
          echo "| $title | $(fmt_num "$ours") $unit | $(fmt_num "$ng") $unit (ours, FS) | $ratio | $tcell | $(peak_cell "${PEAK[$id]}" "${REMOTE_BASE[${store}_cache]}") |" ;;
        s3_cold | swift_cold)
          local store=${id%%_*} label bad_cell
          label=$(store_label "$store")
          ours=${OURS[$id]}; ng=${NGINX[$id]}; ratio=$(ratio_of "$ours" "$ng")
          if [[ ${COLD_CLIENTS_BAD[$store]} == 0 ]]; then bad_cell="met"; else bad_cell="**NOT met** (${COLD_CLIENTS_BAD[$store]} failed clients, PUTs or DELETEs)"; fi
          tcell="exactly 1 store GET per round: ${COLD_CHECK[$store]}; every client got the exact bytes: $bad_cell; throughput: none set (nginx for scale)"
          echo "| $label, **cache on, cold**: $COLD_N concurrent GETs of a $(human_size "$BIG_SIZE") package just PUT, not in the cache (curl, xargs -P $COLD_N, every body compared with the original) | $(fmt_num "$ours") MiB/s aggregate (wall ${COLD_WALL[$store]} s) | $(fmt_num "$ng") MiB/s (wall ${COLD_WALL_NG[$store]} s) | $ratio | $tcell | $(peak_cell "${PEAK[$id]}" "${REMOTE_BASE[${store}_cache]}") |" ;;
        list_cold)
          ratio=$(ratio_of "${OURS[$id]}" "${NGINX[$id]}")
          tcell="none set (the target is the row above)"
          [[ -n ${NOTE[$id]:-} ]] && tcell+=" ⚠ ${NOTE[$id]}"
          echo "| GET /packages right after a PUT through the same server (ours cannot use its 1 s listing cache), 1 client, median latency | $(fmt_num "${OURS[$id]}") ms | $(fmt_num "${NGINX[$id]}") ms | $ratio (lower is better) | $tcell | $(peak_cell "${PEAK[$id]}" "$MAIN_BASE") |" ;;
        startup | startup_empty)
          if [[ $id == startup ]]; then title="start to first answered \`GET /packages\`, $((LIST_NAMES * LIST_VERSIONS + 2)) packages (best of $STARTS)"; else title="start to first answered \`GET /packages\`, empty directory (best of $STARTS)"; fi
          ratio=$(ratio_of "${OURS[$id]}" "${NGINX[$id]}")
          echo "| $title | ${OURS[$id]} ms | ${NGINX[$id]} ms | $ratio (lower is better) | ≤ 1000 ms: $( ((OURS[$id] <= 1000)) && echo met || echo "**NOT met**") | $(mib "${PEAK[$id]}") MiB (VmHWM at first answer) |" ;;
      esac
    done
    echo
    echo "Ratio = ours / nginx: higher is better, except in the rows measured in ms. MiB = 2^20 bytes. \"ours peak RSS\" is the highest VmRSS"
    echo "of our server sampled every 100 ms during that scenario's measured runs, in brackets its growth over the RSS right after start-up."
    echo "The main server runs with the JVM's default heap (a quarter of RAM), so its RSS shows how far the heap is let grow, not what it needs;"
    local whole=()     # VmHWM of each of our servers that ran (BENCH_ONLY runs leave some out)
    [[ -n ${MAIN_HWM:-} ]] && whole+=("main server (fsync on) peak $(mib "$MAIN_HWM") MiB (VmHWM), $(mib "$MAIN_BASE") MiB after start-up")
    [[ -n ${NOFSYNC_HWM:-} ]] && whole+=("fsync-off server peak $(mib "$NOFSYNC_HWM") MiB")
    [[ -n ${RT_HWM:-} ]] && whole+=("\`-Xmx64m\` server peak $(mib "$RT_HWM") MiB")
    [[ -n ${S3_HWM:-} ]] && whole+=("S3 server peak $(mib "$S3_HWM") MiB (VmHWM), $(mib "$S3_BASE") MiB after start-up")
    [[ -n ${CACHE_HWM[s3]:-} ]] && whole+=("S3 server with its cache on peak $(mib "${CACHE_HWM[s3]}") MiB, $(mib "${REMOTE_BASE[s3_cache]}") MiB after start-up")
    [[ -n ${SWIFT_HWM:-} ]] && whole+=("Swift server peak $(mib "$SWIFT_HWM") MiB (VmHWM), $(mib "${REMOTE_BASE[swift]}") MiB after start-up")
    [[ -n ${CACHE_HWM[swift]:-} ]] && whole+=("Swift server with its cache on peak $(mib "${CACHE_HWM[swift]}") MiB, $(mib "${REMOTE_BASE[swift_cache]}") MiB after start-up")
    echo "the memory target is measured by the \`-Xmx64m\` rows. Whole run: $(printf '%s; ' "${whole[@]}" | sed 's/; $//')."
    echo "The S3 and Swift rows marked **cache on** are a second server of ours on the same store with its read-through cache on; their second"
    echo "column is ours on the file system (the main server, same files), the reference ARCHITECTURE.md names for them, not nginx."
    echo
    echo "<details><summary>raw rounds</summary>"
    echo
    for id in "${ROWS[@]}"; do
      if [[ -n ${RAW[$id]:-} ]]; then echo "- $id: ${RAW[$id]}"; fi
    done
    [[ -n ${RT_PEAK_PUT:-} ]] && echo "- roundtrip: peak RSS during PUT $(mib "$RT_PEAK_PUT") MiB, during GET $(mib "$RT_PEAK_GET") MiB, after start-up $(mib "$RT_BASE") MiB"
    if [[ -s $OUT_DIR/server-log-summary ]]; then
      echo "- what our servers logged (WARN and above), by count:"
      echo
      echo '```'
      cat "$OUT_DIR/server-log-summary"
      echo '```'
    fi
    echo
    echo "</details>"
  } > "$out"
  mkdir -p "$RESULTS_DIR"
  cp "$out" "$RESULTS_DIR/latest.md"
  echo
  cat "$out"
  log "written to $RESULTS_DIR/latest.md"
}

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
  make_data

  local ours_port nginx_port nofsync_port ours_pid nginx_pid nofsync_pid
  ours_port=$(free_port); nginx_port=$(free_port); nofsync_port=$(free_port)
  # shellcheck disable=SC2086
  start_ours ours "$ours_port" "$PKGS" true ${BENCH_JAVA_OPTS:-}
  ours_pid=$LAST_PID
  write_nginx_conf "$WORK/nginx" "$nginx_port"
  start_nginx "$WORK/nginx"
  nginx_pid=$LAST_PID
  OURS_URL="http://127.0.0.1:$ours_port"; NGINX_URL="http://127.0.0.1:$nginx_port"
  wait_ready "$OURS_URL/packages" "$ours_pid" ours
  wait_ready "$NGINX_URL/packages/" "$nginx_pid" nginx
  sleep 1
  MAIN_BASE=$(status_kb "$ours_pid" VmRSS)
  MAIN_RSS="$OUT_DIR/main.rss"
  start_sampler "$ours_pid" "$MAIN_RSS"
  log "ours (pid $ours_pid) on $OURS_URL, RSS $(mib "$MAIN_BASE") MiB after start-up; nginx (pid $nginx_pid) on $NGINX_URL"
  precheck
  if [[ ${BENCH_ONLY:-} == s3 || ${BENCH_ONLY:-} == swift || ${BENCH_ONLY:-} == startup ]]; then
    "${BENCH_ONLY}_scenarios"
    log_summary
    report
    return 0
  fi

  get_scenarios            # scenarios/get.sh
  listing_scenarios        # scenarios/listing.sh

  # The second server of ours, fsync off, for the two upload scenarios only.
  # shellcheck disable=SC2086
  start_ours nofsync "$nofsync_port" "$PKGS" false ${BENCH_JAVA_OPTS:-}
  nofsync_pid=$LAST_PID
  NOFSYNC_URL="http://127.0.0.1:$nofsync_port"
  wait_ready "$NOFSYNC_URL/packages" "$nofsync_pid" nofsync
  sleep 1
  NOFSYNC_BASE=$(status_kb "$nofsync_pid" VmRSS)
  NOFSYNC_RSS="$OUT_DIR/nofsync.rss"
  start_sampler "$nofsync_pid" "$NOFSYNC_RSS"
  put_scenario             # scenarios/put.sh
  conc_scenario            # scenarios/concurrent-uploads.sh
  NOFSYNC_HWM=$(status_kb "$nofsync_pid" VmHWM)
  stop_pid "$nofsync_pid"

  smallheap_scenario       # scenarios/small-heap.sh
  s3_scenarios             # scenarios/remote-store.sh, then scenarios/cache.sh
  swift_scenarios          # the same on Swift
  startup_scenarios        # scenarios/startup.sh

  MAIN_HWM=$(status_kb "$ours_pid" VmHWM)
  log_summary
  report
}

log_summary() {       # what our servers logged (WARN and above), timestamps cut off, counted per distinct line
  local f
  for f in ours nofsync roundtrip s3 s3-cache swift swift-cache; do
    [[ -s $WORK/logs/$f.err ]] || continue
    sed -E 's/^[0-9T:.-]+Z //; s/in thread "[^"]*"/in thread "…"/; /^[[:space:]]*$/d' "$WORK/logs/$f.err" \
      | sort | uniq -c | sort -rn | head -15 | sed "s/^/[$f] /"
  done > "$OUT_DIR/server-log-summary"
  if [[ -s $OUT_DIR/server-log-summary ]]; then
    log "our servers logged (WARN and above):"
    cat "$OUT_DIR/server-log-summary" >&2
  fi
}

main
