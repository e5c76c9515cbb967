#!/usr/bin/env bash
# Malformed and oversized Kafka frames close their own connection and harm no other: a connection that is
# open beside them keeps being served, and new clients (kcat) still get answers.
#
#   kafka_frames_test.sh PATH/TO/basin
source "$(dirname "$0")/kafka_lib.sh" "$1"

start_server server --set socket.request.max.bytes=1048576
python3 - "${bootstrap%:*}" "${bootstrap##*:}" <<'PYTHON' || fail "frame checks"
import socket, struct, sys

host, port = sys.argv[1], int(sys.argv[2])

def connect():
    s = socket.create_connection((host, port), timeout=10)
    return s

def request(api_key, version, correlation, body=b""):
    client = b"frames-test"
    header = struct.pack(">hhih", api_key, version, correlation, len(client)) + client
    payload = header + body
    return struct.pack(">i", len(payload)) + payload

def read_frame(s):
    def exactly(n):
        data = b""
        while len(data) < n:
            chunk = s.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data
    size = exactly(4)
    if size is None:
        return None
    return exactly(struct.unpack(">i", size)[0])

def closed(s):
    """The server closed the connection (EOF) instead of answering."""
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True

def api_versions_ok(s, correlation):
    s.sendall(request(18, 0, correlation))
    frame = read_frame(s)
    assert frame is not None, "no ApiVersions answer"
    got_correlation, error = struct.unpack(">ih", frame[:6])
    assert got_correlation == correlation and error == 0, (got_correlation, error)

bystander = connect()
api_versions_ok(bystander, 1)

# An unknown API key.
s = connect(); s.sendall(request(999, 0, 2)); assert closed(s), "unknown API answered"
# A known API with a body that ends early (Metadata v1: a topic count of 5 and nothing after it).
s = connect(); s.sendall(request(3, 1, 3, struct.pack(">i", 5))); assert closed(s), "truncated body answered"
# A size prefix over socket.request.max.bytes: refused before it is read.
s = connect(); s.sendall(struct.pack(">i", 0x7fffffff) + b"x" * 100); assert closed(s), "oversized frame answered"
# A negative size.
s = connect(); s.sendall(struct.pack(">i", -5)); assert closed(s), "negative size answered"
# Garbage that is not even a header.
s = connect(); s.sendall(struct.pack(">i", 3) + b"\x00\x01\x02"); assert closed(s), "garbage answered"

# The connection opened before all that is still served.
api_versions_ok(bystander, 4)
print("frames: every bad frame closed its own connection; the bystander was served")
PYTHON
grep -q "malformed request" "$work/server.log" || fail "no log line for the malformed requests"
grep -q "exceeds the limit" "$work/server.log" || fail "no log line for the oversized frame"
timeout 30 kcat -b "$bootstrap" -L >"$work/metadata.out" 2>&1 || fail "kcat was not served after the bad frames"
stop_server
echo "malformed and oversized frames: ok"
