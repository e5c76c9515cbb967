# Shared by the HTTP end-to-end tests (source it): e2e_lib.sh (a scratch directory, `basin server` on free
# ports, wait_for, fail) and curl helpers that keep the last response in $work for checks and failure
# reports.
#
#   source http_lib.sh PATH/TO/basin
basin=$1
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
python=/usr/bin/python3  # Debian's, where python3-prometheus-client installs

c() { curl -sS --max-time 30 "$@"; }
# status URL ARGS...: print the status code; the body goes to $work/body.out, the headers to
# $work/headers.out.
status() {
  local url=$1
  shift
  c -o "$work/body.out" -D "$work/headers.out" -w '%{http_code}' "$@" "$url"
}
# json EXPR: print a Python expression over the last body, parsed as `j`.
json() { "$python" -c "import json,sys; j=json.load(open('$work/body.out')); print($1)"; }
# sql STATEMENT: POST {"sql": STATEMENT} to $http/api/v1/sql as status does.
sql() {
  status "$http/api/v1/sql" -H 'Content-Type: application/json' \
    --data-binary "$("$python" -c 'import json,sys; print(json.dumps({"sql": sys.argv[1]}))' "$1")"
}
