# The memory target, on a server of ours started apart with -Xmx64m (no nginx side), its RSS
# sampled every 100 ms and compared with the RSS right after its start-up:
#   roundtrip  a 4 GiB package (--quick 512 MiB) PUT chunked from the generator, then read back;
#              the SHA-256 sent, the one the server reports and the one read back must be equal
#   heap_get   200 concurrent GETs of the 100 MiB package; all must complete
#   heap_put   200 concurrent PUTs of 20 MiB (--quick 4 MiB); all 200, and the server still answers
#   heap_floor the same three through VertxUploadFloor.java started apart with -Xmx64m: the least memory a server
#              on Vert.x needs for them (no event bus, no worker thread, no routing, log or metrics), so that the
#              rows above read as what any server on Vert.x with this heap grows by, and what ours adds to it
#   heap_put_32  the same uploads through a server of ours started apart with -Xmx32m: the growth follows
#              the heap the JVM is given (it fills it before collecting), not what the uploads hold
# Sets RT_*, HG_*, HP_*, FL_* and H32_* for the report.
# Target (ARCHITECTURE.md): server memory while moving a 4 GB package, or 200 concurrent 100 MB
# transfers (uploads included): resident set grows ≤ 64 MB; works with -Xmx64m.

# The memory target, through a separately started server limited to -Xmx64m: a package bigger
# than the heap both ways, then 200 concurrent downloads and 200 concurrent uploads; then the same
# through VertxUploadFloor.java, and the uploads through ours with -Xmx32m.
smallheap_scenario() {
  local dir="$WORK/rt" port pid
  mkdir -p "$dir"
  ln "$PKGS/$BIG" "$dir/$BIG"            # the 100 MiB package, for the concurrent downloads
  port=$(free_port)
  # shellcheck disable=SC2086
  start_ours roundtrip "$port" "$dir" true -Xmx64m ${BENCH_JAVA_OPTS:-}
  pid=$LAST_PID
  heap_sequence "http://127.0.0.1:$port" "$pid" roundtrip "$dir" ""
  ROWS+=(roundtrip heap_get heap_put)
  RT_HWM=$(status_kb "$pid" VmHWM)
  stop_pid "$pid"
  rm -f "$dir"/heap-*

  # The same sequence through the least a server on Vert.x does for it: how much of the growth any server on Vert.x
  # with this heap has, and how much is ours. Compiled beforehand: the source launcher would load javac into it.
  mkdir -p "$WORK/floor-classes"
  if javac -nowarn -cp "$JAR" -d "$WORK/floor-classes" "$BENCH_DIR/VertxUploadFloor.java" 2>> "$WORK/logs/upload-floor.err"; then
    port=$(free_port)
    java -Xmx64m -cp "$JAR:$WORK/floor-classes" VertxUploadFloor "$dir" "$port" \
      > "$WORK/logs/upload-floor.out" 2>> "$WORK/logs/upload-floor.err" &
    pid=$!
    STARTED+=("$pid")
    heap_sequence "http://127.0.0.1:$port" "$pid" upload-floor "$dir" FL_
    ROWS+=(heap_floor)
    stop_pid "$pid"
    rm -f "$dir"/heap-* "$dir"/.incoming-*
  else
    log "VertxUploadFloor.java did not compile: see logs/upload-floor.err"
  fi

  # The same uploads through a server given half that heap: how far the growth follows the heap the JVM is given
  # (it fills its heap before collecting) rather than what the transfers hold.
  port=$(free_port)
  # shellcheck disable=SC2086
  start_ours heap32 "$port" "$dir" true -Xmx32m ${BENCH_JAVA_OPTS:-}
  pid=$LAST_PID
  wait_ready "http://127.0.0.1:$port/packages" "$pid" heap32
  sleep 1
  H32_BASE=$(status_kb "$pid" VmRSS)
  start_sampler "$pid" "$OUT_DIR/heap32.rss"
  concurrent_puts "http://127.0.0.1:$port" "$OUT_DIR/heap32.rss" "$H32_BASE" heap32 -Xmx32m
  H32_OK=$CP_OK; H32_PEAK=$CP_PEAK; H32_GROWTH=$CP_GROWTH; H32_MIBS=$CP_MIBS; H32_SECS=$CP_SECS
  H32_ALIVE=$CP_ALIVE; H32_OOM=$CP_OOM
  ROWS+=(heap_put_32)
  stop_pid "$pid"
  rm -rf "$dir"
  sync
}

