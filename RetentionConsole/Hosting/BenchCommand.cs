using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Integrations.Bitrix24;
using RetentionConsole.Core.Integrations.Zendesk;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Sandbox;
using Bitrix24Simulator = RetentionConsole.Sandbox.Bitrix24.Bitrix24Simulator;
using ZendeskSandbox = RetentionConsole.Sandbox.Zendesk.ZendeskSandbox;

namespace RetentionConsole.Hosting;

/// <summary>
/// <c>dotnet run --project RetentionConsole -c Release -- bench [--accounts N] [--tickets M] [--seed S]</c>: seeds the
/// sandbox world at that size, starts the host on a loopback port with a scratch SQLite database, runs the real
/// connectors against the in-process simulators over HTTP (Bitrix24Sync, then ZendeskSync — what the jobs call), then
/// measures the revenue-at-risk engine and the leaderboard queries, and prints a table. Scheduled jobs, the sandbox's
/// own life, its webhooks and alerts stay off so nothing but the bench touches the data.
/// </summary>
public static class BenchCommand
{
    private const int ChangedTickets = 100;
    private const int IncrementalRounds = 7;
    private const int QueryRuns = 60;

    /// <summary>The Zendesk export limit for the bench's sandbox run (see the printed note on what 10/min would cost).</summary>
    public const int BenchExportRequestsPerMinute = ZendeskOptions.MaxExportRequestsPerMinute;

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "bench";

