# GET of a package on the file system, with wrk: ours against nginx (sendfile) serving the same
# directory, alternating, the median of the rounds.
#   get_big    the 100 MiB package, 16 connections, MiB/s
#   get_small  the 64 KiB package, 64 keep-alive connections, requests/s
#   get_range  `Range: bytes=1000-1999` of the 100 MiB package, 64 connections, requests/s (issue 19: ≥ 0.9 × nginx)
#   get_range_floor  the same against VertxFloor.java, the least a server on Vert.x does to answer it (the
#              Vert.x of our jar, epoll, a server per core, the range read from a file opened once and
#              sent with the headers in one write as ours does; no routing, checks, conditionals or log):
#              how far a server on Vert.x can go here
#   get_small_logged  the 64 KiB package as get_small, both servers logging every request: a second
#              server of ours at log_level INFO (its access log on, to a file) against a second nginx
#              with its access log on (to a file), as users run them
# Targets (ARCHITECTURE.md): GET 100 MB ≥ 0.95 × nginx throughput; GET 64 KB ≥ 1.0 × nginx
# requests/s; GET with a small Range ≥ 0.9 × nginx requests/s. The table judges the 64 KiB row
# against 0.8 × nginx, the range row against 0.9 × nginx, and the logged row against 1.0 × nginx
# logging too (issue 19).

get_scenarios() {
  wrk_scenario get_big "GET $(human_size "$BIG_SIZE"), 16 connections" mibs 16 \
    "$OURS_URL/packages/$BIG" "$NGINX_URL/packages/$BIG"
  wrk_scenario get_small "GET $(human_size "$SMALL_SIZE"), 64 connections" rps 64 \
    "$OURS_URL/packages/$SMALL" "$NGINX_URL/packages/$SMALL"
  wrk_scenario get_range "GET Range bytes=1000-1999, 64 connections" rps 64 \
    "$OURS_URL/packages/$BIG" "$NGINX_URL/packages/$BIG" "Range: bytes=1000-1999"
  get_range_floor_scenario
  get_logged_scenario
}

get_range_floor_scenario() {
  local port pid main_rss=$MAIN_RSS
  port=$(free_port)
  java -cp "$JAR" "$BENCH_DIR/VertxFloor.java" "$PKGS" "$port" > "$WORK/logs/floor.out" 2> "$WORK/logs/floor.err" &
  pid=$!
  STARTED+=("$pid")
  wait_ready "http://127.0.0.1:$port/packages/$SMALL" "$pid" floor
  MAIN_RSS=$OUT_DIR/floor.rss     # not sampled: the row has no RSS of ours
  : > "$MAIN_RSS"
  WRK_SUBJECT=floor wrk_scenario get_range_floor "GET Range bytes=1000-1999, 64 connections, the least server on Vert.x" rps 64 \
    "http://127.0.0.1:$port/packages/$BIG" "$NGINX_URL/packages/$BIG" "Range: bytes=1000-1999"
  MAIN_RSS=$main_rss
  PEAK[get_range_floor]=0
  FLOOR_TRANSPORT=$(sed -n 's/.*native transport: //p' "$WORK/logs/floor.out")
  stop_pid "$pid"
}

get_logged_scenario() {
  local port nport pid npid main_rss=$MAIN_RSS
  port=$(free_port); nport=$(free_port)
  # shellcheck disable=SC2086
  OURS_LOG_LEVEL=INFO start_ours logged "$port" "$PKGS" true ${BENCH_JAVA_OPTS:-}
  pid=$LAST_PID
  NGINX_ACCESS_LOG=1 write_nginx_conf "$WORK/nginx-logged" "$nport"
  start_nginx "$WORK/nginx-logged"
  npid=$LAST_PID
  wait_ready "http://127.0.0.1:$port/packages" "$pid" logged
  wait_ready "http://127.0.0.1:$nport/packages/" "$npid" nginx-logged
  LOGGED_BASE=$(status_kb "$pid" VmRSS)
  MAIN_RSS="$OUT_DIR/logged.rss"
  start_sampler "$pid" "$MAIN_RSS"
  wrk_scenario get_small_logged "GET $(human_size "$SMALL_SIZE"), 64 connections, both logging" rps 64 \
    "http://127.0.0.1:$port/packages/$SMALL" "http://127.0.0.1:$nport/packages/$SMALL"
  MAIN_RSS=$main_rss
  LOGGED_LINES="ours $(grep -c '"GET /packages/' "$WORK/logs/logged.err" 2>/dev/null || echo 0), nginx $(wc -l < "$WORK/nginx-logged/access.log" 2>/dev/null || echo 0)"
  stop_pid "$npid"
  stop_pid "$pid"
  rm -f "$WORK/nginx-logged/access.log"
}
