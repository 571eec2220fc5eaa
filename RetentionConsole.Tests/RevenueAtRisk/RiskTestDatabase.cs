using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Tests.RevenueAtRisk;

/// <summary>A migrated SQLite file of its own with the engine and queries on a fake clock.</summary>
public sealed class RiskTestDatabase : IAsyncDisposable
{
    public static readonly DateTimeOffset Today = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"rc-rar-{Guid.NewGuid():N}.db");

    private RiskTestDatabase(RevenueAtRiskOptions options)
    {
        Options = options;
        Factory = new ContextFactory(new DbContextOptionsBuilder<SqliteRetentionDbContext>().UseSqlite($"Data Source={_path}").Options);
        Engine = new RevenueAtRiskEngine(Factory, new StaticMonitor(options), Clock, NullLogger<RevenueAtRiskEngine>.Instance);
        Queries = new RiskBoardQueries(Factory, Clock, Microsoft.Extensions.Options.Options.Create(options));
    }

    public FakeTimeProvider Clock { get; } = new(Today);
    public RevenueAtRiskOptions Options { get; }
    public IDbContextFactory<RetentionDbContext> Factory { get; }
    public RevenueAtRiskEngine Engine { get; }
    public RiskBoardQueries Queries { get; }

    public static async Task<RiskTestDatabase> CreateAsync(RevenueAtRiskOptions? options = null)
    {
        var db = new RiskTestDatabase(options ?? new RevenueAtRiskOptions());
        await using var context = await db.Factory.CreateDbContextAsync();
        await context.Database.MigrateAsync();
        return db;
    }

    public async Task SeedAsync(params object[] entities)
    {
        await using var db = await Factory.CreateDbContextAsync();
        db.AddRange(entities);
        await db.SaveChangesAsync();
    }

    public async Task<T> WithDbAsync<T>(Func<RetentionDbContext, Task<T>> action)
    {
        await using var db = await Factory.CreateDbContextAsync();
        return await action(db);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { File.Delete(_path); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    private sealed class ContextFactory(DbContextOptions<SqliteRetentionDbContext> options) : IDbContextFactory<RetentionDbContext>
    {
        public RetentionDbContext CreateDbContext() => new SqliteRetentionDbContext(options);
    }

    private sealed class StaticMonitor(RevenueAtRiskOptions value) : IOptionsMonitor<RevenueAtRiskOptions>
    {
        public RevenueAtRiskOptions CurrentValue => value;
        public RevenueAtRiskOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<RevenueAtRiskOptions, string?> listener) => null;
    }
}
