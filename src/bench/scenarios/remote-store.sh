# S3 (S3Proxy, from the project's test classpath) and Swift (one node from Debian's packages,
# through src/test/swift/swift-node.sh), their objects on this disk, each through a server of
# ours with its cache off: the way through the store. nginx reads its local file, for scale only.
#   <store>_get_big, <store>_get_small, <store>_list  wrk, as get.sh and listing.sh
#   <store>_put                                       PUT 1 GiB (--quick 256 MiB), as put.sh
#   <store>_put_cli, <store>_get_cli                  the same server of ours against the store's own
#       CLI (`aws s3 cp`, `swift upload` / `swift download`) on the same bucket or container: PUT of
#       that file, and a cold GET (cache off) of the package ours stored, alternated, MiB/s
#   s3_put_cli_sum                                    (S3 only) ours' PUT with the SHA-256 announced, in the same rounds
#                                                     (the three PUTs of a round in turn first)
# then the store's cache rows (cache.sh) on the same store. <store> is s3 or swift; BENCH_S3=0 or
# BENCH_SWIFT=0 leaves a store out, BENCH_ONLY=s3 or swift runs only its rows. The CLI rows are
# skipped, with a message, when `aws` (aws-cli 1.x) or `swift` (python-swiftclient) is not on PATH.
# Sets S3_BASE, S3_HWM, SWIFT_HWM and REMOTE_BASE[<store>] for the report, SWIFT_NODE for cleanup;
# for the CLI rows CLI_DESC[<id>] (what each side does), CLI_START[<store>] (the CLI's start-up, s)
# and CLI_NET[<id>] (the CLI's median without it).
# Target: none for the rows against nginx. The CLI rows check ARCHITECTURE.md's "PUT / cold GET of
# 1 GiB through us, S3 or Swift ≥ 0.9 × the store's own CLI" (--quick: PUT_SIZE, 256 MiB).

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
  if cli_setup s3 "http://127.0.0.1:$s3_port" "$key" "$secret" "$WORK/s3"; then cli_rows s3 "$S3_URL" "$S3_RSS"; fi
  S3_HWM=$(status_kb "$pid" VmHWM)
  stop_pid "$pid"
  cache_rows s3 "$cache_port"
  stop_pid "$s3_pid"
}

