#!/usr/bin/env bash
# `basin server`'s PostgreSQL protocol against the real psql and libpq (pg_client_test.cc): queries and
# command tags, psql's meta-commands (\dt, \d table, \dn, \l), an error with its SQLSTATE, the extended
# protocol with text and binary values, cancellation, COPY FROM STDIN / TO STDOUT (psql's \copy, libpq),
# malformed and oversized messages (which end only their own connection), trust on loopback, SCRAM-SHA-256 users (pg.users, pg.users.file) with a wrong
# password refused, and TLS with a configured certificate.
#
#   pg_psql_test.sh PATH/TO/basin PATH/TO/pg_client_test
source "$(dirname "$0")/pg_lib.sh" "$1"
client=$2
export PGPASSWORD=""
unset PGHOST PGPORT PGUSER PGDATABASE PGSSLMODE

start_server server

# ---- Queries, command tags and results ----
pg -v ON_ERROR_STOP=1 >"$work/ddl.out" 2>&1 <<'SQL' || fail "DDL and DML through psql"
\set QUIET off
CREATE TABLE orders (id INTEGER NOT NULL, customer VARCHAR(40) DEFAULT 'nobody', amount DECIMAL(10,2),
                     placed TIMESTAMP, paid BOOLEAN, tags VARCHAR[]);
COMMENT ON TABLE orders IS 'what was sold';
INSERT INTO orders VALUES (1, 'ann', 12.50, '2024-01-02 03:04:05', true, ARRAY['a', 'b c']),
                          (2, 'bob', 7, '2024-02-03 04:05:06.25', false, NULL);
UPDATE orders SET paid = true WHERE id = 2;
DELETE FROM orders WHERE id = 3;
CREATE VIEW big_orders AS SELECT id, customer FROM orders WHERE amount > 10;
CREATE SCHEMA archive;
BEGIN;
COMMIT;
SET application_name = 'e2e';
SQL
for tag in "CREATE TABLE" "COMMENT" "INSERT 0 2" "UPDATE 1" "DELETE 0" "CREATE VIEW" "CREATE SCHEMA" "BEGIN" "COMMIT" "SET"; do
  has "$work/ddl.out" "$tag" "command tag"
done

pg -At -F '|' -c "SELECT id, customer, amount, placed, paid, tags FROM orders ORDER BY id" >"$work/rows.out" ||
  fail "SELECT through psql"
printf '1|ann|12.50|2024-01-02 03:04:05|t|{a,"b c"}\n2|bob|7.00|2024-02-03 04:05:06.25|t|\n' >"$work/rows.want"
diff "$work/rows.want" "$work/rows.out" >&2 || fail "rows in PostgreSQL's text formats"

pg -At -c "SELECT version()" -c "SELECT current_database(), current_schema(), current_user" \
   -c "SHOW server_version" -c "SHOW application_name" -c "SELECT 1; SELECT 2" >"$work/info.out" || fail "session information"
has "$work/info.out" "PostgreSQL 16.0 (Basin)" "version()"
has "$work/info.out" "basin|public|basin" "current_database(), current_schema(), current_user"
has "$work/info.out" "16.0 (Basin)" "SHOW server_version"
pg -At -c "" -c ";" >/dev/null || fail "an empty query"

# ---- psql's meta-commands, through pg_catalog ----
pg -P pager=off -c '\dt' >"$work/dt.out" || fail '\dt'
has "$work/dt.out" " public | orders | table | basin" '\dt'
has "$work/dt.out" "(1 row)" '\dt lists tables only'
pg -P pager=off -c '\d orders' >"$work/d.out" || fail '\d orders'
has "$work/d.out" 'Table "public.orders"' '\d orders'
has "$work/d.out" " id       | integer                     |           | not null | " '\d orders: id'
has "$work/d.out" " customer | character varying(40)       |           |          | 'nobody'" '\d orders: customer'
has "$work/d.out" " amount   | numeric(10,2)               |           |          | " '\d orders: amount'
has "$work/d.out" " placed   | timestamp without time zone |" '\d orders: placed'
has "$work/d.out" " tags     | text[]                      |" '\d orders: tags'
pg -P pager=off -c '\d+ orders' >"$work/dplus.out" || fail '\d+ orders'
pg -P pager=off -c '\dt+' >"$work/dtplus.out" || fail '\dt+'
has "$work/dtplus.out" "what was sold" '\dt+ shows the comment'
pg -P pager=off -c '\d big_orders' >"$work/dv.out" || fail '\d big_orders'
has "$work/dv.out" 'View "public.big_orders"' '\d of a view'
pg -P pager=off -c '\d' >"$work/dall.out" || fail '\d'
has "$work/dall.out" " public | big_orders | view  | basin" '\d lists views'
pg -P pager=off -c '\dn' >"$work/dn.out" || fail '\dn'
has "$work/dn.out" " archive | basin" '\dn'
has "$work/dn.out" " public  | basin" '\dn'
pg -P pager=off -c '\l' >"$work/l.out" || fail '\l'
has "$work/l.out" " basin | basin | UTF8     | C       | C     |" '\l'
pg -v QUIET=off -P pager=off -c '\d nosuch' >"$work/dnone.out" 2>&1 && fail '\d of a missing table succeeded'
has "$work/dnone.out" 'Did not find any relation named "nosuch".' '\d of a missing table'

