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

# The listing right after a change: our server caches its listing for up to 1 s and drops it on
# every change made through it, so the wrk figure above measures mostly that cache. Here each
# listing follows a small PUT through the same server, so ours must scan the directory again, as
# nginx's autoindex always does. Sequential, one client; curl's time_total of the GET only.
list_cold_scenario() {
  local n r side i base list_url name code t
  local -a ours_v=() nginx_v=() times
  local raw="" bad=0 peak=0 p t0 t1
  if ((QUICK)); then n=10; else n=20; fi
  head -c 100 /dev/urandom > "$SRC/tiny.bin"
  log "GET /packages right after a PUT (no listing cache), $n sequential listings per round"
  for ((r = 1; r <= ROUNDS; r++)); do
    for side in ours nginx; do
      if [[ $side == ours ]]; then base=$OURS_URL; list_url="$OURS_URL/packages"; else base=$NGINX_URL; list_url="$NGINX_URL/packages/"; fi
      times=()
      t0=$(now_us)
      for ((i = 1; i <= n; i++)); do
        name="listprobe-$side-1.$r.$i.tar.gz"
        code=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -T "$SRC/tiny.bin" "$base/packages/$name" 2>> "$WORK/logs/curl.err" || true)
        [[ $code == 200 || $code == 201 || $code == 204 ]] || bad=$((bad + 1))
        read -r code t <<< "$(curl -sS --max-time 30 -o "$OUT_DIR/cold.json" -w '%{http_code} %{time_total}' "$list_url" 2>> "$WORK/logs/curl.err" || echo "000 0")"
        [[ $code == 200 ]] || bad=$((bad + 1))
        grep -q "listprobe-$side-1.$r.$i.tar.gz" "$OUT_DIR/cold.json" || bad=$((bad + 1))   # read-your-writes
        times+=("$(awk -v t="$t" 'BEGIN { printf "%.2f", t * 1000 }')")
      done
      t1=$(now_us)
      if [[ $side == ours ]]; then
        ours_v+=("$(median "${times[@]}")"); p=$(peak_kb "$MAIN_RSS" "$t0" "$t1"); ((p > peak)) && peak=$p
      else
        nginx_v+=("$(median "${times[@]}")")
      fi
      raw+="$side=$(median "${times[@]}") "
      log "  round $r $side: median $(median "${times[@]}") ms per listing"
    done
  done
  rm -f "$PKGS"/listprobe-*
  OURS[list_cold]=$(median "${ours_v[@]}"); NGINX[list_cold]=$(median "${nginx_v[@]}")
  RAW[list_cold]="$raw(ms, median of $n listings each)"; PEAK[list_cold]=$peak
  ((bad > 0)) && NOTE[list_cold]="$bad failed PUTs, listings, or listings without the package just uploaded"
  ROWS+=(list_cold)
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

# Each upload starts with no dirty pages left by the previous one (sync), so that the write-back
# of one server's upload is never charged to the other.
put_scenario() {
  local r variant base code bytes secs value name t0 t1 p
  local -a v_fs=() v_nofs=() v_ng=()
  local raw="" bad=0 peak_fs=0 peak_nofs=0
  log "PUT $(human_size "$PUT_SIZE") streamed: $ROUNDS round(s) of ours (fsync on), nginx, ours (fsync off)"
  # Warm-up, not measured: the JIT compiles a JVM server's upload path fully (C2) only after some ten
  # thousand chunks, about 1 GiB; before that a 1 GiB upload ran at half speed. Same warm-up for nginx.
  for base in "$OURS_URL" "$NGINX_URL" "$NOFSYNC_URL"; do
    for r in 1 2; do
      put_once "$base" "warmup-$r-1.0.0.tar.gz" "$SRC/put.bin" > /dev/null
      rm -f "$PKGS"/warmup-*
    done
  done
  for ((r = 1; r <= ROUNDS; r++)); do
    for variant in fsync nginx nofsync; do
      case $variant in
        fsync) base=$OURS_URL ;;
        nginx) base=$NGINX_URL ;;
        nofsync) base=$NOFSYNC_URL ;;
      esac
      name="bench-put-$variant-1.0.$r.tar.gz"
      sync
      t0=$(now_us)
      read -r code bytes secs <<< "$(put_once "$base" "$name" "$SRC/put.bin")"
      t1=$(now_us)
      value=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / 1048576 / s }')
      if [[ $variant == nginx ]]; then
        [[ $code == 201 || $code == 204 ]] || { bad=$((bad + 1)); log "  nginx PUT answered $code"; }
        [[ $(stat -c %s "$PKGS/$name" 2>/dev/null || echo 0) == "$PUT_SIZE" ]] || { bad=$((bad + 1)); log "  nginx stored a file of the wrong size"; }
        v_ng+=("$value")
      else
        [[ $code == 200 ]] || { bad=$((bad + 1)); log "  ours ($variant) PUT answered $code: $(cat "$OUT_DIR/put.resp")"; }
        grep -q "\"sha256\":\"$PUT_SHA\"" "$OUT_DIR/put.resp" || { bad=$((bad + 1)); log "  ours ($variant) reported another sha256: $(cat "$OUT_DIR/put.resp")"; }
        if [[ $variant == fsync ]]; then
          v_fs+=("$value"); p=$(peak_kb "$MAIN_RSS" "$t0" "$t1"); ((p > peak_fs)) && peak_fs=$p
        else
          v_nofs+=("$value"); p=$(peak_kb "$NOFSYNC_RSS" "$t0" "$t1"); ((p > peak_nofs)) && peak_nofs=$p
        fi
      fi
      raw+="$variant=$value "
      log "  round $r $variant: $value MiB/s (HTTP $code, ${secs}s)"
      remove_package "$name"
    done
  done
  sync
  OURS[put_fsync]=$(median "${v_fs[@]}"); OURS[put_nofsync]=$(median "${v_nofs[@]}")
  NGINX[put_fsync]=$(median "${v_ng[@]}"); NGINX[put_nofsync]=${NGINX[put_fsync]}
  RAW[put_fsync]="$raw(MiB/s)"; RAW[put_nofsync]="see put_fsync"
  PEAK[put_fsync]=$peak_fs; PEAK[put_nofsync]=$peak_nofs
  ((bad > 0)) && NOTE[put_fsync]="$bad failed checks (status, size or sha256)"
  ROWS+=(put_fsync put_nofsync)
  return 0
}