# heap_sequence URL PID LOG_NAME DIR PREFIX: on a server just started with -Xmx64m, its RSS sampled every 100 ms
# from 1 s after it first answers: the round trip, the concurrent GETs of the 100 MiB package in DIR, the concurrent
# PUTs. Sets <PREFIX>RT_*, <PREFIX>HG_* and <PREFIX>HP_* (growth over the RSS after start-up, peaks, throughput).
heap_sequence() {
  local url=$1 pid=$2 name=$3 dir=$4 prefix=$5 rt_name="roundtrip-bench-1.0.0.tar.gz" base rss t0 t1 t2 code bytes secs
  local src_sha got_sha put_sha peak_put peak_get peak ok k
  local -A v=()
  log "round trip of $(human_size "$RT_SIZE") through $name (-Xmx64m)"
  src_sha=$(random_bytes "$RT_SIZE" 6 | sha256sum | cut -d' ' -f1)
  wait_ready "$url/packages" "$pid" "$name"
  sleep 1
  base=$(status_kb "$pid" VmRSS)
  rss="$OUT_DIR/$name.rss"
  start_sampler "$pid" "$rss"
  t0=$(now_us)
  read -r code bytes secs <<< "$(random_bytes "$RT_SIZE" 6 | curl -sS --max-time "$CURL_MAX" "${STALL[@]}" -o "$OUT_DIR/rt.resp" \
    -w '%{http_code} %{size_upload} %{time_total}' -T - "$url/packages/$rt_name" 2>> "$WORK/logs/curl.err" || echo "000 0 1")"
  t1=$(now_us)
  put_sha=$(sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p' "$OUT_DIR/rt.resp")
  got_sha=$(curl -sS --max-time "$CURL_MAX" "${STALL[@]}" "$url/packages/$rt_name" 2>> "$WORK/logs/curl.err" | sha256sum | cut -d' ' -f1)
  t2=$(now_us)
  sleep 0.3
  peak_put=$(peak_kb "$rss" "$t0" "$t1"); peak_get=$(peak_kb "$rss" "$t1" "$t2")
  peak=$((peak_put > peak_get ? peak_put : peak_get))
  v[RT_BASE]=$base; v[RT_PEAK]=$peak; v[RT_GROWTH]=$((peak - base)); v[RT_PEAK_PUT]=$peak_put; v[RT_PEAK_GET]=$peak_get
  v[RT_PUT_MIBS]=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.0f", b / 1048576 / s }')
  v[RT_GET_MIBS]=$(awk -v n="$RT_SIZE" -v a="$t1" -v b="$t2" 'BEGIN { printf "%.0f", n / 1048576 / ((b - a) / 1e6) }')
  v[RT_EXACT]=0
  if [[ $code == 200 && $src_sha == "$got_sha" && $src_sha == "$put_sha" ]]; then v[RT_EXACT]=1; fi
  log "  PUT HTTP $code, ${v[RT_PUT_MIBS]} MiB/s; GET ${v[RT_GET_MIBS]} MiB/s; sha256 sent $src_sha, stored $put_sha, read back $got_sha"
  log "  RSS after start-up $(mib "$base") MiB, peak $(mib "$peak") MiB during PUT $(mib "$peak_put") / GET $(mib "$peak_get"), growth $(mib "${v[RT_GROWTH]}") MiB"
  rm -f "$dir/$rt_name"
  sync

  log "  $CONC concurrent GETs of $(human_size "$BIG_SIZE") through $name"
  t0=$(now_us)
  seq 1 "$CONC" | xargs -P "$CONC" -I{} curl -sS --max-time "$CURL_MAX" "${STALL[@]}" -o /dev/null -w '%{http_code} %{size_download}\n' \
    "$url/packages/$BIG" > "$OUT_DIR/heapget.codes" 2>> "$WORK/logs/curl.err" &
  STARTED+=("$!")
  wait "$!" || true
  t1=$(now_us)
  sleep 0.3
  ok=$(grep -c "^200 $BIG_SIZE\$" "$OUT_DIR/heapget.codes" || true)
  v[HG_OK]=$ok; v[HG_PEAK]=$(peak_kb "$rss" "$t0" "$t1"); v[HG_GROWTH]=$((v[HG_PEAK] - base))
  v[HG_SECS]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
  v[HG_MIBS]=$(awk -v n="$ok" -v s="$BIG_SIZE" -v w="${v[HG_SECS]}" 'BEGIN { printf "%.0f", n * s / 1048576 / w }')
  log "    $ok/$CONC complete, ${v[HG_MIBS]} MiB/s aggregate in ${v[HG_SECS]}s, RSS peak $(mib "${v[HG_PEAK]}") MiB (+$(mib "${v[HG_GROWTH]}") MiB)"
  ((ok == CONC)) || log "    statuses: $(cut -d' ' -f1 "$OUT_DIR/heapget.codes" | sort | uniq -c | tr '\n' ' ')"

  concurrent_puts "$url" "$rss" "$base" "$name" -Xmx64m
  v[HP_OK]=$CP_OK; v[HP_PEAK]=$CP_PEAK; v[HP_GROWTH]=$CP_GROWTH; v[HP_SECS]=$CP_SECS; v[HP_MIBS]=$CP_MIBS
  v[HP_ALIVE]=$CP_ALIVE; v[HP_OOM]=$CP_OOM
  for k in "${!v[@]}"; do printf -v "$prefix$k" '%s' "${v[$k]}"; done
}

# concurrent_puts URL RSS_FILE BASE_KB LOG_NAME HEAP: $CONC concurrent PUTs of conc.bin through the server at URL, whose
# RSS RSS_FILE samples; sets CP_OK, CP_PEAK, CP_GROWTH (over BASE_KB), CP_SECS, CP_MIBS, CP_ALIVE (GET /packages
# afterwards) and CP_OOM (OutOfMemoryError lines in logs/LOG_NAME.err).
concurrent_puts() {
  local url=$1 rss=$2 base=$3 name=$4 heap=$5 t0 t1 ok
  log "  $CONC concurrent PUTs of $(human_size "$CONC_SIZE") through the $heap server"
  sync
  t0=$(now_us)
  seq 1 "$CONC" | xargs -P "$CONC" -I{} curl -sS --max-time "$CURL_MAX" "${STALL[@]}" -o /dev/null -w '%{http_code}\n' \
    -T "$SRC/conc.bin" "$url/packages/heap-{}-1.0.0.tar.gz" > "$OUT_DIR/heapput.codes" 2>> "$WORK/logs/curl.err" &
  STARTED+=("$!")
  wait "$!" || true
  t1=$(now_us)
  sleep 0.3
  ok=$(grep -c '^200$' "$OUT_DIR/heapput.codes" || true)
  CP_OK=$ok; CP_PEAK=$(peak_kb "$rss" "$t0" "$t1"); CP_GROWTH=$((CP_PEAK - base))
  CP_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
  CP_MIBS=$(awk -v n="$ok" -v s="$CONC_SIZE" -v w="$CP_SECS" 'BEGIN { printf "%.0f", n * s / 1048576 / w }')
  log "    $ok/$CONC answered 200, $CP_MIBS MiB/s aggregate in ${CP_SECS}s, RSS peak $(mib "$CP_PEAK") MiB (+$(mib "$CP_GROWTH") MiB)"
  ((ok == CONC)) || log "    statuses: $(sort "$OUT_DIR/heapput.codes" | uniq -c | tr '\n' ' ')"
  CP_ALIVE=$(http_code "$url/packages" 10)
  CP_OOM=$(grep -c OutOfMemoryError "$WORK/logs/$name.err" || true)
  if [[ $CP_ALIVE != 200 || $CP_OOM != 0 ]]; then
    log "    after the uploads the server answers GET /packages with $CP_ALIVE; OutOfMemoryError in its log: $CP_OOM line(s)"
  fi
}
