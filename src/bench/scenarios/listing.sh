# GET /packages over the 10,000 small packages (1,000 names × 10 versions) and the two of get.sh:
# ours against nginx's `autoindex_format json` of the same directory.
#   list       wrk, 4 connections, requests/s (ours answers mostly from its 1 s listing cache)
#   list_cold  one client, each listing right after a small PUT through the same server (the
#              package just uploaded must be listed), median ms
# Targets (ARCHITECTURE.md, issue 19): GET /packages over 10,000 packages ≥ 1 × nginx; GET /packages
# right after a PUT ≤ 1.0 × nginx autoindex time: a change made through the server updates its
# listing without listing the store again.

listing_scenarios() {
  wrk_scenario list "GET /packages over $((LIST_NAMES * LIST_VERSIONS)) packages, 4 connections" rps 4 \
    "$OURS_URL/packages" "$NGINX_URL/packages/"
  list_cold_scenario
}

# The listing right after a change: our server keeps its listing for up to 1 s (the wrk figure
# above measures mostly that) and applies each change made through it to what it keeps. Here each
# listing follows a small PUT through the same server, which must show in it; nginx's autoindex
# reads the directory each time. Sequential, one client; curl's time_total of the GET only.
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