conc_once() {         # conc_once BASE_URL PREFIX -> CONC_T0, CONC_T1 (µs); one status per line in $OUT_DIR/codes
  local base=$1 prefix=$2
  CONC_T0=$(now_us)
  seq 1 "$CONC" | xargs -P "$CONC" -I{} curl -sS --max-time "$CURL_MAX" "${STALL[@]}" -o /dev/null -w '%{http_code}\n' \
    -T "$SRC/conc.bin" "$base/packages/$prefix-{}-1.0.0.tar.gz" > "$OUT_DIR/codes" 2>> "$WORK/logs/curl.err" &
  local xpid=$!
  STARTED+=("$xpid")
  wait "$xpid" || true
  CONC_T1=$(now_us)
}

conc_scenario() {
  local r variant base t0 t1 ok secs value p want
  local -a v_fs=() v_nofs=() v_ng=() w_fs=() w_nofs=() w_ng=()
  local raw="" bad=0 peak_fs=0 peak_nofs=0
  log "$CONC concurrent PUTs of $(human_size "$CONC_SIZE"): $ROUNDS round(s) of ours (fsync on), nginx, ours (fsync off)"
  for ((r = 1; r <= ROUNDS; r++)); do
    for variant in fsync nginx nofsync; do
      case $variant in
        fsync) base=$OURS_URL; want='^200$' ;;
        nginx) base=$NGINX_URL; want='^20[14]$' ;;
        nofsync) base=$NOFSYNC_URL; want='^200$' ;;
      esac
      sync
      conc_once "$base" "conc-$variant-r$r"
      t0=$CONC_T0; t1=$CONC_T1
      ok=$(grep -cE "$want" "$OUT_DIR/codes" || true)
      if ((ok != CONC)); then
        bad=$((bad + CONC - ok))
        log "  $variant: only $ok of $CONC uploads succeeded; statuses: $(sort "$OUT_DIR/codes" | uniq -c | tr '\n' ' ')"
      fi
      secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
      value=$(awk -v n="$ok" -v s="$CONC_SIZE" -v w="$secs" 'BEGIN { printf "%.1f", n * s / 1048576 / w }')
      case $variant in
        fsync) v_fs+=("$value"); w_fs+=("$secs"); p=$(peak_kb "$MAIN_RSS" "$t0" "$t1"); ((p > peak_fs)) && peak_fs=$p ;;
        nginx) v_ng+=("$value"); w_ng+=("$secs") ;;
        nofsync) v_nofs+=("$value"); w_nofs+=("$secs"); p=$(peak_kb "$NOFSYNC_RSS" "$t0" "$t1"); ((p > peak_nofs)) && peak_nofs=$p ;;
      esac
      raw+="$variant=${value}MiB/s/${secs}s/${ok}ok "
      log "  round $r $variant: $value MiB/s aggregate, wall ${secs}s, $ok/$CONC ok"
      rm -f "$PKGS"/conc-"$variant"-r"$r"-*
    done
  done
  sync
  OURS[conc_fsync]=$(median "${v_fs[@]}"); OURS[conc_nofsync]=$(median "${v_nofs[@]}")
  NGINX[conc_fsync]=$(median "${v_ng[@]}"); NGINX[conc_nofsync]=${NGINX[conc_fsync]}
  WALL_OURS_FS=$(median "${w_fs[@]}"); WALL_OURS_NOFS=$(median "${w_nofs[@]}"); WALL_NG=$(median "${w_ng[@]}")
  RAW[conc_fsync]=$raw; RAW[conc_nofsync]="see conc_fsync"
  PEAK[conc_fsync]=$peak_fs; PEAK[conc_nofsync]=$peak_nofs
  CONC_BAD=$bad
  ROWS+=(conc_fsync conc_nofsync)
  return 0
}

