# PUT of one package streamed with `curl -T` (1 GiB; --quick 256 MiB), MiB/s, `sync` before each:
# ours with fsync on (the default), nginx (WebDAV, which never fsyncs) and ours with fsync off (the
# server main starts on NOFSYNC_URL for this and concurrent-uploads.sh), alternating, after two
# unmeasured uploads to each.
#   put_fsync, put_nofsync
# Target (ARCHITECTURE.md): PUT 1 GB, streamed ≥ 0.8 × nginx WebDAV throughput.
#   put_floor, put_floor_nofsync, put_floor_bare   the same uploads, in the same rounds, to PutFloor.java: the least a
#       JVM server does to store an upload as ours must (SHA-256 of every byte, fsync every 64 MiB beside the writes
#       and at the end), then without the fsync, then without the hash either: what each costs here, and whether
#       the 0.8 target is within reach of a JVM server that hashes and syncs.
#   put_limit   the CPU each side used per GiB in those rounds (ours, nginx with its workers, curl),
#       the JDK's SHA-256 on one core (Sha256Speed.java), and from them the most a server that
#       hashes every byte it stores (as ours must) could do on these cores: the cores divided by
#       nginx's CPU plus the hash's plus curl's, per GiB, and never more than the hash alone. That
#       counts none of the copies a JVM server adds, so it is an upper bound, not an estimate.

# Each upload starts with no dirty pages left by the previous one (sync), so that the write-back
# of one server's upload is never charged to the other.
put_scenario() {
  local r variant base code bytes secs value name t0 t1 p
  local -a v_fs=() v_nofs=() v_ng=() cpu_fs=() cpu_nofs=() cpu_ng=() curl_ours=() curl_ng=()
  local pids server_ticks curl_ticks server_cpu curl_cpu gib
  gib=$(awk -v b="$PUT_SIZE" 'BEGIN { print b / 1073741824 }')
  local raw="" bad=0 peak_fs=0 peak_nofs=0 floor
  local -a floor_args=()
  local -a v_floor=() v_floor_nofs=() v_floor_bare=() cpu_floor=() floor_pids=()
  local -A floor_url=() floor_pid=()
  for floor in floor floor_nofsync floor_bare; do
    p=$(free_port)
    mkdir -p "$WORK/put-$floor"
    case $floor in
      floor) floor_args=() ;;
      floor_nofsync) floor_args=(nofsync) ;;
      floor_bare) floor_args=(nohash nofsync) ;;
    esac
    # Started straight from this shell, so that $! is the JVM whose CPU the rounds read.
    java "$BENCH_DIR/PutFloor.java" "$WORK/put-$floor" "$p" "${floor_args[@]}" \
      > "$WORK/logs/put-$floor.out" 2> "$WORK/logs/put-$floor.err" &
    floor_pid[$floor]=$!; floor_url[$floor]="http://127.0.0.1:$p"; floor_pids+=("$!"); STARTED+=("$!")
  done
  for floor in floor floor_nofsync floor_bare; do
    wait_ready "${floor_url[$floor]}/packages" "${floor_pid[$floor]}" "put-$floor"
  done
  log "PUT $(human_size "$PUT_SIZE") streamed: $ROUNDS round(s) of ours (fsync on), nginx, ours (fsync off), PutFloor.java (fsync on, off, off without SHA-256)"
  # Warm-up, not measured: the JIT compiles a JVM server's upload path fully (C2) only after some ten
  # thousand chunks, about 1 GiB; before that a 1 GiB upload ran at half speed. Same warm-up for nginx.
  for base in "$OURS_URL" "$NGINX_URL" "$NOFSYNC_URL" "${floor_url[floor]}" "${floor_url[floor_nofsync]}" "${floor_url[floor_bare]}"; do
    for r in 1 2; do
      put_once "$base" "warmup-$r-1.0.0.tar.gz" "$SRC/put.bin" > /dev/null
      rm -f "$PKGS"/warmup-* "$WORK"/put-floor*/warmup-*
    done
  done
  for ((r = 1; r <= ROUNDS; r++)); do
    for variant in fsync nginx nofsync floor floor_nofsync floor_bare; do
      case $variant in
        fsync) base=$OURS_URL; pids=$MAIN_PID ;;
        nginx) base=$NGINX_URL; pids="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" ;;
        nofsync) base=$NOFSYNC_URL; pids=$NOFSYNC_PID ;;
        floor*) base=${floor_url[$variant]}; pids=${floor_pid[$variant]} ;;
      esac
      name="bench-put-$variant-1.0.$r.tar.gz"
      sync
      # shellcheck disable=SC2086
      server_ticks=$(cpu_ticks $pids); curl_ticks=$(child_ticks)
      t0=$(now_us)
      read -r code bytes secs <<< "$(put_once "$base" "$name" "$SRC/put.bin")"
      t1=$(now_us)
      # shellcheck disable=SC2086
      server_cpu=$(per_gib $(($(cpu_ticks $pids) - server_ticks)) "$gib")
      curl_cpu=$(per_gib $(($(child_ticks) - curl_ticks)) "$gib")
      value=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / 1048576 / s }')
      if [[ $variant == floor* ]]; then
        [[ $code == 201 && $(stat -c %s "$WORK/put-$variant/$name" 2>/dev/null || echo 0) == "$PUT_SIZE" ]] ||
          { bad=$((bad + 1)); log "  PutFloor ($variant) answered $code or stored a file of the wrong size"; }
        [[ $variant == floor_bare ]] || grep -q "\"sha256\":\"$PUT_SHA\"" "$OUT_DIR/put.resp" ||
          { bad=$((bad + 1)); log "  PutFloor ($variant) reported another sha256: $(cat "$OUT_DIR/put.resp")"; }
        case $variant in
          floor) v_floor+=("$value"); cpu_floor+=("$server_cpu") ;;
          floor_nofsync) v_floor_nofs+=("$value") ;;
          floor_bare) v_floor_bare+=("$value") ;;
        esac
        rm -f "$WORK/put-$variant/$name"
      elif [[ $variant == nginx ]]; then
        [[ $code == 201 || $code == 204 ]] || { bad=$((bad + 1)); log "  nginx PUT answered $code"; }
        [[ $(stat -c %s "$PKGS/$name" 2>/dev/null || echo 0) == "$PUT_SIZE" ]] || { bad=$((bad + 1)); log "  nginx stored a file of the wrong size"; }
        v_ng+=("$value"); cpu_ng+=("$server_cpu"); curl_ng+=("$curl_cpu")
      else
        [[ $code == 200 ]] || { bad=$((bad + 1)); log "  ours ($variant) PUT answered $code: $(cat "$OUT_DIR/put.resp")"; }
        grep -q "\"sha256\":\"$PUT_SHA\"" "$OUT_DIR/put.resp" || { bad=$((bad + 1)); log "  ours ($variant) reported another sha256: $(cat "$OUT_DIR/put.resp")"; }
        curl_ours+=("$curl_cpu")
        if [[ $variant == fsync ]]; then
          v_fs+=("$value"); cpu_fs+=("$server_cpu"); p=$(peak_kb "$MAIN_RSS" "$t0" "$t1"); ((p > peak_fs)) && peak_fs=$p
        else
          v_nofs+=("$value"); cpu_nofs+=("$server_cpu"); p=$(peak_kb "$NOFSYNC_RSS" "$t0" "$t1"); ((p > peak_nofs)) && peak_nofs=$p
        fi
      fi
      raw+="$variant=$value "
      log "  round $r $variant: $value MiB/s (HTTP $code, ${secs}s)"
      remove_package "$name"
    done
  done
  sync
  for p in "${floor_pids[@]}"; do stop_pid "$p"; done
  OURS[put_floor]=$(median "${v_floor[@]}"); OURS[put_floor_nofsync]=$(median "${v_floor_nofs[@]}")
  OURS[put_floor_bare]=$(median "${v_floor_bare[@]}")
  PUT_FLOOR_CPU=$(median "${cpu_floor[@]}")
  for p in put_floor put_floor_nofsync put_floor_bare; do NGINX[$p]=$(median "${v_ng[@]}"); PEAK[$p]=0; done
  RAW[put_floor]="floor=$(IFS=/; echo "${v_floor[*]}") floor_nofsync=$(IFS=/; echo "${v_floor_nofs[*]}") floor_bare=$(IFS=/; echo "${v_floor_bare[*]}") (MiB/s, by round)"
  RAW[put_floor_nofsync]="see put_floor"; RAW[put_floor_bare]="see put_floor"
  OURS[put_fsync]=$(median "${v_fs[@]}"); OURS[put_nofsync]=$(median "${v_nofs[@]}")
  NGINX[put_fsync]=$(median "${v_ng[@]}"); NGINX[put_nofsync]=${NGINX[put_fsync]}
  RAW[put_fsync]="$raw(MiB/s)"; RAW[put_nofsync]="see put_fsync"
  PEAK[put_fsync]=$peak_fs; PEAK[put_nofsync]=$peak_nofs
  ((bad > 0)) && NOTE[put_fsync]="$bad failed checks (status, size or sha256)"
  put_limit "$(median "${cpu_fs[@]}")" "$(median "${cpu_nofs[@]}")" "$(median "${cpu_ng[@]}")" \
    "$(median "${curl_ours[@]}")" "$(median "${curl_ng[@]}")"
  ROWS+=(put_fsync put_nofsync put_floor put_floor_nofsync put_floor_bare put_limit)
  return 0
}

