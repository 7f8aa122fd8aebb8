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
# With SWIFT_KEYSTONE=1 a real Keystone (Debian's keystone, sqlite, fernet tokens) starts first and
# the proxy authenticates with it (keystonemiddleware's authtoken, Swift's keystoneauth); tempauth
# stays for the readiness check, with reseller prefix TEMP. Keystone holds: domain `users` with
# user `deployer` (password `secret`), member of project `apps` in domain Default, and Swift as the
# `object-store` service of region RegionOne (public and internal endpoints). Printed in addition:
# SWIFT_KEYSTONE_URL (http://127.0.0.1:<port>/v3), SWIFT_KEYSTONE_ADMIN_PASSWORD.
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

for tool in swift-proxy-server swift-account-server swift-container-server \
  swift-object-server memcached python3 curl; do
  command -v "$tool" > /dev/null || { echo "missing $tool: apt-get install swift-proxy swift-account swift-container swift-object memcached curl" >&2; exit 3; }
done
keystone=${SWIFT_KEYSTONE:-0}
if [[ $keystone == 1 ]]; then
  for tool in keystone-manage keystone-wsgi-public; do
    command -v "$tool" > /dev/null || { echo "missing $tool: apt-get install keystone python3-keystonemiddleware" >&2; exit 3; }
  done
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
proxy_port=$(free_port); account_port=$(free_port); container_port=$(free_port); object_port=$(free_port)
memcache_port=$(free_port); keystone_port=$(free_port)

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
auth_filters=tempauth; tempauth_prefix=AUTH; keystone_filters=""
if [[ $keystone == 1 ]]; then
  auth_filters="authtoken keystoneauth tempauth"; tempauth_prefix=TEMP
  keystone_filters="
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = http://127.0.0.1:$keystone_port/v3
auth_url = http://127.0.0.1:$keystone_port/v3
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = swift
password = swift-service
delay_auth_decision = True
# Every request asks Keystone: a revoked token stops working at once.
token_cache_time = -1

