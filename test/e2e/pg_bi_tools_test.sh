#!/usr/bin/env bash
# The queries BI tools send to a PostgreSQL server on connect and when listing tables and columns, word for
# word as their sources write them, through psql against `basin server`, with the answers they expect:
# Grafana's PostgreSQL data source (table and column pickers, version(), time series with $__timeFilter,
# $__timeGroupAlias and $__time expanded as its macro engine expands them), Metabase (its connect settings
# and database sync queries), Superset (SQLAlchemy's psycopg2 dialect on connect and its table listing) and
# Tableau (the psqlODBC driver's connect-time queries).
#
#   pg_bi_tools_test.sh PATH/TO/basin
source "$(dirname "$0")/pg_lib.sh" "$1"
unset PGHOST PGPORT PGUSER PGDATABASE PGSSLMODE

start_server server
pg -c "CREATE TABLE events (ts TIMESTAMP, host VARCHAR, value DOUBLE)" \
   -c "INSERT INTO events VALUES ('2024-01-01 00:00:10', 'a', 1), ('2024-01-01 00:00:50', 'a', 3),
                                 ('2024-01-01 00:01:30', 'b', 2), ('2024-01-02 00:00:00', 'a', 9)" \
   -c "CREATE VIEW recent AS SELECT * FROM events" || fail "setup"

# run NAME: the queries on stdin through psql (unaligned, tuples only, | between columns) into $work/NAME.out.
run() { pg -At -F '|' >"$work/$1.out" 2>&1 || fail "$1"; }

# ---- Grafana ----
# The table picker (its search_path-aware listing), the column picker for a table, version().
run grafana_meta <<'SQL'
SELECT version();
SELECT
        CASE WHEN
              quote_ident(table_schema) IN (
              SELECT
                CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
              FROM
                generate_series(
                  array_lower(string_to_array(current_setting('search_path'),','),1),
                  array_upper(string_to_array(current_setting('search_path'),','),1)
                ) as i,
                string_to_array(current_setting('search_path'),',') s
              )
          THEN quote_ident(table_name)
          ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)
        END AS "table"
        FROM information_schema.tables
        WHERE quote_ident(table_schema) NOT IN ('information_schema',
                                 'pg_catalog',
                                 '_timescaledb_cache',
                                 '_timescaledb_catalog',
                                 '_timescaledb_internal',
                                 '_timescaledb_config',
                                 'timescaledb_information',
                                 'timescaledb_experimental')
        ORDER BY CASE WHEN
              quote_ident(table_schema) IN (
              SELECT
                CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
              FROM
                generate_series(
                  array_lower(string_to_array(current_setting('search_path'),','),1),
                  array_upper(string_to_array(current_setting('search_path'),','),1)
                ) as i,
                string_to_array(current_setting('search_path'),',') s
              ) THEN 0 ELSE 1 END, 1;
SELECT quote_ident(column_name) AS "column", data_type AS "type"
        FROM information_schema.columns
        WHERE
          CASE WHEN array_length(parse_ident('public.events'),1) = 2
            THEN quote_ident(table_schema) = (parse_ident('public.events'))[1]
              AND quote_ident(table_name) = (parse_ident('public.events'))[2]
            ELSE quote_ident(table_name) = 'public.events'
              AND
              quote_ident(table_schema) IN (
              SELECT
                CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
              FROM
                generate_series(
                  array_lower(string_to_array(current_setting('search_path'),','),1),
                  array_upper(string_to_array(current_setting('search_path'),','),1)
                ) as i,
                string_to_array(current_setting('search_path'),',') s
              )
          END;
SQL
cat >"$work/grafana_meta.want" <<'OUT'
PostgreSQL 16.0 (Basin) on x86_64-pc-linux-gnu, 64-bit
events
recent
ts|timestamp without time zone
host|text
value|double precision
OUT
diff "$work/grafana_meta.want" "$work/grafana_meta.out" >&2 || fail "Grafana's table and column pickers"

# A time series panel from the query builder, and raw time/epoch columns; the macros as Grafana expands
# them for the range 2024-01-01T00:00:00Z to 01:00:00Z.
run grafana_series <<'SQL'
SELECT floor(extract(epoch from ts)/60)*60 AS "time", host AS metric, avg(value) AS "value" FROM events WHERE ts BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T01:00:00Z' GROUP BY 1,2 ORDER BY 1,2;
SELECT ts AS "time", value FROM events WHERE ts BETWEEN '2024-01-01T00:00:30.5Z' AND '2024-01-01T01:00:00Z' ORDER BY 1;
SELECT extract(epoch from ts) as "time", value FROM events WHERE ts >= '2024-01-01T00:00:00Z' AND ts <= '2024-01-01T01:00:00Z' ORDER BY 1 LIMIT 1;
SQL
cat >"$work/grafana_series.want" <<'OUT'
1704067200|a|2
1704067260|b|2
2024-01-01 00:00:50|3
2024-01-01 00:01:30|2
1704067210|1
OUT
diff "$work/grafana_series.want" "$work/grafana_series.out" >&2 || fail "Grafana's time series queries"

