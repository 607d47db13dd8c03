#!/usr/bin/env bash
# Checks the operator-facing files under deploy/ with the tools that will read them:
# - promtool: the alert and recording rules, their unit tests, the example scrape config, and
#   every PromQL expression of the Grafana dashboard;
# - jq: the dashboard is JSON and uses the ${datasource} variable;
# - deploy/metric-names.txt: every metric the rules and the dashboard read is one the code
#   exports (the list is the contract; a renamed metric fails here instead of silently
#   emptying a graph or an alert);
# - systemd-analyze: the units, with ExecStart pointing at the binary under test.
#
# Usage: tests/deploy/check_deploy.sh NEDLIA_BINARY
# Exit status: 0 all passed; 1 a check failed (the last line says which); 2 bad usage;
# 77 promtool or systemd-analyze is not installed (CTest's SKIP_RETURN_CODE; scripts/install-deps
# installs both).
set -euo pipefail

die() {
  echo "check_deploy: FAILED: $*" >&2
  exit 1
}

if [ $# -ne 1 ]; then
  echo "usage: $0 NEDLIA_BINARY" >&2
  exit 2
fi
for tool in promtool systemd-analyze; do
  if ! command -v "$tool" >/dev/null; then
    echo "check_deploy: SKIPPED: $tool not found (scripts/install-deps installs it)" >&2
    exit 77
  fi
done
command -v jq >/dev/null || die "jq not found (scripts/install-deps installs it)"

binary=$(realpath -e -- "$1" 2>/dev/null) || die "no such file: $1"
[ -x "$binary" ] || die "not executable: $binary"
# systemd splits ExecStart= at whitespace; the units are tested with the path as it is.
[[ $binary != *[[:space:]]* ]] || die "the binary's path has whitespace: $binary"

cd "$(dirname "$(realpath "$0")")/../.."
deploy=deploy
rules=$deploy/prometheus/nedlia-rules.yml
rules_test=$deploy/prometheus/nedlia-rules.test.yml
config=$deploy/prometheus/prometheus.yml
dashboard=$deploy/grafana/nedlia-dashboard.json
names=$deploy/metric-names.txt
units=$deploy/systemd

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Runs a command; on failure shows its output, then the one-line reason.
check() {
  local reason=$1
  shift
  if ! "$@" >"$tmp/out" 2>&1; then
    sed 's/^/  /' "$tmp/out" >&2
    die "$reason"
  fi
}

# --- Prometheus -----------------------------------------------------------------------------
check "promtool check rules $rules" promtool check rules "$rules"
rule_count=$(sed -n 's/.*SUCCESS: \([0-9]*\) rules found.*/\1/p' "$tmp/out")
check "promtool test rules $rules_test" promtool test rules "$rules_test"
# Also loads the rule files the config names, from the config's directory.
check "promtool check config $config" promtool check config "$config"

# Each `expr:` of a rules file on one line: a plain or single-quoted scalar, or a block
# scalar (| or >) joined. Anything else stops the check rather than being misread.
rule_exprs() {
  awk '
    function flush() { if (inblock) { print buf; inblock = 0 } }
    inblock {
      if ($0 ~ /^[[:space:]]*$/) next
      match($0, /^ */)
      if (RLENGTH > keyind) { buf = buf " " substr($0, RLENGTH + 1); next }
      flush()
    }
    match($0, /^[ -]*expr:[ ]*/) {
      keyind = index($0, "expr:") - 1
      rest = substr($0, RSTART + RLENGTH)
      if (rest ~ /^[|>][-+]?[ ]*$/) { inblock = 1; buf = ""; next }
      if (rest ~ /^'\''.*'\''$/) {
        rest = substr(rest, 2, length(rest) - 2); gsub(/'\'''\''/, "'\''", rest)
      } else if (rest ~ /^["{[]/ || rest == "") {
        printf "%s:%d: an expr this check cannot read; write it plain, single-quoted or as a block\n", FILENAME, NR > "/dev/stderr"
        exit 1
      } else {
        sub(/[ ]+#.*$/, "", rest)
      }
      print rest
    }
    END { flush() }
  ' "$1"
}

# Writes a rules file (JSON, which promtool reads as YAML) recording each line of standard input
# as $1_N, so that promtool parses every expression and names the failing one.
exprs_as_rules() {
  jq -R -s --arg prefix "$1" '
    {groups: [{name: $prefix, rules: (split("\n") | map(select(length > 0)) | to_entries
      | map({record: "\($prefix)_\(.key + 1)", expr: .value}))}]}'
}

rule_exprs "$rules" >"$tmp/rule-exprs" || die "cannot read the expressions of $rules"
extracted=$(wc -l <"$tmp/rule-exprs")
[ "$extracted" -eq "$rule_count" ] ||
  die "read $extracted expressions from $rules, promtool counts $rule_count rules: this check's reader is out of step with the file"
exprs_as_rules check:rule <"$tmp/rule-exprs" >"$tmp/rule-exprs.json"
check "an expression of $rules reads differently here than in promtool" \
  promtool check rules "$tmp/rule-exprs.json"

# --- Grafana --------------------------------------------------------------------------------
jq empty "$dashboard" 2>"$tmp/out" || { sed 's/^/  /' "$tmp/out" >&2; die "$dashboard is not valid JSON"; }
jq -e '.schemaVersion >= 36' "$dashboard" >/dev/null || die "$dashboard: schemaVersion below 36"
jq -e '[.templating.list[] | select(.name == "datasource" and .type == "datasource" and .query == "prometheus")] | length == 1' \
  "$dashboard" >/dev/null || die "$dashboard: no \`datasource\` variable of type prometheus"
jq -e '[.templating.list[] | select(.name == "instance")] | length == 1' "$dashboard" >/dev/null ||
  die "$dashboard: no \`instance\` variable"
# Every panel and query through the variable, so the dashboard imports into any Grafana.
bad=$(jq -r '[.. | objects | select(has("datasource") and (.datasource | type) == "object"
             and .datasource.type == "prometheus" and .datasource.uid != "${datasource}")] | length' "$dashboard")
[ "$bad" -eq 0 ] || die "$dashboard: $bad panels or queries name a data source instead of \${datasource}"
jq -e '[.. | objects | select(has("targets")) | .targets[] | select((.expr // "") == "")] | length == 0' \
  "$dashboard" >/dev/null || die "$dashboard: a query without an expr"

# Grafana's interval variables become a duration; $instance and the like sit inside quoted
# matchers, where any text parses.
jq -r '.. | objects | select(has("targets")) | .targets[] | .expr
       | gsub("\\$__(rate_interval|interval|range)"; "5m") | gsub("\n"; " ")' \
  "$dashboard" >"$tmp/dashboard-exprs"
# Query variables: label_values(SELECTOR, label) or query_result(EXPR).
jq -r '.templating.list[] | select(.type == "query") | (.query.query? // .query)' "$dashboard" |
  while IFS= read -r query; do
    if [[ $query =~ ^label_values\((.*),[[:space:]]*[A-Za-z_][A-Za-z0-9_]*\)$ ]] ||
      [[ $query =~ ^query_result\((.*)\)$ ]]; then
      echo "${BASH_REMATCH[1]}"
    else
      echo "check_deploy: $dashboard: a variable query this check cannot read: $query" >&2
      exit 1
    fi
  done >>"$tmp/dashboard-exprs" || die "$dashboard: unreadable variable query"
[ -s "$tmp/dashboard-exprs" ] || die "$dashboard: no expressions found"
exprs_as_rules dashboard:expr <"$tmp/dashboard-exprs" >"$tmp/dashboard-exprs.json"
if ! promtool check rules "$tmp/dashboard-exprs.json" >"$tmp/out" 2>&1; then
  sed 's/^/  /' "$tmp/out" >&2
  # dashboard:expr_N is line N of the list; show it.
  n=$(grep -o 'dashboard:expr_[0-9]*' "$tmp/out" | head -1 | cut -d_ -f2)
  [ -z "$n" ] || echo "  expression $n: $(sed -n "${n}p" "$tmp/dashboard-exprs")" >&2
  die "$dashboard: an expression does not parse"
fi

# --- Metric names ---------------------------------------------------------------------------
grep -vqE '^[a-zA-Z_][a-zA-Z0-9_]*$' "$names" && die "$names: a line that is not a metric name: $(grep -vE '^[a-zA-Z_][a-zA-Z0-9_]*$' "$names" | head -1)"
[ -z "$(sort "$names" | uniq -d)" ] || die "$names: listed twice: $(sort "$names" | uniq -d | head -1)"

# The metric names an expression selects: strings, label matchers, ranges, grouping clauses
# and numbers removed, then every identifier that is not a function, an aggregation (followed
# by a parenthesis) or a keyword.
selected_names() {
  sed -E -f <(
    cat <<'SED'
s/"([^"\\]|\\.)*"//g
s/'([^'\\]|\\.)*'//g
s/`[^`]*`//g
s/\{[^}]*\}//g
s/\[[^]]*\]//g
s/\b(by|without|on|ignoring|group_left|group_right)[[:space:]]*\([^)]*\)//g
s/\boffset[[:space:]]+-?[0-9][0-9a-z]*//g
s/(^|[^A-Za-z0-9_:.])[0-9][0-9.]*([eE][-+]?[0-9]+)?/\1 /g
SED
  ) |
    grep -oE '[A-Za-z_:][A-Za-z0-9_:]*[[:space:]]*\(?' |
    grep -vE '\($' |
    sed -E 's/[[:space:]]+$//' |
    grep -vixE 'and|or|unless|bool|inf|nan|by|without|on|ignoring|group_left|group_right|offset' ||
    true
}
# Known: the contract's names (a histogram's _bucket, _sum and _count series included), `up`
# (Prometheus's own), and the records the rules define.
{
  cat "$names"
  sed -E 's/$/_bucket/' "$names"
  sed -E 's/$/_sum/' "$names"
  sed -E 's/$/_count/' "$names"
  echo up
  sed -nE 's/^[[:space:]-]*record:[[:space:]]*([^[:space:]#]+).*/\1/p' "$rules"
} | sort -u >"$tmp/known"
for source in rule dashboard; do
  while IFS= read -r expr; do
    selected_names <<<"$expr" | tr ' ' '\n'
  done <"$tmp/$source-exprs" | sed '/^$/d' | sort -u >"$tmp/$source-names"
  unknown=$(comm -23 "$tmp/$source-names" "$tmp/known" | tr '\n' ' ')
  [ -z "$unknown" ] || die "the $source expressions read metrics missing from $names: $unknown"
done
# The reading above finds names at all (a broken sed would find none and prove nothing).
grep -qx nedlia_http_requests_total "$tmp/rule-names" ||
  die "the metric-name reader found no nedlia_http_requests_total in $rules"

# --- systemd --------------------------------------------------------------------------------
for f in "$units"/*.env; do
  bad=$(grep -nvE '^[[:space:]]*$|^[#;]|^[A-Z_][A-Z0-9_]*=' "$f" | head -1 || true)
  [ -z "$bad" ] || die "$f:${bad%%:*}: not KEY=VALUE, a comment or blank"
done
grep -q '^ExecStart=/usr/bin/nedlia ' "$units/nedlia-serve.service" ||
  die "$units/nedlia-serve.service: ExecStart= does not run /usr/bin/nedlia"
grep -q '^ExecStart=/usr/bin/nedlia worker %i$' "$units/nedlia-worker@.service" ||
  die "$units/nedlia-worker@.service: ExecStart= does not run /usr/bin/nedlia worker %i"

mkdir "$tmp/units"
cp "$units"/*.service "$tmp/units/"
sed -i "s|/usr/bin/nedlia|$(printf '%s' "$binary" | sed 's/[\\|&]/\\&/g')|g" "$tmp/units"/*.service

# systemd-analyze verify exits 0 on what it only warns about: an unknown directive, a value it
# cannot parse ("ignoring"), a misspelled section. Those warnings are real errors in a unit we
# ship, so any output fails. It does not resolve User=; systemd does that at start (status
# 217/USER without the user). --recursive-errors=no: the units' dependencies
# (network-online.target) are the host's. --man=no: no man page lookups.
verify() {
  (cd "$tmp/units" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no --recursive-errors=no "$@")
}
# A canary first: a misspelled directive must be reported, or this check proves nothing with
# this systemd.
sed '/^\[Service\]$/a NoNewPrivilegs=yes' "$tmp/units/nedlia-serve.service" >"$tmp/units/canary.service"
verify ./canary.service >"$tmp/out" 2>&1 || true
grep -q "Unknown key 'NoNewPrivilegs'" "$tmp/out" ||
  die "systemd-analyze verify does not report a misspelled directive here: the unit check would prove nothing"
rm "$tmp/units/canary.service"
# The template, and instances of it (%i in paths and arguments): all and a name with a dash.
if ! verify ./nedlia-serve.service ./nedlia-worker@.service ./nedlia-worker@all.service \
  ./nedlia-worker@file-generator.service >"$tmp/out" 2>&1 || [ -s "$tmp/out" ]; then
  sed 's/^/  /' "$tmp/out" >&2
  die "systemd-analyze verify: $(head -1 "$tmp/out")"
fi
# The hardening stays: exposure 2.8 today (0 best, 10 worst); more than 3.0 fails.
check "systemd-analyze security: a unit lost its hardening (exposure above 3.0)" \
  systemd-analyze security --offline=yes --threshold=30 --no-pager \
  "$tmp/units/nedlia-serve.service" "$tmp/units/nedlia-worker@.service"

echo "check_deploy: all deployment assets pass ($rule_count rules, $(wc -l <"$tmp/dashboard-exprs") dashboard expressions, units verified with $binary)"
