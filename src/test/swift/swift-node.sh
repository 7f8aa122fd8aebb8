#!/usr/bin/env bash
# A one-node, one-replica OpenStack Swift with tempauth on 127.0.0.1, from Debian's packages
# (swift-proxy swift-account swift-container swift-object memcached), for the tests.
#
#   swift-node.sh start DIR   configure and start everything under DIR (created; absolute path),
#                             wait until a tempauth login works, then print the connection values
#                             as KEY=VALUE lines: SWIFT_AUTH_URL (v1), SWIFT_USER, SWIFT_KEY,
#                             SWIFT_PROXY_PORT, SWIFT_MEMCACHE_PORT (where tempauth keeps its tokens)
#   swift-node.sh stop DIR    stop what `start DIR` started (by the pids it recorded)
#
# Nothing outside DIR is written: rings and configuration live in DIR/etc (swift_dir), objects in
# DIR/devices. Swift reads /etc/swift/swift.conf (its hash prefix and suffix) from the package.
# As root, the servers run as user swift; otherwise as the calling user.
set -euo pipefail

cmd=${1:-}; dir=${2:-}
[[ ($cmd == start || $cmd == stop) && $dir == /* ]] || { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

stop() {
  [[ -f $dir/run/pids ]] || return 0
  local pid
  while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$dir/run/pids"
  for _ in $(seq 100); do
    local alive=0
    while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$dir/run/pids"
    ((alive)) || break
    sleep 0.1
  done
  while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done < "$dir/run/pids"
  rm -f "$dir/run/pids"
}

if [[ $cmd == stop ]]; then stop; exit 0; fi

for tool in swift-ring-builder swift-proxy-server swift-account-server swift-container-server \
  swift-object-server memcached python3 curl; do
  command -v "$tool" > /dev/null || { echo "missing $tool: apt-get install swift-proxy swift-account swift-container swift-object memcached curl" >&2; exit 3; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
proxy_port=$(free_port); account_port=$(free_port); container_port=$(free_port); object_port=$(free_port)
memcache_port=$(free_port)

mkdir -p "$dir/etc" "$dir/devices/d1" "$dir/run" "$dir/log"
run_as=()
if [[ $(id -u) == 0 ]]; then
  chown -R swift:swift "$dir"
  run_as=(runuser -u swift --)
fi

common() {  # common PORT
  cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 0
swift_dir = $dir/etc
devices = $dir/devices
mount_check = false
log_name = swift-test
EOF
}
for server in account container object; do
  port_var=${server}_port
  { common "${!port_var}"; printf '\n[pipeline:main]\npipeline = %s-server\n\n[app:%s-server]\nuse = egg:swift#%s\n' \
      "$server" "$server" "$server"; } > "$dir/etc/$server-server.conf"
done
{ common "$proxy_port"; cat <<EOF

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
token_life = ${SWIFT_TOKEN_LIFE:-86400}

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcache_port

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo
EOF
} > "$dir/etc/proxy-server.conf"

for ring in account container object; do
  port_var=${ring}_port
  swift-ring-builder "$dir/etc/$ring.builder" create 8 1 1 > /dev/null
  swift-ring-builder "$dir/etc/$ring.builder" add "r1z1-127.0.0.1:${!port_var}/d1" 100 > /dev/null
  swift-ring-builder "$dir/etc/$ring.builder" rebalance > /dev/null
done
[[ $(id -u) == 0 ]] && chown -R swift:swift "$dir"

: > "$dir/run/pids"
"${run_as[@]}" memcached -l 127.0.0.1 -p "$memcache_port" -U 0 > "$dir/log/memcached.log" 2>&1 &
echo $! >> "$dir/run/pids"
for server in account container object proxy; do
  "${run_as[@]}" "swift-$server-server" "$dir/etc/$server-server.conf" > "$dir/log/$server.log" 2>&1 &
  echo $! >> "$dir/run/pids"
done

listening() {  # listening PORT: something accepts connections there
  (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}
auth_url="http://127.0.0.1:$proxy_port/auth/v1.0"
for _ in $(seq 300); do
  # Every server must be up, not only the proxy: a request reaching a server not yet listening is a 503.
  if listening "$account_port" && listening "$container_port" && listening "$object_port" \
    && curl -sf -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "$auth_url"; then
    echo "SWIFT_AUTH_URL=$auth_url"
    echo "SWIFT_USER=test:tester"
    echo "SWIFT_KEY=testing"
    echo "SWIFT_PROXY_PORT=$proxy_port"
    echo "SWIFT_MEMCACHE_PORT=$memcache_port"
    exit 0
  fi
  sleep 0.1
done
echo "Swift did not answer a tempauth login at $auth_url within 30 s; logs in $dir/log:" >&2
tail -n 5 "$dir"/log/*.log >&2
stop
exit 1
