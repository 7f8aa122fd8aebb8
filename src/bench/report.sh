# The report, sourced by run.sh: the Markdown table, one line per id in ROWS in that order (from
# OURS, NGINX, RAW, NOTE, PEAK and what each scenario family sets for it), printed and written to
# results/latest.md; and the count of what our servers logged at WARN and above.

fmt_num() { awk -v v="$1" 'BEGIN { if (v >= 100) printf "%.0f", v; else printf "%.1f", v }'; }
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
        get_big | get_small | get_small_logged | get_range | list | put_fsync | put_nofsync)
          case $id in
            get_big) title="GET $(human_size "$BIG_SIZE"), 16 connections (wrk)"; unit="MiB/s"; target="≥ 0.95 × nginx"; min=0.95 ;;
            get_small) title="GET $(human_size "$SMALL_SIZE"), 64 keep-alive connections (wrk)"; unit="req/s"; target="≥ 0.8 × nginx"; min=0.8 ;;
            get_small_logged) title="GET $(human_size "$SMALL_SIZE"), 64 keep-alive connections (wrk), **both logging every request** (ours \`log_level\` INFO, nginx \`access_log\` on; lines written: $LOGGED_LINES)"; unit="req/s"; target="≥ 1.0 × nginx"; min=1.0; baseline=$LOGGED_BASE ;;
            get_range) title="GET \`Range: bytes=1000-1999\` of $(human_size "$BIG_SIZE"), 64 connections (wrk)"; unit="req/s"; target="≥ 0.9 × nginx"; min=0.9 ;;
            list) title="GET /packages over $((LIST_NAMES * LIST_VERSIONS)) packages ($LIST_NAMES names × $LIST_VERSIONS versions; nginx: \`autoindex_format json\`), 4 connections (wrk)"; unit="req/s"; target="≥ 1 × nginx"; min=1 ;;
            put_fsync) title="PUT $(human_size "$PUT_SIZE") streamed (curl -T), ours **fsync on** (default)"; unit="MiB/s"; target="≥ 0.8 × nginx"; min=0.8 ;;
            put_nofsync) title="PUT $(human_size "$PUT_SIZE") streamed (curl -T), ours fsync off"; unit="MiB/s"; target="≥ 0.8 × nginx"; min=0.8; baseline=$NOFSYNC_BASE ;;
          esac
          ours=${OURS[$id]}; ng=${NGINX[$id]}; ratio=$(ratio_of "$ours" "$ng")
          if [[ -n $min ]]; then tcell="$target: $(verdict "$ratio" "$min")"; else tcell=$target; fi
          [[ $id == put_* ]] && tcell+=" (nginx never fsyncs)"
          [[ -n ${NOTE[$id]:-} ]] && tcell+=" ⚠ ${NOTE[$id]}"
          echo "| $title | $(fmt_num "$ours") $unit | $(fmt_num "$ng") $unit | $ratio | $tcell | $(peak_cell "${PEAK[$id]}" "$baseline") |" ;;
        get_range_floor)
          ratio=$(ratio_of "${OURS[$id]}" "${NGINX[$id]}")
          tcell="the 0.9 target is within reach of a server on Vert.x, here: $(awk -v r="$ratio" 'BEGIN { print (r + 0 >= 0.9) ? "yes" : "**no**" }'); ours = $(ratio_of "${OURS[get_range]:-0}" "${OURS[$id]}") × this floor"
          [[ -n ${NOTE[$id]:-} ]] && tcell+=" ⚠ ${NOTE[$id]}"
          echo "| the same Range GET through \`VertxFloor.java\`, the least a server on Vert.x does to answer it (the Vert.x of our jar, native transport: ${FLOOR_TRANSPORT:-?}, an HTTP server per core, the range read from a file opened once and sent with the headers in one write, as ours sends ranges of up to 16 KiB; no routing, checks, conditionals, headers beyond two, or log) | $(fmt_num "${OURS[$id]}") req/s (floor) | $(fmt_num "${NGINX[$id]}") req/s | $ratio | $tcell | — |" ;;
        put_floor | put_floor_nofsync | put_floor_bare)
          ratio=$(ratio_of "${OURS[$id]}" "${NGINX[$id]}")
          case $id in
            put_floor)
              title="PUT $(human_size "$PUT_SIZE") through \`PutFloor.java\`, the least a JVM server does to store an upload as ours must: plain Java (no framework, no event loop), three threads per upload (the socket, SHA-256, the file) round a ring of 1 MiB direct buffers, SHA-256 of every byte, fsync every 64 MiB beside the writes and at the end, as ours with fsync on; its CPU: ${PUT_FLOOR_CPU:-?} s per GiB"
              tcell="the 0.8 target is within reach of a JVM server that hashes and syncs, here: $(awk -v r="$ratio" 'BEGIN { print (r + 0 >= 0.8) ? "yes" : "**no**" }'); ours (fsync on) = $(ratio_of "${OURS[put_fsync]:-0}" "${OURS[$id]}") × this floor" ;;
            put_floor_nofsync)
              title="the same floor without the fsync (as nginx): what syncing costs here"
              tcell="none set; ours (fsync off) = $(ratio_of "${OURS[put_nofsync]:-0}" "${OURS[$id]}") × this floor" ;;
            put_floor_bare)
              title="the same floor without the fsync and without SHA-256 (receiving and writing alone): what the hash costs here"
              tcell="none set" ;;
          esac
          [[ -n ${NOTE[put_fsync]:-} && $id == put_floor ]] && tcell+=" ⚠ ${NOTE[put_fsync]}"
          echo "| $title | $(fmt_num "${OURS[$id]}") MiB/s (floor) | $(fmt_num "${NGINX[$id]}") MiB/s | $ratio | $tcell | — |" ;;
        put_limit)
          ratio=$(ratio_of "${OURS[$id]}" "${NGINX[$id]}")
          tcell="the 0.8 target is within reach of a server that hashes, here: $(awk -v r="$ratio" 'BEGIN { print (r + 0 >= 0.8) ? "yes" : "**no**" }')"
          echo "| PUT $(human_size "$PUT_SIZE"): the most a server that hashes every byte it stores (SHA-256, as ours must) could do on these $CORES cores: $CORES ÷ (nginx's CPU + the hash's + curl's, per GiB), at most the hash alone on one core. CPU per GiB in the rounds above: $PUT_CPU | $(fmt_num "${OURS[$id]}") MiB/s (bound) | $(fmt_num "${NGINX[$id]}") MiB/s | $ratio | $tcell | — |" ;;
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
        heap_floor)
          local fl_ok="all complete"
          ((FL_RT_EXACT == 1 && FL_HG_OK == CONC && FL_HP_OK == CONC)) || fl_ok="**not all complete** (round trip exact: $FL_RT_EXACT, GETs $FL_HG_OK/$CONC, PUTs $FL_HP_OK/$CONC)"
          echo "| the same three through \`VertxUploadFloor.java\` started apart with \`-Xmx64m\`: the least memory a server on Vert.x needs for them (the Vert.x of our jar, epoll, 64 KiB chunks, as many uploads at once as ours and the others' sockets not read, as ours; SHA-256, a temporary file forced, closed and renamed; no event bus, no worker thread, no routing, checks, listing, log or metrics) | RSS growth **$(mib "$FL_RT_GROWTH") / $(mib "$FL_HG_GROWTH") / $(mib "$FL_HP_GROWTH") MiB** (round trip / GETs / PUTs); $fl_ok; PUTs $FL_HP_MIBS MiB/s aggregate | ours: $(mib "$RT_GROWTH") / $(mib "$HG_GROWTH") / $(mib "$HP_GROWTH") MiB | — | none set: what ours adds to the floor is ours to cut | $(mib "$FL_HP_PEAK") MiB (start-up $(mib "$FL_RT_BASE") MiB) |" ;;
        heap_put_32)
          local broken32=""
          [[ $H32_OOM != 0 ]] && broken32+="; **OutOfMemoryError** in the server's log"
          [[ $H32_ALIVE != 200 ]] && broken32+="; afterwards \`GET /packages\` got $H32_ALIVE (server wedged)"
          echo "| the same $CONC PUTs through ours started apart with \`-Xmx32m\` (fsync on): how much of the rows above is the heap the JVM is given, which it fills before it collects | RSS growth **$(mib "$H32_GROWTH") MiB**; $H32_OK/$CONC answered 200; $H32_MIBS MiB/s aggregate (${H32_SECS} s)$broken32 | — | — | none set; all 200: $( ((H32_OK == CONC)) && echo met || echo "**NOT met**") | $(mib "$H32_PEAK") MiB (start-up $(mib "$H32_BASE") MiB) |" ;;
        s3_get_big | s3_get_small | s3_list | s3_put | swift_get_big | swift_get_small | swift_list | swift_put)
          local store=${id%%_*} label how
          label=$(store_label "$store")
          if [[ $store == s3 ]]; then how="multipart onto its key, its SHA-256 in a checksum object"; else how="segments of a Static Large Object, then its manifest"; fi
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
        s3_put_cli | s3_put_cli_sum | s3_get_cli | swift_put_cli | swift_get_cli)
          local store=${id%%_*} label cli net
          label=$(store_label "$store"); cli=${CLI_NAME[$store]}
          case $id in
            *_put_cli) title="$label: PUT $(human_size "$PUT_SIZE"), ours **vs $cli**, alternated; ${CLI_DESC[$id]}" ;;
            *_put_cli_sum) title="$label: PUT $(human_size "$PUT_SIZE"), ours **with the SHA-256 announced vs $cli**; ${CLI_DESC[$id]}" ;;
            *_get_cli) title="$label: cold GET of the $(human_size "$PUT_SIZE") package ours stored, ours **vs $cli**, alternated; ${CLI_DESC[$id]}" ;;
          esac
          ours=${OURS[$id]}; ng=${NGINX[$id]}; ratio=$(ratio_of "$ours" "$ng"); net=${CLI_NET[$id]}
          tcell="≥ 0.9 × $cli: $(verdict "$ratio" 0.9); $cli's figure includes its start-up, ${CLI_START[$store]} s (median of 3 runs of ${CLI_PROBE[$store]}): without it "
          if [[ -n $net ]]; then
            tcell+="$(fmt_num "$net") MiB/s, ratio $(ratio_of "$ours" "$net")"
            [[ $(verdict "$(ratio_of "$ours" "$net")" 0.9) == met ]] || tcell+=" (**below 0.9**)"
          else
            tcell+="—"
          fi
          [[ $id == *_get_cli ]] && tcell+="; ${CLI_SHA[$store]}"
          [[ -n ${NOTE[$id]:-} ]] && tcell+=" ⚠ ${NOTE[$id]}"
          echo "| $title | $(fmt_num "$ours") MiB/s | $(fmt_num "$ng") MiB/s ($cli) | $ratio | $tcell | $(peak_cell "${PEAK[$id]}" "${REMOTE_BASE[$store]}") |" ;;
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
          tcell="≤ 1.0 × nginx's time: $(awk -v r="$ratio" 'BEGIN { print (r + 0 <= 1.0) ? "met" : "**NOT met**" }')"
          [[ -n ${NOTE[$id]:-} ]] && tcell+=" ⚠ ${NOTE[$id]}"
          echo "| GET /packages right after a PUT through the same server (ours applies its own change to the listing it holds; nginx's autoindex reads the directory), 1 client, median latency | $(fmt_num "${OURS[$id]}") ms | $(fmt_num "${NGINX[$id]}") ms | $ratio (lower is better) | $tcell | $(peak_cell "${PEAK[$id]}" "$MAIN_BASE") |" ;;
        cluster_*)
          echo "| ${CL_TITLE[$id]} | ${CL_OURS[$id]} | ${CL_REF[$id]} | ${CL_RATIO[$id]} | ${CL_TARGET[$id]} | ${CL_PEAK[$id]} |" ;;
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
    [[ -n ${CL_HWM:-} ]] && whole+=("cluster rows' servers peak (VmHWM) ${CL_HWM%, }")
    echo "the memory target is measured by the \`-Xmx64m\` rows. Whole run: $(printf '%s; ' "${whole[@]}" | sed 's/; $//')."
    echo "The S3 and Swift rows marked **cache on** are a second server of ours on the same store with its read-through cache on; their second"
    echo "column is ours on the file system (the main server, same files), the reference ARCHITECTURE.md names for them, not nginx."
    if [[ " ${ROWS[*]} " == *_cli\ * ]]; then
      echo "The S3 and Swift rows marked **vs the AWS CLI** or **vs the swift CLI** have the store's own CLI in the second column, on the same"
      echo "bucket or container as ours with its cache off; each side is timed by the wall clock around its process, the CLI's start-up included."
    fi
    if [[ -n ${CL_TITLE[cluster_cold]:-} ]]; then
      echo "The cluster rows compare $CLUSTER_N members of ours (config.cluster) with one instance of ours (the same configuration without it)"
      echo "on the same S3Proxy, each with its cache on: their second column is that instance, not nginx; their peak RSS is each server's"
      echo "over all the cluster rounds. The members and the instance log at INFO (one line per request), so that membership shows in their logs."
    fi
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