# ---- Metabase: connect settings, then its database sync ----
run metabase <<'SQL'
SET extra_float_digits = 2;
SET application_name = 'Metabase v0.55.1 [f8f63fdf-d8f8-4573-86ea-4fe4a9548041]';
SHOW TRANSACTION ISOLATION LEVEL;
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;
SELECT nspname AS "TABLE_SCHEM", current_database() AS "TABLE_CATALOG" FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY "TABLE_SCHEM";
with table_privileges as (
         select
           NULL as role,
           t.schemaname as schema,
           t.objectname as table,
           pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'update') as update,
           pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'select') as select,
           pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'insert') as insert,
           pg_catalog.has_table_privilege(     current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'delete') as delete
         from (
           select schemaname, tablename as objectname from pg_catalog.pg_tables
           union
           select schemaname, viewname as objectname from pg_catalog.pg_views
           union
           select schemaname, matviewname as objectname from pg_catalog.pg_matviews
         ) t
         where t.schemaname !~ '^pg_'
           and t.schemaname <> 'information_schema'
           and pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage')
        )
        select t.*
        from table_privileges t
        order by t.table;
SELECT "n"."nspname" AS "schema", "c"."relname" AS "name", CASE "c"."relkind" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type", "d"."description" AS "description", "stat"."n_live_tup" AS "estimated_row_count" FROM "pg_catalog"."pg_class" AS "c" INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "c"."relnamespace" = "n"."oid" LEFT JOIN "pg_catalog"."pg_description" AS "d" ON ("c"."oid" = "d"."objoid") AND ("d"."objsubid" = '0') AND ("d"."classoid" = 'pg_class'::regclass) LEFT JOIN "pg_stat_user_tables" AS "stat" ON ("n"."nspname" = "stat"."schemaname") AND ("c"."relname" = "stat"."relname") WHERE ("c"."relnamespace" = "n"."oid") AND ("n"."nspname" !~ '^pg_') AND ("n"."nspname" <> 'information_schema') AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND ("n"."nspname" IN ('public')) ORDER BY "type" ASC, "schema" ASC, "name" ASC;
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED;
show timezone;
SQL
cat >"$work/metabase.want" <<'OUT'
read committed
information_schema|basin
pg_catalog|basin
public|basin
|public|events|t|t|t|t
|public|recent|t|t|t|t
public|events|TABLE||4
public|recent|VIEW||
UTC
OUT
diff "$work/metabase.want" "$work/metabase.out" >&2 || fail "Metabase's connect and sync queries"

# ---- Superset: SQLAlchemy's psycopg2 dialect on connect (server version, default schema, isolation
# level, string quoting, psycopg2's hstore lookup), then the inspector's schema and table listings ----
run superset <<'SQL'
select pg_catalog.version();
select current_schema();
show transaction isolation level;
show standard_conforming_strings;
SELECT t.oid, typarray FROM pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid WHERE typname = 'hstore';
SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' ORDER BY nspname;
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind in ('r', 'p');
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm');
SQL
cat >"$work/superset.want" <<'OUT'
PostgreSQL 16.0 (Basin) on x86_64-pc-linux-gnu, 64-bit
public
read committed
on
information_schema
public
events
recent
OUT
diff "$work/superset.want" "$work/superset.out" >&2 || fail "Superset's (SQLAlchemy's) connect queries"

# ---- Tableau: the psqlODBC driver's connect-time queries ----
run tableau <<'SQL'
SET DateStyle = 'ISO';SET extra_float_digits = 2;show transaction_isolation;
select oid, typbasetype from pg_type where typname = 'lo';
show max_identifier_length;
select NULL, NULL, NULL;
select relname, nspname, relkind from pg_catalog.pg_class c, pg_catalog.pg_namespace n where relkind in ('r', 'v', 'm', 'f', 'p') and nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'pg_temp_1') and n.oid = relnamespace order by nspname, relname;
select pg_client_encoding();
SQL
cat >"$work/tableau.want" <<'OUT'
read committed
63
||
events|public|r
recent|public|v
UTF8
OUT
diff "$work/tableau.want" "$work/tableau.out" >&2 || fail "Tableau's (psqlODBC's) connect queries"

stop_server
echo "BI tools' queries against basin server: ok"
