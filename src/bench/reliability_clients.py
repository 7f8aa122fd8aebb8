#!/usr/bin/env python3
"""Clients for src/bench/reliability.sh that curl cannot be: uploads and downloads cut at chosen bytes, and a
fuzzer of names, headers and ranges. Standard library only.

  reliability_clients.py disconnect PORT FILE COUNT SEED   uploads of FILE cut at random points (names cut-<i>-1.0.0),
                                                           then downloads of ref-1.0.0.tar.gz cut at random points
  reliability_clients.py verify PORT LIST                  GETs each package of LIST (lines "name sha256"), compares
                                                           the SHA-256 of its bytes
  reliability_clients.py fuzz PORT COUNT SEED OUT          COUNT fuzzed requests; prints a summary as JSON and writes
                                                           what must be stored at the end (name SHA-256) to OUT
"""
import hashlib
import http.client
import json
import os
import random
import socket
import struct
import sys
import urllib.parse


def cut_upload(port, name, data, keep, reset):
    """Sends the head and `keep` bytes of a body announced whole, then goes away (FIN, or RST when `reset`)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        head = (f"PUT /packages/{name} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(data)}\r\n"
                "Content-Type: application/gzip\r\n\r\n").encode()
        wire = head + data[:keep]
        cut = random.randrange(len(head)) if keep == 0 else len(wire)   # keep 0: cut inside the head itself
        s.sendall(wire[:cut])
        if reset:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        s.close()


def cut_download(port, name, keep, reset):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(f"GET /packages/{name} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        got = 0
        while got < keep:
            chunk = s.recv(min(65536, keep - got))
            if not chunk:
                break
            got += len(chunk)
        if reset:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        s.close()


def disconnect(port, path, count, seed):
    random.seed(seed)
    with open(path, "rb") as f:
        data = f.read()
    for i in range(count):
        keep = 0 if i % 10 == 0 else random.randrange(1, len(data))
        cut_upload(port, f"cut-{i}-1.0.0.tar.gz", data, keep, reset=i % 2 == 1)
    for i in range(count):
        cut_download(port, "ref-1.0.0.tar.gz", random.randrange(0, len(data)), reset=i % 2 == 1)
    print(json.dumps({"uploads_cut": count, "downloads_cut": count}))


SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-"
TRAVERSALS = ["..", "../", "..%2f", "%2e%2e%2f", "%2e%2e/", "..%5c", "..\\", "%252e%252e%252f", "....//", "/",
              "%2f", "%00", "%c0%af", "~", "%0a", "%0d%0a", ".", "%2e"]


def fuzz_name(rng):
    kind = rng.randrange(8)
    version = rng.choice(["1.0.0", "1.0.0-rc.1", "0.0.1+b.7", "1.0.0a1", "1.0", "01.0.0", "1.0.0-", "9" * 30 + ".0.0"])
    if kind == 0:   # a path traversal at some place of a plausible name
        parts = [rng.choice(TRAVERSALS) for _ in range(rng.randrange(1, 6))]
        return "".join(parts) + rng.choice(["escape", "etc/passwd", "", "packages/x"]) + "-" + version + ".tar.gz"
    if kind == 1:   # random bytes, percent-encoded
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        return urllib.parse.quote(raw, safe="") + rng.choice(["", ".tar.gz", "-1.0.0.tar.gz"])
    if kind == 2:   # unicode and odd characters
        text = "".join(rng.choice("é漢字😀 \t\"'<>|*?:;&$#@!" + SAFE) for _ in range(rng.randrange(1, 30)))
        return urllib.parse.quote(text, safe="") + "-" + version + ".tar.gz"
    if kind == 3:   # long names
        return "a" * rng.choice([200, 240, 248, 249, 250, 256, 300, 5000]) + "-" + version + ".tar.gz"
    if kind == 4:   # names of the allowed characters, valid or nearly
        stem = "".join(rng.choice(SAFE) for _ in range(rng.randrange(1, 30)))
        return stem + "-" + version + rng.choice([".tar.gz", ".tar.gz", ".tgz", ".tar.gz.", ""])
    if kind == 5:   # a valid name with something appended or prepended
        return rng.choice(["", "./", "x/", "%2f"]) + "fuzz-app-" + version + ".tar.gz" + rng.choice(["", "/", "?x=1", "#f", "%00"])
    if kind == 6:
        return rng.choice(["", ".incoming", ".incoming/x.part", ".incoming%2fx.part", ".", "..", "%2e%2e"])
    return "fuzz-" + str(rng.randrange(1000)) + "-" + version + ".tar.gz"


def fuzz_headers(rng, body):
    headers = {}
    for _ in range(rng.randrange(0, 4)):
        kind = rng.randrange(9)
        if kind == 0:
            headers["Range"] = rng.choice([
                "bytes=%d-%d" % (rng.randrange(-5, 5000), rng.randrange(-5, 5000)), "bytes=-%d" % rng.randrange(0, 9999),
                "bytes=%d-" % rng.randrange(0, 9999), "bytes=0-0,1-1", "items=0-1", "bytes=" + "9" * 40 + "-",
                "bytes=--1", "bytes= 1 - 2 ", "", "bytes=" + "".join(rng.choice("0123456789-,= ") for _ in range(12))])
        elif kind == 1:
            headers[rng.choice(["If-Match", "If-None-Match"])] = rng.choice(
                ['"x"', "*", "W/\"y\"", "", '"' + "a" * 64 + '"', "garbage, \"z\"", "\"unterminated"])
        elif kind == 2:
            headers[rng.choice(["If-Modified-Since", "If-Unmodified-Since", "If-Range"])] = rng.choice(
                ["Thu, 01 Jan 1970 00:00:00 GMT", "yesterday", "", "Mon, 32 Foo 99999 99:99:99 GMT", '"etag"'])
        elif kind == 3:
            headers[rng.choice(["X-Checksum-Sha256", "X-Checksum-SHA256"])] = rng.choice(
                [hashlib.sha256(body).hexdigest(), "0" * 64, "xyz", "", "A" * 64, "0" * 63])
        elif kind == 4:
            headers["Content-Digest"] = rng.choice(["sha-256=:AAAA:", "sha-256=:" + "A" * 44 + ":", "md5=:x:", "garbage"])
        elif kind == 5:
            headers["Authorization"] = rng.choice(["Bearer x", "Basic !!!", "Basic " + "A" * 200, "", "Digest x"])
        elif kind == 6:
            headers["X-Fuzz"] = "v" * rng.choice([1, 100, 4000, 9000])
        elif kind == 7:
            headers["Accept"] = rng.choice(["*/*", "application/json", "text/html;q=0", "\x7f"])
        else:
            headers["Expect"] = rng.choice(["100-continue", "nothing", ""])
    return headers


def fuzz(port, count, seed, out_path):
    rng = random.Random(seed)
    statuses = {}
    server_errors = []
    stored = {}     # what must be there at the end: name -> SHA-256 of the last accepted upload
    accepted = 0
    conn = None
    for i in range(count):
        method = rng.choice(["GET", "GET", "HEAD", "PUT", "PUT", "DELETE", "POST", "OPTIONS", "PATCH", "TRACE", "FOO"])
        target = rng.choice(["/packages/", "/packages/", "/packages/", "/packages", "/", "/stats", "/health/ready",
                             "/packages//", "/packages/./", "/./packages/", "/packages/../packages/"])
        if target.endswith("/") and target.startswith("/packages"):
            target += fuzz_name(rng)
        if target == "/packages" and rng.random() < 0.5:
            target += "?" + rng.choice(["recency=", "recency=0", "recency=-1", "recency=abc", "recency=" + "9" * 30,
                                        "detail=true&recency=3", "recency=05", "%zz", "recency=1&recency=2"])
        body = os.urandom(rng.choice([0, 1, 100, 4096])) if method in ("PUT", "POST", "PATCH") else b""
        headers = fuzz_headers(rng, body)
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.putrequest(method, target, skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            data = response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (http.client.HTTPException, OSError) as e:
            status = "closed:" + type(e).__name__
            if conn is not None:
                conn.close()
            conn = None
            data = b""
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if isinstance(status, int) and status >= 500:
            server_errors.append({"method": method, "target": target, "headers": headers, "status": status,
                                  "body": data[:300].decode("utf-8", "replace")})
        if method == "PUT" and status == 200:
            stored[json.loads(data)["file"]] = hashlib.sha256(body).hexdigest()
            accepted += 1
        if method == "DELETE" and status == 200:
            stored.pop(json.loads(data)["file"], None)
    with open(out_path, "w") as f:
        for name, sha in sorted(stored.items()):
            f.write(name + " " + sha + "\n")
    print(json.dumps({"requests": count, "statuses": statuses, "server_errors": server_errors[:20],
                      "server_error_count": len(server_errors), "accepted_uploads": accepted, "stored": len(stored)}))


def verify(port, path):
    """GETs every package of `path` (lines "name sha256") and compares the SHA-256 of the bytes."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    checked, wrong = 0, []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            name, expected = line.split()
            conn.request("GET", "/packages/" + name)
            response = conn.getresponse()
            digest = hashlib.sha256()
            while True:
                chunk = response.read(1 << 16)
                if not chunk:
                    break
                digest.update(chunk)
            checked += 1
            if response.status != 200 or digest.hexdigest() != expected:
                wrong.append({"name": name, "status": response.status, "sha256": digest.hexdigest()})
    print(json.dumps({"checked": checked, "wrong": len(wrong), "first_wrong": wrong[:5]}))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "disconnect":
        disconnect(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif command == "verify":
        verify(int(sys.argv[2]), sys.argv[3])
    elif command == "fuzz":
        fuzz(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)
