#!/usr/bin/env bash
# A picture of the Grafana dashboard (deploy/grafana/stafi-router.json) from a real run, without
# Docker or Grafana: runs `make demo`'s router with a local Prometheus (Debian's package, unpacked
# into .tools/ by `scripts/install-tools.sh prometheus`) scraping it every second, then asks that
# Prometheus for every panel's queries and draws the panels where the dashboard puts them
# (scripts/dashboard_picture.py, Python's standard library only).
#
#   scripts/dashboard-picture.sh [OUT.svg]     default: demo-out/dashboard.svg
#
# Options through the environment: DEMO_VALIDATORS (default 4), DEMO_HOLD_SECS (how long the
# router keeps running after the demo's last step, default 60), METRICS_PORT (default 9109),
# PROMETHEUS_PORT (default 9190). Everything listens on 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-$root/demo-out/dashboard.svg}"
metrics_port="${METRICS_PORT:-9109}"
prom_port="${PROMETHEUS_PORT:-9190}"

scripts/install-tools.sh prometheus
# shellcheck disable=SC1090
source <(scripts/tool-env.sh)

work="$(mktemp -d)"
prom_pid=""
cleanup() {
  [[ -n "$prom_pid" ]] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: stafi-router
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
YML
printf '==> Prometheus on 127.0.0.1:%s, scraping 127.0.0.1:%s every second\n' "$prom_port" "$metrics_port"
"$PROMETHEUS_BIN" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
prom_pid=$!

start="$(date +%s)"
STAFI_ROUTER_METRICS_LISTEN="127.0.0.1:$metrics_port" DEMO_HOLD_SECS="${DEMO_HOLD_SECS:-60}" \
  scripts/demo.sh
end="$(date +%s)"

mkdir -p "$(dirname "$out")"
printf '==> drawing the dashboard from %s s of samples\n' "$((end - start))"
python3 scripts/dashboard_picture.py --prometheus "http://127.0.0.1:$prom_port" \
  --dashboard deploy/grafana/stafi-router.json --start "$start" --end "$end" --out "$out"
printf '==> %s\n' "$out"
