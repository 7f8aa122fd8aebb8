# A store's second server of ours, with its cache on (issue 6), started from remote-store.sh on the
# same store (S3 or Swift):
#   <store>_warm_big, <store>_warm_small  GET 100 MiB (16 connections) and 64 KiB (64), wrk, the
#       packages in its cache, against ours on the file system (the main server, same files), not
#       nginx; /stats must show no byte read from the store
#   <store>_cold  200 concurrent GETs of a 100 MiB package just PUT, not in the cache, each body
#       compared with the original; /stats must show exactly one GET from the store; nginx's local
#       file to as many clients, for scale
# Sets CACHE_HWM, WARM_STORE, COLD_WALL, COLD_WALL_NG, COLD_CHECK, COLD_CLIENTS_BAD and
# REMOTE_BASE[<store>_cache] for the report.
# Target (ARCHITECTURE.md): 200 concurrent GETs of one package not yet cached, S3 or Swift backend:
# exactly 1 backend GET (the cold row); then ≥ 0.9 × file-system backend (the warm rows). Its
# "followers of the fill ≥ 0.9 × a warm read" is not judged by the table.

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
