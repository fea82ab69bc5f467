#!/usr/bin/env bash
# Creates ./secrets/ with a random password per Docker secret of docker-compose.yml (never overwrites one that
# exists). The directory is the owner's only (0700); the files are world-readable (0444) because compose bind-mounts
# each file into containers that run as their own users (vigil 1000, clickhouse 101, grafana 472), and the mount
# does not pass through the directory's permissions. The directory ignores itself in git (secrets/.gitignore)
# and is left out of the image build (.dockerignore).
set -euo pipefail
cd "$(dirname "$0")/../.."
umask 077
mkdir -p secrets
# Never committed, whatever the repository's .gitignore says.
printf '*\n' > secrets/.gitignore
for name in clickhouse_password grafana_clickhouse_password grafana_admin_password; do
  if [[ -s "secrets/$name" ]]; then
    echo "secrets/$name exists; kept"
  else
    head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "secrets/$name"
    chmod 0444 "secrets/$name"
    echo "secrets/$name created"
  fi
done
