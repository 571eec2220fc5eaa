using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Core.RevenueAtRisk;

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

public sealed record AccountBoardRow(long Id, string Name, string? Tier, string? Owner, decimal? Arr, decimal RevenueAtRisk,
    decimal WeightedRevenueAtRisk, DateTime? RenewalDateUtc, int? DaysToRenewal, int OpenFrictionTickets, int? HealthScore, bool IsAtRisk);

public sealed record IssueBoardRow(string Key, string Title, string? JiraKey, string? Category, int AffectedAccounts,
    int AffectedAccountsUnknownArr, decimal RevenueAtRisk, decimal WeightedRevenueAtRisk, int OpenTickets,
    DateTime? OldestOpenTicketUtc, int? OldestOpenTicketAgeDays);

public sealed record RiskSummary(
    decimal PortfolioRevenueAtRisk,
    decimal PortfolioWeightedRevenueAtRisk,
    int AccountsAtRisk,
    int AccountsAtRiskUnknownArr,
    int RenewalsAtRiskNext90Days,
    decimal RenewalsAtRiskNext90DaysRevenue,
    int OpenFrictionTickets,
    int OpenEngineeringIssues,
    int Accounts,
    DateTime? DataFreshUtc,
    string Currency)
{
    public bool HasData => Accounts > 0;
}

public sealed record TrendPoint(DateTime AtUtc, decimal RevenueAtRisk, decimal WeightedRevenueAtRisk);

public sealed record TicketRow(long Id, string Subject, string Status, string? Priority, string? Category, bool IsFriction,
    string? IssueKey, long? AccountId, string? AccountName, DateTime CreatedUtc, DateTime UpdatedUtc, DateTime? SolvedUtc, bool IsOpen);

public sealed record AffectedAccountRow(long Id, string Name, string? Tier, decimal? Arr, DateTime? RenewalDateUtc, int OpenTicketsInIssue);

public sealed record AccountDetail(Account Account, int? DaysToRenewal, IReadOnlyList<Contact> Contacts, IReadOnlyList<TicketRow> OpenTickets,
    IReadOnlyList<TicketRow> RecentTickets, IReadOnlyList<IssueBoardRow> Issues, IReadOnlyList<TrendPoint> Trend);

public sealed record IssueDetail(IssueBoardRow Issue, IReadOnlyList<AffectedAccountRow> AffectedAccounts,
    IReadOnlyList<TicketRow> Tickets, IReadOnlyList<TrendPoint> Trend);

public sealed record FilterChoices(IReadOnlyList<string> Tiers, IReadOnlyList<string> Owners, IReadOnlyList<string> Categories);

/// <summary>
/// Read side of revenue at risk: leaderboards filtered, sorted and paged in the database, KPIs, CSV, trends and the
/// account and issue pages. One short-lived context per call.
/// </summary>
public sealed class RiskBoardQueries(IDbContextFactory<RetentionDbContext> factory, TimeProvider clock, IOptions<RevenueAtRiskOptions> options)
{
    public const int MaxTicketsOnPage = 200;

    public string Currency => options.Value.ReportingCurrency;

    private DateTime Today => clock.GetUtcNow().UtcDateTime.Date;

