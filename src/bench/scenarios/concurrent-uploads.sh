# 200 concurrent PUTs of 20 MiB (--quick 4 MiB) with `xargs -P 200 curl -T`, aggregate MiB/s and
# wall time: ours with fsync on, nginx, ours with fsync off (as in put.sh), alternating; every
# upload must be answered 200 (nginx: 201 or 204).
#   conc_fsync, conc_nofsync; sets WALL_OURS_FS, WALL_OURS_NOFS, WALL_NG and CONC_BAD for the report
# Target: none in ARCHITECTURE.md (the table says "none set" and checks every upload was answered).

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