# ---- Errors ----
pg -v VERBOSITY=verbose -c "SELECT nope FROM orders" >"$work/error.out" 2>&1 && fail "an unknown column succeeded"
has "$work/error.out" 'ERROR:  42703: column "nope" does not exist' "error with SQLSTATE"
has "$work/error.out" "LINE 1: SELECT nope FROM orders" "error position"
pg -v VERBOSITY=verbose -c "SELECT 1/0" >"$work/error2.out" 2>&1 && fail "division by zero succeeded"
has "$work/error2.out" "ERROR:  22012: division by zero" "division by zero"
PGUSER=mallory pg -c "SELECT 1" >"$work/role.out" 2>&1 && fail "an unknown user got in"
has "$work/role.out" 'role "mallory" does not exist' "unknown user without pg.users"
psql -X -h 127.0.0.1 -p "$pg_port" -U basin -d other -c "SELECT 1" >"$work/db.out" 2>&1 && fail "another database"
has "$work/db.out" 'database "other" does not exist' "unknown database"

# ---- libpq: the extended protocol, binary values, cancellation ----
conninfo="host=127.0.0.1 port=$pg_port user=basin dbname=basin"
"$client" extended "$conninfo" >"$work/extended.out" 2>&1 || fail "libpq extended protocol"
"$client" cancel "$conninfo" >"$work/cancel.out" 2>&1 || fail "libpq cancel"

# ---- Large results stream: 2 million rows (over 200 MB of DataRows) while the server grows far less ----
peak_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$server_pid/status"; }
before=$(peak_kb)
pg -At -c "SELECT g, repeat('x', 100) FROM generate_series(1, 2000000) g(g)" |
  awk -F'|' '{ n++; s += $1; if (length($2) != 100) bad++ } END { printf "%d %.0f %d\n", n, s, bad }' >"$work/large.out"
[ "$(cat "$work/large.out")" = "2000000 2000001000000 0" ] || fail "a large result through the simple protocol"
"$client" large "$conninfo" >"$work/large_extended.out" 2>&1 || fail "a large result through the extended protocol"
growth=$(( $(peak_kb) - before ))
[ "$growth" -lt 100000 ] || fail "the server's peak memory grew by $growth kB for a streamed result"

# ---- COPY over the wire: psql's \copy in and out, a bad row, a million rows, libpq's extended protocol ----
pg -c "CREATE TABLE people (id INTEGER NOT NULL, name VARCHAR, score DOUBLE)" || fail "CREATE TABLE people"
printf 'id,name,score\n1,ann,1.5\n2,"b,ob",\n3,,7\n' >"$work/people.csv"
pg -c "\\copy people FROM '$work/people.csv' CSV HEADER" || fail '\copy FROM a CSV file'
pg -c "\\copy (SELECT id, name, score FROM people ORDER BY id) TO '$work/people_out.csv' CSV HEADER" ||
  fail '\copy (query) TO a CSV file'
diff "$work/people.csv" "$work/people_out.csv" >&2 || fail '\copy out gives back what \copy in read'
printf '4\tdan\t2\n5\t\\N\t3\n' | pg -c "COPY people FROM STDIN" || fail "COPY FROM STDIN, text format"
pg -c "COPY people (id, name) TO STDOUT WITH (FORMAT text)" >"$work/people.txt" || fail "COPY TO STDOUT"
printf '1\tann\n2\tb,ob\n3\t\\N\n4\tdan\n5\t\\N\n' | diff - "$work/people.txt" >&2 || fail "COPY TO STDOUT's rows"
printf 'id,name,score\n10,x,1\n11,y,zz\n12,z,3\n' >"$work/bad.csv"
pg -c "\\copy people FROM '$work/bad.csv' CSV HEADER" >"$work/bad.out" 2>&1 && fail "a bad row must fail the COPY"
has "$work/bad.out" 'invalid input syntax for type double precision: "zz"' "the bad row's error"
has "$work/bad.out" "line 3" "the bad row's line"
[ "$(pg -At -c "SELECT count(*) FROM people")" = 5 ] || fail "a failed COPY inserts nothing"
seq 1 1000000 | awk '{ print $1 ",name" $1 "," ($1 % 1000) / 4 }' >"$work/million.csv"
pg -c "CREATE TABLE million (id BIGINT, name VARCHAR, half DOUBLE)" -c "\\copy million FROM '$work/million.csv' CSV" ||
  fail '\copy of a million rows'
[ "$(pg -At -c "SELECT count(*), sum(id), max(half) FROM million")" = "1000000|500000500000|249.75" ] ||
  fail "the million rows copied"
pg -c "\\copy (SELECT * FROM million ORDER BY id) TO '$work/million_out.csv' CSV" || fail '\copy a million rows out'
cmp "$work/million.csv" "$work/million_out.csv" || fail "the million rows copied out"
"$client" copy "$conninfo" >"$work/copy.out" 2>&1 || { cat "$work/copy.out" >&2; fail "libpq COPY"; }