# The memory target, through a separately started server limited to -Xmx64m: a package bigger
# than the heap both ways, then 200 concurrent downloads and 200 concurrent uploads.
smallheap_scenario() {
  local dir="$WORK/rt" port name="roundtrip-bench-1.0.0.tar.gz" url pid base t0 t1 t2 code bytes secs
  local src_sha got_sha put_sha peak_put peak_get peak ok
  log "round trip of $(human_size "$RT_SIZE") through a server with -Xmx64m"
  src_sha=$(random_bytes "$RT_SIZE" 6 | sha256sum | cut -d' ' -f1)
  mkdir -p "$dir"
  ln "$PKGS/$BIG" "$dir/$BIG"            # the 100 MiB package, for the concurrent downloads
  port=$(free_port)
  # shellcheck disable=SC2086
  start_ours roundtrip "$port" "$dir" true -Xmx64m ${BENCH_JAVA_OPTS:-}
  pid=$LAST_PID
  RT_URL="http://127.0.0.1:$port"
  wait_ready "$RT_URL/packages" "$pid" roundtrip
  sleep 1
  base=$(status_kb "$pid" VmRSS)
  RT_BASE=$base
  RT_RSS="$OUT_DIR/rt.rss"
  start_sampler "$pid" "$RT_RSS"
  url="$RT_URL/packages/$name"
  t0=$(now_us)
  read -r code bytes secs <<< "$(random_bytes "$RT_SIZE" 6 | curl -sS --max-time "$CURL_MAX" "${STALL[@]}" -o "$OUT_DIR/rt.resp" \
    -w '%{http_code} %{size_upload} %{time_total}' -T - "$url" 2>> "$WORK/logs/curl.err" || echo "000 0 1")"
  t1=$(now_us)
  put_sha=$(sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p' "$OUT_DIR/rt.resp")
  got_sha=$(curl -sS --max-time "$CURL_MAX" "${STALL[@]}" "$url" 2>> "$WORK/logs/curl.err" | sha256sum | cut -d' ' -f1)
  t2=$(now_us)
  sleep 0.3
  peak_put=$(peak_kb "$RT_RSS" "$t0" "$t1"); peak_get=$(peak_kb "$RT_RSS" "$t1" "$t2")
  peak=$((peak_put > peak_get ? peak_put : peak_get))
  RT_PUT_MIBS=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.0f", b / 1048576 / s }')
  RT_GET_MIBS=$(awk -v n="$RT_SIZE" -v a="$t1" -v b="$t2" 'BEGIN { printf "%.0f", n / 1048576 / ((b - a) / 1e6) }')
  RT_PEAK=$peak; RT_GROWTH=$((peak - base))
  RT_PEAK_PUT=$peak_put; RT_PEAK_GET=$peak_get
  RT_EXACT=0
  if [[ $code == 200 && $src_sha == "$got_sha" && $src_sha == "$put_sha" ]]; then RT_EXACT=1; fi
  log "  PUT HTTP $code, $RT_PUT_MIBS MiB/s; GET $RT_GET_MIBS MiB/s; sha256 sent $src_sha, stored $put_sha, read back $got_sha"
  log "  RSS after start-up $(mib "$base") MiB, peak $(mib "$peak") MiB during PUT $(mib "$peak_put") / GET $(mib "$peak_get"), growth $(mib "$RT_GROWTH") MiB"
  rm -f "$dir/$name"
  sync
  ROWS+=(roundtrip)

  # 200 concurrent downloads of the 100 MiB package
  log "  $CONC concurrent GETs of $(human_size "$BIG_SIZE") through the -Xmx64m server"
  t0=$(now_us)
  seq 1 "$CONC" | xargs -P "$CONC" -I{} curl -sS --max-time "$CURL_MAX" "${STALL[@]}" -o /dev/null -w '%{http_code} %{size_download}\n' \
    "$RT_URL/packages/$BIG" > "$OUT_DIR/heapget.codes" 2>> "$WORK/logs/curl.err" &
  STARTED+=("$!")
  wait "$!" || true
  t1=$(now_us)
  sleep 0.3
  ok=$(grep -c "^200 $BIG_SIZE\$" "$OUT_DIR/heapget.codes" || true)
  HG_OK=$ok; HG_PEAK=$(peak_kb "$RT_RSS" "$t0" "$t1"); HG_GROWTH=$((HG_PEAK - base))
  HG_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
  HG_MIBS=$(awk -v n="$ok" -v s="$BIG_SIZE" -v w="$HG_SECS" 'BEGIN { printf "%.0f", n * s / 1048576 / w }')
  log "    $ok/$CONC complete, $HG_MIBS MiB/s aggregate in ${HG_SECS}s, RSS peak $(mib "$HG_PEAK") MiB (+$(mib "$HG_GROWTH") MiB)"
  ((ok == CONC)) || log "    statuses: $(cut -d' ' -f1 "$OUT_DIR/heapget.codes" | sort | uniq -c | tr '\n' ' ')"
  ROWS+=(heap_get)

  # 200 concurrent uploads
  log "  $CONC concurrent PUTs of $(human_size "$CONC_SIZE") through the -Xmx64m server"
  sync
  t0=$(now_us)
  seq 1 "$CONC" | xargs -P "$CONC" -I{} curl -sS --max-time "$CURL_MAX" "${STALL[@]}" -o /dev/null -w '%{http_code}\n' \
    -T "$SRC/conc.bin" "$RT_URL/packages/heap-{}-1.0.0.tar.gz" > "$OUT_DIR/heapput.codes" 2>> "$WORK/logs/curl.err" &
  STARTED+=("$!")
  wait "$!" || true
  t1=$(now_us)
  sleep 0.3
  ok=$(grep -c '^200$' "$OUT_DIR/heapput.codes" || true)
  HP_OK=$ok; HP_PEAK=$(peak_kb "$RT_RSS" "$t0" "$t1"); HP_GROWTH=$((HP_PEAK - base))
  HP_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
  HP_MIBS=$(awk -v n="$ok" -v s="$CONC_SIZE" -v w="$HP_SECS" 'BEGIN { printf "%.0f", n * s / 1048576 / w }')
  log "    $ok/$CONC answered 200, $HP_MIBS MiB/s aggregate in ${HP_SECS}s, RSS peak $(mib "$HP_PEAK") MiB (+$(mib "$HP_GROWTH") MiB)"
  ((ok == CONC)) || log "    statuses: $(sort "$OUT_DIR/heapput.codes" | uniq -c | tr '\n' ' ')"
  HP_ALIVE=$(http_code "$RT_URL/packages" 10)
  HP_OOM=$(grep -c OutOfMemoryError "$WORK/logs/roundtrip.err" || true)
  if [[ $HP_ALIVE != 200 || $HP_OOM != 0 ]]; then
    log "    after the uploads the server answers GET /packages with $HP_ALIVE; OutOfMemoryError in its log: $HP_OOM line(s)"
  fi
  ROWS+=(heap_put)

  RT_HWM=$(status_kb "$pid" VmHWM)
  stop_pid "$pid"
  rm -rf "$dir"
  sync
}

startup_scenario() {  # startup_scenario ID ROOT: ROOT/packages is the package directory
  local id=$1 root=$2 i port pid t0 t1 ms code d hwm=0
  local -a ours_ms=() nginx_ms=()
  log "start to first answered GET /packages on $root/packages ($(find "$root/packages" -maxdepth 1 -type f | wc -l) files): $STARTS starts each"
  for ((i = 1; i <= STARTS; i++)); do
    port=$(free_port)
    t0=$(now_us)
    # shellcheck disable=SC2086
    start_ours "start-$id-$i" "$port" "$root/packages" true ${BENCH_JAVA_OPTS:-}
    pid=$LAST_PID
    code=000
    while [[ $code != 200 ]]; do
      code=$(http_code "http://127.0.0.1:$port/packages")
      [[ $code == 200 ]] && break
      kill -0 "$pid" 2>/dev/null || die "our server exited: $(tail -5 "$WORK/logs/start-$id-$i.err")"
      (($(now_us) - t0 > 60000000)) && die "our server did not answer within 60 s"
      sleep 0.01
    done
    t1=$(now_us)
    ms=$(((t1 - t0) / 1000)); ours_ms+=("$ms")
    d=$(status_kb "$pid" VmHWM); ((d > hwm)) && hwm=$d
    stop_pid "$pid"

    port=$(free_port)
    d="$WORK/nginx-$id-$i"
    write_nginx_conf "$d" "$port" "$root"
    t0=$(now_us)
    start_nginx "$d"
    pid=$LAST_PID
    code=000
    while [[ $code != 200 ]]; do
      code=$(http_code "http://127.0.0.1:$port/packages/")
      [[ $code == 200 ]] && break
      kill -0 "$pid" 2>/dev/null || die "nginx exited: $(cat "$d/error.log")"
      (($(now_us) - t0 > 60000000)) && die "nginx did not answer within 60 s"
      sleep 0.01
    done
    t1=$(now_us)
    nginx_ms+=("$(((t1 - t0) / 1000))")
    stop_pid "$pid"
    log "  start $i: ours ${ms} ms, nginx ${nginx_ms[-1]} ms"
  done
  OURS[$id]=$(printf '%s\n' "${ours_ms[@]}" | sort -n | head -1)
  NGINX[$id]=$(printf '%s\n' "${nginx_ms[@]}" | sort -n | head -1)
  RAW[$id]="ours=${ours_ms[*]} nginx=${nginx_ms[*]} (ms)"
  PEAK[$id]=$hwm
  ROWS+=("$id")
}

startup_scenarios() {
  mkdir -p "$WORK/empty/packages"
  startup_scenario startup_empty "$WORK/empty"
  startup_scenario startup "$WORK"
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
# ---------------------------------------------------------------------------------------------
# Each store (S3, Swift) gets two servers of ours in turn. The first has its cache off: its rows
# measure the way through the store, with nginx reading the local file for scale only (the store's
# own cost is in our figures, so no target). The second has its cache on (cache_rows): warm rows
# against ours on the file system, the reference ARCHITECTURE.md names, and a cold row of many
# clients fetching a package not yet cached.
# The S3 backend, on S3Proxy (the store the tests use) run as its own process on this machine with
# its objects on this disk.
s3_scenarios() {
  local s3_port ours_port cache_port s3_pid pid key secret code i f
  if [[ ${BENCH_S3:-1} == 0 ]]; then log "S3 rows skipped (BENCH_S3=0)"; return 0; fi
  log "S3: starting S3Proxy from the test classpath"
  s3_port=$(free_port); ours_port=$(free_port); cache_port=$(free_port)
  key=BENCH$RANDOM; secret=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  mkdir -p "$WORK/s3/packages"
  if ! start_s3proxy "$s3_port" "$WORK/s3" "$key" "$secret" s3proxy; then
    log "S3: no classpath for S3Proxy; S3 rows skipped"; return 0
  fi
  s3_pid=$LAST_PID
  for f in s3 s3-cache; do
    printf '%s\n' '{"S3Repository":{"access":{"region":"us-east-1","access_key":"'"$key"'","secret_access_key":"'"$secret"'",' \
      '  "endpoint":"http://127.0.0.1:'"$s3_port"'","path_style":true},"container":{"bucket":"packages","path":"bench"},' \
      "  $(cache_json "$f")}," \
      ' "config":{"port":'"$([[ $f == s3 ]] && echo "$ours_port" || echo "$cache_port")"',"host":"127.0.0.1","log_level":"WARN"}}' > "$WORK/$f.json"
  done
  # shellcheck disable=SC2086
  java ${BENCH_JAVA_OPTS:-} -jar "$JAR" --config "$WORK/s3.json" > "$WORK/logs/s3.out" 2> "$WORK/logs/s3.err" &
  pid=$!; STARTED+=("$pid")
  S3_URL="http://127.0.0.1:$ours_port"
  wait_ready "$S3_URL/packages" "$pid" "ours on S3"
  # The packages go in through our server (so they carry their SHA-256); the 10,000 of the listing
  # are copied into S3Proxy's directory, as objects another tool wrote.
  for f in "$BIG" "$SMALL"; do
    read -r code _ _ <<< "$(put_once "$S3_URL" "$f" "$PKGS/$f")"
    [[ $code == 200 ]] || die "S3: PUT $f answered $code: $(cat "$OUT_DIR/put.resp")"
  done
  mkdir -p "$WORK/s3/packages/bench"
  cp "$PKGS"/pkg-*.tar.gz "$WORK/s3/packages/bench/"
  sleep 1
  S3_BASE=$(status_kb "$pid" VmRSS)
  REMOTE_BASE[s3]=$S3_BASE
  S3_RSS="$OUT_DIR/s3.rss"
  start_sampler "$pid" "$S3_RSS"
  log "ours on S3 (pid $pid) on $S3_URL, S3Proxy (pid $s3_pid) on port $s3_port"

  remote_rows s3 "$S3_URL" "$S3_RSS"
  S3_HWM=$(status_kb "$pid" VmHWM)
  stop_pid "$pid"
  cache_rows s3 "$cache_port"
  stop_pid "$s3_pid"
}

# The Swift backend, on a one-node Swift from Debian's packages started by the tests' script
# (src/test/swift/swift-node.sh), its objects on this disk. The same two servers of ours as for S3.
swift_scenarios() {
  local node_dir ours_port cache_port pid code auth_url token storage_url f
  if [[ ${BENCH_SWIFT:-1} == 0 ]]; then log "Swift rows skipped (BENCH_SWIFT=0)"; return 0; fi
  if ! command -v swift-proxy-server > /dev/null || ! command -v memcached > /dev/null; then
    log "Swift rows skipped: apt-get install swift-proxy swift-account swift-container swift-object memcached"
    return 0
  fi
  log "Swift: starting a one-node Swift"
  # Its servers run as user swift: the directory must be reachable by it.
  node_dir=$(mktemp -d /tmp/pr-bench-swift.XXXXXX); chmod 755 "$node_dir"
  SWIFT_NODE="$node_dir/node"
  bash "$ROOT/src/test/swift/swift-node.sh" start "$SWIFT_NODE" > "$WORK/swift-node.out" 2> "$WORK/logs/swift-node.err" \
    || die "Swift did not start: $(tail -5 "$WORK/logs/swift-node.err")"
  auth_url=$(sed -n 's/^SWIFT_AUTH_URL=//p' "$WORK/swift-node.out")
  ours_port=$(free_port); cache_port=$(free_port)
  for f in swift swift-cache; do
    printf '%s\n' '{"SwiftRepository":{"access":{"auth_url":"'"$auth_url"'","account":"test","user":"tester","key":"testing"},' \
      '  "container":{"container":"packages","path":"bench"},'"$(cache_json "$f")"'},' \
      ' "config":{"port":'"$([[ $f == swift ]] && echo "$ours_port" || echo "$cache_port")"',"host":"127.0.0.1","log_level":"WARN"}}' > "$WORK/$f.json"
  done
  # shellcheck disable=SC2086
  java ${BENCH_JAVA_OPTS:-} -jar "$JAR" --config "$WORK/swift.json" > "$WORK/logs/swift.out" 2> "$WORK/logs/swift.err" &
  pid=$!; STARTED+=("$pid")
  SWIFT_URL="http://127.0.0.1:$ours_port"
  wait_ready "$SWIFT_URL/packages" "$pid" "ours on Swift"
  for f in "$BIG" "$SMALL"; do
    read -r code _ _ <<< "$(put_once "$SWIFT_URL" "$f" "$PKGS/$f")"
    [[ $code == 200 ]] || die "Swift: PUT $f answered $code: $(cat "$OUT_DIR/put.resp")"
  done
  # The 10,000 packages of the listing go in as objects another tool wrote, in one bulk request.
  token=$(curl -s -D - -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "$auth_url" \
    | tr -d '\r' | sed -n 's/^X-Auth-Token: //Ip')
  storage_url=$(curl -s -D - -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "$auth_url" \
    | tr -d '\r' | sed -n 's/^X-Storage-Url: //Ip')
  (cd "$PKGS" && tar -cf - pkg-*.tar.gz) | curl -s -o "$WORK/swift-bulk.out" -H "X-Auth-Token: $token" \
    -H 'Accept: application/json' -T - "$storage_url/packages/bench?extract-archive=tar"
  grep -q '"Number Files Created": '"$((LIST_NAMES * LIST_VERSIONS))" "$WORK/swift-bulk.out" \
    || die "Swift: the bulk upload of the listing's packages failed: $(cat "$WORK/swift-bulk.out")"
  sleep 1
  REMOTE_BASE[swift]=$(status_kb "$pid" VmRSS)
  SWIFT_RSS="$OUT_DIR/swift.rss"
  start_sampler "$pid" "$SWIFT_RSS"
  log "ours on Swift (pid $pid) on $SWIFT_URL, Swift's proxy at $auth_url"
  remote_rows swift "$SWIFT_URL" "$SWIFT_RSS"
  SWIFT_HWM=$(status_kb "$pid" VmHWM)
  stop_pid "$pid"
  cache_rows swift "$cache_port"
  bash "$ROOT/src/test/swift/swift-node.sh" stop "$SWIFT_NODE" || true
  rm -rf "$node_dir"
  SWIFT_NODE=""
}

# The rows of a remote store (s3, swift) through ours on URL, whose RSS is sampled into RSS_FILE.
remote_rows() {
  local store=$1 url=$2 rss_file=$3 label
  label=$(store_label "$store")
  # wrk_scenario samples MAIN_RSS: point it at this server for these rows.
  local main_rss=$MAIN_RSS
  MAIN_RSS=$rss_file
  wrk_scenario "${store}_get_big" "$label: GET $(human_size "$BIG_SIZE"), 16 connections" mibs 16 \
    "$url/packages/$BIG" "$NGINX_URL/packages/$BIG"
  wrk_scenario "${store}_get_small" "$label: GET $(human_size "$SMALL_SIZE"), 64 connections" rps 64 \
    "$url/packages/$SMALL" "$NGINX_URL/packages/$SMALL"
  wrk_scenario "${store}_list" "$label: GET /packages over $((LIST_NAMES * LIST_VERSIONS)) packages, 4 connections" rps 4 \
    "$url/packages" "$NGINX_URL/packages/"
  MAIN_RSS=$main_rss
  remote_put_scenario "$store" "$url" "$rss_file"
}

store_label() {
  case $1 in
    s3) echo "S3 (S3Proxy)" ;;
    swift) echo "Swift (one node)" ;;
  esac
}