[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member
"
fi

for server in account container object; do
  port_var=${server}_port
  { common "${!port_var}"; printf '\n[pipeline:main]\npipeline = %s-server\n\n[app:%s-server]\nuse = egg:swift#%s\n' \
      "$server" "$server" "$server"; } > "$dir/etc/$server-server.conf"
done
{ common "$proxy_port"; cat <<EOF

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl $auth_filters copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
token_life = ${SWIFT_TOKEN_LIFE:-86400}
reseller_prefix = $tempauth_prefix
$keystone_filters
# TempURLs (signed GETs without a token, for the redirect of downloads): before the auth filters, as
# Swift's sample proxy-server.conf orders them; the key is the account's X-Account-Meta-Temp-URL-Key.
[filter:tempurl]
use = egg:swift#tempurl

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

# The three rings (2^8 partitions, one replica, one device) as swift-ring-builder's create, add and
# rebalance make them, in one Python process instead of nine: each is half a second of CPU, which
# on a loaded machine is many seconds of waiting.
/usr/bin/python3 - "$dir/etc" "$account_port" "$container_port" "$object_port" <<'RINGEOF'
import sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for ring, port in zip(("account", "container", "object"), map(int, sys.argv[2:5])):
    builder = RingBuilder(8, 1, 1)
    builder.add_dev({"region": 1, "zone": 1, "ip": "127.0.0.1", "port": port, "replication_ip": "127.0.0.1",
                     "replication_port": port, "device": "d1", "weight": 100})
    builder.rebalance()
    builder.save("%s/%s.builder" % (etc, ring))
    builder.get_ring().save("%s/%s.ring.gz" % (etc, ring))
RINGEOF
[[ $(id -u) == 0 ]] && chown -R swift:swift "$dir"

: > "$dir/run/pids"
"${run_as[@]}" memcached -l 127.0.0.1 -p "$memcache_port" -U 0 > "$dir/log/memcached.log" 2>&1 &
echo $! >> "$dir/run/pids"
if [[ $keystone == 1 ]]; then
  kdir=$dir/keystone
  mkdir -p "$kdir/fernet-keys" "$kdir/receipt-keys" "$kdir/credential-keys"
  cat > "$kdir/keystone.conf" <<EOF
[DEFAULT]
use_stderr = true
[database]
# The database is in WAL mode (set below): see there why. The timeout is only how long a writer
# waits for another writer, and keystone-manage and keystone-wsgi-public never write at once.
connection = sqlite:///$kdir/keystone.db?timeout=3
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $kdir/fernet-keys
[fernet_receipts]
key_repository = $kdir/receipt-keys
[credential]
key_repository = $kdir/credential-keys
EOF
  if [[ $(id -u) == 0 ]]; then chown -R swift:swift "$kdir"; fi
  km() { "${run_as[@]}" keystone-manage --config-file "$kdir/keystone.conf" "$@" >> "$dir/log/keystone-manage.log" 2>&1; }
  admin_password=admin-$RANDOM$RANDOM
  keystone_url="http://127.0.0.1:$keystone_port/v3"
  # WAL journal mode, which the file keeps: there a reader never blocks a writer. Keystone 22 leaks
  # read transactions: get_enabled_service_providers, run whenever it renders a token (so for every
  # request that bears one), returns a query that runs after its session has closed; the session
  # opens another connection, BEGINs, SELECTs and stays open until Python's cyclic garbage
  # collector frees it. In sqlite's default rollback journal that connection's SHARED lock keeps any
  # commit in the same single-threaded process from finishing: the commit waits out its timeout
  # (nothing can free the lock meanwhile, so a longer one only fails later) and Keystone answers
  # 500 "database is locked".
  # The same Python process writes the keys as keystone-manage fernet_setup and credential_setup
  # would (a repository holds 0, the staged key, and 1, the primary; only its owner may read them),
  # which saves starting keystone-manage twice more, 2 s of CPU each.
  prepare() {
    "${run_as[@]}" /usr/bin/python3 - "$kdir" >> "$dir/log/keystone-manage.log" 2>&1 <<'PREPEOF'
import base64, os, sqlite3, sys
kdir = sys.argv[1]
db = sqlite3.connect(kdir + "/keystone.db")
mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
db.close()
if mode != "wal":
    sys.exit("keystone.db: journal_mode is " + mode)
for repository in ("fernet-keys", "receipt-keys", "credential-keys"):
    os.chmod(os.path.join(kdir, repository), 0o700)
    for key in ("0", "1"):
        fd = os.open(os.path.join(kdir, repository, key), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, base64.urlsafe_b64encode(os.urandom(32)))
        os.close(fd)
PREPEOF
  }
  km db_sync && prepare \
    && km bootstrap --bootstrap-password "$admin_password" --bootstrap-admin-url "$keystone_url/" \
      --bootstrap-public-url "$keystone_url/" --bootstrap-internal-url "$keystone_url/" \
      --bootstrap-region-id RegionOne \
    || { echo "setting up Keystone failed:" >&2; tail -n 20 "$dir/log/keystone-manage.log" >&2; stop; exit 1; }
  # keystone-wsgi-public serves with wsgiref, which answers in HTTP/1.0 and closes the connection
  # after each response without a "Connection: close". Java's HttpClient keeps such a connection
  # for the next request and now and then sends one on it after it closed ("header parser received
  # no bytes"; a POST or PATCH is not sent again). So wsgiref's handler adds the header here.
  "${run_as[@]}" env OS_KEYSTONE_CONFIG_FILES="$kdir/keystone.conf" /usr/bin/python3 -c '
import runpy, sys, wsgiref.simple_server as wss
class ServerHandler(wss.ServerHandler):
    def cleanup_headers(self):
        super().cleanup_headers()
        self.headers["Connection"] = "close"
wss.ServerHandler = ServerHandler
del sys.argv[0]
runpy.run_path(sys.argv[0], run_name="__main__")' "$(command -v keystone-wsgi-public)" \
    --host 127.0.0.1 --port "$keystone_port" > "$dir/log/keystone.log" 2>&1 &
  echo $! >> "$dir/run/pids"
  for _ in $(seq 300); do
    curl -sf -o /dev/null "$keystone_url" && break
    sleep 0.1
  done
  # The project, user, roles and catalog the tests use, through Keystone's own API.
  /usr/bin/python3 - "$keystone_url" "$admin_password" "http://127.0.0.1:$proxy_port" <<'KSEOF' \
    || { echo "provisioning Keystone failed; logs in $dir/log" >&2; tail -n 20 "$dir/log/keystone.log" >&2; stop; exit 1; }
import json, sys, time, urllib.error, urllib.request
base, admin_password, swift_url = sys.argv[1:4]

def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Auth-Token"] = token
    data = json.dumps(body).encode() if body is not None else None
    # A 5xx, or a request that could not be sent (Keystone slow to start), is tried again for at
    # most 60 s: with WAL there should be none, this is the second line. A 500 from a commit that
    # failed wrote nothing, so sending the request again is safe.
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(base + path, data=data, method=method,
                                                               headers=headers), timeout=30) as r:
                text = r.read()
                return r.headers, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            if e.code < 500:
                sys.exit("Keystone answered %d to %s %s: %s" % (e.code, method, path, e.read().decode(errors="replace")))
            failure = "%d %s" % (e.code, e.read().decode(errors="replace"))
        except urllib.error.URLError as e:
            failure = str(e)
        if time.monotonic() > deadline:
            sys.exit("Keystone still fails %s %s after 60 s: %s" % (method, path, failure))
        print("Keystone failed %s %s (%s); trying again" % (method, path, failure), file=sys.stderr)
        time.sleep(0.5)

headers, _ = call("POST", "/auth/tokens", {"auth": {
    "identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"name": "Default"}, "password": admin_password}}},
    "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}})
token = headers["X-Subject-Token"]
users = call("POST", "/domains", {"domain": {"name": "users"}}, token)[1]["domain"]["id"]
apps = call("POST", "/projects", {"project": {"name": "apps", "domain_id": "default"}}, token)[1]["project"]["id"]
service = call("POST", "/projects", {"project": {"name": "service", "domain_id": "default"}}, token)[1]["project"]["id"]
deployer = call("POST", "/users", {"user": {"name": "deployer", "domain_id": users, "password": "secret"}}, token)[1]["user"]["id"]
swift = call("POST", "/users", {"user": {"name": "swift", "domain_id": "default", "password": "swift-service"}}, token)[1]["user"]["id"]
roles = {r["name"]: r["id"] for r in call("GET", "/roles", None, token)[1]["roles"]}
call("PUT", "/projects/%s/users/%s/roles/%s" % (apps, deployer, roles["member"]), None, token)
call("PUT", "/projects/%s/users/%s/roles/%s" % (service, swift, roles["admin"]), None, token)
store = call("POST", "/services", {"service": {"type": "object-store", "name": "swift"}}, token)[1]["service"]["id"]
for interface in ("public", "internal"):
    call("POST", "/endpoints", {"endpoint": {"service_id": store, "interface": interface, "region_id": "RegionOne",
                                             "url": swift_url + "/v1/AUTH_$(project_id)s"}}, token)
KSEOF
fi

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
    if [[ $keystone == 1 ]]; then
      echo "SWIFT_KEYSTONE_URL=$keystone_url"
      echo "SWIFT_KEYSTONE_ADMIN_PASSWORD=$admin_password"
    fi
    exit 0
  fi
  sleep 0.1
done
echo "Swift did not answer a tempauth login at $auth_url within 30 s; logs in $dir/log:" >&2
tail -n 5 "$dir"/log/*.log >&2
stop
exit 1
