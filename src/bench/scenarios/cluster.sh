# Cluster mode (issue 17): CLUSTER_N (3) members of ours over one S3 store (S3Proxy), each with its
# cache on in a directory of its own, started from the jar as an operator runs them (a configuration
# file each, with config.cluster), against one instance of ours: the same configuration without
# config.cluster, on the same store. A private nginx stands between each server of ours and S3Proxy,
# a port of its own for each, and logs every request: the store's GETs are counted there, per server.
# Each round publishes a package of CLUSTER_SIZE (200 MiB; --quick 20 MiB) under a new name (a PUT
# through a member, or through the instance), then CLUSTER_CLIENTS (300) curls fetch it at once
# (client i from member i mod CLUSTER_N; all of them from the instance), then the same clients again
# (warm), then it is deleted. Every client's status and size are checked, and every
# CLUSTER_CHECK_EVERY-th body (10th; 1: every one) is compared byte for byte with the original.
#   cluster_cold    aggregate MiB/s of the cold GETs (all bytes / wall time), the members vs the
#                   instance; the store's GETs of the package (nginx's log) and each server's /stats
#   cluster_ttfb    time to first byte: the owner's first byte (the first byte any client of the member
#                   that read the store got), and per member how long its clients waited after it
#   cluster_warm    the same GETs again, the package in every cache: 0 store GETs, all hits
#   cluster_follow  cold / warm aggregate: the followers of a fill against a warm read
#   cluster_start   start to first answered GET /packages of the same jar without config.cluster
#                   and with it: on the file system (an empty directory, best of STARTS; with it, the
#                   member alone in its list, best of 3), and on S3 (the instance, best of STARTS; the
#                   members, the first one alone, then joining)
# Sets CL_TITLE, CL_OURS, CL_REF, CL_RATIO, CL_TARGET and CL_PEAK (per row id), CL_HWM and CL_LOG_LINES
# (per log: its lines before the servers were stopped) for the report.
# Targets (ARCHITECTURE.md): 3 members, 300 concurrent cold GETs of one package spread over them:
# exactly 1 store GET for the cluster; every member's followers start within 50 ms of the owner's
# first byte. Followers of a fill ≥ 0.9 × a warm read (judged here on aggregate throughput, cold
# against warm with the same clients). Start to first answered request ≤ 1 s (without the cluster;
# the cluster's start is informative).

# A client's first byte is placed on one time line by the clock of the store counter (GET /clock,
# its time in ms): each curl fetches it at the same moment as its packages (--parallel), so that the
# clock's time less curl's time to that answer is when the curl's transfers started. The time the
# script itself takes before starting curl would be off by the start of the process: on 2 busy
# cores, tens to hundreds of ms, and not the same for every process.
cl_start_us() {       # cl_start_us CLOCK_FILE "<mark> <urlnum> <status> <bytes> <time to first byte s> ..." FALLBACK_US -> µs
  local m c
  m=$(cat "$1" 2>/dev/null || true); read -r _ _ _ _ c _ <<< "$2"
  if [[ $m =~ ^[0-9]+\.[0-9]+$ && -n $c ]]; then awk -v m="$m" -v c="$c" 'BEGIN { printf "%.0f", (m - c) * 1e6 }'; else echo "$3"; fi
}

# One client whose body is compared with the original: prints "<i> <server> <start µs> <status> <bytes>
# <time to first byte s> <total s> <check>", check being exact or differs (cl_clients prints the same
# for the others, with unchecked). Its -w lines are "= <urlnum> ...": 0 is the clock, 1 the package.
# shellcheck disable=SC2016
CL_CLIENT='s=${EPOCHREALTIME/./}
w="%{stderr}\n= %{urlnum} %{http_code} %{size_download} %{time_starttransfer} %{time_total}\n"
if curl -sS --no-progress-meter --parallel --parallel-immediate --max-time "$CL_MAX" --speed-limit 1 --speed-time 30 -w "$w" \
    -o "$CL_DIR/$1.clock" "$CL_CLOCK" -o - "$3" 2> "$CL_DIR/$1.w" | cmp -s - "$CL_ORIG"; then
  v=exact; else v=differs; fi
s=$(cl_start_us "$CL_DIR/$1.clock" "$(grep "^= 0 " "$CL_DIR/$1.w" | tail -1)" "$s")
r=$(sed -n "s/^= 1 //p" "$CL_DIR/$1.w" | tail -1)
echo "$1 $2 $s ${r:-000 0 0 0} $v"'

qstats() { sort -g | awk '{ a[NR] = $1 } END { if (!NR) { print "- - -"; exit }
  m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; p = int(0.95 * NR + 0.5); if (p < 1) p = 1
  printf "%.0f %.0f %.0f\n", m, a[p], a[NR] }'; }      # numbers on stdin -> "median p95 max"

cl_config() {         # cl_config FILE INDEX [CLUSTER_JSON]: server INDEX on its own store port, cache and HTTP port
  local i=$2 cluster=${3:-}
  printf '%s\n' '{"S3Repository":{"access":{"region":"us-east-1","access_key":"'"$CL_KEY"'","secret_access_key":"'"$CL_SECRET"'",' \
    '  "endpoint":"http://127.0.0.1:'"${CL_FWD[i]}"'","path_style":true},"container":{"bucket":"packages","path":"bench"},' \
    '  "cache":{"enabled":true,"path":"'"$CL_DIR/cache-$i"'","max_size":'"$CL_CACHE_MAX"'}},' \
    ' "config":{"port":'"${CL_HTTP[i]}"',"host":"127.0.0.1","log_level":"INFO"'"${cluster:+,\"cluster\":$cluster}"'}}' > "$1"
}