remote_put_scenario() {
  local store=$1 url=$2 rss_file=$3 id="${1}_put" label
  local r side base name code bytes secs value peak=0 p t0 t1 raw="" bad=0
  local -a v_ours=() v_ng=()
  label=$(store_label "$store")
  log "$label: PUT $(human_size "$PUT_SIZE"): $ROUNDS round(s) of ours on $store, nginx"
  put_once "$url" "warmup-1.0.0.tar.gz" "$SRC/put.bin" > /dev/null
  for ((r = 1; r <= ROUNDS; r++)); do
    for side in "$store" nginx; do
      if [[ $side == nginx ]]; then base=$NGINX_URL; else base=$url; fi
      name="bench-${store}put-$side-1.0.$r.tar.gz"
      sync
      t0=$(now_us)
      read -r code bytes secs <<< "$(put_once "$base" "$name" "$SRC/put.bin")"
      t1=$(now_us)
      value=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / 1048576 / s }')
      if [[ $side != nginx ]]; then
        if [[ $code != 200 ]] || ! grep -q "\"sha256\":\"$PUT_SHA\"" "$OUT_DIR/put.resp"; then
          bad=$((bad + 1)); log "  ours on $store answered $code: $(cat "$OUT_DIR/put.resp")"
        fi
        v_ours+=("$value"); p=$(peak_kb "$rss_file" "$t0" "$t1"); ((p > peak)) && peak=$p
      else
        [[ $code == 201 || $code == 204 ]] || { bad=$((bad + 1)); log "  nginx PUT answered $code"; }
        v_ng+=("$value"); remove_package "$name"
      fi
      raw+="$side=$value "
      log "  round $r $side: $value MiB/s (HTTP $code, ${secs}s)"
    done
  done
  OURS[$id]=$(median "${v_ours[@]}"); NGINX[$id]=$(median "${v_ng[@]}")
  RAW[$id]="$raw(MiB/s)"; PEAK[$id]=$peak
  ((bad > 0)) && NOTE[$id]="$bad failed checks (status or sha256)"
  ROWS+=("$id")
  return 0
}

