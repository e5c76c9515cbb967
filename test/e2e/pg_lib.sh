# Shared by the PostgreSQL-protocol end-to-end tests (source it): e2e_lib.sh (`basin server` on free ports,
# its PostgreSQL port in `pg_port`) and psql run against it.
#
#   source pg_lib.sh PATH/TO/basin
basin=$1
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

# pg [PSQL ARGS...]: psql as the user basin (or $PGUSER), no psqlrc, stopping at the first error.
pg() {
  PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U "${PGUSER:-basin}" -d basin "$@"
}

# has FILE TEXT WHAT: FILE contains TEXT (fixed string), else fail naming WHAT.
has() {
  grep -qF -- "$2" "$1" || { echo "--- $1"; cat "$1"; fail "$3: no \"$2\""; } >&2
}
