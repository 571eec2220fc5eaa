using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.RevenueAtRisk;

/// <summary>What one recompute changed (for logs, job messages and the benchmark).</summary>
public sealed record RecalculationResult(int AccountsExamined, int AccountsChanged, int IssuesExamined, int IssuesChanged,
    int HistoryPoints, TimeSpan Elapsed, string Phases = "")
{
    public override string ToString() =>
        $"{AccountsChanged}/{AccountsExamined} account(s) and {IssuesChanged}/{IssuesExamined} issue(s) changed, {HistoryPoints} history point(s), {Elapsed.TotalMilliseconds:0} ms ({Phases})";
}

/// <summary>
/// Computes revenue at risk as DESIGN.md defines it and keeps the figures on Account and EngineeringIssue rows, so
/// leaderboards sort and page in SQL. Incremental recomputes touch only the accounts and issues named in
/// <see cref="RiskChanges"/> (plus the open issues of those accounts, whose ARR may have moved); the full recompute
/// runs on a schedule because renewal weights move with the calendar. Every query is set-based: one projection per
/// scope, no per-ticket round trips. A history point is written only when a figure changes.
/// </summary>
public sealed class RevenueAtRiskEngine(
    IDbContextFactory<RetentionDbContext> factory,
    IOptionsMonitor<RevenueAtRiskOptions> options,
    TimeProvider clock,
    ILogger<RevenueAtRiskEngine> logger) : IRiskRecalculator
{
    // Recomputes read, compare and write; two at once could write the same history point twice.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task RecalculateAsync(RiskChanges changes, CancellationToken ct)
    {
        if (changes.IsEmpty) return;
        var result = await RunAsync(changes, ct);
        logger.LogDebug("Incremental revenue-at-risk recompute: {Result}", result);
    }

    /// <summary>Recomputes the given accounts and issues; returns what changed.</summary>
    public Task<RecalculationResult> RecalculateChangesAsync(RiskChanges changes, CancellationToken ct = default) =>
        RunAsync(changes, ct);

    /// <summary>Recomputes every account, every issue with open tickets or non-zero figures, and the portfolio.</summary>
    public async Task<RecalculationResult> RecalculateAllAsync(CancellationToken ct = default)
    {
        var result = await RunAsync(null, ct);
        logger.LogInformation("Full revenue-at-risk recompute: {Result}", result);
        return result;
    }

    private async Task<RecalculationResult> RunAsync(RiskChanges? changes, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var watch = Stopwatch.StartNew();
            var now = clock.GetUtcNow().UtcDateTime;
            var o = options.CurrentValue;
            await using var db = await factory.CreateDbContextAsync(ct);
            var writes = new Writes();
            var accounts = await RecomputeAccountsAsync(db, changes, o, now, writes, ct);
            var accountsMs = watch.ElapsedMilliseconds;
            var issues = await RecomputeIssuesAsync(db, changes, o, now, writes, ct);
            var issuesMs = watch.ElapsedMilliseconds;
            if (accounts.Changed > 0 || changes is null)
            {
                await RecordPortfolioAsync(db, changes is null ? accounts.NewTotal : null, accounts.Delta, now, writes.History, ct);
            }

            await using (var writer = await RiskWriter.BeginAsync(db, ct))
            {
                await writer.UpdateAsync(writes.Accounts, AccountFigures, ct);
                await writer.InsertAsync(writes.NewIssues, ct);
                await writer.UpdateAsync(writes.ChangedIssues, IssueFigures, ct);
                await writer.InsertAsync(writes.History, ct);
                await writer.CommitAsync(ct);
            }

            var phases = $"accounts {accountsMs} ms, issues {issuesMs - accountsMs} ms, write {watch.ElapsedMilliseconds - issuesMs} ms";
            return new RecalculationResult(accounts.Examined, accounts.Changed, issues.Examined, issues.Changed, writes.History.Count, watch.Elapsed, phases);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Everything a recompute will write, collected first and written in one transaction.</summary>
    private sealed class Writes
    {
        public List<Account> Accounts { get; } = [];
        public List<EngineeringIssue> NewIssues { get; } = [];
        public List<EngineeringIssue> ChangedIssues { get; } = [];
        public List<RiskHistoryPoint> History { get; } = [];
    }

    private static readonly string[] AccountFigures =
        [nameof(Account.IsAtRisk), nameof(Account.RevenueAtRisk), nameof(Account.WeightedRevenueAtRisk), nameof(Account.OpenFrictionTickets)];

    private static readonly string[] IssueFigures =
    [
        nameof(EngineeringIssue.Title), nameof(EngineeringIssue.JiraKey), nameof(EngineeringIssue.Category),
        nameof(EngineeringIssue.AffectedAccounts), nameof(EngineeringIssue.AffectedAccountsUnknownArr),
        nameof(EngineeringIssue.RevenueAtRisk), nameof(EngineeringIssue.WeightedRevenueAtRisk), nameof(EngineeringIssue.OpenTickets),
        nameof(EngineeringIssue.OldestOpenTicketUtc), nameof(EngineeringIssue.UpdatedUtc),
    ];

    private sealed record AccountPass(int Examined, int Changed, RiskFigures Delta, RiskFigures NewTotal);

    private readonly record struct RiskFigures(decimal Rar, decimal Weighted)
    {
        public static RiskFigures operator +(RiskFigures a, RiskFigures b) => new(a.Rar + b.Rar, a.Weighted + b.Weighted);
        public static RiskFigures operator -(RiskFigures a, RiskFigures b) => new(a.Rar - b.Rar, a.Weighted - b.Weighted);
    }

    /// <summary>What decides an account's risk, read in one projection.</summary>
    private sealed class AccountRiskInput
    {
        public long Id { get; init; }
        public decimal? Arr { get; init; }
        public DateTime? RenewalDateUtc { get; init; }
        public int OpenFrictionTickets { get; init; }

        /// <summary>
        /// Active SLA breaches of the account. Zero until the commercial-SLA capability exists: it replaces the
        /// constant in <see cref="Inputs"/> with a count of the account's open breach intervals, and nothing else here
        /// changes (see <see cref="IsAtRisk"/>).
        /// </summary>
        public int ActiveSlaBreaches { get; init; }
        public bool CurrentIsAtRisk { get; init; }
        public decimal CurrentRar { get; init; }
        public decimal CurrentWeighted { get; init; }
        public int CurrentOpenFrictionTickets { get; init; }
    }

    private static IQueryable<AccountRiskInput> Inputs(RetentionDbContext db, IQueryable<Account> scope) =>
        scope.Select(a => new AccountRiskInput
        {
            Id = a.Id,
            Arr = a.Arr,
            RenewalDateUtc = a.RenewalDateUtc,
            OpenFrictionTickets = db.Tickets.Count(t => t.AccountId == a.Id && t.IsOpen && t.IsFriction),
            ActiveSlaBreaches = 0,
            CurrentIsAtRisk = a.IsAtRisk,
            CurrentRar = a.RevenueAtRisk,
            CurrentWeighted = a.WeightedRevenueAtRisk,
            CurrentOpenFrictionTickets = a.OpenFrictionTickets,
        });

    /// <summary>DESIGN.md: an account is at risk with ≥ 1 open friction ticket or ≥ 1 active SLA breach.</summary>
    private static bool IsAtRisk(AccountRiskInput input) => input.OpenFrictionTickets > 0 || input.ActiveSlaBreaches > 0;

    /// <summary>Whole days from today (UTC) to the renewal date; negative when the renewal is overdue.</summary>
    public static int? DaysToRenewal(DateTime? renewalUtc, DateTime nowUtc) =>
        renewalUtc is { } r ? (int)(r.Date - nowUtc.Date).TotalDays : null;

    private static async Task<AccountPass> RecomputeAccountsAsync(RetentionDbContext db, RiskChanges? changes,
        RevenueAtRiskOptions o, DateTime now, Writes writes, CancellationToken ct)
    {
        IQueryable<Account> scope = db.Accounts;
        if (changes is not null)
        {
            if (changes.AccountIds.Count == 0) return new AccountPass(0, 0, default, default);
            var ids = changes.AccountIds.ToList();
            scope = scope.Where(a => ids.Contains(a.Id));
        }

        var rows = await Inputs(db, scope).AsNoTracking().ToListAsync(ct);
        var changed = 0;
        RiskFigures delta = default, total = default;
        foreach (var row in rows)
        {
            var atRisk = IsAtRisk(row);
            var rar = atRisk ? Round(row.Arr ?? 0m) : 0m;
            var weighted = Round(rar * o.WeightFor(DaysToRenewal(row.RenewalDateUtc, now)));
            total += new RiskFigures(rar, weighted);
            var figuresMoved = rar != Round(row.CurrentRar) || weighted != Round(row.CurrentWeighted);
            if (!figuresMoved && atRisk == row.CurrentIsAtRisk && row.OpenFrictionTickets == row.CurrentOpenFrictionTickets) continue;

            changed++;
            // Only the figure columns are written (AccountFigures); the rest of this stub is never read.
            writes.Accounts.Add(new Account
            {
                Id = row.Id, Name = "", IsAtRisk = atRisk, RevenueAtRisk = rar, WeightedRevenueAtRisk = weighted,
                OpenFrictionTickets = row.OpenFrictionTickets,
            });
            if (figuresMoved)
            {
                delta += new RiskFigures(rar, weighted) - new RiskFigures(Round(row.CurrentRar), Round(row.CurrentWeighted));
                writes.History.Add(Point(RiskScope.Account, row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), rar, weighted, now));
            }
        }

        return new AccountPass(rows.Count, changed, delta, total);
    }

    private sealed record IssueOpenStats(string Key, int OpenTickets, DateTime Oldest);

    private sealed record IssueAccount(string Key, long AccountId, decimal? Arr, DateTime? RenewalDateUtc);

    private sealed record IssueLead(string Key, long FirstTicketId, string? JiraKey, string? Category);

    private static async Task<(int Examined, int Changed)> RecomputeIssuesAsync(RetentionDbContext db, RiskChanges? changes,
        RevenueAtRiskOptions o, DateTime now, Writes writes, CancellationToken ct)
    {
        // Which issue keys to look at. Full: every key with an open ticket plus every row still showing figures.
        // Incremental: the named keys plus the open issues of the named accounts (their ARR or renewal may have moved).
        List<string>? keys = null;
        if (changes is not null)
        {
            var set = new HashSet<string>(changes.IssueKeys, StringComparer.Ordinal);
            if (changes.AccountIds.Count > 0)
            {
                var ids = changes.AccountIds.Select(id => (long?)id).ToList();
                set.UnionWith(await db.Tickets
                    .Where(t => t.IsOpen && t.IssueKey != null && ids.Contains(t.AccountId))
                    .Select(t => t.IssueKey!).Distinct().ToListAsync(ct));
            }

            if (set.Count == 0) return (0, 0);
            keys = set.ToList();
        }

        var open = db.Tickets.Where(t => t.IsOpen && t.IssueKey != null);
        if (keys is not null) open = open.Where(t => keys.Contains(t.IssueKey!));

        var stats = (await open.GroupBy(t => t.IssueKey!)
                .Select(g => new IssueOpenStats(g.Key, g.Count(), g.Min(t => t.CreatedUtc)))
                .ToListAsync(ct))
            .ToDictionary(s => s.Key, StringComparer.Ordinal);

        // Distinct (issue, account) pairs: five tickets from one account count its ARR once.
        var affected = (await open.Where(t => t.AccountId != null)
                .Select(t => new { Key = t.IssueKey!, AccountId = t.AccountId!.Value })
                .Distinct()
                .Join(db.Accounts, x => x.AccountId, a => a.Id, (x, a) => new IssueAccount(x.Key, a.Id, a.Arr, a.RenewalDateUtc))
                .ToListAsync(ct))
            .ToLookup(x => x.Key, StringComparer.Ordinal);

        var existingQuery = db.EngineeringIssues.AsNoTracking();
        existingQuery = keys is not null
            ? existingQuery.Where(i => keys.Contains(i.Key))
            : existingQuery.Where(i => i.OpenTickets > 0 || i.AffectedAccounts > 0 || i.RevenueAtRisk != 0m);
        var existing = (await existingQuery.ToListAsync(ct)).ToDictionary(i => i.Key, StringComparer.Ordinal);

        var relevant = stats.Keys.Union(existing.Keys, StringComparer.Ordinal).ToList();
        var leads = await LeadsAsync(db, keys, ct);

        var changedCount = 0;
        foreach (var key in relevant)
        {
            stats.TryGetValue(key, out var s);
            existing.TryGetValue(key, out var row);
            var accounts = affected[key].ToList();
            var rar = Round(accounts.Sum(a => a.Arr ?? 0m));
            var weighted = Round(accounts.Sum(a => Round((a.Arr ?? 0m) * o.WeightFor(DaysToRenewal(a.RenewalDateUtc, now)))));
            var unknown = accounts.Count(a => a.Arr is null);
            leads.TryGetValue(key, out var lead);

            var isNew = row is null;
            row ??= new EngineeringIssue { Key = key };
            var before = (row.Title, row.JiraKey, row.Category, row.AffectedAccounts, row.AffectedAccountsUnknownArr,
                Rar: Round(row.RevenueAtRisk), Weighted: Round(row.WeightedRevenueAtRisk), row.OpenTickets, row.OldestOpenTicketUtc);

            row.Title = Truncate(lead?.Title ?? (row.Title.Length > 0 ? row.Title : key), 500);
            row.JiraKey = lead?.JiraKey ?? row.JiraKey ?? (key.StartsWith("ZD-", StringComparison.Ordinal) ? null : key);
            row.Category = lead?.Category ?? row.Category;
            row.AffectedAccounts = accounts.Count;
            row.AffectedAccountsUnknownArr = unknown;
            row.RevenueAtRisk = rar;
            row.WeightedRevenueAtRisk = weighted;
            row.OpenTickets = s?.OpenTickets ?? 0;
            row.OldestOpenTicketUtc = s?.Oldest;

            var after = (row.Title, row.JiraKey, row.Category, row.AffectedAccounts, row.AffectedAccountsUnknownArr,
                Rar: rar, Weighted: weighted, row.OpenTickets, row.OldestOpenTicketUtc);
            if (!isNew && before == after) continue;

            changedCount++;
            row.UpdatedUtc = now;
            (isNew ? writes.NewIssues : writes.ChangedIssues).Add(row);
            if (before.Rar != rar || before.Weighted != weighted)
            {
                writes.History.Add(Point(RiskScope.Issue, key, rar, weighted, now));
            }
        }

        return (relevant.Count, changedCount);
    }

    private sealed record LeadInfo(string? Title, string? JiraKey, string? Category);

    /// <summary>
    /// Title, Jira key and category of each group: the problem ticket for ZD-P (the ticket whose own key is ZD-id),
    /// else the group's first ticket. Full: every group with an open ticket, chosen in SQL (no key list parameters);
    /// incremental: the named keys.
    /// </summary>
    private static async Task<Dictionary<string, LeadInfo>> LeadsAsync(RetentionDbContext db, List<string>? keys, CancellationToken ct)
    {
        var scope = db.Tickets.Where(t => t.IssueKey != null);
        scope = keys is null
            ? scope.Where(t => db.Tickets.Any(o => o.IssueKey == t.IssueKey && o.IsOpen))
            : scope.Where(t => keys.Contains(t.IssueKey!));

        var heads = await scope.Where(t => t.IssueKey == "ZD-" + t.Id.ToString())
            .Select(t => new { Key = t.IssueKey!, t.Subject, t.Category, t.JiraKey })
            .ToListAsync(ct);
        var firsts = await scope.GroupBy(t => t.IssueKey!)
            .Select(g => new { g.Key, FirstId = g.Min(t => t.Id), JiraKey = g.Max(t => t.JiraKey), Category = g.Max(t => t.Category) })
            .Join(db.Tickets, g => g.FirstId, t => t.Id, (g, t) => new
            {
                g.Key, t.Subject, Category = t.Category ?? g.Category, JiraKey = t.JiraKey ?? g.JiraKey,
            })
            .ToListAsync(ct);

        var result = new Dictionary<string, LeadInfo>(StringComparer.Ordinal);
        foreach (var f in firsts) result[f.Key] = new LeadInfo(Blank(f.Subject), f.JiraKey, f.Category);
        foreach (var h in heads)
        {
            var first = result.GetValueOrDefault(h.Key);
            result[h.Key] = new LeadInfo(Blank(h.Subject) ?? first?.Title, h.JiraKey ?? first?.JiraKey, h.Category ?? first?.Category);
        }

        return result;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static async Task RecordPortfolioAsync(RetentionDbContext db, RiskFigures? fullTotal, RiskFigures delta, DateTime now,
        List<RiskHistoryPoint> history, CancellationToken ct)
    {
        var last = await db.RiskHistory.AsNoTracking()
            .Where(p => p.Scope == RiskScope.Portfolio && p.ScopeKey == RiskHistoryPoint.PortfolioKey)
            .OrderByDescending(p => p.AtUtc).ThenByDescending(p => p.Id)
            .Select(p => new { p.RevenueAtRisk, p.WeightedRevenueAtRisk })
            .FirstOrDefaultAsync(ct);
        var previous = new RiskFigures(Round(last?.RevenueAtRisk ?? 0m), Round(last?.WeightedRevenueAtRisk ?? 0m));

        // Incremental: the portfolio moves by exactly what the changed accounts moved (O(changed)); the scheduled
        // full recompute re-sums every account and corrects any drift.
        var next = fullTotal ?? previous + delta;
        next = new RiskFigures(Round(next.Rar), Round(next.Weighted));
        if (next != previous) history.Add(Point(RiskScope.Portfolio, RiskHistoryPoint.PortfolioKey, next.Rar, next.Weighted, now));
    }

    private static RiskHistoryPoint Point(RiskScope scope, string key, decimal rar, decimal weighted, DateTime now) =>
        new() { Scope = scope, ScopeKey = key, AtUtc = now, RevenueAtRisk = rar, WeightedRevenueAtRisk = weighted };

    private static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
