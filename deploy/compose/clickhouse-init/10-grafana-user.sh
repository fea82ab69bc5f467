#!/bin/bash
# Runs once, on the first start of an empty ClickHouse volume (the image's /docker-entrypoint-initdb.d): a
# read-only user for Grafana's dashboards and alert rules, with the password of the grafana_clickhouse_password
# secret. SELECT on the Vigil database only; readonly=2 lets Grafana set query settings but change nothing.
set -euo pipefail
password="$(cat /run/secrets/grafana_clickhouse_password)"
admin_password="$(cat /run/secrets/clickhouse_password)"
clickhouse client --user "${CLICKHOUSE_USER:-vigil}" --password "$admin_password" --multiquery <<SQL
CREATE DATABASE IF NOT EXISTS ${CLICKHOUSE_DB:-vigil};
CREATE USER IF NOT EXISTS grafana IDENTIFIED WITH sha256_password BY '${password}' SETTINGS readonly = 2;
GRANT SELECT ON ${CLICKHOUSE_DB:-vigil}.* TO grafana;
SQL
