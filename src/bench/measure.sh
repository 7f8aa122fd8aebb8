# What the scenarios share, sourced by run.sh: medians, wrk runs (wrk-report.lua prints one BENCH
# line), the wrk row (wrk_scenario: a warm-up of each side, then rounds alternating ours and the
# other side, the median of each), one streamed upload, and the labels of the remote stores.
# A scenario records a row in OURS, NGINX, RAW, NOTE and PEAK under its id and appends the id to
# ROWS, which report.sh prints in that order.

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<< " $1"; }

run_wrk() {           # run_wrk SECONDS CONNECTIONS URL [HEADER] -> the BENCH line
  local secs=$1 conns=$2 url=$3 hdr=${4:-} out
  local args=(-t "$THREADS" -c "$conns" -d "${secs}s" --timeout 30s -s "$BENCH_DIR/wrk-report.lua")
  [[ -n $hdr ]] && args+=(-H "$hdr")
  out="$OUT_DIR/wrk.out"
  wrk "${args[@]}" "$url" > "$out" 2>&1 || true
  grep '^BENCH ' "$out" || { log "wrk failed: $(cat "$out")"; echo "BENCH requests=0 bytes=0 duration_us=1"; }
}

# wrk_scenario ID TITLE UNIT(mibs|rps) CONNECTIONS OURS_URL NGINX_URL [HEADER]
# The second side is nginx, or what WRK_REF names (the warm cache rows compare with ours on the file system); the
# first is ours, or what WRK_SUBJECT names in the log.
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
      if [[ $side == ours ]]; then url=$ours_url; name=${WRK_SUBJECT:-ours}; else url=$nginx_url; name=$WRK_REF; fi
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

put_once() {          # put_once BASE_URL NAME FILE [CURL_ARG...] -> "code bytes seconds" (response in $OUT_DIR/put.resp)
  curl -sS --max-time "$CURL_MAX" "${STALL[@]}" -o "$OUT_DIR/put.resp" -w '%{http_code} %{size_upload} %{time_total}' \
    "${@:4}" -T "$3" "$1/packages/$2" 2>> "$WORK/logs/curl.err" || echo "000 0 1"
}

remove_package() {    # remove_package NAME...: straight from the directory both servers serve
  local n
  for n in "$@"; do rm -f "$PKGS/$n"; done
}

store_label() {
  case $1 in
    s3) echo "S3 (S3Proxy)" ;;
    swift) echo "Swift (one node)" ;;
  esac
}
