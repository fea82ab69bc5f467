#!/usr/bin/env bash
# Creates ./secrets/ with a random password per Docker secret of docker-compose.yml (never overwrites one that
# exists), readable by the owner only. The directory is ignored by git and by the image build (.dockerignore).
set -euo pipefail
cd "$(dirname "$0")/../.."
umask 077
mkdir -p secrets
for name in clickhouse_password grafana_clickhouse_password grafana_admin_password; do
  if [[ -s "secrets/$name" ]]; then
    echo "secrets/$name exists; kept"
  else
    head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "secrets/$name"
    echo "secrets/$name created"
  fi
done
