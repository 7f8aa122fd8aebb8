#!/usr/bin/env bash
# Reliability scenarios of package-repository, bounded and run on demand; each checks bytes by SHA-256.
# Usage: src/bench/reliability.sh [SCENARIO...]     (default: all, in this order)
#   kill9        kill -9 of the server during 20 concurrent uploads, then a restart
#   disconnects  uploads and downloads cut at random points (FIN and RST)
#   backend      the store (S3Proxy) stopped and started again under load
#   fulldisk     a full disk (a tmpfs; needs root) during an upload
#   soak         a mixed soak (GET, PUT, DELETE, listing) at the highest rate with no error
#   fuzz         fuzzed names, headers and ranges
# Environment:
#   BENCH_JAR                  use this server jar instead of building one (mvn -q -DskipTests package)
#   RELIABILITY_SOAK_SECONDS   length of the soak (default 600)
#   RELIABILITY_FUZZ           number of fuzzed requests (default 10000)
# The table goes to src/bench/results/reliability-latest.md.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
LOG_TAG=reliability
# shellcheck source=src/bench/lib.sh
source "$BENCH_DIR/lib.sh"

SOAK_SECONDS=${RELIABILITY_SOAK_SECONDS:-600}
FUZZ_COUNT=${RELIABILITY_FUZZ:-10000}
CLIENTS=(python3 "$BENCH_DIR/reliability_clients.py")
MiB=$((1024 * 1024))
ALL=(kill9 disconnects backend fulldisk soak fuzz)
SCENARIOS=("$@")
((${#SCENARIOS[@]})) || SCENARIOS=("${ALL[@]}")
for s in "${SCENARIOS[@]}"; do
  [[ " ${ALL[*]} " == *" $s "* ]] || { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
done

WORK=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/pr-reliability.XXXXXX")
mkdir -p "$WORK/logs" "$WORK/src"
MOUNTED=()
cleanup() {
  local rc=$? pid m
  trap - EXIT INT TERM
  for pid in "${STARTED[@]}"; do stop_pid "$pid"; done
  for m in "${MOUNTED[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ROWS=()
FAILED=0
row() {               # row SCENARIO WHAT RESULT PASS|FAIL
  ROWS+=("| $1 | $2 | $3 | $([[ $4 == PASS ]] && echo "**pass**" || echo "**FAIL**") |")
  [[ $4 == PASS ]] || FAILED=$((FAILED + 1))
  log "$1: $4 — $3"
}

if [[ -n ${BENCH_JAR:-} ]]; then
  JAR=$BENCH_JAR
else
  log "building the server: mvn -q -DskipTests package"
  (cd "$ROOT" && mvn -q -DskipTests package) >&2
  JAR=$ROOT/target/package-repository.jar
fi

start_server() {      # start_server NAME CONFIG_JSON -> LAST_PID, URL (and PORT)
  local name=$1 config=$2
  printf '%s\n' "$config" > "$WORK/$name.json"
  java -jar "$JAR" --config "$WORK/$name.json" >> "$WORK/logs/$name.out" 2>> "$WORK/logs/$name.err" &
  LAST_PID=$!; STARTED+=("$LAST_PID")
  wait_ready "$URL/health/live" "$LAST_PID" "$name"
}

fs_config() {         # fs_config DIR PORT [EXTRA_CONFIG]
  printf '{"FsRepository":{"location":{"path":"%s","fsync":true}},"config":{"port":%s,"host":"127.0.0.1","log_level":"WARN"%s}}' \
    "$1" "$2" "${3:+,$3}"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
get_sha() { curl -sS --max-time 120 "$URL/packages/$1" 2>/dev/null | sha256sum | cut -d' ' -f1; }
listed() { curl -sS --max-time 30 "$URL/packages?recency=999999999" | grep -o '"file":"[^"]*"' | cut -d'"' -f4 | sort; }
files_under() { find "$1" -type f -printf '%P\n' | sort; }
no_part_files() { [[ -z $(find "$1/.incoming" -type f 2>/dev/null) ]]; }   # DIR: no upload's temporary file

wait_until() {        # wait_until SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds
  local deadline=$(($(now_us) + $1 * 1000000))
  shift
  while ! "$@"; do
    (($(now_us) < deadline)) || return 1
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------------------------
kill9_scenario() {
  local dir=$WORK/kill9/packages port pid i fast=8 answered=0 lost=0 wrong=0 absent_ok=0 leftovers expected
  port=$(free_port); URL="http://127.0.0.1:$port"
  mkdir -p "$dir" "$WORK/kill9/codes"
  for ((i = 1; i <= 20; i++)); do random_bytes $((8 * MiB)) $((100 + i)) > "$WORK/src/k$i.bin"; done
  start_server kill9 "$(fs_config "$dir" "$port")"; pid=$LAST_PID
  log "kill9: 20 uploads of 8 MiB, $fast at full speed and the rest at 1 MiB/s; kill -9 once the fast ones are answered"
  local clients=()
  for ((i = 1; i <= 20; i++)); do
    local rate=()
    ((i > fast)) && rate=(--limit-rate 1M)
    (curl -sS --max-time 60 "${rate[@]}" -o /dev/null -w '%{http_code}' -T "$WORK/src/k$i.bin" \
      "$URL/packages/k$i-1.0.0.tar.gz" > "$WORK/kill9/codes/$i" 2>/dev/null || true) &
    clients+=("$!")
  done
  fast_done() { (($(cat "$WORK"/kill9/codes/* 2>/dev/null | grep -o 200 | wc -l) >= fast)); }
  wait_until 60 fast_done || log "kill9: the fast uploads were not all answered within 60 s"
  incoming=$(find "$dir/.incoming" -type f | wc -l)
  kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
  wait "${clients[@]}" || true   # the curls, cut by the kill
  log "kill9: killed with $incoming upload(s) in .incoming; restarting on the same directory"
  start_server kill9-restart "$(fs_config "$dir" "$port")"
  expected=""
  for ((i = 1; i <= 20; i++)); do
    if [[ $(cat "$WORK/kill9/codes/$i") == 200 ]]; then
      answered=$((answered + 1)); expected+="k$i-1.0.0.tar.gz"$'\n'
      [[ $(get_sha "k$i-1.0.0.tar.gz") == "$(sha "$WORK/src/k$i.bin")" ]] || wrong=$((wrong + 1))
    else
      # Never answered: absent, or (published just before the kill) complete.
      local code
      code=$(http_code "$URL/packages/k$i-1.0.0.tar.gz")
      if [[ $code == 404 ]]; then absent_ok=$((absent_ok + 1));
      elif [[ $code == 200 && $(get_sha "k$i-1.0.0.tar.gz") == "$(sha "$WORK/src/k$i.bin")" ]]; then expected+="k$i-1.0.0.tar.gz"$'\n';
      else lost=$((lost + 1)); fi
    fi
  done
  leftovers=$(files_under "$dir" | grep -vxF -f <(printf '%s' "$expected" | sed '/^$/d') || true)
  local listed_ok=1
  [[ $(listed) == "$(printf '%s' "$expected" | sed '/^$/d' | sort)" ]] || listed_ok=0
  local verdict=PASS
  ((wrong == 0 && lost == 0 && listed_ok == 1)) && [[ -z $leftovers ]] || verdict=FAIL
  row "kill -9 during 20 concurrent uploads, then restart" \
    "20 PUTs of 8 MiB ($fast fast, 12 at 1 MiB/s); kill -9 with $incoming in flight; restart on the same directory" \
    "$answered answered 200 before the kill, all listed and byte-exact (SHA-256) after the restart: $([[ $wrong == 0 ]] && echo yes || echo "no, $wrong differ"); the $absent_ok never answered are absent$([[ $lost -gt 0 ]] && echo ", $lost partial or broken"); files in the directory after start-up besides the packages: $([[ -z $leftovers ]] && echo none || echo "$leftovers" | tr '\n' ' ')" \
    "$verdict"
  stop_pid "$LAST_PID"
}

# ---------------------------------------------------------------------------------------------
disconnects_scenario() {
  local dir=$WORK/disc/packages port pid before after summary visible=0 leftovers ref_ok good_ok i verdict=PASS
  port=$(free_port); URL="http://127.0.0.1:$port"
  mkdir -p "$dir"
  random_bytes $((4 * MiB)) 200 > "$WORK/src/ref.bin"
  random_bytes $((3 * MiB)) 201 > "$WORK/src/good.bin"
  start_server disc "$(fs_config "$dir" "$port")"; pid=$LAST_PID
  [[ $(curl -sS -o /dev/null -w '%{http_code}' -T "$WORK/src/ref.bin" "$URL/packages/ref-1.0.0.tar.gz") == 200 ]] \
    || die "disconnects: the reference upload failed"
  before=$(ls "/proc/$pid/fd" | wc -l)
  log "disconnects: 100 uploads and 100 downloads cut at random points, 4 clients at once"
  local clients=() s
  for s in 1 2 3 4; do
    "${CLIENTS[@]}" disconnect "$port" "$WORK/src/ref.bin" 25 "$s" > "$WORK/disc/clients-$s.json" &
    clients+=("$!")
  done
  wait "${clients[@]}" || true
  # The server notices a cut on its next read; give it a moment, bounded.
  wait_until 20 no_part_files "$dir" || true
  for ((i = 0; i < 25; i++)); do   # the four clients use the same 25 names
    [[ $(http_code "$URL/packages/cut-$i-1.0.0.tar.gz") == 404 ]] || visible=$((visible + 1))
  done
  leftovers=$(files_under "$dir" | grep -vx 'ref-1.0.0.tar.gz' || true)
  ref_ok=$([[ $(get_sha ref-1.0.0.tar.gz) == "$(sha "$WORK/src/ref.bin")" ]] && echo 1 || echo 0)
  good_ok=0
  [[ $(curl -sS -o /dev/null -w '%{http_code}' -T "$WORK/src/good.bin" "$URL/packages/good-1.0.0.tar.gz") == 200 \
    && $(get_sha good-1.0.0.tar.gz) == "$(sha "$WORK/src/good.bin")" ]] && good_ok=1
  fds_back() { after=$(ls "/proc/$pid/fd" | wc -l); ((after <= before + 2)); }
  wait_until 10 fds_back || true
  ((visible == 0 && ref_ok == 1 && good_ok == 1 && after <= before + 2)) && [[ -z $leftovers ]] || verdict=FAIL
  row "clients that disconnect at random points" \
    "100 uploads of 4 MiB cut at a random byte (10 inside the request head), half with FIN and half with RST; 100 downloads cut the same way" \
    "cut uploads visible: $visible; files left besides the package: $([[ -z $leftovers ]] && echo none || echo "$leftovers" | tr '\n' ' '); reference package byte-exact afterwards: $([[ $ref_ok == 1 ]] && echo yes || echo no); a new upload byte-exact: $([[ $good_ok == 1 ]] && echo yes || echo no); open files $before before, $after after" \
    "$verdict"
  stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------------
backend_scenario() {
  local s3_port port pid s3_pid key secret w deadline verdict=PASS
  s3_port=$(free_port); port=$(free_port); URL="http://127.0.0.1:$port"
  key=REL$RANDOM; secret=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  mkdir -p "$WORK/s3/packages" "$WORK/backend"
  start_s3proxy "$s3_port" "$WORK/s3" "$key" "$secret" s3proxy || { row "store stopped and started under load" "—" "no S3Proxy classpath (mvn dependency:build-classpath failed)" FAIL; return; }
  s3_pid=$LAST_PID
  start_server backend "$(printf '{"S3Repository":{"access":{"region":"us-east-1","access_key":"%s","secret_access_key":"%s","endpoint":"http://127.0.0.1:%s","path_style":true},"container":{"bucket":"packages","path":"rel"}},"config":{"port":%s,"host":"127.0.0.1","log_level":"WARN"}}' \
    "$key" "$secret" "$s3_port" "$port")"; pid=$LAST_PID
  for w in 0 1 2 3; do random_bytes $((256 * 1024)) $((300 + w)) > "$WORK/src/b$w.bin"; done
  log "backend: 4 clients PUT then GET packages of 256 KiB; S3Proxy killed after 3 s, started again 5 s later"
  : > "$WORK/backend/ops"
  local workers=()
  for w in 1 2 3 4; do
    (
      local j=0 code got src name
      while [[ ! -e $WORK/backend/stop ]]; do
        j=$((j + 1)); name="w$w-1.0.$j.tar.gz"; src="$WORK/src/b$((j % 4)).bin"
        # A transfer curl saw fail (no answer, or a body shorter than announced) is marked "-cut".
        code=$(curl -sS --max-time 30 -o "$WORK/backend/put-$w.resp" -w '%{http_code}' -T "$src" "$URL/packages/$name" 2>/dev/null) \
          || code="${code:-000}-cut"
        echo "PUT $name $code $(sha "$src")" >> "$WORK/backend/ops"
        if [[ $code == 200 ]]; then
          code=$(curl -sS --max-time 30 -o "$WORK/backend/get-$w.bin" -w '%{http_code}' "$URL/packages/$name" 2>/dev/null) \
            || code="${code:-000}-cut"
          got=$(sha "$WORK/backend/get-$w.bin")
          echo "GET $name $code $([[ $code != 200 || $got == "$(sha "$src")" ]] && echo exact || echo DIFFERS)" >> "$WORK/backend/ops"
        fi
      done
    ) &
    workers+=("$!")
  done
  sleep 3
  kill -KILL "$s3_pid"; wait "$s3_pid" 2>/dev/null || true
  local down_at; down_at=$(wc -l < "$WORK/backend/ops")
  sleep 5
  start_s3proxy "$s3_port" "$WORK/s3" "$key" "$secret" s3proxy; s3_pid=$LAST_PID
  local up_at; up_at=$(wc -l < "$WORK/backend/ops")
  sleep 5
  touch "$WORK/backend/stop"
  wait "${workers[@]}" || true
  local ready=000
  ready_again() { ready=$(http_code "$URL/health/ready"); [[ $ready == 200 ]]; }
  wait_until 30 ready_again || true
  # Every PUT answered 200 must be there, byte-exact; any other must be absent or complete.
  awk '$1 == "PUT" && $3 == 200 { print $2, $4 }' "$WORK/backend/ops" > "$WORK/backend/must"
  local verify; verify=$("${CLIENTS[@]}" verify "$port" "$WORK/backend/must")
  local refused partial=0 statuses unexpected differs
  refused=$(awk '$1 == "PUT" && $3 != 200 { print $2, $4 }' "$WORK/backend/ops")
  while read -r name want; do
    [[ -z $name ]] && continue
    local code; code=$(http_code "$URL/packages/$name")
    if [[ $code == 200 ]]; then [[ $(get_sha "$name") == "$want" ]] || partial=$((partial + 1));
    elif [[ $code != 404 ]]; then partial=$((partial + 1)); fi
  done <<< "$refused"
  statuses=$(awk '{ print $1 " " $3 }' "$WORK/backend/ops" | sort | uniq -c | awk '{ printf "%s %s: %s; ", $2, $3, $1 }')
  # Acceptable: 200 with the bytes, 503, and a download cut because the store went away under it (curl saw the
  # body end short, so no client can take it for the package).
  unexpected=$(awk '$3 != 200 && $3 != 503 && !($1 == "GET" && $3 == "200-cut")' "$WORK/backend/ops" | wc -l)
  local cut_downloads; cut_downloads=$(awk '$1 == "GET" && $3 == "200-cut"' "$WORK/backend/ops" | wc -l)
  differs=$(grep -c DIFFERS "$WORK/backend/ops" || true)
  local outage_hits; outage_hits=$(awk -v a="$down_at" -v b="$up_at" 'NR > a && NR <= b && $3 == 503' "$WORK/backend/ops" | wc -l)
  local after; after=$(awk -v b="$up_at" 'NR > b && $1 == "PUT" && $3 == 200' "$WORK/backend/ops" | wc -l)
  [[ $verify == *'"wrong": 0'* ]] || verdict=FAIL
  ((unexpected == 0 && differs == 0 && partial == 0 && outage_hits > 0 && after > 0)) && [[ $ready == 200 ]] || verdict=FAIL
  row "the store stopped and started again under load (S3Proxy)" \
    "4 clients PUT and GET 256 KiB packages; S3Proxy killed (-9) after 3 s, started again 5 s later (it answers some seconds after that), load for 5 s more" \
    "answers: ${statuses}503s during the outage: $outage_hits; PUTs answered 200 once the store was back: $after; downloads cut short when the store died under them: $cut_downloads; any other answer (or none): $unexpected; GETs with other bytes: $differs; every PUT answered 200 byte-exact afterwards: $verify; refused PUTs present and partial: $partial; ready again: $ready" \
    "$verdict"
  stop_pid "$pid"; stop_pid "$s3_pid"
}

# ---------------------------------------------------------------------------------------------
fulldisk_scenario() {
  local disk=$WORK/disk dir port pid code_big code_small files verdict=PASS
  if [[ $(id -u) != 0 ]]; then row "full disk during an upload" "—" "skipped: mounting a tmpfs needs root" FAIL; return; fi
  mkdir -p "$disk"
  mount -t tmpfs -o size=48m tmpfs "$disk" || { row "full disk during an upload" "—" "skipped: cannot mount a tmpfs here" FAIL; return; }
  MOUNTED+=("$disk")
  dir=$disk/packages; mkdir -p "$dir"
  port=$(free_port); URL="http://127.0.0.1:$port"
  random_bytes $((64 * MiB)) 400 > "$WORK/src/big.bin"
  random_bytes $((4 * MiB)) 401 > "$WORK/src/small.bin"
  start_server fulldisk "$(fs_config "$dir" "$port")"; pid=$LAST_PID
  log "fulldisk: 64 MiB into a 48 MiB tmpfs, chunked (no Content-Length to check up front), then 4 MiB"
  code_big=$(curl -sS --max-time 60 -o "$WORK/fulldisk.resp" -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
    -T - "$URL/packages/big-1.0.0.tar.gz" < "$WORK/src/big.bin" 2>/dev/null || echo 000)
  wait_until 10 no_part_files "$dir" || true
  files=$(files_under "$dir")
  code_small=$(curl -sS --max-time 60 -o /dev/null -w '%{http_code}' -T "$WORK/src/small.bin" "$URL/packages/small-1.0.0.tar.gz" 2>/dev/null || echo 000)
  local small_ok=0
  [[ $code_small == 200 && $(get_sha small-1.0.0.tar.gz) == "$(sha "$WORK/src/small.bin")" ]] && small_ok=1
  local big_absent; big_absent=$(http_code "$URL/packages/big-1.0.0.tar.gz")
  [[ $code_big == 507 && -z $files && $small_ok == 1 && $big_absent == 404 ]] || verdict=FAIL
  row "full disk during an upload" \
    "a 48 MiB tmpfs; PUT of 64 MiB chunked, then PUT of 4 MiB" \
    "64 MiB answered $code_big ($(head -c 120 "$WORK/fulldisk.resp" 2>/dev/null)), then GET $big_absent; files left on the disk after it: $([[ -z $files ]] && echo none || echo "$files" | tr '\n' ' '); 4 MiB afterwards answered $code_small and byte-exact: $([[ $small_ok == 1 ]] && echo yes || echo no)" \
    "$verdict"
  stop_pid "$pid"
  umount "$disk" && MOUNTED=()
}

# ---------------------------------------------------------------------------------------------
heap_used_kb() {      # after a full collection
  jcmd "$1" GC.run > /dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | head -1
}

soak_scenario() {
  local dir=$WORK/soak/packages port pid k conns=64 probe out errors rps heap0 heap1 fd0 fd1 verdict=PASS
  port=$(free_port); URL="http://127.0.0.1:$port"
  mkdir -p "$dir" "$WORK/soak"
  random_bytes $((64 * 1024)) 500 > "$WORK/src/soak.bin"
  start_server soak "$(fs_config "$dir" "$port")"; pid=$LAST_PID
  : > "$WORK/soak/hot.sha"
  for ((k = 1; k <= 20; k++)); do
    random_bytes $((64 * 1024)) $((600 + k)) > "$WORK/src/hot$k.bin"
    curl -sS -o /dev/null -T "$WORK/src/hot$k.bin" "$URL/packages/hot-$k-1.0.0.tar.gz"
    echo "hot-$k-1.0.0.tar.gz $(sha "$WORK/src/hot$k.bin")" >> "$WORK/soak/hot.sha"
  done
  # A warm-up, then the baseline; then the most connections (64, 32, 16, 8) whose 20 s probe has no error.
  wrk -t 2 -c 16 -d 10s -s "$BENCH_DIR/soak.lua" "$URL" -- "$WORK/src/soak.bin" 20 > /dev/null 2>&1 || true
  sleep 2
  fd0=$(ls "/proc/$pid/fd" | wc -l); heap0=$(heap_used_kb "$pid")
  for conns in 64 32 16 8; do
    probe=$(wrk -t 2 -c "$conns" -d 20s -s "$BENCH_DIR/soak.lua" "$URL" -- "$WORK/src/soak.bin" 20 2>&1 | grep '^SOAK' || true)
    log "soak: probe with $conns connections: $probe"
    [[ $probe == *" errors=0 socket_errors=0 "* ]] && break
  done
  log "soak: $SOAK_SECONDS s with $conns connections"
  out=$(wrk -t 2 -c "$conns" -d "${SOAK_SECONDS}s" --timeout 30s -s "$BENCH_DIR/soak.lua" "$URL" -- "$WORK/src/soak.bin" 20 2>&1 | grep '^SOAK' || true)
  log "soak: $out"
  sleep 5
  fd1=$(ls "/proc/$pid/fd" | wc -l); heap1=$(heap_used_kb "$pid")
  # Every package left must have its bytes: the hot ones theirs, the uploads the soak body.
  { cat "$WORK/soak/hot.sha"; listed | grep '^soak-' | sed "s/\$/ $(sha "$WORK/src/soak.bin")/"; } > "$WORK/soak/must"
  local verify; verify=$("${CLIENTS[@]}" verify "$port" "$WORK/soak/must")
  local parts; parts=$(find "$dir/.incoming" -type f | wc -l)
  errors=$(sed -n 's/.* errors=\([0-9]*\) socket_errors=\([0-9]*\).*/\1+\2/p' <<< "$out")
  [[ -n $errors && $((errors)) == 0 && $verify == *'"wrong": 0'* && $parts == 0 ]] || verdict=FAIL
  ((fd1 <= fd0 + 2 && heap1 <= heap0 + 16384)) || verdict=FAIL
  row "mixed soak, $((SOAK_SECONDS / 60)) min $((SOAK_SECONDS % 60)) s" \
    "wrk, $conns connections (the most of 64/32/16/8 with no error in a 20 s probe): 70% GET of 20 hot 64 KiB packages, 10% PUT of new 64 KiB packages, 10% DELETE of earlier uploads, 10% listing; file system, fsync on" \
    "$(sed 's/^SOAK //' <<< "$out"); every package left byte-exact: $verify; temporary files: $parts; open files $fd0 before, $fd1 after; heap after a full GC $(mib "$heap0") MiB before, $(mib "${heap1:-0}") MiB after" \
    "$verdict"
  stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------------
fuzz_scenario() {
  local sandbox=$WORK/fuzz/sandbox dir port pid summary outside verify verdict=PASS
  dir=$sandbox/packages; mkdir -p "$dir"
  port=$(free_port); URL="http://127.0.0.1:$port"
  start_server fuzz "$(fs_config "$dir" "$port")"; pid=$LAST_PID
  touch "$WORK/fuzz/started"
  log "fuzz: $FUZZ_COUNT fuzzed requests"
  summary=$("${CLIENTS[@]}" fuzz "$port" "$FUZZ_COUNT" 42 "$WORK/fuzz/must")
  verify=$("${CLIENTS[@]}" verify "$port" "$WORK/fuzz/must")
  # Nothing written anywhere but the package directory: not beside it, not in the work directory, not in /tmp.
  outside=$( { find "$sandbox" -type f -not -path "$dir/*"; find "$WORK" -maxdepth 2 -type f -newer "$WORK/fuzz/started" -not -path "$WORK/fuzz/*" -not -path "$WORK/logs/*"; \
    find /tmp -maxdepth 1 -newer "$WORK/fuzz/started" -name '*escape*'; } | sort -u)
  local stray; stray=$(find "$dir" -type f -not -path "$dir/.incoming/*" -printf '%P\n' | grep -vxF -f <(cut -d' ' -f1 "$WORK/fuzz/must") || true)
  [[ $summary == *'"server_error_count": 0'* && $verify == *'"wrong": 0'* && -z $outside && -z $stray ]] || verdict=FAIL
  kill -0 "$pid" 2>/dev/null || verdict=FAIL
  row "fuzzed names, headers and ranges" \
    "$FUZZ_COUNT requests: traversals (../, %2e%2e%2f, %00, backslashes, double encoding), random bytes, unicode and long names; odd methods; garbage Range, If-*, checksum, Content-Digest, Authorization headers and 9 KB values" \
    "$summary; uploads accepted and still stored, byte-exact: $verify; files outside the package directory: $([[ -z $outside ]] && echo none || echo "$outside" | tr '\n' ' '); files in it that no accepted upload made: $([[ -z $stray ]] && echo none || echo "$stray" | head -5 | tr '\n' ' ')" \
    "$verdict"
  stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------------
for s in "${SCENARIOS[@]}"; do
  "${s}_scenario"
done

out="$WORK/reliability.md"
{
  echo "## package-repository reliability — $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "Server $(basename "$JAR") built from $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown); $(java -version 2>&1 | head -1); $(nproc) cores. Scenarios: ${SCENARIOS[*]}."
  echo
  echo "| scenario | what was done | what was checked | result |"
  echo "| --- | --- | --- | --- |"
  printf '%s\n' "${ROWS[@]}"
} > "$out"
mkdir -p "$BENCH_DIR/results"
cp "$out" "$BENCH_DIR/results/reliability-latest.md"
cat "$out"
log "written to src/bench/results/reliability-latest.md; $FAILED scenario(s) failed"
((FAILED == 0))
