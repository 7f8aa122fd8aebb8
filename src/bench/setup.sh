# Bench set-up, sourced by run.sh: the tools it needs (nginx with WebDAV, wrk, curl, openssl, ss;
# installed with apt-get when missing), the server jar (built with Maven unless BENCH_JAR names
# one) and the test data in the work directory (the packages both servers serve, upload sources).
# Sets JAR and JAR_LABEL (build_jar), BIG_SHA and PUT_SHA (make_data).

ensure_tools() {
  local missing=() pkg
  command -v nginx >/dev/null || missing+=(nginx)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v curl >/dev/null || missing+=(curl)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v ss >/dev/null || missing+=(iproute2)
  if ((${#missing[@]})); then
    [[ $(id -u) == 0 ]] || die "missing ${missing[*]}; run as root (apt-get install) or install them first"
    log "missing ${missing[*]}: installing from Debian's packages"
    apt-get update -qq
    local pkgs=()
    for pkg in "${missing[@]}"; do
      if [[ $pkg == nginx ]]; then
        local policy
        policy=$(apt-cache policy nginx-light 2>/dev/null || true)
        if [[ $policy =~ Candidate:\ [0-9] ]]; then pkgs+=(nginx-light); else pkgs+=(nginx); fi
      else
        pkgs+=("$pkg")
      fi
    done
    # Debian starts a service when its package is installed; the system nginx must not start on
    # port 80 because of us. policy-rc.d (exit 101) forbids that, as Docker images do.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
      POLICY_RC_CREATED=1
    fi
    log "apt-get install -y ${pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" > "${TMPDIR:-/tmp}/pr-bench-apt.log" 2>&1 \
      || { cat "${TMPDIR:-/tmp}/pr-bench-apt.log" >&2; die "apt-get install failed"; }
    rm -f "${TMPDIR:-/tmp}/pr-bench-apt.log"
    if ((POLICY_RC_CREATED)); then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=0; fi
  fi
  local build
  build=$(nginx -V 2>&1 || true)
  [[ $build == *http_dav_module* ]] || die "this nginx has no WebDAV module (http_dav_module)"
}

build_jar() {
  local head
  head=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "unknown")
  if [[ -n ${BENCH_JAR:-} ]]; then
    JAR=$BENCH_JAR
    local jar_head
    jar_head=$(git -C "$(dirname "$JAR")/.." rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
    JAR_LABEL="BENCH_JAR=$JAR (built from a tree at $jar_head; this checkout is at $head)"
    log "using BENCH_JAR=$JAR (not building)"
  else
    log "building the server: mvn -q -DskipTests package in $ROOT"
    (cd "$ROOT" && mvn -q -DskipTests package) >&2
    JAR=$ROOT/target/package-repository.jar
    JAR_LABEL="built from $head$(git -C "$ROOT" diff --quiet HEAD -- src/main pom.xml 2>/dev/null || echo " with local changes")"
  fi
  [[ -f $JAR ]] || die "no jar at $JAR"
}


make_data() {
  mkdir -p "$PKGS" "$SRC"
  random_bytes "$BIG_SIZE" 1 > "$PKGS/$BIG"
  random_bytes "$SMALL_SIZE" 2 > "$PKGS/$SMALL"
  random_bytes "$PUT_SIZE" 3 > "$SRC/put.bin"
  random_bytes "$CONC_SIZE" 4 > "$SRC/conc.bin"
  BIG_SHA=$(sha256sum < "$PKGS/$BIG" | cut -d' ' -f1)
  PUT_SHA=$(sha256sum < "$SRC/put.bin" | cut -d' ' -f1)
  # 10,000 small packages for the listing. Their content does not matter to a listing, so they
  # are slices of one random (base64) text, written with shell built-ins: no process per file.
  local blob n v i=0
  blob=$(random_bytes $((LIST_NAMES * 1024)) 5 | base64 -w0)
  for ((n = 0; n < LIST_NAMES; n++)); do
    for ((v = 1; v <= LIST_VERSIONS; v++)); do
      printf '%s' "${blob:$(((i * 997) % (${#blob} - 1024))):1024}" > "$PKGS/$(printf 'pkg-%04d-1.0.%d.tar.gz' "$n" "$v")"
      i=$((i + 1))
    done
  done
  log "test data: $(human_size "$BIG_SIZE"), $(human_size "$SMALL_SIZE"), $((LIST_NAMES * LIST_VERSIONS)) small packages in $PKGS; upload sources $(human_size "$PUT_SIZE"), $(human_size "$CONC_SIZE")"
}