cl_start() {          # cl_start NAME CONFIG PORT -> LAST_PID, START_MS (start to the first 200 to GET /packages)
  local name=$1 t0 code=000
  t0=$(now_us)
  # shellcheck disable=SC2086
  java ${BENCH_JAVA_OPTS:-} -jar "$JAR" --config "$2" > "$WORK/logs/$name.out" 2> "$WORK/logs/$name.err" &
  LAST_PID=$!; STARTED+=("$LAST_PID")
  while [[ $code != 200 ]]; do
    code=$(http_code "http://127.0.0.1:$3/packages")
    [[ $code == 200 ]] && break
    kill -0 "$LAST_PID" 2>/dev/null || die "$name exited: $(grep -v ' INFO ' "$WORK/logs/$name.err" | tail -5)"
    (($(now_us) - t0 > 120000000)) && die "$name did not answer within 120 s"
    sleep 0.01
  done
  START_MS=$((($(now_us) - t0) / 1000))
}

hz_threads() { cat /proc/"$1"/task/*/comm 2>/dev/null | grep -c '^hz\.' || true; }   # Hazelcast's threads in PID
members_seen() { grep -o 'Members {size:[0-9]*' "$WORK/logs/$1.err" 2>/dev/null | tail -1 | sed 's/.*://'; }

# The clients of a run, all at once: one curl --parallel per group of clients (client i in group
# i mod CLUSTER_N, its bodies to /dev/null, its status and size checked), and every
# CLUSTER_CHECK_EVERY-th client a curl of its own piped to cmp (CL_CLIENT). Few processes rather than
# one per client: 300 processes waking up at once on 2 cores would put the scheduler's delay, not the
# server's, into every time to first byte.
cl_clients() {        # cl_clients LIST OUT: one client per line "i server url" of LIST -> CL_T0, CL_T1
  local w="$CL_DIR/w" g pids=() pid
  rm -rf "$w"; mkdir -p "$w"
  awk -v e="$CLUSTER_CHECK_EVERY" -v G="$CLUSTER_N" -v d="$w" '
    $1 % e == 0 { print > (d "/checked"); next }
    { g = $1 % G; printf "url = \"%s\"\noutput = \"/dev/null\"\n", $3 > (d "/curl." g); print $1, $2 > (d "/index." g) }' "$1"
  for ((g = 0; g < CLUSTER_N; g++)); do     # the clock first: urlnum 0
    [[ -s $w/curl.$g ]] || continue
    { printf 'url = "%s"\noutput = "%s"\n' "$CL_CLOCK" "$w/clock.$g"; cat "$w/curl.$g"; } > "$w/curl"
    mv "$w/curl" "$w/curl.$g"
  done
  CL_T0=$(now_us)
  for ((g = 0; g < CLUSTER_N; g++)); do
    [[ -s $w/curl.$g ]] || continue
    (
      echo "${EPOCHREALTIME/./}" > "$w/start.$g"   # only if the clock fails
      exec curl -sS --no-progress-meter --parallel --parallel-immediate --parallel-max 300 --max-time "$CURL_MAX" "${STALL[@]}" \
        -w '%{urlnum} %{http_code} %{size_download} %{time_starttransfer} %{time_total}\n' -K "$w/curl.$g" > "$w/out.$g" 2>> "$WORK/logs/curl.err"
    ) &
    pids+=($!)
  done
  if [[ -s $w/checked ]]; then
    export -f cl_start_us
    CL_ORIG=$CL_PKG CL_MAX=$CURL_MAX CL_DIR="$w" CL_CLOCK=$CL_CLOCK \
      xargs -P "$CLUSTER_CLIENTS" -n 3 bash -c "$CL_CLIENT" _ < "$w/checked" > "$w/out.checked" 2>> "$WORK/logs/curl.err" &
    pids+=($!)
  fi
  STARTED+=("${pids[@]}")
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  CL_T1=$(now_us)
  local procs clocks
  procs=$(($(find "$w" -name 'index.*' | wc -l) + $(wc -l < "$w/checked" 2>/dev/null || echo 0)))
  clocks=$(cat "$w"/clock.* "$w"/*.clock 2>/dev/null | grep -cE '^[0-9]+\.[0-9]+$' || true)
  ((clocks == procs)) || log "  only $clocks of $procs curl processes read the clock: the others' times start when the script started them"
  {
    for ((g = 0; g < CLUSTER_N; g++)); do
      [[ -s $w/index.$g ]] || continue
      # urlnum is the transfer's place in the group's list (0: the clock); a transfer that printed nothing failed
      awk -v s="$(cl_start_us "$w/clock.$g" "x $(grep '^0 ' "$w/out.$g" | tail -1)" "$(cat "$w/start.$g")")" \
        'NR == FNR { r[$1] = $2 " " $3 " " $4 " " $5; next }
        { k = FNR; print $1, $2, s, ((k in r) ? r[k] : "000 0 0 0"), "unchecked" }' "$w/out.$g" "$w/index.$g"
    done
    cat "$w/out.checked" 2>/dev/null || true
  } > "$2"
}

# What the clients of one run got -> CA_OK, CA_EXACT, CA_CHECKED, CA_MIBS, CA_WALL, CA_OWNER_FB (ms after
# the start of the run), CA_WAIT[server] ("first/median/max": ms from the owner's first byte to the first
# byte of the server's first client, and each client's wait after it, or after its own start when it
# came later), CA_WORST (ms), CA_WORST_AT (server), CA_TTFB ("median/p95/max" ms of all clients).
# A client's first byte is its start + curl's time_starttransfer.
declare -A CA_WAIT
cl_analyze() {        # cl_analyze RESULTS OWNER (a server index; -1: the one whose clients got a byte first)
  local f=$1 owner=$2 ofb i q mx
  CA_OK=$(awk -v S="$CLUSTER_SIZE" '$4 == 200 && $5 == S && $8 != "differs"' "$f" | wc -l)
  CA_CHECKED=$(awk '$8 != "unchecked"' "$f" | wc -l)
  CA_EXACT=$(awk '$8 == "exact"' "$f" | wc -l)
  CA_WALL=$(awk -v a="$CL_T0" -v b="$CL_T1" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
  CA_MIBS=$(awk -v n="$CA_OK" -v s="$CLUSTER_SIZE" -v w="$CA_WALL" 'BEGIN { printf "%.1f", n * s / 1048576 / w }')
  if ((owner < 0)); then
    owner=$(awk '$4 == 200 { fb = $3 + $6 * 1e6; if (m == "" || fb < min) { min = fb; m = $2 } } END { print m + 0 }' "$f")
  fi
  CA_OWNER=$owner
  ofb=$(awk -v o="$owner" '$2 == o && $4 == 200 { fb = $3 + $6 * 1e6; if (min == "" || fb < min) min = fb } END { printf "%.0f", min }' "$f")
  CA_OWNER_FB=$(awk -v a="$CL_T0" -v b="$ofb" 'BEGIN { printf "%.0f", (b - a) / 1000 }')
  # each client's wait after the owner's first byte, or after its own start when it came later
  awk -v o="$ofb" '$4 == 200 { fb = $3 + $6 * 1e6; st = ($3 > o) ? $3 : o; printf "%d %.1f %.1f %.1f\n", $2, (fb - st) / 1000, $6 * 1000, (fb - o) / 1000 }' "$f" > "$f.wait"
  CA_WAIT=()
  for i in $(cut -d' ' -f1 "$f.wait" | sort -un); do
    read -r q _ mx <<< "$(awk -v m="$i" '$1 == m { print $2 }' "$f.wait" | qstats)"
    CA_WAIT[$i]="$(awk -v m="$i" '$1 == m { print $4 }' "$f.wait" | sort -g | head -1 | awk '{ printf "%.0f", $1 }')/$q/$mx"
  done
  # the judged figures: the latest a member's followers started after the owner's first byte, and the
  # most a member's clients waited (median) beyond the owner's own clients
  local first med omed
  omed=$(cut -d/ -f2 <<< "${CA_WAIT[$owner]:-0/0/0}")
  CA_START=0; CA_START_AT=$owner; CA_LAG=0; CA_LAG_AT=$owner
  for i in "${!CA_WAIT[@]}"; do
    first=${CA_WAIT[$i]%%/*}; med=$(cut -d/ -f2 <<< "${CA_WAIT[$i]}")
    if awk -v a="$first" -v b="$CA_START" 'BEGIN { exit !(a + 0 > b + 0) }'; then CA_START=$first; CA_START_AT=$i; fi
    if awk -v a="$med" -v o="$omed" -v b="$CA_LAG" 'BEGIN { exit !(a - o > b + 0) }'; then
      CA_LAG=$(awk -v a="$med" -v o="$omed" 'BEGIN { printf "%.0f", a - o }'); CA_LAG_AT=$i
    fi
  done
  read -r _ _ CA_WORST <<< "$(cut -d' ' -f2 "$f.wait" | qstats)"
  CA_WORST_AT=$(sort -k2,2g "$f.wait" | tail -1 | cut -d' ' -f1)
  CA_TTFB=$(cut -d' ' -f3 "$f.wait" | qstats | tr ' ' /)
}

cl_stats() {          # cl_stats SERVER... -> "hits misses coalesced bypassed storeBytes usedBytes" per server, ';'-separated
  local i out=""
  for i in "$@"; do out+="$(cache_stats "http://127.0.0.1:${CL_HTTP[i]}");"; done
  echo "$out"
}

# The store's requests for KEY in its log after line FROM -> "GET count, by server: i i ..." as CL_GETS, CL_GET_BY
cl_store_gets() {     # cl_store_gets FROM KEY
  local port i by=""
  for port in $(tail -n +"$(($1 + 1))" "$CL_STORE_LOG" | awk -v k="$2" '$2 == "GET" && $3 == k { print $1 }'); do
    for i in "${!CL_FWD[@]}"; do [[ ${CL_FWD[i]} == "$port" ]] && by+="$i "; done
  done
  CL_GET_BY=${by% }
  CL_GETS=$(wc -w <<< "$by")
}

cl_label() { if (($1 == CLUSTER_N)); then echo instance; else echo "m$(($1 + 1))"; fi; }

# One round of one side (cluster: the members; single: the instance): publish, cold, warm, delete.
cl_round() {          # cl_round SIDE ROUND
  local side=$1 r=$2 name via key servers=() i line before after mid t0 used want owner code
  local h0 m0 c0 b0 s0 u0 h1 m1 c1 b1 s1 reads expect note="" from
  if [[ $side == cluster ]]; then
    for ((i = 0; i < CLUSTER_N; i++)); do servers+=("$i"); done
    via=$(((r - 1) % CLUSTER_N))
  else
    servers=("$CLUSTER_N"); via=$CLUSTER_N
  fi
  name="bench-$side-r$r-1.0.0.tar.gz"; key="/packages/bench/$name"
  read -r code _ _ <<< "$(put_once "http://127.0.0.1:${CL_HTTP[via]}" "$name" "$CL_PKG")"
  if [[ $code != 200 ]] || ! grep -q "\"sha256\":\"$CL_SHA\"" "$OUT_DIR/put.resp"; then
    CL_BAD=$((CL_BAD + 1)); log "  PUT $name through $(cl_label "$via") answered $code: $(cat "$OUT_DIR/put.resp")"
  fi
  sync
  : > "$CL_DIR/list"
  for ((i = 0; i < CLUSTER_CLIENTS; i++)); do
    echo "$i ${servers[i % ${#servers[@]}]} http://127.0.0.1:${CL_HTTP[${servers[i % ${#servers[@]}]}]}/packages/$name" >> "$CL_DIR/list"
  done

  # cold
  before=$(cl_stats "${servers[@]}")
  from=$(wc -l < "$CL_STORE_LOG")
  cl_clients "$CL_DIR/list" "$CL_DIR/cold.$side.$r"
  after=$(cl_stats "${servers[@]}")
  cl_store_gets "$from" "$key"
  owner=-1
  ((CL_GETS == 1)) && owner=$CL_GET_BY
  cl_analyze "$CL_DIR/cold.$side.$r" "$owner"
  CLV[$side.cold.$r]=$CA_MIBS; CLV[$side.coldwall.$r]=$CA_WALL; CLV[$side.gets.$r]=$CL_GETS
  CLV[$side.worst.$r]=$CA_WORST; CLV[$side.worstat.$r]=$CA_WORST_AT; CLV[$side.owner.$r]=$CA_OWNER
  CLV[$side.start.$r]=$CA_START; CLV[$side.startat.$r]=$CA_START_AT
  CLV[$side.lag.$r]=$CA_LAG; CLV[$side.lagat.$r]=$CA_LAG_AT
  line="owner $(cl_label "$CA_OWNER"), first byte ${CA_OWNER_FB} ms after the start; after it, first/median/max ms:"
  for i in "${servers[@]}"; do line+=" $(cl_label "$i") ${CA_WAIT[$i]:--}"; done
  CLV[$side.ttfb.$r]=$line
  CLV[$side.coldttfb.$r]=$CA_TTFB
  ((CA_OK == CLUSTER_CLIENTS)) || { CL_BAD=$((CL_BAD + CLUSTER_CLIENTS - CA_OK)); note+="only $CA_OK/$CLUSTER_CLIENTS clients got the whole package; "; }
  ((CA_EXACT == CA_CHECKED)) || note+="$((CA_CHECKED - CA_EXACT)) of $CA_CHECKED compared bodies differ; "
  # /stats: one miss per server, the package's size from the store (the owner's, for the others), every
  # client counted (the owner also serves each other member once), nothing bypassed
  for i in "${!servers[@]}"; do
    read -r h0 m0 c0 b0 s0 _ <<< "$(cut -d';' -f$((i + 1)) <<< "$before")"
    read -r h1 m1 c1 b1 s1 _ <<< "$(cut -d';' -f$((i + 1)) <<< "$after")"
    reads=$((m1 - m0 + c1 - c0 + h1 - h0))
    expect=$(awk -v n="$CLUSTER_CLIENTS" -v k="${#servers[@]}" -v i="$i" 'BEGIN { print int(n / k) + (i < n % k) }')
    [[ $side == cluster && ${servers[i]} == "$CA_OWNER" ]] && expect=$((expect + CLUSTER_N - 1))
    if ((m1 - m0 != 1 || s1 - s0 != CLUSTER_SIZE || b1 != b0 || reads != expect)); then
      note+="$(cl_label "${servers[i]}") /stats: misses +$((m1 - m0)), reads +$reads (expected $expect), store bytes +$((s1 - s0)), bypassed +$((b1 - b0)); "
    fi
  done
  log "  round $r $side cold: $CA_MIBS MiB/s aggregate, wall ${CA_WALL}s, $CA_OK/$CLUSTER_CLIENTS whole ($CA_EXACT/$CA_CHECKED compared exact); store GETs $CL_GETS (by $(for i in $CL_GET_BY; do cl_label "$i"; done | paste -sd,)); TTFB median/p95/max $CA_TTFB ms; $line"

  # the fills are published (usedBytes) once verified, which can come a little after their last reader
  t0=$(now_us)
  for i in "${servers[@]}"; do
    read -r _ _ _ _ _ u0 <<< "$(cut -d';' -f$((i - servers[0] + 1)) <<< "$before")"
    want=$((u0 + CLUSTER_SIZE))
    while :; do
      read -r _ _ _ _ _ used <<< "$(cache_stats "http://127.0.0.1:${CL_HTTP[i]}")"
      ((used >= want || $(now_us) - t0 > 60000000)) && break
      sleep 0.1
    done
    ((used >= want)) || note+="$(cl_label "$i") had not cached it 60 s after the cold run; "
  done

  # warm
  mid=$(cl_stats "${servers[@]}")
  from=$(wc -l < "$CL_STORE_LOG")
  cl_clients "$CL_DIR/list" "$CL_DIR/warm.$side.$r"
  after=$(cl_stats "${servers[@]}")
  cl_store_gets "$from" "$key"
  cl_analyze "$CL_DIR/warm.$side.$r" -1
  CLV[$side.warm.$r]=$CA_MIBS; CLV[$side.warmwall.$r]=$CA_WALL; CLV[$side.warmgets.$r]=$CL_GETS
  CLV[$side.warmttfb.$r]=$CA_TTFB
  ((CA_OK == CLUSTER_CLIENTS)) || { CL_BAD=$((CL_BAD + CLUSTER_CLIENTS - CA_OK)); note+="warm: only $CA_OK/$CLUSTER_CLIENTS clients got the whole package; "; }
  ((CA_EXACT == CA_CHECKED)) || note+="warm: $((CA_CHECKED - CA_EXACT)) of $CA_CHECKED compared bodies differ; "
  for i in "${!servers[@]}"; do
    read -r h0 m0 _ b0 s0 _ <<< "$(cut -d';' -f$((i + 1)) <<< "$mid")"
    read -r h1 m1 _ b1 s1 _ <<< "$(cut -d';' -f$((i + 1)) <<< "$after")"
    if ((m1 != m0 || s1 != s0 || b1 != b0)); then
      note+="warm: $(cl_label "${servers[i]}") /stats: misses +$((m1 - m0)), store bytes +$((s1 - s0)), bypassed +$((b1 - b0)); "
    fi
  done
  log "  round $r $side warm: $CA_MIBS MiB/s aggregate, wall ${CA_WALL}s, $CA_OK/$CLUSTER_CLIENTS whole; store GETs $CL_GETS; TTFB median/p95/max $CA_TTFB ms"

  code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 60 -X DELETE "http://127.0.0.1:${CL_HTTP[via]}/packages/$name" 2>> "$WORK/logs/curl.err" || true)
  [[ $code == 200 || $code == 204 ]] || { CL_BAD=$((CL_BAD + 1)); log "  DELETE $name answered $code"; }
  [[ -z $note ]] || log "  round $r $side: ${note%; }"
  CLV[$side.note.$r]=$note
  rm -rf "$CL_DIR/w"
}

# Unmeasured warm-up of a side (the JIT compiles each path on first use): a small package per member
# (each likely owned by another member), fetched by all the clients at once, cold then warm, then deleted.
cl_warmup() {         # cl_warmup SIDE
  local side=$1 k n=1 i via name size=$((CLUSTER_SIZE / 20 > MiB ? CLUSTER_SIZE / 20 : MiB)) servers=()
  if [[ $side == cluster ]]; then
    n=$CLUSTER_N
    for ((i = 0; i < CLUSTER_N; i++)); do servers+=("$i"); done
  else
    servers=("$CLUSTER_N")
  fi
  head -c "$size" "$CL_PKG" > "$CL_DIR/warmup.bin"
  for ((k = 0; k < n; k++)); do
    via=${servers[k]}; name="bench-warmup-$side-$k-1.0.0.tar.gz"
    put_once "http://127.0.0.1:${CL_HTTP[via]}" "$name" "$CL_DIR/warmup.bin" > /dev/null
    : > "$CL_DIR/list"
    for ((i = 0; i < CLUSTER_CLIENTS; i++)); do
      echo "$i 0 http://127.0.0.1:${CL_HTTP[${servers[i % ${#servers[@]}]}]}/packages/$name" >> "$CL_DIR/list"
    done
    cl_clients "$CL_DIR/list" /dev/null
    cl_clients "$CL_DIR/list" /dev/null
    curl -sS -o /dev/null --max-time 60 -X DELETE "http://127.0.0.1:${CL_HTTP[via]}/packages/$name" 2>> "$WORK/logs/curl.err" || true
  done
  rm -rf "$CL_DIR/w" "$CL_DIR/warmup.bin"
}

cluster_scenarios() {
  local s3_port fwd_pid i r pid members="" cluster_json side t_from t_to
  local -a plain_ms=() member_ms=()
  local plain_hz member_hz
  if [[ ${BENCH_CLUSTER:-1} == 0 || ${BENCH_S3:-1} == 0 ]]; then log "cluster rows skipped (BENCH_CLUSTER=0 or BENCH_S3=0)"; return 0; fi
  CL_DIR="$WORK/cluster"
  mkdir -p "$CL_DIR/s3/packages"
  CL_PKG="$CL_DIR/package.bin"
  random_bytes "$CLUSTER_SIZE" 6 > "$CL_PKG"
  CL_SHA=$(sha256sum < "$CL_PKG" | cut -d' ' -f1)
  CL_CACHE_MAX=$((CLUSTER_SIZE * 3 > 1024 * MiB ? CLUSTER_SIZE * 3 : 1024 * MiB))
  CL_KEY=BENCH$RANDOM; CL_SECRET=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  log "cluster: $CLUSTER_N members and one instance on S3 (S3Proxy), a $(human_size "$CLUSTER_SIZE") package, $CLUSTER_CLIENTS clients, $CL_ROUNDS round(s)"
  s3_port=$(free_port)
  if ! start_s3proxy "$s3_port" "$CL_DIR/s3" "$CL_KEY" "$CL_SECRET" cluster-s3proxy; then
    log "cluster: no classpath for S3Proxy; cluster rows skipped"; return 0
  fi
  CL_S3_PID=$LAST_PID
  # servers 0 .. CLUSTER_N-1 are the members, CLUSTER_N the instance
  CL_FWD=(); CL_HTTP=()
  for ((i = 0; i <= CLUSTER_N; i++)); do CL_FWD[i]=$(free_port); CL_HTTP[i]=$(free_port); done
  write_store_counter_conf "$CL_DIR/counter" "$s3_port" "${CL_FWD[@]}"
  start_nginx "$CL_DIR/counter"; fwd_pid=$LAST_PID
  CL_STORE_LOG="$CL_DIR/counter/store.log"
  CL_CLOCK="http://127.0.0.1:${CL_FWD[0]}/clock"
  for ((i = 0; i < 100; i++)); do [[ $(http_code "http://127.0.0.1:${CL_FWD[0]}/" 1) != 000 ]] && break; sleep 0.05; done
  : >> "$CL_STORE_LOG"

  local -a hz_ports=() bus_ports=()
  local secret
  secret=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
  for ((i = 0; i < CLUSTER_N; i++)); do hz_ports[i]=$(free_port); bus_ports[i]=$(free_port); members+="\"127.0.0.1:${hz_ports[i]}\","; done
  for ((i = 0; i < CLUSTER_N; i++)); do
    cluster_json='{"members":['"${members%,}"'],"bind":"127.0.0.1:'"${hz_ports[i]}"'","bus_port":'"${bus_ports[i]}"',"public_url":"http://127.0.0.1:'"${CL_HTTP[i]}"'","secret":"'"$secret"'"}'
    cl_config "$CL_DIR/member-$i.json" "$i" "$cluster_json"
  done
  cl_config "$CL_DIR/instance.json" "$CLUSTER_N"

  # Start-up on the file system, an empty directory (startup.sh's configuration, ARCHITECTURE.md's
  # ≤ 1 s): STARTS fresh processes without config.cluster, then 3 with it, the member alone in its list.
  local fs_port fs_cluster fs_bus
  local -a fs_ms=() fs_cluster_ms=()
  fs_port=$(free_port); fs_cluster=$(free_port); fs_bus=$(free_port)
  mkdir -p "$CL_DIR/empty"
  printf '{"FsRepository":{"location":{"path":"%s","fsync":true,"zero_copy":true}},\n "config":{"port":%d,"host":"127.0.0.1","log_level":"WARN"%s}}\n' \
    "$CL_DIR/empty" "$fs_port" "" > "$CL_DIR/fs.json"
  printf '{"FsRepository":{"location":{"path":"%s","fsync":true,"zero_copy":true}},\n "config":{"port":%d,"host":"127.0.0.1","log_level":"WARN"%s}}\n' \
    "$CL_DIR/empty" "$fs_port" ',"cluster":{"members":["127.0.0.1:'"$fs_cluster"'"],"bind":"127.0.0.1:'"$fs_cluster"'","bus_port":'"$fs_bus"',"public_url":"http://127.0.0.1:'"$fs_port"'","secret":"'"$secret"'"}' > "$CL_DIR/fs-cluster.json"
  log "cluster: start to first answered GET /packages, file system, empty directory: $STARTS starts without config.cluster, 3 with it"
  for ((i = 1; i <= STARTS; i++)); do
    cl_start cluster-fs "$CL_DIR/fs.json" "$fs_port"; fs_ms+=("$START_MS"); stop_pid "$LAST_PID"
  done
  for ((i = 1; i <= 3; i++)); do
    cl_start cluster-fs-cluster "$CL_DIR/fs-cluster.json" "$fs_port"; fs_cluster_ms+=("$START_MS"); stop_pid "$LAST_PID"
  done
  log "  without the cluster: ${fs_ms[*]} ms; with it: ${fs_cluster_ms[*]} ms"
  # The same on S3 without config.cluster: the instance's configuration, STARTS fresh processes; the
  # last one stays up as the instance of the rows below.
  log "cluster: start to first answered GET /packages on S3 without config.cluster, $STARTS starts"
  for ((i = 1; i <= STARTS; i++)); do
    cl_start "cluster-instance" "$CL_DIR/instance.json" "${CL_HTTP[CLUSTER_N]}"
    pid=$LAST_PID; plain_ms+=("$START_MS")
    plain_hz=$(hz_threads "$pid")
    ((i < STARTS)) && stop_pid "$pid"
  done
  CL_PID[CLUSTER_N]=$pid
  log "  without the cluster: ${plain_ms[*]} ms; Hazelcast threads: $plain_hz"
  # With it: the members one after the other, as an operator starts them, the first one alone.
  for ((i = 0; i < CLUSTER_N; i++)); do
    cl_start "cluster-m$((i + 1))" "$CL_DIR/member-$i.json" "${CL_HTTP[i]}"
    CL_PID[i]=$LAST_PID; member_ms+=("$START_MS")
    log "  member m$((i + 1)) answered $START_MS ms after its start"
  done
  member_hz=$(hz_threads "${CL_PID[0]}")
  t_from=$(now_us)
  for ((i = 0; i < CLUSTER_N; i++)); do
    while [[ $(members_seen "cluster-m$((i + 1))") != "$CLUSTER_N" ]]; do
      (($(now_us) - t_from > 60000000)) && die "member m$((i + 1)) does not see $CLUSTER_N members within 60 s: $(grep 'Members {' "$WORK/logs/cluster-m$((i + 1)).err" | tail -1)"
      sleep 0.1
    done
  done
  log "  every member sees $CLUSTER_N members ($((($(now_us) - t_from) / 1000)) ms after the last one answered); Hazelcast threads in m1: $member_hz"

  for ((i = 0; i <= CLUSTER_N; i++)); do
    CL_BASE[i]=$(status_kb "${CL_PID[i]}" VmRSS)
    start_sampler "${CL_PID[i]}" "$OUT_DIR/cluster-$i.rss"
  done

  log "cluster: unmeasured warm-up of the members and of the instance"
  cl_warmup cluster
  cl_warmup single
  declare -gA CLV=()
  CL_BAD=0
  t_from=$(now_us)
  for ((r = 1; r <= CL_ROUNDS; r++)); do
    for side in cluster single; do cl_round "$side" "$r"; done
  done
  t_to=$(now_us)
  CL_PEAKS=""
  for ((i = 0; i <= CLUSTER_N; i++)); do
    CL_PEAKS+="$(cl_label "$i") $(mib "$(peak_kb "$OUT_DIR/cluster-$i.rss" "$t_from" "$t_to")") MiB (+$(mib $(($(peak_kb "$OUT_DIR/cluster-$i.rss" "$t_from" "$t_to") - CL_BASE[i]))))"
    ((i < CLUSTER_N)) && CL_PEAKS+=", "
  done
  CL_HWM=""
  for ((i = 0; i <= CLUSTER_N; i++)); do CL_HWM+="$(cl_label "$i") $(mib "$(status_kb "${CL_PID[i]}" VmHWM)") MiB, "; done
  CL_OWNER_MISSES=$(cat "$WORK"/logs/cluster-m*.err | grep -c "its owner did not serve it" || true)
  cl_rows "${fs_ms[*]}" "${fs_cluster_ms[*]}" "${plain_ms[*]}" "$plain_hz" "${member_ms[*]}" "$member_hz"
  # The report counts what the servers logged up to here, not their shutdown (members leaving one
  # another make Hazelcast warn). All of them are stopped at once, as `docker compose down` would.
  local name t_stop left
  for name in cluster-m1 cluster-m2 cluster-m3 cluster-instance; do
    CL_LOG_LINES[$name]=$(wc -l < "$WORK/logs/$name.err" 2>/dev/null || echo 0)
  done
  t_stop=$(now_us)
  for ((i = 0; i <= CLUSTER_N; i++)); do kill -TERM "${CL_PID[i]}" 2>/dev/null || true; done
  for ((i = 0; i < 150; i++)); do
    left=0
    for pid in "${CL_PID[@]}"; do kill -0 "$pid" 2>/dev/null && left=$((left + 1)); done
    ((left == 0)) && break
    sleep 0.1
  done
  log "cluster: $((CLUSTER_N + 1 - left)) of $((CLUSTER_N + 1)) servers stopped within $((($(now_us) - t_stop) / 1000)) ms of SIGTERM$( ((left == 0)) || echo "; the other $left are killed")"
  for ((i = 0; i <= CLUSTER_N; i++)); do stop_pid "${CL_PID[i]}"; done
  stop_pid "$fwd_pid"
  stop_pid "$CL_S3_PID"
}

declare -A CL_TITLE CL_OURS CL_REF CL_RATIO CL_TARGET CL_PEAK CLV CL_LOG_LINES
CL_PID=(); CL_BASE=(); CL_FWD=(); CL_HTTP=()

# The rows, from CLV (per side and round): medians of the rounds for throughput, the worst round for
# the targets that say "exactly" and "every".
cl_rows() {           # cl_rows FS_MS FS_CLUSTER_MS S3_MS S3_HZ MEMBER_MS MEMBER_HZ (each list space-separated)
  local fs=$1 fs_cluster=$2 plain=$3 plain_hz=$4 member=$5 member_hz=$6 r side v
  local -A med=() gets=() worst=() worstat=() ttfb=() raw=() start=() startat=() lag=() lagat=()
  local -a a
  for side in cluster single; do
    for v in cold coldwall warm warmwall; do
      a=(); for ((r = 1; r <= CL_ROUNDS; r++)); do a+=("${CLV[$side.$v.$r]}"); done
      med[$side.$v]=$(median "${a[@]}")
    done
    gets[$side]=""; worst[$side]=0; ttfb[$side]=""; raw[$side]=""; start[$side]=0; lag[$side]=0
    for ((r = 1; r <= CL_ROUNDS; r++)); do
      gets[$side]+="${CLV[$side.gets.$r]}/"
      if awk -v a="${CLV[$side.start.$r]}" -v b="${start[$side]}" 'BEGIN { exit !(a + 0 >= b + 0) }'; then
        start[$side]=${CLV[$side.start.$r]}; startat[$side]=${CLV[$side.startat.$r]}
      fi
      if awk -v a="${CLV[$side.lag.$r]}" -v b="${lag[$side]}" 'BEGIN { exit !(a + 0 >= b + 0) }'; then
        lag[$side]=${CLV[$side.lag.$r]}; lagat[$side]=${CLV[$side.lagat.$r]}
      fi
      if awk -v a="${CLV[$side.worst.$r]}" -v b="${worst[$side]}" 'BEGIN { exit !(a + 0 >= b + 0) }'; then
        worst[$side]=${CLV[$side.worst.$r]}; worstat[$side]=${CLV[$side.worstat.$r]}
      fi
      if ((CL_ROUNDS > 1)); then ttfb[$side]+="r$r: "; fi
      ttfb[$side]+="${CLV[$side.ttfb.$r]}; warm TTFB median/p95/max ${CLV[$side.warmttfb.$r]} ms; "
      raw[$side]+="r$r: cold ${CLV[$side.cold.$r]} MiB/s/${CLV[$side.coldwall.$r]}s, store GETs ${CLV[$side.gets.$r]} (owner $(cl_label "${CLV[$side.owner.$r]}")), TTFB median/p95/max ${CLV[$side.coldttfb.$r]} ms; warm ${CLV[$side.warm.$r]} MiB/s/${CLV[$side.warmwall.$r]}s, store GETs ${CLV[$side.warmgets.$r]}, TTFB ${CLV[$side.warmttfb.$r]} ms${CLV[$side.note.$r]:+; ⚠ ${CLV[$side.note.$r]%; }}; "
    done
    gets[$side]=${gets[$side]%/}
  done
  local one_get=met notes=""
  [[ ${gets[cluster]} =~ ^1(/1)*$ ]] || one_get="**NOT met**"
  for ((r = 1; r <= CL_ROUNDS; r++)); do notes+="${CLV[cluster.note.$r]}${CLV[single.note.$r]}"; done
  local clients="$CLUSTER_CLIENTS concurrent GETs of a $(human_size "$CLUSTER_SIZE") package just PUT"
  local m_note=""
  ((CL_OWNER_MISSES == 0)) || m_note=" ⚠ $CL_OWNER_MISSES reads went around the owner (\"its owner did not serve it\" in the members' logs)"

  ROWS+=(cluster_cold cluster_ttfb cluster_warm cluster_follow cluster_start)
  CL_TITLE[cluster_cold]="$CLUSTER_N members on S3 (S3Proxy), **cluster, cold**: $clients, spread over them (client i from member i mod $CLUSTER_N), vs **one instance** (no cluster) serving the same $CLUSTER_CLIENTS"
  CL_OURS[cluster_cold]="$(fmt_num "${med[cluster.cold]}") MiB/s aggregate (wall ${med[cluster.coldwall]} s); store GETs ${gets[cluster]}"
  CL_REF[cluster_cold]="$(fmt_num "${med[single.cold]}") MiB/s (wall ${med[single.coldwall]} s); store GETs ${gets[single]} (one instance)"
  CL_RATIO[cluster_cold]=$(ratio_of "${med[cluster.cold]}" "${med[single.cold]}")
  CL_TARGET[cluster_cold]="exactly 1 store GET for the cluster (nginx's log of the store): $one_get; every client the whole package, 1 in $CLUSTER_CHECK_EVERY compared byte for byte: $( ((CL_BAD == 0)) && echo met || echo "**NOT met** ($CL_BAD failed clients, PUTs or DELETEs)"); throughput: none set (one machine: the members share its cores and loopback, no network card to add)${notes:+ ⚠ ${notes%; }}$m_note"
  CL_PEAK[cluster_cold]=$CL_PEAKS

  CL_TITLE[cluster_ttfb]="the same cold GETs: **time to first byte** against the owner's first byte (the first byte a client of the member that read the store got; ms after the clients started); per member: its first client's first byte after it, and how long its clients waited after it (or after their own start, when later), median and max; the warm run's TTFB (300 cached reads at full speed) for comparison"
  CL_OURS[cluster_ttfb]="${ttfb[cluster]%; }"
  CL_REF[cluster_ttfb]="${ttfb[single]%; }"
  CL_RATIO[cluster_ttfb]="—"
  CL_TARGET[cluster_ttfb]="every member's followers start within 50 ms of the owner's first byte: $(awk -v s="${start[cluster]}" -v l="${lag[cluster]}" 'BEGIN { print (s + 0 <= 50 && l + 0 <= 50) ? "met" : "**NOT met**" }') (judged on each member: its first client's first byte at most ${start[cluster]} ms after the owner's, $(cl_label "${startat[cluster]:-0}"); its clients' median wait at most ${lag[cluster]} ms beyond the owner's own clients', $(cl_label "${lagat[cluster]:-0}")); the slowest single client waited ${worst[cluster]} ms ($(cl_label "${worstat[cluster]:-0}")); one instance's slowest of its own 300, ${worst[single]} ms"
  CL_PEAK[cluster_ttfb]="—"

  CL_TITLE[cluster_warm]="the same $CLUSTER_CLIENTS GETs again, **warm** (the package in every cache): members vs one instance"
  CL_OURS[cluster_warm]="$(fmt_num "${med[cluster.warm]}") MiB/s aggregate (wall ${med[cluster.warmwall]} s)"
  CL_REF[cluster_warm]="$(fmt_num "${med[single.warm]}") MiB/s (wall ${med[single.warmwall]} s)"
  CL_RATIO[cluster_warm]=$(ratio_of "${med[cluster.warm]}" "${med[single.warm]}")
  CL_TARGET[cluster_warm]="none set; store GETs during the warm runs: $(for ((r = 1; r <= CL_ROUNDS; r++)); do printf '%s ' "${CLV[cluster.warmgets.$r]}+${CLV[single.warmgets.$r]}"; done | sed 's/ $//') (members+instance)"
  CL_PEAK[cluster_warm]="—"

  local rc rs
  rc=$(ratio_of "${med[cluster.cold]}" "${med[cluster.warm]}"); rs=$(ratio_of "${med[single.cold]}" "${med[single.warm]}")
  CL_TITLE[cluster_follow]="**followers of the fill against a warm read**: cold / warm aggregate throughput, same clients"
  CL_OURS[cluster_follow]="$rc × warm (members)"
  CL_REF[cluster_follow]="$rs × warm (one instance)"
  CL_RATIO[cluster_follow]="—"
  CL_TARGET[cluster_follow]="followers ≥ 0.9 × a warm read: members $(verdict "$rc" 0.9), one instance $(verdict "$rs" 0.9)"
  CL_PEAK[cluster_follow]="—"

  local best_fs best_fs_cluster best_plain
  best_fs=$(printf '%s\n' "$fs" | tr ' ' '\n' | sort -n | head -1)
  best_fs_cluster=$(printf '%s\n' "$fs_cluster" | tr ' ' '\n' | sort -n | head -1)
  best_plain=$(printf '%s\n' "$plain" | tr ' ' '\n' | sort -n | head -1)
  read -r -a a <<< "$member"
  CL_TITLE[cluster_start]="start to first answered \`GET /packages\` of the same jar, **without** and **with config.cluster**: on the file system (an empty directory, as the start-up rows), and on S3 with the cache (the configuration of the rows above; $CLUSTER_N members started one after the other)"
  CL_OURS[cluster_start]="without: file system $best_fs ms, S3 $best_plain ms (best of $STARTS each); Hazelcast threads: $plain_hz"
  CL_REF[cluster_start]="with: file system, alone in its list, $best_fs_cluster ms (best of 3); S3, first member (the others not up) ${a[0]} ms, joining $(IFS=/; echo "${a[*]:1}") ms; Hazelcast threads: $member_hz"
  CL_RATIO[cluster_start]="$(ratio_of "$best_fs_cluster" "$best_fs") on the file system (lower is better)"
  CL_TARGET[cluster_start]="≤ 1000 ms without the cluster (file system): $( ((best_fs <= 1000)) && echo met || echo "**NOT met**"); with it: informative"
  CL_PEAK[cluster_start]="—"

  RAW[cluster_cold]="members: ${raw[cluster]%; }; instance: ${raw[single]%; }"
  RAW[cluster_start]="file system without (ms): $fs; with: $fs_cluster; S3 without: $plain; members: $member"
}