# The Swift backend, on a one-node Swift from Debian's packages started by the tests' script
# (src/test/swift/swift-node.sh), its objects on this disk. The same two servers of ours as for S3.
swift_scenarios() {
  local node_dir ours_port cache_port pid code auth_url user pass token storage_url f
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
  # Its tempauth login (account:user and key), for our servers and for the swift CLI alike.
  auth_url=$(sed -n 's/^SWIFT_AUTH_URL=//p' "$WORK/swift-node.out")
  user=$(sed -n 's/^SWIFT_USER=//p' "$WORK/swift-node.out"); pass=$(sed -n 's/^SWIFT_KEY=//p' "$WORK/swift-node.out")
  [[ $user == *:* && -n $pass ]] || die "Swift: no SWIFT_USER (account:user) and SWIFT_KEY from swift-node.sh: $(cat "$WORK/swift-node.out")"
  ours_port=$(free_port); cache_port=$(free_port)
  for f in swift swift-cache; do
    printf '%s\n' '{"SwiftRepository":{"access":{"auth_url":"'"$auth_url"'","account":"'"${user%%:*}"'","user":"'"${user#*:}"'","key":"'"$pass"'"},' \
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
  token=$(curl -s -D - -o /dev/null -H "X-Auth-User: $user" -H "X-Auth-Key: $pass" "$auth_url" \
    | tr -d '\r' | sed -n 's/^X-Auth-Token: //Ip')
  storage_url=$(curl -s -D - -o /dev/null -H "X-Auth-User: $user" -H "X-Auth-Key: $pass" "$auth_url" \
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
  if cli_setup swift "$auth_url" "$user" "$pass"; then cli_rows swift "$SWIFT_URL" "$SWIFT_RSS"; fi
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

# ---------------------------------------------------------------------------------------------
# The store's own CLI against ours (issue 19), on the store and the cache-off server of ours of the
# rows above: the AWS CLI (`aws`, aws-cli 1.x) on S3Proxy, the swift CLI (python-swiftclient) on Swift.
# One round: ours' PUT of $SRC/put.bin (curl -T, as <store>_put), then the CLI's upload of the same
# file under a name of its own; on S3, ours' PUT again with the SHA-256 announced; ours' GET of the
# package it stored, then the CLI's download of a twin ours stored just before (each side the first
# reader of its object); then every object deleted (ours' through ours, the CLI's with the CLI), so
# that rounds do not pile up. Each side is timed by the wall clock around its process, start included, and each
# PUT follows a `sync`, as in put.sh. Both GETs' bodies are piped to `wc -c`, the byte count each must
# match: the same sink for both (the CLI can only be counted that way). The CLI, in Python, takes
# a third to half a second to start here where curl takes milliseconds: its start-up (the median of
# three runs of a command that moves no package, before the rounds, which also warm it up) is
# printed beside its figure, with the CLI's figure less that time.

# What the CLI rows set for the report, per row id or per store (see the header); the CLI's command
# line and segment options.
declare -A CLI_DESC CLI_START CLI_NET CLI_NAME CLI_PROBE CLI_SHA
CLI_CMD=(); CLI_SEG=()

# cli_setup STORE ENDPOINT USER KEY [S3_DIR]: the CLI's command line (CLI_CMD) and what the rows say of
# it, for the S3Proxy at ENDPOINT (USER and KEY: its identity and credential; S3_DIR: its objects'
# directory) or Swift's tempauth URL ENDPOINT (USER: account:user). Returns 1, with a log line, when
# the CLI is not installed.
cli_setup() {
  local store=$1 endpoint=$2 user=$3 secret=$4 bin version hdr seg=5367660544 nseg
  CLI_STORE=$store; CLI_ERR="$WORK/logs/$store-cli.err"
  case $store in
    s3)
      if ! bin=$(command -v aws); then
        log "S3 rows against the AWS CLI skipped: no \`aws\` on PATH (aws-cli 1.x: pip install awscli)"; return 1
      fi
      # A pyenv shim starts bash and pyenv before Python: run the script it points to.
      if [[ $bin == */shims/* ]] && command -v pyenv > /dev/null; then bin=$(pyenv which aws 2> /dev/null || echo "$bin"); fi
      # Its own configuration in the work directory (never ~/.aws): path-style addressing (S3Proxy
      # answers no virtual host), and aws-cli 1.x's transfer defaults written out, so that the row says
      # what ran. Credentials, region and endpoint by environment and option.
      mkdir -p "$WORK/aws"
      printf '%s\n' '[default]' 'region = us-east-1' 's3 =' '    addressing_style = path' '    multipart_threshold = 8MB' \
        '    multipart_chunksize = 8MB' '    max_concurrent_requests = 10' > "$WORK/aws/config"
      : > "$WORK/aws/credentials"
      CLI_CMD=(env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_S3
        -u AWS_CA_BUNDLE -u AWS_REQUEST_CHECKSUM_CALCULATION -u AWS_RESPONSE_CHECKSUM_VALIDATION
        "AWS_CONFIG_FILE=$WORK/aws/config" "AWS_SHARED_CREDENTIALS_FILE=$WORK/aws/credentials"
        "AWS_ACCESS_KEY_ID=$user" "AWS_SECRET_ACCESS_KEY=$secret" AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
        "$bin" --endpoint-url "$endpoint")
      CLI_S3_DIR=$5
      version=$("${CLI_CMD[@]}" --version 2>&1 | cut -d' ' -f1)
      CLI_NAME[s3]="the AWS CLI"
      CLI_PROBE[s3]="\`aws s3 ls\` of an empty prefix"
      CLI_DESC[s3_put_cli]="ours: \`curl -T\`, the server sending it as a multipart upload in 8 MiB parts, four at once, straight onto the package's key, and writing the SHA-256 it computed into a 64-byte checksum object (the upload's metadata names it) just before completing the upload; the AWS CLI: \`aws s3 cp FILE s3://packages/bench/NAME\` ($version; multipart_threshold 8 MiB, multipart_chunksize 8 MiB, max_concurrent_requests 10, path-style; over http it signs each part's SHA-256 and sends its CRC32, botocore's defaults), a multipart upload straight onto the key"
      CLI_DESC[s3_put_cli_sum]="the same, ours' client announcing the file's SHA-256 (\`curl -T FILE -H 'X-Checksum-Sha256: …'\`, as the AWS CLI sends checksums of its own): the server puts the SHA-256 in the upload's metadata from the start and writes no checksum object; the AWS CLI's figures are those of the row above"
      CLI_DESC[s3_get_cli]="ours with its cache off: \`curl\` of the package it stored, streamed from the store; the AWS CLI: \`aws s3 cp s3://packages/bench/NAME -\` of a twin ours stored the same way, so that each side is the first reader of its object (HeadObject, then ranged GETs of 8 MiB, up to 10 at once, written in order); both bodies piped to \`wc -c\`"
      ;;
    swift)
      if ! bin=$(command -v swift); then
        log "Swift rows against the swift CLI skipped: no \`swift\` on PATH (apt-get install python3-swiftclient)"; return 1
      fi
      if [[ $bin == */shims/* ]] && command -v pyenv > /dev/null; then bin=$(pyenv which swift 2> /dev/null || echo "$bin"); fi
      # The login our Swift servers use (tempauth, v1), on the command line; nothing from OS_* or ST_*.
      CLI_CMD=(env -u OS_AUTH_URL -u OS_USERNAME -u OS_PASSWORD -u OS_AUTH_TOKEN -u OS_STORAGE_URL -u OS_PROJECT_NAME
        -u OS_TENANT_NAME -u OS_AUTH_VERSION -u ST_AUTH -u ST_USER -u ST_KEY -u ST_AUTH_VERSION
        "$bin" --auth-version 1 -A "$endpoint" -U "$user" -K "$secret")
      # Segments as our server makes them: of its segment_size (the default, 5 GiB - 1 MiB: the bench
      # does not set it), as a Static Large Object; none when the file is below it.
      CLI_SEG=()
      ((PUT_SIZE > seg)) && CLI_SEG=(--segment-size "$seg" --use-slo)
      hdr=$(curl -s -D - -o /dev/null --max-time 30 -H "X-Auth-User: $user" -H "X-Auth-Key: $secret" "$endpoint" | tr -d '\r') || true
      CLI_SWIFT_TOKEN=$(sed -n 's/^X-Auth-Token: //Ip' <<< "$hdr"); CLI_SWIFT_STORAGE=$(sed -n 's/^X-Storage-Url: //Ip' <<< "$hdr")
      version=$("${CLI_CMD[@]}" --version 2>&1 | head -1)
      CLI_NAME[swift]="the swift CLI"
      CLI_PROBE[swift]="\`swift stat packages\`, its login and a HEAD of the container"
      nseg=$(((PUT_SIZE + seg - 1) / seg))
      CLI_DESC[swift_put_cli]="ours: \`curl -T\`, the server streaming it into segments ($nseg here: its segment_size is 5 GiB − 1 MiB) and then writing the Static Large Object's manifest; the swift CLI: \`swift upload packages FILE --object-name bench/NAME\` ($version; "
      if ((${#CLI_SEG[@]})); then
        CLI_DESC[swift_put_cli]+="\`--segment-size $seg --use-slo\`: segments of the server's size, then a Static Large Object's manifest; 10 segment threads, its default"
      else
        CLI_DESC[swift_put_cli]+="no \`--segment-size\`, since the file is below the server's segment_size, which it would be: one PUT of the object"
      fi
      CLI_DESC[swift_put_cli]+=", after the container PUT and object HEAD it makes first; MD5 checked against the ETag; its defaults otherwise)"
      CLI_DESC[swift_get_cli]="ours with its cache off: \`curl\` of the package it stored (a Static Large Object), streamed from Swift; the swift CLI: \`swift download packages bench/NAME -o -\` of a twin ours stored the same way, so that each side is the first reader of its object (its login, then one GET read 64 KiB at a time; no MD5 check on a large object); both bodies piped to \`wc -c\`"
      ;;
  esac
  log "${CLI_NAME[$store]}: $version ($bin)"
}

cli_probe() {         # a run of the CLI that moves no package: its start-up
  case $CLI_STORE in
    s3) "${CLI_CMD[@]}" s3 ls "s3://packages/bench/cli-start-probe/" || true ;;
    swift) "${CLI_CMD[@]}" stat packages ;;
  esac
}
cli_put() {           # cli_put NAME: $SRC/put.bin to the object bench/NAME
  case $CLI_STORE in
    s3) "${CLI_CMD[@]}" s3 cp "$SRC/put.bin" "s3://packages/bench/$1" --no-progress --only-show-errors ;;
    swift) "${CLI_CMD[@]}" upload packages "$SRC/put.bin" --object-name "bench/$1" "${CLI_SEG[@]}" > /dev/null ;;
  esac
}
cli_get() {           # cli_get NAME: the object bench/NAME to stdout
  case $CLI_STORE in
    s3) "${CLI_CMD[@]}" s3 cp "s3://packages/bench/$1" - --no-progress --only-show-errors ;;
    swift) "${CLI_CMD[@]}" download packages "bench/$1" -o - ;;
  esac
}
cli_rm() {            # cli_rm NAME: delete the object bench/NAME
  case $CLI_STORE in
    s3) "${CLI_CMD[@]}" s3 rm "s3://packages/bench/$1" --only-show-errors ;;
    swift) "${CLI_CMD[@]}" delete packages "bench/$1" > /dev/null ;;
  esac
}
cli_size() {          # cli_size NAME: the size the store holds for bench/NAME, from the store itself; "none" if absent
  local hdr
  case $CLI_STORE in
    s3) stat -c %s "$CLI_S3_DIR/packages/bench/$1" 2> /dev/null || echo none ;;
    swift)
      hdr=$(curl -s -I --max-time 30 -H "X-Auth-Token: $CLI_SWIFT_TOKEN" "$CLI_SWIFT_STORAGE/packages/bench/$1" | tr -d '\r') || true
      if [[ $(head -1 <<< "$hdr") == HTTP/*' 200'* ]]; then sed -n 's/^content-length: //Ip' <<< "$hdr" | head -1; else echo none; fi ;;
  esac
}
cli_mibs() {          # cli_mibs BYTES T0_US T1_US [LESS_S]: MiB/s over T1 - T0 less LESS_S seconds ("" if nothing is left)
  awk -v b="$1" -v a="$2" -v z="$3" -v l="${4:-0}" 'BEGIN { s = (z - a) / 1e6 - l; if (s > 0) printf "%.1f", b / 1048576 / s }'
}
secs_between() { awk -v a="$1" -v z="$2" 'BEGIN { printf "%.2f", (z - a) / 1e6 }'; }

# cli_rows STORE URL RSS_FILE: the rows <store>_put_cli and <store>_get_cli, after cli_setup STORE, through
# ours on URL (cache off) whose RSS is sampled into RSS_FILE.
cli_rows() {
  local store=$1 url=$2 rss_file=$3 label cli r i t0 t1 code bytes got value net p sha start ours_name cli_name name
  local order side
  local put_peak=0 get_peak=0 put_raw="" get_raw="" put_bad=0 get_bad=0 sum_raw="" sum_bad=0 sum_name twin_name
  local -a put_o=() put_c=() put_n=() get_o=() get_c=() get_n=() starts=() sum_o=()
  label=$(store_label "$store"); cli=${CLI_NAME[$store]}
  log "$label against $cli: its start-up (3 runs of ${CLI_PROBE[$store]}), then $CLI_ROUNDS round(s) of PUT $(human_size "$PUT_SIZE") (each side first in turn) and GET"
  for i in 1 2 3; do
    t0=$(now_us); cli_probe > /dev/null 2>> "$CLI_ERR" || true; t1=$(now_us)
    starts+=("$(secs_between "$t0" "$t1")")
  done
  start=$(median "${starts[@]}")
  CLI_START[$store]=$start
  log "  the CLI's start-up: ${starts[*]} s (median $start s)"
  CLI_SHA[$store]=""
  for ((r = 1; r <= CLI_ROUNDS; r++)); do
    ours_name="bench-${store}cli-ours-1.0.$r.tar.gz"; cli_name="bench-${store}cli-cli-1.0.$r.tar.gz"
    sum_name="bench-${store}cli-sum-1.0.$r.tar.gz"; twin_name="bench-${store}cli-twin-1.0.$r.tar.gz"

    # PUT: ours and the CLI (on S3 also ours with the SHA-256 announced), each first in turn: the first upload of a
    # round follows the previous round's deletes, whose write-back can still slow the disk under the store, and a
    # later one follows the round's own uploads (S3Proxy assembles each multipart upload into one file, a second
    # write of every byte on this disk). On S3 the order rotates over the three sides.
    if [[ $store == s3 ]]; then
      case $((r % 3)) in 1) order="ours cli sum" ;; 2) order="cli sum ours" ;; *) order="sum ours cli" ;; esac
    elif ((r % 2)); then order="ours cli"; else order="cli ours"; fi
    for side in $order; do
      if [[ $side == sum ]]; then   # ours again, the client announcing the SHA-256: no checksum object
        sync
        t0=$(now_us); read -r code bytes _ <<< "$(put_once "$url" "$sum_name" "$SRC/put.bin" -H "X-Checksum-Sha256: $PUT_SHA")"; t1=$(now_us)
        value=$(cli_mibs "$PUT_SIZE" "$t0" "$t1")
        [[ $code == 200 && $bytes == "$PUT_SIZE" ]] || { sum_bad=$((sum_bad + 1)); log "  ours on $store: announced PUT answered $code after $bytes bytes"; }
        sum_o+=("$value"); sum_raw+="ours=$value "
        log "  round $r ours PUT, SHA-256 announced: $value MiB/s (HTTP $code, $(secs_between "$t0" "$t1") s)"
      elif [[ $side == ours ]]; then
        sync
        t0=$(now_us); read -r code bytes _ <<< "$(put_once "$url" "$ours_name" "$SRC/put.bin")"; t1=$(now_us)
        value=$(cli_mibs "$PUT_SIZE" "$t0" "$t1")
        if [[ $code != 200 || $bytes != "$PUT_SIZE" ]] || ! grep -q "\"sha256\":\"$PUT_SHA\"" "$OUT_DIR/put.resp"; then
          put_bad=$((put_bad + 1)); log "  ours on $store: PUT answered $code after $bytes bytes: $(cat "$OUT_DIR/put.resp")"
        fi
        put_o+=("$value"); p=$(peak_kb "$rss_file" "$t0" "$t1"); ((p > put_peak)) && put_peak=$p
        put_raw+="ours=$value "
        log "  round $r ours PUT: $value MiB/s (HTTP $code, $(secs_between "$t0" "$t1") s)"
      else
        sync
        t0=$(now_us); if cli_put "$cli_name" 2>> "$CLI_ERR"; then code=0; else code=$?; fi; t1=$(now_us)
        value=$(cli_mibs "$PUT_SIZE" "$t0" "$t1"); net=$(cli_mibs "$PUT_SIZE" "$t0" "$t1" "$start")
        bytes=$(cli_size "$cli_name")
        if [[ $code != 0 || $bytes != "$PUT_SIZE" ]]; then
          put_bad=$((put_bad + 1)); log "  $cli's upload exited $code, the store holds $bytes bytes: $(tail -3 "$CLI_ERR")"
        fi
        put_c+=("$value"); [[ -n $net ]] && put_n+=("$net")
        put_raw+="cli=$value (less its start-up ${net:-—}) "
        log "  round $r $cli PUT: $value MiB/s, ${net:-—} MiB/s less its start-up (exit $code, $(secs_between "$t0" "$t1") s)"
      fi
    done
    if [[ $store == s3 ]]; then
      code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 120 -X DELETE "$url/packages/$sum_name" 2>> "$WORK/logs/curl.err") || true
      [[ $code == 200 || $code == 204 ]] || { sum_bad=$((sum_bad + 1)); log "  ours on $store: DELETE $sum_name answered $code"; }
    fi

    # GET of a package ours stored: ours, then the CLI, each the first reader of its object. The first read
    # of an object just written is slower, whoever reads it (Swift: 208-254 MiB/s, then 294-312 for the
    # second reader, CLI or ours): the CLI reads a twin that ours stored the same way (not measured).
    read -r code bytes _ <<< "$(put_once "$url" "$twin_name" "$SRC/put.bin")"
    [[ $code == 200 && $bytes == "$PUT_SIZE" ]] || { get_bad=$((get_bad + 1)); log "  ours on $store: PUT of the twin answered $code after $bytes bytes"; }
    sync
    rm -f "$OUT_DIR/cli-get.hdr"
    t0=$(now_us)
    got=$(curl -sS --max-time "$CURL_MAX" "${STALL[@]}" -D "$OUT_DIR/cli-get.hdr" "$url/packages/$ours_name" 2>> "$WORK/logs/curl.err" | wc -c) || true
    t1=$(now_us)
    code=$(sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p' "$OUT_DIR/cli-get.hdr" 2> /dev/null) || true
    value=$(cli_mibs "$PUT_SIZE" "$t0" "$t1")
    if [[ $code != 200 || $got != "$PUT_SIZE" ]]; then
      get_bad=$((get_bad + 1)); log "  ours on $store: GET answered ${code:-nothing} with $got bytes"
    fi
    get_o+=("$value"); p=$(peak_kb "$rss_file" "$t0" "$t1"); ((p > get_peak)) && get_peak=$p
    get_raw+="ours=$value "
    log "  round $r ours GET: $value MiB/s (HTTP $code, $got bytes, $(secs_between "$t0" "$t1") s)"
    t0=$(now_us)
    if got=$(cli_get "$twin_name" 2>> "$CLI_ERR" | wc -c); then code=0; else code=$?; fi
    t1=$(now_us)
    value=$(cli_mibs "$PUT_SIZE" "$t0" "$t1"); net=$(cli_mibs "$PUT_SIZE" "$t0" "$t1" "$start")
    if [[ $code != 0 || $got != "$PUT_SIZE" ]]; then
      get_bad=$((get_bad + 1)); log "  $cli's download exited $code after $got bytes: $(tail -3 "$CLI_ERR")"
    fi
    get_c+=("$value"); [[ -n $net ]] && get_n+=("$net")
    get_raw+="cli=$value (less its start-up ${net:-—}) "
    log "  round $r $cli GET: $value MiB/s, ${net:-—} MiB/s less its start-up (exit $code, $got bytes, $(secs_between "$t0" "$t1") s)"
    if ((r == 1)); then   # once per row, unmeasured: ours served the file's very bytes
      sha=$(curl -sS --max-time "$CURL_MAX" "${STALL[@]}" "$url/packages/$ours_name" 2>> "$WORK/logs/curl.err" | sha256sum | cut -d' ' -f1) || true
      if [[ $sha == "$PUT_SHA" ]]; then
        CLI_SHA[$store]="the SHA-256 of ours' body is the file's"
      else
        CLI_SHA[$store]="**the SHA-256 of ours' body is not the file's**"; get_bad=$((get_bad + 1))
        log "  ours on $store: GET $ours_name: SHA-256 $sha, the file's is $PUT_SHA"
      fi
    fi

    # Both objects deleted: ours' through ours, the CLI's with the CLI (not measured)
    for name in "$ours_name" "$twin_name"; do
      code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 120 -X DELETE "$url/packages/$name" 2>> "$WORK/logs/curl.err") || true
      [[ $code == 200 || $code == 204 ]] || { put_bad=$((put_bad + 1)); log "  ours on $store: DELETE $name answered $code"; }
    done
    cli_rm "$cli_name" 2>> "$CLI_ERR" || true
    bytes=$(cli_size "$cli_name")
    [[ $bytes == none ]] || { put_bad=$((put_bad + 1)); log "  $cli did not delete bench/$cli_name (the store holds $bytes bytes)"; }
  done
  OURS[${store}_put_cli]=$(median "${put_o[@]}"); NGINX[${store}_put_cli]=$(median "${put_c[@]}")
  OURS[${store}_get_cli]=$(median "${get_o[@]}"); NGINX[${store}_get_cli]=$(median "${get_c[@]}")
  CLI_NET[${store}_put_cli]=""; CLI_NET[${store}_get_cli]=""
  ((${#put_n[@]})) && CLI_NET[${store}_put_cli]=$(median "${put_n[@]}")
  ((${#get_n[@]})) && CLI_NET[${store}_get_cli]=$(median "${get_n[@]}")
  RAW[${store}_put_cli]="$put_raw(MiB/s; the CLI's start-up ${starts[*]} s)"; RAW[${store}_get_cli]="$get_raw(MiB/s)"
  PEAK[${store}_put_cli]=$put_peak; PEAK[${store}_get_cli]=$get_peak
  ((put_bad > 0)) && NOTE[${store}_put_cli]="$put_bad failed checks (status, size, sha256 or deletion: see the log)"
  ((get_bad > 0)) && NOTE[${store}_get_cli]="$get_bad failed checks (status, byte count or sha256: see the log)"
  ROWS+=("${store}_put_cli")
  if ((${#sum_o[@]})); then
    OURS[${store}_put_cli_sum]=$(median "${sum_o[@]}"); NGINX[${store}_put_cli_sum]=${NGINX[${store}_put_cli]}
    CLI_NET[${store}_put_cli_sum]=${CLI_NET[${store}_put_cli]}; RAW[${store}_put_cli_sum]="$sum_raw(MiB/s; the CLI's: see ${store}_put_cli)"
    PEAK[${store}_put_cli_sum]=$put_peak
    ((sum_bad > 0)) && NOTE[${store}_put_cli_sum]="$sum_bad failed checks (status, size or deletion: see the log)"
    ROWS+=("${store}_put_cli_sum")
  fi
  ROWS+=("${store}_get_cli")
  return 0
}