# ---- Malformed and oversized messages end their own connection only ----
python3 - "$pg_port" >"$work/frames.out" 2>&1 <<'PY' || fail "bad messages"
import socket, struct, sys
port = int(sys.argv[1])

def connect():
    return socket.create_connection(("127.0.0.1", port), timeout=10)

def read_all(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk

def startup(s):
    body = struct.pack("!i", 196608) + b"user\0basin\0database\0basin\0\0"
    s.sendall(struct.pack("!i", len(body) + 4) + body)
    data = b""
    while b"Z\0\0\0\x05" not in data:
        chunk = s.recv(65536)
        assert chunk, "closed during startup"
        data += chunk

# A startup packet of impossible length.
s = connect(); s.sendall(struct.pack("!i", 4)); out = read_all(s)
assert b"FATAL" in out and b"invalid length of startup packet" in out, out
# A message longer than socket.request.max.bytes, refused from its length alone.
s = connect(); startup(s); s.sendall(b"Q" + struct.pack("!i", 0x7fffffff)); out = read_all(s)
assert b"54000" in out and b"exceeds the limit" in out, out
# An unknown message type.
s = connect(); startup(s); s.sendall(b"W" + struct.pack("!i", 4)); out = read_all(s)
assert b"08P01" in out and b"invalid frontend message type" in out, out
# A Bind whose parameter count runs past the message.
s = connect(); startup(s); s.sendall(b"B" + struct.pack("!i", 4 + 2 + 2 + 2) + b"\0\0" + struct.pack("!hh", 0, 1000)); out = read_all(s)
assert b"08P01" in out and b"invalid Bind message" in out, out
# Garbage after a good startup, cut mid-message: the server waits, then sees the end of the stream.
s = connect(); startup(s); s.sendall(b"Q\0\0\0\x10SELE"); s.shutdown(socket.SHUT_WR); read_all(s)
print("bad messages: ok")
PY
pg -At -c "SELECT count(*) FROM orders" >"$work/after.out" || fail "a query after the bad messages"
has "$work/after.out" "2" "the server serves others after bad messages"
has "$work/server.log" "invalid startup packet length" "a log line for the bad startup packet"
stop_server

# ---- Password users: SCRAM-SHA-256 ----
printf '# PostgreSQL users\ncarol:pass with spaces\n' >"$work/users"
start_server users --set pg.users=alice:secret,bob:b0b --set "pg.users.file=$work/users"
PGPASSWORD=secret PGUSER=alice pg -At -c "SELECT current_user" >"$work/alice.out" || fail "alice with her password"
has "$work/alice.out" "alice" "current_user of a password user"
PGPASSWORD="pass with spaces" PGUSER=carol pg -At -c "SELECT 1" >/dev/null || fail "a user of pg.users.file"
PGPASSWORD=wrong PGUSER=alice pg -c "SELECT 1" >"$work/wrong.out" 2>&1 && fail "a wrong password got in"
has "$work/wrong.out" 'password authentication failed for user "alice"' "wrong password"
PGPASSWORD=secret PGUSER=basin pg -c "SELECT 1" >"$work/nobasin.out" 2>&1 && fail "basin is trusted with users configured"
has "$work/nobasin.out" 'password authentication failed for user "basin"' "no trust once users are configured"
"$client" extended "host=127.0.0.1 port=$pg_port user=bob password=b0b dbname=basin" >"$work/bob.out" 2>&1 ||
  fail "libpq with SCRAM"
has "$work/users.log" "password authentication failed for user \"alice\"" "a log line for the failed login"
stop_server

# ---- TLS with a configured certificate ----
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 \
    -subj "/CN=localhost" >"$work/openssl.out" 2>&1 || fail "making a certificate"
  start_server tls --set "pg.ssl.cert.file=$work/cert.pem" --set "pg.ssl.key.file=$work/key.pem"
  PGSSLMODE=require pg -c '\conninfo' >"$work/tls.out" || fail "psql over TLS"
  has "$work/tls.out" "SSL connection (protocol: TLSv1." "psql over TLS"
  PGSSLMODE=require pg -At -c "SELECT count(*) FROM orders" >"$work/tls2.out" || fail "a query over TLS"
  has "$work/tls2.out" "2" "a query over TLS"
  PGSSLMODE=disable pg -At -c "SELECT 1" >/dev/null || fail "plain text beside TLS"
  "$client" cancel "host=127.0.0.1 port=$pg_port user=basin dbname=basin sslmode=require" >"$work/tlscancel.out" 2>&1 ||
    fail "libpq cancel over TLS"
  stop_server
fi
# Without a certificate, SSL is refused and libpq falls back (sslmode=prefer) or gives up (require).
start_server nossl
PGSSLMODE=prefer pg -At -c "SELECT 1" >/dev/null || fail "sslmode=prefer without TLS"
PGSSLMODE=require pg -c "SELECT 1" >"$work/nossl.out" 2>&1 && fail "sslmode=require without TLS"
has "$work/nossl.out" "server does not support SSL" "sslmode=require without TLS"
stop_server
echo "psql and libpq against basin server: ok"