# ---------------------------------------------------------------------------------------------
# A store's second server of ours, with its cache on (issue 6): the warm rows, then the cold one.
CACHE_MAX=$((1024 * MiB))   # its cache.max_size: the two packages and one cold package at a time fit
COLD_N=$CONC                # concurrent clients of the cold row (ARCHITECTURE.md: 200 hosts)
declare -A CACHE_HWM WARM_STORE COLD_WALL COLD_WALL_NG COLD_CHECK COLD_CLIENTS_BAD

cache_json() {        # cache_json CONFIG_NAME: the "cache" member of a store's section (NAME-cache: on)
  case $1 in
    *-cache) printf '"cache":{"enabled":true,"path":"%s","max_size":%d}' "$WORK/cache-${1%-cache}-on" "$CACHE_MAX" ;;
    *) printf '"cache":{"enabled":false,"path":"%s"}' "$WORK/cache-$1" ;;
  esac
}

# GET /stats of a server of ours with its cache on -> "hits misses coalesced bypassed storeBytes usedBytes"
# (-1 for what it does not say, so that every check on it fails).
cache_stats() {
  local json k v out=""
  json=$(curl -sS --max-time 10 "$1/stats" 2>> "$WORK/logs/curl.err" || true)
  for k in hits misses coalesced bypassed storeBytes usedBytes; do
    v=$(sed -n "s/.*\"$k\":\([0-9]*\).*/\1/p" <<< "$json")
    out+="${v:--1} "
  done
  [[ $out != *-1* ]] || log "  GET $1/stats answered: ${json:-nothing}"
  echo "${out% }"
}

