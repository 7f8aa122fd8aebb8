# Start to the first answered GET /packages, polled every 10 ms, a fresh process per try: ours
# against nginx (a configuration of its own per try), best of STARTS (5) tries each, ms.
#   startup_empty  an empty package directory
#   startup        the main package directory (10,002 packages)
# Target (ARCHITECTURE.md): start to first answered request ≤ 1 s.

startup_scenario() {  # startup_scenario ID ROOT: ROOT/packages is the package directory
  local id=$1 root=$2 i port pid t0 t1 ms code d hwm=0
  local -a ours_ms=() nginx_ms=()
  log "start to first answered GET /packages on $root/packages ($(find "$root/packages" -maxdepth 1 -type f | wc -l) files): $STARTS starts each"
  for ((i = 1; i <= STARTS; i++)); do
    port=$(free_port)
    t0=$(now_us)
    # shellcheck disable=SC2086
    start_ours "start-$id-$i" "$port" "$root/packages" true ${BENCH_JAVA_OPTS:-}
    pid=$LAST_PID
    code=000
    while [[ $code != 200 ]]; do
      code=$(http_code "http://127.0.0.1:$port/packages")
      [[ $code == 200 ]] && break
      kill -0 "$pid" 2>/dev/null || die "our server exited: $(tail -5 "$WORK/logs/start-$id-$i.err")"
      (($(now_us) - t0 > 60000000)) && die "our server did not answer within 60 s"
      sleep 0.01
    done
    t1=$(now_us)
    ms=$(((t1 - t0) / 1000)); ours_ms+=("$ms")
    d=$(status_kb "$pid" VmHWM); ((d > hwm)) && hwm=$d
    stop_pid "$pid"

    port=$(free_port)
    d="$WORK/nginx-$id-$i"
    write_nginx_conf "$d" "$port" "$root"
    t0=$(now_us)
    start_nginx "$d"
    pid=$LAST_PID
    code=000
    while [[ $code != 200 ]]; do
      code=$(http_code "http://127.0.0.1:$port/packages/")
      [[ $code == 200 ]] && break
      kill -0 "$pid" 2>/dev/null || die "nginx exited: $(cat "$d/error.log")"
      (($(now_us) - t0 > 60000000)) && die "nginx did not answer within 60 s"
      sleep 0.01
    done
    t1=$(now_us)
    nginx_ms+=("$(((t1 - t0) / 1000))")
    stop_pid "$pid"
    log "  start $i: ours ${ms} ms, nginx ${nginx_ms[-1]} ms"
  done
  OURS[$id]=$(printf '%s\n' "${ours_ms[@]}" | sort -n | head -1)
  NGINX[$id]=$(printf '%s\n' "${nginx_ms[@]}" | sort -n | head -1)
  RAW[$id]="ours=${ours_ms[*]} nginx=${nginx_ms[*]} (ms)"
  PEAK[$id]=$hwm
  ROWS+=("$id")
}

startup_scenarios() {
  mkdir -p "$WORK/empty/packages"
  startup_scenario startup_empty "$WORK/empty"
  startup_scenario startup "$WORK"
}
