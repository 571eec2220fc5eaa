using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Hosting;

/// <summary>
/// <c>dotnet run --project RetentionConsole -c Release -- bench [--accounts N] [--tickets M] [--seed S]</c>: measures the
/// revenue-at-risk engine and the leaderboard queries on a scratch SQLite database of that size, then prints a table.
/// The host is built (same services, same migrations) but never started: no jobs, no listener.
/// </summary>
public static class BenchCommand
{
    private const int ChangedTickets = 100;
    private const int IncrementalRounds = 7;
    private const int QueryRuns = 60;

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "bench";

    /// <summary>Points the host at a fresh scratch database before it is built; called only for the bench.</summary>
    public static void UseScratchDatabase(WebApplicationBuilder builder)
    {
        var path = Path.Combine(Path.GetTempPath(), $"retention-bench-{Guid.NewGuid():N}.db");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Retention"] = $"Data Source={path}",
            ["Auth:BootstrapAdmin:Password"] = "Bench-" + Guid.NewGuid().ToString("N"),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Bench:DatabasePath"] = path,
        });
    }

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (!TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync(error);
            await Console.Error.WriteLineAsync("usage: bench [--accounts N (1..1000000)] [--tickets M (0..10000000)] [--seed S]");
            return 2;
        }

        var path = app.Configuration["Bench:DatabasePath"];
        try
        {
            var results = await MeasureAsync(app.Services, options);
            Print(options, results);
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (path is not null)
            {
                foreach (var f in new[] { path, path + "-wal", path + "-shm" })
                {
                    try { File.Delete(f); } catch (IOException) { }
                }
            }
        }
    }

    public sealed record BenchOptions(int Accounts, int Tickets, int Seed);

    internal static bool TryParse(string[] args, out BenchOptions options, out string error)
    {
        options = new BenchOptions(2_000, 40_000, 42);
        error = "";
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                error = $"bench: {name} needs a whole number after it.";
                return false;
            }

            i++;
            switch (name)
            {
                case "--accounts" when value is >= 1 and <= 1_000_000: options = options with { Accounts = value }; break;
                case "--tickets" when value is >= 0 and <= 10_000_000: options = options with { Tickets = value }; break;
                case "--seed": options = options with { Seed = value }; break;
                default:
                    error = $"bench: unknown option or value out of range: {name} {value}.";
                    return false;
            }
        }

        return true;
    }

    private sealed record Row(string Measure, string Value, string Note = "");

    private static async Task<List<Row>> MeasureAsync(IServiceProvider services, BenchOptions o)
    {
        var factory = services.GetRequiredService<IDbContextFactory<RetentionDbContext>>();
        var engine = services.GetRequiredService<RevenueAtRiskEngine>();
        var queries = services.GetRequiredService<RiskBoardQueries>();
        var today = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.Date;
        var rows = new List<Row>();

        // Data: inserted directly into the database. The connector branches add a stage here that syncs the same
        // volume through the sandbox connectors and reports the upstream requests made against the minimum.
        var watch = Stopwatch.StartNew();
        var seeded = await BenchData.SeedDirectlyAsync(factory, o, today);
        rows.Add(new Row("seed (direct insert, not a sync)", Ms(watch.Elapsed), $"{o.Accounts:N0} accounts, {o.Tickets:N0} tickets, {seeded.OpenFriction:N0} open friction"));

        var first = await engine.RecalculateAllAsync();
        rows.Add(new Row("full recompute (from empty)", Ms(first.Elapsed),
            $"{first.AccountsChanged:N0} accounts, {first.IssuesChanged:N0} issues, {first.HistoryPoints:N0} history points; {first.Phases}"));
        var steady = await engine.RecalculateAllAsync();
        rows.Add(new Row("full recompute (nothing changed)", Ms(steady.Elapsed), $"{steady.IssuesExamined:N0} issues examined; {steady.Phases}"));

        var random = new Random(o.Seed + 1);
        var incremental = new List<TimeSpan>();
        RecalculationResult? last = null;
        for (var round = 0; round < IncrementalRounds; round++)
        {
            var changes = await BenchData.ChangeTicketsAsync(factory, random, o, ChangedTickets);
            last = await engine.RecalculateChangesAsync(changes);
            incremental.Add(last.Elapsed);
        }

        rows.Add(new Row($"incremental recompute, {ChangedTickets} changed tickets (p50 of {IncrementalRounds})", Ms(Percentile(incremental, 0.5)),
            $"max {Ms(incremental.Max())}; last: {last!.AccountsExamined} accounts, {last.IssuesExamined} issues examined; {last.Phases}"));

        var summary = await queries.SummaryAsync();
        var atRiskPages = Math.Max(1, (summary.AccountsAtRisk + BoardQueryInput.DefaultPageSize - 1) / BoardQueryInput.DefaultPageSize);
        var allPages = Math.Max(1, (o.Accounts + BoardQueryInput.DefaultPageSize - 1) / BoardQueryInput.DefaultPageSize);
        var issuePages = Math.Max(1, (summary.OpenEngineeringIssues + BoardQueryInput.DefaultPageSize - 1) / BoardQueryInput.DefaultPageSize);
        var atRisk = new BoardFilter();
        var all = new BoardFilter { IncludeAll = true };

        await TimeQueryAsync(rows, "accounts leaderboard, first page", () => queries.AccountsAsync(new AccountBoardQuery(atRisk)));
        await TimeQueryAsync(rows, $"accounts leaderboard, last page ({atRiskPages:N0}) at risk", () => queries.AccountsAsync(new AccountBoardQuery(atRisk, Page: atRiskPages)));
        await TimeQueryAsync(rows, $"accounts leaderboard, all accounts, last page ({allPages:N0})", () => queries.AccountsAsync(new AccountBoardQuery(all, Page: allPages)));
        await TimeQueryAsync(rows, "accounts leaderboard, renewal ≤ 90 d, sorted by weighted",
            () => queries.AccountsAsync(new AccountBoardQuery(atRisk with { RenewalWithinDays = 90 }, AccountSort.Weighted)));
        await TimeQueryAsync(rows, "issues leaderboard, first page", () => queries.IssuesAsync(new IssueBoardQuery(atRisk)));
        await TimeQueryAsync(rows, $"issues leaderboard, last page ({issuePages:N0})", () => queries.IssuesAsync(new IssueBoardQuery(atRisk, Page: issuePages)));
        await TimeQueryAsync(rows, "KPI summary", () => queries.SummaryAsync());

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        rows.Add(new Row("peak working set", $"{process.PeakWorkingSet64 / (1024 * 1024):N0} MB",
            $"managed heap now {GC.GetTotalMemory(false) / (1024 * 1024):N0} MB, allocated in total {GC.GetTotalAllocatedBytes() / (1024 * 1024):N0} MB"));
        rows.Add(new Row("portfolio revenue at risk", Money.Compact(summary.PortfolioRevenueAtRisk, summary.Currency),
            $"{summary.AccountsAtRisk:N0} accounts at risk ({summary.AccountsAtRiskUnknownArr:N0} unknown ARR), {summary.OpenEngineeringIssues:N0} open issues"));
        return rows;
    }

    private static async Task TimeQueryAsync<T>(List<Row> rows, string name, Func<Task<T>> query)
    {
        for (var i = 0; i < 5; i++) await query(); // warm-up: JIT, query cache, page cache
        var times = new List<TimeSpan>(QueryRuns);
        for (var i = 0; i < QueryRuns; i++)
        {
            var watch = Stopwatch.StartNew();
            await query();
            times.Add(watch.Elapsed);
        }

        rows.Add(new Row(name, $"p50 {Ms(Percentile(times, 0.5))} / p95 {Ms(Percentile(times, 0.95))}", $"{QueryRuns} runs"));
    }

    private static TimeSpan Percentile(List<TimeSpan> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToList();
        var index = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString(t.TotalMilliseconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";

    private static void Print(BenchOptions o, List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"RetentionConsole bench — {o.Accounts:N0} accounts / {o.Tickets:N0} tickets (seed {o.Seed}), SQLite, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        var w1 = rows.Max(r => r.Measure.Length);
        var w2 = rows.Max(r => r.Value.Length);
        Console.WriteLine($"| {"Measure".PadRight(w1)} | {"Result".PadRight(w2)} | Notes");
        Console.WriteLine($"|{new string('-', w1 + 2)}|{new string('-', w2 + 2)}|------");
        foreach (var r in rows) Console.WriteLine($"| {r.Measure.PadRight(w1)} | {r.Value.PadRight(w2)} | {r.Note}");
        Console.WriteLine();
    }
}
