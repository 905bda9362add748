#!/usr/bin/env bash
# Installs what the test suite runs against, when missing: a real influxd 1.x (the oracle
# for line protocol and the target of subscriptions), the `influx` CLI (influx -import)
# python3-influxdb (a real client) and mosquitto (a real MQTT broker for the mqtt alert handler). Debian packages; needs root (CI runs as root).
set -euo pipefail
need=()
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v influx >/dev/null 2>&1 || need+=(influxdb-client)
/usr/bin/python3 -c 'import influxdb' >/dev/null 2>&1 || need+=(python3-influxdb)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
[ ${#need[@]} -eq 0 ] && exit 0
echo "test-deps: installing ${need[*]}" >&2
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || {
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
}