log_summary() {       # what our servers logged (WARN and above), timestamps cut off, counted per distinct line
  local f
  for f in ours nofsync roundtrip s3 s3-cache swift swift-cache cluster-m1 cluster-m2 cluster-m3 cluster-instance; do
    [[ -s $WORK/logs/$f.err ]] || continue
    # the cluster rows' servers log at INFO: only their WARNING and SEVERE records (and what follows them)
    # count, up to their shutdown
    if [[ $f == cluster-* ]]; then
      head -n "${CL_LOG_LINES[$f]:-1000000000}" "$WORK/logs/$f.err" \
        | awk '/^[0-9][0-9T:.-]+Z [A-Z]+ / { keep = ($2 == "WARNING" || $2 == "SEVERE") } keep'
    else
      cat "$WORK/logs/$f.err"
    fi | sed -E 's/^[0-9T:.-]+Z //; s/in thread "[^"]*"/in thread "…"/; /^[[:space:]]*$/d' \
      | sort | uniq -c | sort -rn | head -15 | sed "s/^/[$f] /"
  done > "$OUT_DIR/server-log-summary"
  if [[ -s $OUT_DIR/server-log-summary ]]; then
    log "our servers logged (WARN and above):"
    cat "$OUT_DIR/server-log-summary" >&2
  fi
}
