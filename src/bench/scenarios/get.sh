# GET of a package on the file system, with wrk: ours against nginx (sendfile) serving the same
# directory, alternating, the median of the rounds.
#   get_big    the 100 MiB package, 16 connections, MiB/s
#   get_small  the 64 KiB package, 64 keep-alive connections, requests/s
#   get_range  `Range: bytes=1000-1999` of the 100 MiB package, 64 connections, requests/s
# Targets (ARCHITECTURE.md): GET 100 MB ≥ 0.95 × nginx throughput; GET 64 KB ≥ 1.0 × nginx
# requests/s; GET with a small Range ≥ 0.9 × nginx requests/s. The table judges the 64 KiB row
# against 0.8 × nginx and sets no target for the range row.

get_scenarios() {
  wrk_scenario get_big "GET $(human_size "$BIG_SIZE"), 16 connections" mibs 16 \
    "$OURS_URL/packages/$BIG" "$NGINX_URL/packages/$BIG"
  wrk_scenario get_small "GET $(human_size "$SMALL_SIZE"), 64 connections" rps 64 \
    "$OURS_URL/packages/$SMALL" "$NGINX_URL/packages/$SMALL"
  wrk_scenario get_range "GET Range bytes=1000-1999, 64 connections" rps 64 \
    "$OURS_URL/packages/$BIG" "$NGINX_URL/packages/$BIG" "Range: bytes=1000-1999"
}
