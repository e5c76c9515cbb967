#!/usr/bin/env bash
# The PostgreSQL JDBC driver against `basin server`, trusted and with a SCRAM-SHA-256 user; see
# PgJdbcTest.java.
#
#   pg_jdbc_test.sh PATH/TO/basin PATH/TO/postgresql.jar
here=$(cd "$(dirname "$0")" && pwd)
source "$here/pg_lib.sh" "$1"
jar=$2
javac -d "$work/classes" "$here/PgJdbcTest.java" >"$work/javac.out" 2>&1 || fail "javac"
start_server server
java -cp "$jar:$work/classes" PgJdbcTest "$pg_port" >"$work/jdbc.out" 2>&1 || fail "JDBC, trusted"
stop_server
start_server users --set pg.users=erin:j4va
java -cp "$jar:$work/classes" PgJdbcTest "$pg_port" erin j4va >"$work/jdbc-scram.out" 2>&1 || fail "JDBC with SCRAM"
stop_server
echo "JDBC against basin server: ok"