per_gib() {           # per_gib TICKS GIB -> CPU seconds per GiB
  awk -v t="$1" -v g="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz / g }'
}

# put_limit OURS_FSYNC OURS_NOFSYNC NGINX CURL_OURS CURL_NGINX (CPU seconds per GiB, medians)
put_limit() {
  local sha sha_cpu bound
  sha=$(java "$BENCH_DIR/Sha256Speed.java" 2>> "$WORK/logs/sha256speed.err") || sha=0
  sha_cpu=$(awk -v m="$sha" 'BEGIN { if (m > 0) printf "%.2f", 1024 / m; else print 0 }')
  bound=$(awk -v c="$CORES" -v n="$3" -v h="$sha_cpu" -v k="$5" -v m="$sha" \
    'BEGIN { b = c / (n + h + k) * 1024; if (b > m) b = m; printf "%.0f", b }')
  log "  CPU per GiB: ours $1 s (fsync on), $2 s (off); nginx $3 s; curl $4 s (to ours), $5 s (to nginx); SHA-256 alone $sha_cpu s ($sha MiB/s)"
  OURS[put_limit]=$bound; NGINX[put_limit]=${NGINX[put_fsync]}
  PUT_CPU="ours $1 s (fsync on), $2 s (fsync off); nginx $3 s (its workers); curl $4 s sending to ours, $5 s to nginx; SHA-256 alone $sha_cpu s (the JDK's, $sha MiB/s on one core)"
  RAW[put_limit]="cpu_ours_fsync=$1 cpu_ours_nofsync=$2 cpu_nginx=$3 cpu_curl_ours=$4 cpu_curl_nginx=$5 sha256_mibs=$sha"
  PEAK[put_limit]=0
}
