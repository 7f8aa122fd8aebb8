# S3 (S3Proxy, from the project's test classpath) and Swift (one node from Debian's packages,
# through src/test/swift/swift-node.sh), their objects on this disk, each through a server of
# ours with its cache off: the way through the store. nginx reads its local file, for scale only.
#   <store>_get_big, <store>_get_small, <store>_list  wrk, as get.sh and listing.sh
#   <store>_put                                       PUT 1 GiB (--quick 256 MiB), as put.sh
# then the store's cache rows (cache.sh) on the same store. <store> is s3 or swift; BENCH_S3=0 or
# BENCH_SWIFT=0 leaves a store out, BENCH_ONLY=s3 or swift runs only its rows.
# Sets S3_BASE, S3_HWM, SWIFT_HWM and REMOTE_BASE[<store>] for the report, SWIFT_NODE for cleanup.
# Target: none in the table. ARCHITECTURE.md's "PUT / cold GET of 1 GiB through us, S3 or Swift
# ≥ 0.9 × the store's own CLI" is not measured here: no row runs `aws s3 cp` or `swift`.

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
