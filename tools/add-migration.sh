#!/usr/bin/env bash
# Adds one migration to both providers: tools/add-migration.sh <Name>
set -euo pipefail
name=${1:?usage: tools/add-migration.sh <MigrationName>}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for ctx in Sqlite SqlServer; do
  dotnet ef migrations add "$name" \
    --project RetentionConsole.Core --startup-project RetentionConsole \
    --context "${ctx}RetentionDbContext" \
    --output-dir "Persistence/Migrations/${ctx}"
done
