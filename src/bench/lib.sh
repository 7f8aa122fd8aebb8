# Shell helpers shared by the bench scripts (run.sh, reliability.sh); sourced, never run.
# The sourcing script sets WORK (its work directory, with a logs/ directory) before it starts servers.

log() { printf '[%s %s] %s\n' "${LOG_TAG:-bench}" "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_us() { echo "${EPOCHREALTIME/./}"; }
human_size() { awk -v b="$1" 'BEGIN{ if (b >= 1073741824) printf "%g GiB", b/1073741824; else if (b >= 1048576) printf "%g MiB", b/1048576; else printf "%g KiB", b/1024 }'; }

STARTED=()            # pids of servers, samplers and load runs we started

stop_pid() {          # stop_pid PID: TERM, wait up to 15 s, then KILL; only a pid we started
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Random bytes, fast: AES-128-CTR over zeros with a fresh random key (about 1.5 GB/s, where
# /dev/urandom gives about 0.4 GB/s). The same seed gives the same bytes, so a 4 GB stream can be
# hashed once and uploaded later without being stored.
KEY=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
random_bytes() {      # random_bytes COUNT SEED  -> stdout
  local iv
  iv=$(printf '%032x' "$2")
  { openssl enc -aes-128-ctr -nosalt -K "$KEY" -iv "$iv" -in /dev/zero 2>/dev/null || true; } | head -c "$1"
}

# Ports are drawn below the kernel's ephemeral range, which the clients' own connections use (a
# port can be free to listen on now and be some curl's local port a moment later), and must be
# unused in any state.
USED_PORTS=" "
read -r EPHEMERAL_LOW _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPHEMERAL_LOW=32768
((EPHEMERAL_LOW > 12000)) || EPHEMERAL_LOW=32768
free_port() {         # a free loopback port, never handed out twice in this run
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((10000 + ${SRANDOM:-$RANDOM$RANDOM} % (EPHEMERAL_LOW - 10000)))
    [[ $USED_PORTS == *" $p "* ]] && continue
    if [[ -z $(ss -Htan "sport = :$p" 2>/dev/null) ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      USED_PORTS+="$p "
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-5}" "$1" || true; }

wait_ready() {        # wait_ready URL PID NAME: poll until 200, for at most 60 s
  local url=$1 pid=$2 name=$3 deadline=$(($(now_us) + 60000000))
  while (($(now_us) < deadline)); do
    [[ $(http_code "$url" 2) == 200 ]] && return 0
    kill -0 "$pid" 2>/dev/null || die "$name exited: $(tail -5 "$WORK/logs/$name.err" 2>/dev/null)"
    sleep 0.05
  done
  die "$name did not answer $url within 60 s"
}

status_kb() {         # status_kb PID FIELD (VmRSS, VmHWM)
  awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}
cpu_ticks() {         # cpu_ticks PID...: user + system CPU those processes used so far, in clock ticks
  local p
  for p in "$@"; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null; done | awk '{ s += $1 } END { print s + 0 }'
}
child_ticks() {       # the same of this shell's children that finished (a curl run in $(...)), in clock ticks
  awk '{ print $16 + $17 }' "/proc/$$/stat"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# S3Proxy from the project's test classpath (Maven resolves it), its objects under DIR.
S3PROXY_CP=""
start_s3proxy() {     # start_s3proxy PORT DIR KEY SECRET NAME -> LAST_PID
  local port=$1 dir=$2 key=$3 secret=$4 name=$5 i code
  if [[ -z $S3PROXY_CP ]]; then
    (cd "$ROOT" && mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/s3.cp") >&2 \
      || return 1
    # S3Proxy's Main sends java.util.logging to SLF4J; our SLF4J provider sends it back: leave ours out.
    S3PROXY_CP=$(tr ':' '\n' < "$WORK/s3.cp" | grep -v slf4j-jdk14 | paste -sd:)
  fi
  mkdir -p "$dir"
  printf '%s\n' "s3proxy.endpoint=http://127.0.0.1:$port" "s3proxy.authorization=aws-v2-or-v4" \
    "s3proxy.identity=$key" "s3proxy.credential=$secret" "s3proxy.ignore-unknown-headers=true" \
    "jclouds.provider=filesystem" "jclouds.filesystem.basedir=$dir" > "$WORK/$name.conf"
  java -cp "$S3PROXY_CP" org.gaul.s3proxy.Main --properties "$WORK/$name.conf" >> "$WORK/logs/$name.out" 2>&1 &
  LAST_PID=$!; STARTED+=("$LAST_PID")
  for ((i = 0; i < 600; i++)); do
    code=$(http_code "http://127.0.0.1:$port/" 1)
    [[ $code != 000 ]] && return 0
    kill -0 "$LAST_PID" 2>/dev/null || die "S3Proxy exited: $(tail -5 "$WORK/logs/$name.out")"
    sleep 0.1
  done
  die "S3Proxy did not answer on port $port within 60 s"
}