cache_rows() {        # cache_rows STORE PORT: ours on STORE with its cache on ($WORK/STORE-cache.json)
  local store=$1 port=$2 label pid url rss main_rss got fill_note="" before mid after t0
  local m0 s0 h1 m1 s1 u1 h2 m2 s2
  label=$(store_label "$store")
  # shellcheck disable=SC2086
  java ${BENCH_JAVA_OPTS:-} -jar "$JAR" --config "$WORK/$store-cache.json" \
    > "$WORK/logs/$store-cache.out" 2> "$WORK/logs/$store-cache.err" &
  pid=$!; STARTED+=("$pid")
  url="http://127.0.0.1:$port"
  wait_ready "$url/packages" "$pid" "$store-cache"
  sleep 1
  REMOTE_BASE[${store}_cache]=$(status_kb "$pid" VmRSS)
  rss="$OUT_DIR/$store-cache.rss"
  start_sampler "$pid" "$rss"
  log "$label, cache on: ours (pid $pid) on $url, its cache in $WORK/cache-$store-on"

  # Into the cache: one unmeasured GET of each package (checked); /stats must then show them cached,
  # and a second GET of each must be a hit that reads nothing from the store. A fill is published
  # (counted in usedBytes) once its file is verified, which may come after its reader's last byte:
  # /stats is polled for that, at most 60 s.
  before=$(cache_stats "$url")
  got=$(curl -sS --max-time "$CURL_MAX" "${STALL[@]}" "$url/packages/$BIG" 2>> "$WORK/logs/curl.err" | sha256sum | cut -d' ' -f1)
  [[ $got == "$BIG_SHA" ]] || fill_note+="GET $BIG through the cache returned other bytes; "
  curl -sS --max-time 60 "$url/packages/$SMALL" 2>> "$WORK/logs/curl.err" | cmp -s - "$PKGS/$SMALL" \
    || fill_note+="GET $SMALL through the cache returned other bytes; "
  t0=$(now_us)
  while :; do
    mid=$(cache_stats "$url")
    read -r _ _ _ _ _ u1 <<< "$mid"
    ((u1 >= BIG_SIZE + SMALL_SIZE || $(now_us) - t0 > 60000000)) && break
    sleep 0.1
  done
  log "  /stats shows $u1 bytes in the cache $((($(now_us) - t0) / 1000)) ms after the first GETs ended"
  curl -sS --max-time "$CURL_MAX" "${STALL[@]}" "$url/packages/$BIG" 2>> "$WORK/logs/curl.err" | cmp -s - "$PKGS/$BIG" \
    || fill_note+="GET $BIG from the cache returned other bytes; "
  curl -sS --max-time 60 "$url/packages/$SMALL" 2>> "$WORK/logs/curl.err" | cmp -s - "$PKGS/$SMALL" \
    || fill_note+="GET $SMALL from the cache returned other bytes; "
  after=$(cache_stats "$url")
  read -r _ m0 _ _ s0 _ <<< "$before"; read -r h1 m1 _ _ s1 u1 <<< "$mid"; read -r h2 m2 _ _ s2 _ <<< "$after"
  log "  /stats before filling: $before; after one GET of each: $mid; after a second: $after (hits misses coalesced bypassed storeBytes usedBytes)"
  if ((m1 - m0 != 2 || s1 - s0 != BIG_SIZE + SMALL_SIZE || u1 < BIG_SIZE + SMALL_SIZE)); then
    fill_note+="the first GETs did not fill the cache (/stats: misses +$((m1 - m0)), store bytes +$((s1 - s0)), used $u1 bytes); "
  fi
  if ((h2 - h1 != 2 || s2 != s1 || m2 != m1)); then
    fill_note+="the second GETs were not cache hits (/stats: hits +$((h2 - h1)), misses +$((m2 - m1)), store bytes +$((s2 - s1))); "
  fi
  [[ -z $fill_note ]] || log "  NOT cached as expected: $fill_note"

  # Warm: the cached packages, alternately with ours on the file system (the main server, same files).
  main_rss=$MAIN_RSS; MAIN_RSS=$rss; WRK_REF="ours-fs"
  before=$(cache_stats "$url")
  wrk_scenario "${store}_warm_big" "$label, cache on, warm: GET $(human_size "$BIG_SIZE"), 16 connections, vs ours on the file system" mibs 16 \
    "$url/packages/$BIG" "$OURS_URL/packages/$BIG"
  mid=$(cache_stats "$url")
  wrk_scenario "${store}_warm_small" "$label, cache on, warm: GET $(human_size "$SMALL_SIZE"), 64 connections, vs ours on the file system" rps 64 \
    "$url/packages/$SMALL" "$OURS_URL/packages/$SMALL"
  after=$(cache_stats "$url")
  MAIN_RSS=$main_rss; WRK_REF=nginx
  warm_stats "${store}_warm_big" "$before" "$mid" "$fill_note"
  warm_stats "${store}_warm_small" "$mid" "$after" "$fill_note"

  cold_scenario "$store" "$url" "$rss"
  CACHE_HWM[$store]=$(status_kb "$pid" VmHWM)
  stop_pid "$pid"
}