    /// <summary>
    /// Before the host is built: parses the options (false, with usage printed, when they are bad), points the host at a
    /// fresh scratch database and a sandbox world of the requested size, and listens on a free loopback port.
    /// </summary>
    public static bool Configure(WebApplicationBuilder builder, string[] args)
    {
        if (!TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine($"usage: bench [--accounts N (1..{MaxAccounts:N0})] [--tickets M (0..{MaxTicketsPerAccount:N0} per account)] [--seed S]");
            return false;
        }

        var path = Path.Combine(Path.GetTempPath(), $"retention-bench-{Guid.NewGuid():N}.db");
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Retention"] = $"Data Source={path}",
            ["Auth:BootstrapAdmin:Password"] = "Bench-" + Guid.NewGuid().ToString("N"),
            ["Logging:LogLevel:Default"] = "Warning",
            // The sandbox leaves some organizations unmatched on purpose; the sync says so after every run.
            ["Logging:LogLevel:RetentionConsole.Core.Integrations.Zendesk.ZendeskSync"] = "Error",
            ["Bench:DatabasePath"] = path,
            // The bench drives every sync itself: no scheduled job starts while it runs.
            ["Jobs:StartDelay"] = "1.00:00:00",
            ["Sandbox:Enabled"] = "true",
            ["Sandbox:Accounts"] = options.Accounts.ToString(CultureInfo.InvariantCulture),
            ["Sandbox:TicketsPerAccount"] = ((double)options.Tickets / options.Accounts).ToString("R", CultureInfo.InvariantCulture),
            ["Sandbox:Seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["Sandbox:LiveInterval"] = "00:00:00",
            ["Sandbox:ZendeskWebhooks"] = "false",
            ["Sandbox:Alertmanager:Interval"] = "00:00:00",
            // Always the sandbox, whatever user-secrets or the environment point the connectors at.
            ["Connectors:Zendesk:BaseUrl"] = "",
            ["Connectors:Bitrix24:WebhookUrl"] = "",
            ["Connectors:Zendesk:ExportRequestsPerMinute"] = BenchExportRequestsPerMinute.ToString(CultureInfo.InvariantCulture),
        });
        builder.Services.AddSingleton(options);
        return true;
    }

    /// <summary>After the host's services are added: records the recomputes the connectors trigger.</summary>
    public static void AddProbes(IServiceCollection services) => BenchRecomputeProbe.Decorate(services);

    public static async Task<int> RunAsync(WebApplication app)
    {
        var options = app.Services.GetRequiredService<BenchOptions>();
        var path = app.Configuration["Bench:DatabasePath"];
        var started = false;
        try
        {
            // The world is generated before the server starts, so its cost is measured on its own.
            var watch = Stopwatch.StartNew();
            var world = app.Services.GetRequiredService<SandboxWorld>();
            var generated = watch.Elapsed;

            await app.StartAsync();
            started = true;
            var results = await MeasureAsync(app.Services, world, generated);
            Print(options, app.Services.GetRequiredService<ISandboxAddress>().BaseUri, results);
            return 0;
        }
        finally
        {
            if (started) await app.StopAsync();
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

    private const int MaxAccounts = 100_000;
    private const int MaxTicketsPerAccount = 1_000;

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
                case "--accounts" when value is >= 1 and <= MaxAccounts: options = options with { Accounts = value }; break;
                case "--tickets" when value >= 0: options = options with { Tickets = value }; break;
                case "--seed": options = options with { Seed = value }; break;
                default:
                    error = $"bench: unknown option or value out of range: {name} {value}.";
                    return false;
            }
        }

        // The sandbox generates tickets per account (Sandbox:TicketsPerAccount ≤ 1,000).
        if ((long)options.Tickets > (long)options.Accounts * MaxTicketsPerAccount)
        {
            error = $"bench: --tickets {options.Tickets} is more than {MaxTicketsPerAccount:N0} per account for {options.Accounts:N0} account(s).";
            return false;
        }

        return true;
    }

    private sealed record Row(string Measure, string Value, string Note = "");

    private static async Task<List<Row>> MeasureAsync(IServiceProvider services, SandboxWorld world, TimeSpan generated)
    {
        var factory = services.GetRequiredService<IDbContextFactory<RetentionDbContext>>();
        var engine = services.GetRequiredService<RevenueAtRiskEngine>();
        var queries = services.GetRequiredService<RiskBoardQueries>();
        var probe = services.GetRequiredService<BenchRecomputeProbe>();
        var requests = services.GetRequiredService<SandboxFaults>().RequestCounts;
        var clock = services.GetRequiredService<TimeProvider>();
        var o = services.GetRequiredService<BenchOptions>();
        var category = services.GetRequiredService<IOptions<Bitrix24Options>>().Value.ContractCategoryId;
        var zendeskOptions = services.GetRequiredService<IOptions<ZendeskOptions>>().Value;
        var rows = new List<Row>();

        var size = world.Read(w => (Companies: w.Companies.Count, Contacts: w.Contacts.Count, Deals: w.Deals.Count(d => d.CategoryId == category),
            Organizations: w.Organizations.Count, Tickets: w.Tickets.Count));
        rows.Add(new Row("sandbox world generated", Ms(generated),
            $"{size.Companies:N0} companies, {size.Contacts:N0} contacts, {size.Deals:N0} contract deals, {size.Organizations:N0} organizations, {size.Tickets:N0} tickets"));

        // Bitrix24 first (accounts), as the jobs' order gives it; its real 2 requests/s limiter stays on.
        var b24Pages = Pages(size.Companies, Bitrix24Simulator.PageSize) + Pages(size.Deals, Bitrix24Simulator.PageSize) + Pages(size.Contacts, Bitrix24Simulator.PageSize);
        // + crm.currency.list, one command, + one user.get command per distinct owner (names for the Owner column); the
        // owner commands fill spare batch capacity, so they add a request only when the pages leave no room.
        var b24Owners = world.Read(w => w.Companies.Select(c => c.Owner).Distinct().Count());
        var b24Minimum = Pages(b24Pages + 1 + b24Owners, Bitrix24Simulator.MaxBatch);
        var before = Count(requests, "bitrix24");
        var watch = Stopwatch.StartNew();
        var b24 = await services.GetRequiredService<Bitrix24Sync>().RunAsync(CancellationToken.None);
        var b24Time = watch.Elapsed;
        var b24Requests = Count(requests, "bitrix24") - before;
        var b24Recomputes = probe.Take();
        rows.Add(new Row("Bitrix24 full sync (real connector, HTTP)", Ms(b24Time),
            $"{b24.Received:N0} items, {b24.Written:N0} written; real {Bitrix24Throttle.RequestsPerSecond} requests/s limiter on; {Recomputes(b24Recomputes)}"));
        rows.Add(new Row("Bitrix24 upstream requests", $"{b24Requests:N0} (minimum {b24Minimum:N0}, × {Ratio(b24Requests, b24Minimum)})",
            $"{b24Pages:N0} list pages of {Bitrix24Simulator.PageSize} + crm.currency.list + {b24Owners:N0} user.get in batches of ≤ {Bitrix24Simulator.MaxBatch} commands; counted at the simulator"));

        // Zendesk: organizations then tickets with metric sets, at 1,000 per export page.
        var zdMinimum = Pages(size.Tickets, 1000) + Pages(size.Organizations, 1000);
        before = Count(requests, ZendeskSandbox.Upstream);
        var zendesk = services.GetRequiredService<ZendeskSync>();
        watch.Restart();
        var zd = await zendesk.SyncAsync(CancellationToken.None);
        var zdTime = watch.Elapsed;
        var zdRequests = Count(requests, ZendeskSandbox.Upstream) - before;
        var zdRecomputes = probe.Take();
        rows.Add(new Row("Zendesk full sync (real connector, HTTP)", Ms(zdTime),
            $"{zd.TicketsChanged:N0} tickets, {zd.OrganizationsChanged:N0} organizations in {zd.Pages:N0} pages of ≤ {zendeskOptions.PerPage:N0}; " +
            $"export limiter at {zendeskOptions.ExportRequestsPerMinute:N0}/min for this run (never waited); {Recomputes(zdRecomputes)}"));
        rows.Add(new Row("Zendesk upstream requests", $"{zdRequests:N0} (minimum {zdMinimum:N0}, × {Ratio(zdRequests, zdMinimum)})",
            $"ceil({size.Tickets:N0}/1,000) ticket-export pages + ceil({size.Organizations:N0}/1,000) organization-export pages; counted at the simulator"));
        rows.Add(new Row("Zendesk: wait the documented export limit adds", $"≥ {ExportMinutes(zdRequests, ZendeskOptions.DocumentedExportRequestsPerMinute)} min",
            $"{zdRequests:N0} export requests at {ZendeskOptions.DocumentedExportRequestsPerMinute}/min (≥ {ExportMinutes(zdRequests, ZendeskOptions.HighVolumeExportRequestsPerMinute)} min at " +
            $"{ZendeskOptions.HighVolumeExportRequestsPerMinute}/min with High Volume); computed from the request count, not waited"));

        // Full recomputes: right after the sync (figures already current), then from empty figures.
        var steady = await engine.RecalculateAllAsync();
        rows.Add(new Row("full recompute (after sync, figures current)", Ms(steady.Elapsed),
            $"{steady.AccountsExamined:N0} accounts, {steady.IssuesExamined:N0} issues examined, {steady.AccountsChanged:N0}/{steady.IssuesChanged:N0} changed; {steady.Phases}"));
        await ClearFiguresAsync(factory);
        var first = await engine.RecalculateAllAsync();
        rows.Add(new Row("full recompute (from empty figures)", Ms(first.Elapsed),
            $"{first.AccountsChanged:N0} accounts, {first.IssuesChanged:N0} issues, {first.HistoryPoints:N0} history points written; {first.Phases}"));

        // Incremental: 100 tickets change in the simulated Zendesk, the real ZendeskSync picks them up and upserts
        // them; the engine recomputes what they touched when the connector calls it.
        var random = new Random(o.Seed + 1);
        var syncTimes = new List<TimeSpan>();
        var engineTimes = new List<TimeSpan>();
        RecalculationResult? last = null;
        var incrementalRequests = 0;
        var ticketsSynced = 0;
        for (var round = 0; round < IncrementalRounds; round++)
        {
            BenchChanges.ChangeTickets(world, random, ChangedTickets, clock.GetUtcNow().UtcDateTime);
            before = Count(requests, ZendeskSandbox.Upstream);
            watch.Restart();
            var result = await zendesk.SyncAsync(CancellationToken.None);
            syncTimes.Add(watch.Elapsed);
            incrementalRequests = Count(requests, ZendeskSandbox.Upstream) - before;
            ticketsSynced = result.TicketsChanged;
            var calls = probe.Take();
            engineTimes.Add(calls.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.Elapsed));
            last = calls.LastOrDefault(c => c.Result is not null)?.Result ?? last;
        }

        rows.Add(new Row($"incremental recompute, {ChangedTickets} changed tickets (p50 of {IncrementalRounds})", Ms(Percentile(engineTimes, 0.5)),
            $"max {Ms(engineTimes.Max())}; called by ZendeskSync after the page commit; last: {last?.AccountsExamined ?? 0} accounts, {last?.IssuesExamined ?? 0} issues examined; {last?.Phases}"));
        rows.Add(new Row($"incremental Zendesk sync of those tickets (p50 of {IncrementalRounds})", Ms(Percentile(syncTimes, 0.5)),
            $"max {Ms(syncTimes.Max())}; {incrementalRequests} requests, {ticketsSynced} tickets upserted; includes the organization re-match and the recompute"));

        var summary = await queries.SummaryAsync();
        var atRiskPages = Math.Max(1, (summary.AccountsAtRisk + BoardQueryInput.DefaultPageSize - 1) / BoardQueryInput.DefaultPageSize);
        var allPages = Math.Max(1, (size.Companies + BoardQueryInput.DefaultPageSize - 1) / BoardQueryInput.DefaultPageSize);
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
            $"whole process incl. the simulated world; managed heap now {GC.GetTotalMemory(false) / (1024 * 1024):N0} MB, allocated in total {GC.GetTotalAllocatedBytes() / (1024 * 1024):N0} MB"));
        rows.Add(new Row("portfolio revenue at risk", Money.Compact(summary.PortfolioRevenueAtRisk, summary.Currency),
            $"{summary.AccountsAtRisk:N0} accounts at risk ({summary.AccountsAtRiskUnknownArr:N0} unknown ARR), {summary.OpenEngineeringIssues:N0} open issues"));
        return rows;
    }

    private static int Count(System.Collections.Concurrent.ConcurrentDictionary<string, int> counts, string upstream) =>
        counts.TryGetValue(upstream, out var n) ? n : 0;

    internal static int Pages(int items, int perPage) => (items + perPage - 1) / perPage;

    /// <summary>
    /// Minutes a sliding limit of <paramref name="perMinute"/> requests imposes on <paramref name="requests"/> requests
    /// sent back to back: the first <paramref name="perMinute"/> go at once, each further group a minute later.
    /// </summary>
    internal static int ExportMinutes(int requests, int perMinute) => requests <= 0 ? 0 : (requests - 1) / perMinute;

    private static string Ratio(int made, int minimum) =>
        minimum == 0 ? "n/a" : ((double)made / minimum).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Recomputes(List<RecomputeCall> calls) =>
        $"incl. {calls.Count:N0} incremental recompute(s) triggered by it, {Ms(calls.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.Elapsed))} in total";

    /// <summary>Zeroes every stored figure and drops issues and history, as on a database the engine never ran on.</summary>
    private static async Task ClearFiguresAsync(IDbContextFactory<RetentionDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.RiskHistory.ExecuteDeleteAsync();
        await db.EngineeringIssues.ExecuteDeleteAsync();
        await db.Accounts.ExecuteUpdateAsync(u => u
            .SetProperty(a => a.RevenueAtRisk, 0m)
            .SetProperty(a => a.WeightedRevenueAtRisk, 0m)
            .SetProperty(a => a.OpenFrictionTickets, 0)
            .SetProperty(a => a.IsAtRisk, false));
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

    private static void Print(BenchOptions o, Uri address, List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"RetentionConsole bench — sandbox of {o.Accounts:N0} accounts / {o.Tickets:N0} tickets (seed {o.Seed}), SQLite, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"Connectors called the in-process simulators at {address}sandbox/... over loopback HTTP (Kestrel).");
        var w1 = rows.Max(r => r.Measure.Length);
        var w2 = rows.Max(r => r.Value.Length);
        Console.WriteLine($"| {"Measure".PadRight(w1)} | {"Result".PadRight(w2)} | Notes");
        Console.WriteLine($"|{new string('-', w1 + 2)}|{new string('-', w2 + 2)}|------");
        foreach (var r in rows) Console.WriteLine($"| {r.Measure.PadRight(w1)} | {r.Value.PadRight(w2)} | {r.Note}");
        Console.WriteLine();
    }
}
