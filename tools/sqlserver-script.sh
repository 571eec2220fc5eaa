#!/usr/bin/env bash
# Writes the idempotent SQL Server migration script: tools/sqlserver-script.sh [output.sql]
set -euo pipefail
out=${1:-artifacts/retention-sqlserver.sql}
cd "$(dirname "$0")/.."
mkdir -p "$(dirname "$out")"
dotnet tool restore >/dev/null
dotnet ef migrations script --idempotent \
  --project RetentionConsole.Core --startup-project RetentionConsole \
  --context SqlServerRetentionDbContext --output "$out"
echo "wrote $out"