    public async Task<RiskSummary> SummaryAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var today = Today;
        var horizon = today.AddDays(91);
        var atRisk = db.Accounts.Where(a => a.IsAtRisk);
        var portfolio = await atRisk.SumAsync(a => a.RevenueAtRisk, ct);
        var weighted = await atRisk.SumAsync(a => a.WeightedRevenueAtRisk, ct);
        var renewals = atRisk.Where(a => a.RenewalDateUtc >= today && a.RenewalDateUtc < horizon);
        return new RiskSummary(
            ToMoney(portfolio),
            ToMoney(weighted),
            await atRisk.CountAsync(ct),
            await atRisk.CountAsync(a => a.Arr == null, ct),
            await renewals.CountAsync(ct),
            ToMoney(await renewals.SumAsync(a => a.RevenueAtRisk, ct)),
            // The engine keeps each account's count; unmatched tickets carry no revenue and are not counted here.
            await db.Accounts.SumAsync(a => a.OpenFrictionTickets, ct),
            await db.EngineeringIssues.CountAsync(i => i.OpenTickets > 0, ct),
            await db.Accounts.CountAsync(ct),
            await db.ConnectorStates.MaxAsync(s => s.LastSuccessUtc, ct),
            Currency);
    }

    // SQLite sums the REAL column (see SqliteRetentionDbContext); round back to cents.
    private static decimal ToMoney(decimal v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);

    public async Task<FilterChoices> FilterChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var tiers = await db.Accounts.Where(a => a.Tier != null).Select(a => a.Tier!).Distinct().OrderBy(x => x).ToListAsync(ct);
        var owners = await db.Accounts.Where(a => a.Owner != null).Select(a => a.Owner!).Distinct().OrderBy(x => x).ToListAsync(ct);
        var categories = await db.EngineeringIssues.Where(i => i.Category != null).Select(i => i.Category!).Distinct().OrderBy(x => x).ToListAsync(ct);
        return new FilterChoices(tiers, owners, categories);
    }

    // ---- accounts leaderboard ----

    public async Task<PagedResult<AccountBoardRow>> AccountsAsync(AccountBoardQuery q, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var filtered = FilterAccounts(db, q.Filter);
        var total = await filtered.CountAsync(ct);
        var page = Math.Max(1, q.Page);
        var rows = await SortAccounts(filtered, q.Sort, q.Descending)
            .Skip((page - 1) * q.PageSize).Take(q.PageSize)
            .Select(AccountRow).ToListAsync(ct);
        return new PagedResult<AccountBoardRow>(rows.Select(WithDays).ToList(), total, page, q.PageSize);
    }

    /// <summary>Every row of the filtered, sorted view, streamed (CSV export); nothing is buffered.</summary>
    public async IAsyncEnumerable<AccountBoardRow> AllAccountsAsync(AccountBoardQuery q,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await foreach (var row in SortAccounts(FilterAccounts(db, q.Filter), q.Sort, q.Descending).Select(AccountRow)
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return WithDays(row);
        }
    }

    private static readonly System.Linq.Expressions.Expression<Func<Account, AccountBoardRow>> AccountRow = a =>
        new AccountBoardRow(a.Id, a.Name, a.Tier, a.Owner, a.Arr, a.RevenueAtRisk, a.WeightedRevenueAtRisk, a.RenewalDateUtc,
            null, a.OpenFrictionTickets, a.HealthScore, a.IsAtRisk);

    private AccountBoardRow WithDays(AccountBoardRow r) =>
        r with { DaysToRenewal = RevenueAtRiskEngine.DaysToRenewal(r.RenewalDateUtc, Today) };

    private IQueryable<Account> FilterAccounts(RetentionDbContext db, BoardFilter f)
    {
        var query = db.Accounts.AsNoTracking();
        if (!f.IncludeAll) query = query.Where(a => a.IsAtRisk);
        if (f.Tier is { } tier) query = query.Where(a => a.Tier == tier);
        if (f.Owner is { } owner) query = query.Where(a => a.Owner == owner);
        if (f.RenewalWithinDays is { } days)
        {
            var (from, to) = RenewalWindow(days);
            query = query.Where(a => a.RenewalDateUtc >= from && a.RenewalDateUtc < to);
        }

        if (f.Category is { } category)
        {
            query = query.Where(a => db.Tickets.Any(t => t.AccountId == a.Id && t.IsOpen && t.IsFriction && t.Category == category));
        }

        if (f.MinRar is { } min) query = query.Where(a => a.RevenueAtRisk >= min);
        if (f.Search is { } search)
        {
            var pattern = LikePattern(search);
            query = query.Where(a => EF.Functions.Like(a.Name, pattern, "\\") || EF.Functions.Like(a.Owner!, pattern, "\\"));
        }

        return query;
    }

    /// <summary>Renewal within N days: from today (00:00 UTC) up to and including day N.</summary>
    private (DateTime From, DateTime To) RenewalWindow(int days) => (Today, Today.AddDays(days + 1));

    private static IQueryable<Account> SortAccounts(IQueryable<Account> q, AccountSort sort, bool desc) => sort switch
    {
        // Id breaks ties in the same direction, so the (column, rowid) index serves the whole ORDER BY.
        AccountSort.Weighted => Order(q, a => a.WeightedRevenueAtRisk, desc),
        AccountSort.Arr => Order(q, a => a.Arr, desc),
        AccountSort.Name => Order(q, a => a.Name, desc),
        AccountSort.Tier => Order(q, a => a.Tier, desc),
        AccountSort.Owner => Order(q, a => a.Owner, desc),
        AccountSort.Renewal => Order(q, a => a.RenewalDateUtc, desc),
        AccountSort.Tickets => Order(q, a => a.OpenFrictionTickets, desc),
        AccountSort.Health => Order(q, a => a.HealthScore, desc),
        _ => Order(q, a => a.RevenueAtRisk, desc),
    };

    private static IQueryable<Account> Order<TKey>(IQueryable<Account> q, System.Linq.Expressions.Expression<Func<Account, TKey>> key, bool desc) =>
        desc ? q.OrderByDescending(key).ThenByDescending(a => a.Id) : q.OrderBy(key).ThenBy(a => a.Id);

    // ---- engineering-issues leaderboard ----

    public async Task<PagedResult<IssueBoardRow>> IssuesAsync(IssueBoardQuery q, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var filtered = FilterIssues(db, q.Filter);
        var total = await filtered.CountAsync(ct);
        var page = Math.Max(1, q.Page);
        var rows = await SortIssues(filtered, q.Sort, q.Descending)
            .Skip((page - 1) * q.PageSize).Take(q.PageSize)
            .Select(IssueRow).ToListAsync(ct);
        return new PagedResult<IssueBoardRow>(rows.Select(WithAge).ToList(), total, page, q.PageSize);
    }

    public async IAsyncEnumerable<IssueBoardRow> AllIssuesAsync(IssueBoardQuery q,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await foreach (var row in SortIssues(FilterIssues(db, q.Filter), q.Sort, q.Descending).Select(IssueRow)
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return WithAge(row);
        }
    }

    /// <summary>The distinct accounts with open tickets in each of <paramref name="keys"/> (API: issues with affected accounts).</summary>
    public async Task<ILookup<string, AffectedAccountRow>> AffectedAccountsAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default)
    {
        if (keys.Count == 0) return Array.Empty<(string, AffectedAccountRow)>().ToLookup(x => x.Item1, x => x.Item2);
        await using var db = await factory.CreateDbContextAsync(ct);
        var list = keys.ToList();
        var rows = await db.Tickets.Where(t => t.IsOpen && t.AccountId != null && list.Contains(t.IssueKey!))
            .GroupBy(t => new { Key = t.IssueKey!, AccountId = t.AccountId!.Value })
            .Select(g => new { g.Key.Key, g.Key.AccountId, Count = g.Count() })
            .Join(db.Accounts, x => x.AccountId, a => a.Id,
                (x, a) => new { x.Key, Row = new AffectedAccountRow(a.Id, a.Name, a.Tier, a.Arr, a.RenewalDateUtc, x.Count) })
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.Row.Arr ?? -1m).ThenBy(r => r.Row.Name).ToLookup(r => r.Key, r => r.Row, StringComparer.Ordinal);
    }

    private static readonly System.Linq.Expressions.Expression<Func<EngineeringIssue, IssueBoardRow>> IssueRow = i =>
        new IssueBoardRow(i.Key, i.Title, i.JiraKey, i.Category, i.AffectedAccounts, i.AffectedAccountsUnknownArr, i.RevenueAtRisk,
            i.WeightedRevenueAtRisk, i.OpenTickets, i.OldestOpenTicketUtc, null);

    private IssueBoardRow WithAge(IssueBoardRow r) =>
        r with { OldestOpenTicketAgeDays = r.OldestOpenTicketUtc is { } t ? (int)(Today - t.Date).TotalDays : null };

    private IQueryable<EngineeringIssue> FilterIssues(RetentionDbContext db, BoardFilter f)
    {
        var query = db.EngineeringIssues.AsNoTracking();
        if (!f.IncludeAll) query = query.Where(i => i.OpenTickets > 0);
        if (f.Category is { } category) query = query.Where(i => i.Category == category);
        if (f.MinRar is { } min) query = query.Where(i => i.RevenueAtRisk >= min);
        if (f.Search is { } search)
        {
            var pattern = LikePattern(search);
            query = query.Where(i => EF.Functions.Like(i.Key, pattern, "\\") || EF.Functions.Like(i.Title, pattern, "\\")
                                     || EF.Functions.Like(i.JiraKey!, pattern, "\\"));
        }

        // Account filters select issues that hurt at least one matching account.
        if (f.Tier is not null || f.Owner is not null || f.RenewalWithinDays is not null)
        {
            var accounts = db.Accounts.AsQueryable();
            if (f.Tier is { } tier) accounts = accounts.Where(a => a.Tier == tier);
            if (f.Owner is { } owner) accounts = accounts.Where(a => a.Owner == owner);
            if (f.RenewalWithinDays is { } days)
            {
                var (from, to) = RenewalWindow(days);
                accounts = accounts.Where(a => a.RenewalDateUtc >= from && a.RenewalDateUtc < to);
            }

            query = query.Where(i => db.Tickets.Any(t => t.IssueKey == i.Key && t.IsOpen && accounts.Any(a => a.Id == t.AccountId)));
        }

        return query;
    }

    private static IQueryable<EngineeringIssue> SortIssues(IQueryable<EngineeringIssue> q, IssueSort sort, bool desc) => sort switch
    {
        IssueSort.Weighted => Order(q, i => i.WeightedRevenueAtRisk, desc),
        IssueSort.Accounts => Order(q, i => i.AffectedAccounts, desc),
        IssueSort.Tickets => Order(q, i => i.OpenTickets, desc),
        // "Oldest first" is the natural reading of a descending age sort: earliest open ticket first.
        IssueSort.Oldest => Order(q, i => i.OldestOpenTicketUtc, !desc),
        IssueSort.Key => Order(q, i => i.Key, desc),
        IssueSort.Title => Order(q, i => i.Title, desc),
        _ => Order(q, i => i.RevenueAtRisk, desc),
    };

    private static IQueryable<EngineeringIssue> Order<TKey>(IQueryable<EngineeringIssue> q,
        System.Linq.Expressions.Expression<Func<EngineeringIssue, TKey>> key, bool desc) =>
        desc ? q.OrderByDescending(key).ThenByDescending(i => i.Key) : q.OrderBy(key).ThenBy(i => i.Key);

    // ---- pages ----

    public async Task<AccountDetail?> AccountAsync(long id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (account is null) return null;
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.AccountId == id).OrderBy(c => c.Name).Take(100).ToListAsync(ct);
        var open = (await TicketRows(db, db.Tickets.Where(t => t.AccountId == id && t.IsOpen)
                .OrderByDescending(t => t.IsFriction).ThenBy(t => t.CreatedUtc).Take(MaxTicketsOnPage)).ToListAsync(ct))
            .OrderByDescending(t => t.IsFriction).ThenBy(t => t.CreatedUtc).ToList();
        var recent = (await TicketRows(db, db.Tickets.Where(t => t.AccountId == id && !t.IsOpen)
                .OrderByDescending(t => t.UpdatedUtc).Take(20)).ToListAsync(ct))
            .OrderByDescending(t => t.UpdatedUtc).ToList();
        var keys = await db.Tickets.Where(t => t.AccountId == id && t.IsOpen && t.IssueKey != null)
            .Select(t => t.IssueKey!).Distinct().ToListAsync(ct);
        var issues = (await db.EngineeringIssues.AsNoTracking().Where(i => keys.Contains(i.Key))
            .OrderByDescending(i => i.RevenueAtRisk).ThenBy(i => i.Key).Select(IssueRow).ToListAsync(ct)).Select(WithAge).ToList();
        var trend = await TrendAsync(db, RiskScope.Account, id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        return new AccountDetail(account, RevenueAtRiskEngine.DaysToRenewal(account.RenewalDateUtc, Today), contacts, open, recent, issues, trend);
    }

    public async Task<IssueDetail?> IssueAsync(string key, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.EngineeringIssues.AsNoTracking().Where(i => i.Key == key).Select(IssueRow).SingleOrDefaultAsync(ct);
        var tickets = (await TicketRows(db, db.Tickets.Where(t => t.IssueKey == key)
                .OrderByDescending(t => t.IsOpen).ThenBy(t => t.CreatedUtc).Take(MaxTicketsOnPage)).ToListAsync(ct))
            .OrderByDescending(t => t.IsOpen).ThenBy(t => t.CreatedUtc).ToList();
        if (row is null && tickets.Count == 0) return null;
        // A group whose tickets were all solved before the engine first saw it open has no row: show it resolved.
        row ??= new IssueBoardRow(key, tickets.FirstOrDefault()?.Subject ?? key, null, tickets.FirstOrDefault()?.Category, 0, 0, 0m, 0m, 0, null, null);
        var affected = (await AffectedAccountsAsync([key], ct))[key].ToList();
        var trend = await TrendAsync(db, RiskScope.Issue, key, ct);
        return new IssueDetail(WithAge(row), affected, tickets, trend);
    }

    /// <summary>Order and limit <paramref name="tickets"/> first: EF cannot order by a constructor-projected row.</summary>
    private static IQueryable<TicketRow> TicketRows(RetentionDbContext db, IQueryable<SupportTicket> tickets) =>
        from t in tickets
        join a in db.Accounts on t.AccountId equals a.Id into acc
        from a in acc.DefaultIfEmpty()
        select new TicketRow(t.Id, t.Subject, t.Status, t.Priority, t.Category, t.IsFriction, t.IssueKey, t.AccountId,
            a == null ? null : a.Name, t.CreatedUtc, t.UpdatedUtc, t.SolvedUtc, t.IsOpen);

    // ---- trends ----

    public const int TrendDays = 30;

    public async Task<IReadOnlyList<TrendPoint>> TrendAsync(RiskScope scope, string key, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await TrendAsync(db, scope, key, ct);
    }

    /// <summary>The points of the last <see cref="TrendDays"/> days, plus the last one before them (the starting value).</summary>
    private async Task<IReadOnlyList<TrendPoint>> TrendAsync(RetentionDbContext db, RiskScope scope, string key, CancellationToken ct)
    {
        var from = Today.AddDays(-TrendDays + 1);
        var points = db.RiskHistory.AsNoTracking().Where(p => p.Scope == scope && p.ScopeKey == key);
        var before = await points.Where(p => p.AtUtc < from).OrderByDescending(p => p.AtUtc).ThenByDescending(p => p.Id)
            .Select(p => new TrendPoint(p.AtUtc, p.RevenueAtRisk, p.WeightedRevenueAtRisk)).FirstOrDefaultAsync(ct);
        var inRange = await points.Where(p => p.AtUtc >= from).OrderBy(p => p.AtUtc).ThenBy(p => p.Id)
            .Select(p => new TrendPoint(p.AtUtc, p.RevenueAtRisk, p.WeightedRevenueAtRisk)).ToListAsync(ct);
        return before is null ? inRange : [before, .. inRange];
    }

    /// <summary>
    /// A step series (history points are written only on change) sampled at the end of each of the last
    /// <paramref name="days"/> days: the value in force at that moment.
    /// </summary>
    public static IReadOnlyList<(DateTime Day, decimal Rar, decimal Weighted)> Daily(IReadOnlyList<TrendPoint> points, DateTime todayUtc, int days = TrendDays)
    {
        var result = new List<(DateTime, decimal, decimal)>(days);
        var i = 0;
        decimal rar = 0m, weighted = 0m;
        for (var d = todayUtc.Date.AddDays(-days + 1); d <= todayUtc.Date; d = d.AddDays(1))
        {
            var end = d.AddDays(1);
            while (i < points.Count && points[i].AtUtc < end)
            {
                rar = points[i].RevenueAtRisk;
                weighted = points[i].WeightedRevenueAtRisk;
                i++;
            }

            result.Add((d, rar, weighted));
        }

        return result;
    }

    private static string LikePattern(string search) =>
        "%" + search.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