warm_stats() {        # warm_stats ID BEFORE AFTER FILL_NOTE: what /stats says of a warm row's runs
  local id=$1 fill_note=$4 h0 m0 c0 b0 s0 h1 m1 c1 b1 s1 deltas read_bytes
  read -r h0 m0 c0 b0 s0 _ <<< "$2"; read -r h1 m1 c1 b1 s1 _ <<< "$3"
  deltas="hits +$((h1 - h0)), misses +$((m1 - m0)), coalesced +$((c1 - c0)), bypassed +$((b1 - b0)), store bytes +$((s1 - s0))"
  read_bytes=$((s1 - s0))
  ((h0 >= 0 && h1 >= 0)) || read_bytes=-1
  WARM_STORE[$id]=$read_bytes
  RAW[$id]+="; /stats over its warm-up and measured runs: $deltas"
  log "  $id: /stats over its warm-up and measured runs: $deltas"
  if ((read_bytes != 0 || m1 != m0 || b1 != b0)); then
    NOTE[$id]="${NOTE[$id]:+${NOTE[$id]}; }not all from the cache ($deltas)"
  fi
  [[ -z $fill_note ]] || NOTE[$id]="${NOTE[$id]:+${NOTE[$id]}; }before the runs: ${fill_note%; }"
  return 0
}

cold_clients() {      # cold_clients URL: COLD_N concurrent GETs, each body compared with $PKGS/$BIG -> COLD_OK, COLD_T0, COLD_T1
  COLD_T0=$(now_us)
  # shellcheck disable=SC2016
  seq 1 "$COLD_N" | xargs -P "$COLD_N" -I{} bash -c \
    'set -o pipefail; if curl -sS --fail --max-time "$2" --speed-limit 1 --speed-time 30 "$1" | cmp -s - "$3"; then echo ok; else echo "failed (client $4)"; fi' \
    _ "$1" "$CURL_MAX" "$PKGS/$BIG" {} > "$OUT_DIR/cold.codes" 2>> "$WORK/logs/curl.err" &
  local xpid=$!
  STARTED+=("$xpid")
  wait "$xpid" || true
  COLD_T1=$(now_us)
  COLD_OK=$(grep -c '^ok$' "$OUT_DIR/cold.codes" || true)
}

