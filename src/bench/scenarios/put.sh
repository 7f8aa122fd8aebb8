# PUT of one package streamed with `curl -T` (1 GiB; --quick 256 MiB), MiB/s, `sync` before each:
# ours with fsync on (the default), nginx (WebDAV, which never fsyncs) and ours with fsync off (the
# server main starts on NOFSYNC_URL for this and concurrent-uploads.sh), alternating, after two
# unmeasured uploads to each.
#   put_fsync, put_nofsync
# Target (ARCHITECTURE.md): PUT 1 GB, streamed ≥ 0.8 × nginx WebDAV throughput.

# Each upload starts with no dirty pages left by the previous one (sync), so that the write-back
# of one server's upload is never charged to the other.
put_scenario() {
  local r variant base code bytes secs value name t0 t1 p
  local -a v_fs=() v_nofs=() v_ng=()
  local raw="" bad=0 peak_fs=0 peak_nofs=0
  log "PUT $(human_size "$PUT_SIZE") streamed: $ROUNDS round(s) of ours (fsync on), nginx, ours (fsync off)"
  # Warm-up, not measured: the JIT compiles a JVM server's upload path fully (C2) only after some ten
  # thousand chunks, about 1 GiB; before that a 1 GiB upload ran at half speed. Same warm-up for nginx.
  for base in "$OURS_URL" "$NGINX_URL" "$NOFSYNC_URL"; do
    for r in 1 2; do
      put_once "$base" "warmup-$r-1.0.0.tar.gz" "$SRC/put.bin" > /dev/null
      rm -f "$PKGS"/warmup-*
    done
  done
  for ((r = 1; r <= ROUNDS; r++)); do
    for variant in fsync nginx nofsync; do
      case $variant in
        fsync) base=$OURS_URL ;;
        nginx) base=$NGINX_URL ;;
        nofsync) base=$NOFSYNC_URL ;;
      esac
      name="bench-put-$variant-1.0.$r.tar.gz"
      sync
      t0=$(now_us)
      read -r code bytes secs <<< "$(put_once "$base" "$name" "$SRC/put.bin")"
      t1=$(now_us)
      value=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / 1048576 / s }')
      if [[ $variant == nginx ]]; then
        [[ $code == 201 || $code == 204 ]] || { bad=$((bad + 1)); log "  nginx PUT answered $code"; }
        [[ $(stat -c %s "$PKGS/$name" 2>/dev/null || echo 0) == "$PUT_SIZE" ]] || { bad=$((bad + 1)); log "  nginx stored a file of the wrong size"; }
        v_ng+=("$value")
      else
        [[ $code == 200 ]] || { bad=$((bad + 1)); log "  ours ($variant) PUT answered $code: $(cat "$OUT_DIR/put.resp")"; }
        grep -q "\"sha256\":\"$PUT_SHA\"" "$OUT_DIR/put.resp" || { bad=$((bad + 1)); log "  ours ($variant) reported another sha256: $(cat "$OUT_DIR/put.resp")"; }
        if [[ $variant == fsync ]]; then
          v_fs+=("$value"); p=$(peak_kb "$MAIN_RSS" "$t0" "$t1"); ((p > peak_fs)) && peak_fs=$p
        else
          v_nofs+=("$value"); p=$(peak_kb "$NOFSYNC_RSS" "$t0" "$t1"); ((p > peak_nofs)) && peak_nofs=$p
        fi
      fi
      raw+="$variant=$value "
      log "  round $r $variant: $value MiB/s (HTTP $code, ${secs}s)"
      remove_package "$name"
    done
  done
  sync
  OURS[put_fsync]=$(median "${v_fs[@]}"); OURS[put_nofsync]=$(median "${v_nofs[@]}")
  NGINX[put_fsync]=$(median "${v_ng[@]}"); NGINX[put_nofsync]=${NGINX[put_fsync]}
  RAW[put_fsync]="$raw(MiB/s)"; RAW[put_nofsync]="see put_fsync"
  PEAK[put_fsync]=$peak_fs; PEAK[put_nofsync]=$peak_nofs
  ((bad > 0)) && NOTE[put_fsync]="$bad failed checks (status, size or sha256)"
  ROWS+=(put_fsync put_nofsync)
  return 0
}
