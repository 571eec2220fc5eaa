using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Tests.Platform;

public sealed class PersistenceTests
{
    private static SqliteRetentionDbContext Sqlite(string path) =>
        new(new DbContextOptionsBuilder<SqliteRetentionDbContext>().UseSqlite($"Data Source={path}").Options);

    private static SqlServerRetentionDbContext SqlServer() =>
        new(new DbContextOptionsBuilder<SqlServerRetentionDbContext>()
            .UseSqlServer("Server=unused;Database=unused;TrustServerCertificate=True").Options);

    [Fact]
    public void SqliteContext_Model_HasNoPendingChanges()
    {
        using var db = Sqlite(Path.Combine(Path.GetTempPath(), $"rc-{Guid.NewGuid():N}.db"));
        Assert.False(db.Database.HasPendingModelChanges(), "Run tools/add-migration.sh: the SQLite model changed.");
    }

    [Fact]
    public void SqlServerContext_Model_HasNoPendingChanges()
    {
        using var db = SqlServer();
        Assert.False(db.Database.HasPendingModelChanges(), "Run tools/add-migration.sh: the SQL Server model changed.");
    }

    [Fact]
    public void BothProviders_HaveTheSameMigrationNames()
    {
        using var sqlite = Sqlite(":memory:");
        using var sqlServer = SqlServer();
        static IEnumerable<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[15..]);
        Assert.Equal(Names(sqlite), Names(sqlServer));
    }

    [Fact]
    public async Task SqliteMigrations_ApplyToFreshFile_AndCreateEveryTable()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rc-{Guid.NewGuid():N}.db");
        try
        {
            await using (var db = Sqlite(path))
            {
                await db.Database.MigrateAsync();
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                // Every entity's table exists and can be queried.
                foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null))
                {
                    var sql = "SELECT COUNT(*) FROM \"" + entity.GetTableName() + "\"";
                    await db.Database.ExecuteSqlRawAsync(sql);
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void SqlServer_IdempotentScript_Generates()
    {
        using var db = SqlServer();
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        Assert.Contains("IF NOT EXISTS", script);
        Assert.Contains("CREATE TABLE [Accounts]", script);
        Assert.Contains("__EFMigrationsHistory", script);
    }
}