# Cold: a deploy. A package is published (PUT through this server, under a new name each round, so
# no version of it is in the cache), then COLD_N clients fetch it at once; the store must be read
# exactly once (/stats: one miss, store bytes +its size), every client must get its exact bytes.
# nginx, serving the same bytes from its local file to as many clients, is there for scale.
cold_scenario() {     # cold_scenario STORE URL RSS_FILE
  local store=$1 url=$2 rss=$3 id="${1}_cold" label r side name code before after secs value p peak=0
  local h0 m0 c0 b0 s0 h1 m1 c1 b1 s1 dm dc dh db ds
  local -a v_ours=() v_ng=() w_ours=() w_ng=() coal=() hit=()
  local raw="" bad=0 stats_bad=0 rounds=""
  label=$(store_label "$store")
  log "$label, cache on, cold: $COLD_N concurrent GETs of a $(human_size "$BIG_SIZE") package just PUT: $ROUNDS round(s) of ours, nginx"
  for ((r = 1; r <= ROUNDS; r++)); do
    for side in "$store" nginx; do
      if [[ $side == nginx ]]; then
        cold_clients "$NGINX_URL/packages/$BIG"
      else
        name="bench-cold-r$r-1.0.0.tar.gz"
        read -r code _ _ <<< "$(put_once "$url" "$name" "$PKGS/$BIG")"
        if [[ $code != 200 ]] || ! grep -q "\"sha256\":\"$BIG_SHA\"" "$OUT_DIR/put.resp"; then
          bad=$((bad + 1)); log "  PUT $name answered $code: $(cat "$OUT_DIR/put.resp")"
        fi
        sync
        before=$(cache_stats "$url")
        cold_clients "$url/packages/$name"
        after=$(cache_stats "$url")
        read -r h0 m0 c0 b0 s0 _ <<< "$before"; read -r h1 m1 c1 b1 s1 _ <<< "$after"
        dh=$((h1 - h0)); dm=$((m1 - m0)); dc=$((c1 - c0)); db=$((b1 - b0)); ds=$((s1 - s0))
        ((h0 >= 0 && h1 >= 0)) || dm=-1
        rounds+="r$r: misses +$dm, coalesced +$dc, hits +$dh, bypassed +$db, store bytes +$ds; "
        coal+=("+$dc"); hit+=("+$dh")
        if ((dm != 1 || ds != BIG_SIZE || db != 0 || dm + dc + dh != COLD_N)); then
          stats_bad=$((stats_bad + 1))
          log "  /stats over round $r: misses +$dm, coalesced +$dc, hits +$dh, bypassed +$db, store bytes +$ds; expected one miss, +$BIG_SIZE store bytes, none bypassed, $COLD_N reads in all"
        fi
        p=$(peak_kb "$rss" "$COLD_T0" "$COLD_T1"); ((p > peak)) && peak=$p
        code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 60 -X DELETE "$url/packages/$name" 2>> "$WORK/logs/curl.err" || true)
        [[ $code == 200 || $code == 204 ]] || { bad=$((bad + 1)); log "  DELETE $name answered $code"; }
      fi
      secs=$(awk -v a="$COLD_T0" -v b="$COLD_T1" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
      value=$(awk -v n="$COLD_OK" -v s="$BIG_SIZE" -v w="$secs" 'BEGIN { printf "%.1f", n * s / 1048576 / w }')
      if ((COLD_OK != COLD_N)); then
        bad=$((bad + COLD_N - COLD_OK))
        log "  $side: only $COLD_OK of $COLD_N clients got the exact bytes: $(grep -v '^ok$' "$OUT_DIR/cold.codes" | head -3 | tr '\n' ' ')"
      fi
      if [[ $side == nginx ]]; then v_ng+=("$value"); w_ng+=("$secs"); else v_ours+=("$value"); w_ours+=("$secs"); fi
      raw+="$side=${value}MiB/s/${secs}s/${COLD_OK}ok "
      log "  round $r $side: $value MiB/s aggregate, wall ${secs}s, $COLD_OK/$COLD_N exact"
    done
  done
  OURS[$id]=$(median "${v_ours[@]}"); NGINX[$id]=$(median "${v_ng[@]}")
  COLD_WALL[$store]=$(median "${w_ours[@]}"); COLD_WALL_NG[$store]=$(median "${w_ng[@]}")
  COLD_CLIENTS_BAD[$store]=$bad
  if ((stats_bad == 0)); then
    COLD_CHECK[$store]="met (/stats in every round: misses +1, store bytes +$(human_size "$BIG_SIZE"), bypassed +0; coalesced $(IFS=/; echo "${coal[*]}"), hits $(IFS=/; echo "${hit[*]}"))"
  else
    COLD_CHECK[$store]="**NOT met** in $stats_bad of $ROUNDS round(s) (/stats: ${rounds%; })"
  fi
  RAW[$id]="${raw% }; /stats of ours per round: ${rounds%; }"
  PEAK[$id]=$peak
  ROWS+=("$id")
  return 0
}

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

  wrk_scenario get_big "GET $(human_size "$BIG_SIZE"), 16 connections" mibs 16 \
    "$OURS_URL/packages/$BIG" "$NGINX_URL/packages/$BIG"
  wrk_scenario get_small "GET $(human_size "$SMALL_SIZE"), 64 connections" rps 64 \
    "$OURS_URL/packages/$SMALL" "$NGINX_URL/packages/$SMALL"
  wrk_scenario get_range "GET Range bytes=1000-1999, 64 connections" rps 64 \
    "$OURS_URL/packages/$BIG" "$NGINX_URL/packages/$BIG" "Range: bytes=1000-1999"
  wrk_scenario list "GET /packages over $((LIST_NAMES * LIST_VERSIONS)) packages, 4 connections" rps 4 \
    "$OURS_URL/packages" "$NGINX_URL/packages/"
  list_cold_scenario

  # shellcheck disable=SC2086
  start_ours nofsync "$nofsync_port" "$PKGS" false ${BENCH_JAVA_OPTS:-}
  nofsync_pid=$LAST_PID
  NOFSYNC_URL="http://127.0.0.1:$nofsync_port"
  wait_ready "$NOFSYNC_URL/packages" "$nofsync_pid" nofsync
  sleep 1
  NOFSYNC_BASE=$(status_kb "$nofsync_pid" VmRSS)
  NOFSYNC_RSS="$OUT_DIR/nofsync.rss"
  start_sampler "$nofsync_pid" "$NOFSYNC_RSS"
  put_scenario
  conc_scenario
  NOFSYNC_HWM=$(status_kb "$nofsync_pid" VmHWM)
  stop_pid "$nofsync_pid"

  smallheap_scenario
  s3_scenarios
  swift_scenarios
  startup_scenarios

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
