using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace RetentionConsole.Core.Persistence;

/// <summary>SQLite migrates itself at start-up; SQL Server is migrated from the idempotent script (README).</summary>
public sealed class DatabaseInitializer(IDbContextFactory<RetentionDbContext> factory, ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (db is SqliteRetentionDbContext)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Applying {Count} SQLite migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            }

            await db.Database.MigrateAsync(ct);
            // WAL lets readers (Blazor pages) proceed while a sync job writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        else
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The SQL Server database is missing migrations ({string.Join(", ", pending)}). Apply the idempotent script described in README.md.");
            }
        }
    }
}
