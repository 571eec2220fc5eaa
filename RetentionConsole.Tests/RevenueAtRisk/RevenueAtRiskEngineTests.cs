using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Tests.RevenueAtRisk;

public sealed class RevenueAtRiskEngineTests
{
    private static DateTime Today => RiskTestDatabase.Today.UtcDateTime.Date;

    [Fact]
    public async Task IssueRar_FiveTicketsFromOneAccount_CountsItsArrOnce()
    {
        await using var rar = await RiskTestDatabase.CreateAsync();
        var account = new AccountBuilder().WithArr(120_000m).Build();
        var tickets = Enumerable.Range(0, 5).Select(_ => new TicketBuilder().ForAccount(account).WithJiraKey("ENG-123").Build());
        await rar.SeedAsync([account, .. tickets]);

        await rar.Engine.RecalculateAllAsync();

        var issue = await rar.WithDbAsync(db => db.EngineeringIssues.SingleAsync(i => i.Key == "ENG-123"));
        Assert.Equal(120_000m, issue.RevenueAtRisk);
        Assert.Equal(1, issue.AffectedAccounts);
        Assert.Equal(5, issue.OpenTickets);
        Assert.Equal("ENG-123", issue.JiraKey);
        var stored = await rar.WithDbAsync(db => db.Accounts.SingleAsync(a => a.Id == account.Id));
        Assert.Equal(120_000m, stored.RevenueAtRisk);
        Assert.Equal(5, stored.OpenFrictionTickets);
        Assert.True(stored.IsAtRisk);
    }

    [Fact]
    public async Task IssueRar_ProblemWithIncidentsFromThreeAccounts_SumsThreeArrs()
    {
        await using var rar = await RiskTestDatabase.CreateAsync();
        var a = new AccountBuilder().WithArr(120_000m).Build();
        var b = new AccountBuilder().WithArr(30_000m).Build();
        var c = new AccountBuilder().WithArr(2_500.50m).Build();
        var problem = new TicketBuilder().AsProblem().WithSubject("Webhook deliveries time out").ForAccount(a);
        var incidents = new[] { a, b, c, b }.Select(x => new TicketBuilder().IncidentOf(problem.Id).ForAccount(x).Build());
        await rar.SeedAsync([a, b, c, problem.Build(), .. incidents]);

        await rar.Engine.RecalculateAllAsync();

        var issue = await rar.WithDbAsync(db => db.EngineeringIssues.SingleAsync());
        Assert.Equal($"ZD-{problem.Id}", issue.Key);
        Assert.Equal(152_500.50m, issue.RevenueAtRisk);
        Assert.Equal(3, issue.AffectedAccounts);
        Assert.Equal(5, issue.OpenTickets);
        Assert.Equal("Webhook deliveries time out", issue.Title);
        var summary = await rar.Queries.SummaryAsync();
        Assert.Equal(152_500.50m, summary.PortfolioRevenueAtRisk);
        Assert.Equal(3, summary.AccountsAtRisk);
    }

    [Fact]
    public async Task Rar_SolvedTickets_DropOut()
    {
        await using var rar = await RiskTestDatabase.CreateAsync();
        var a = new AccountBuilder().WithArr(50_000m).Build();
        var b = new AccountBuilder().WithArr(70_000m).Build();
        var open = new TicketBuilder().ForAccount(a).WithJiraKey("ENG-9").Build();
        var solved = new TicketBuilder().ForAccount(b).WithJiraKey("ENG-9").Solved().Build();
        var solvedAlone = new TicketBuilder().ForAccount(b).Solved().Build();
        await rar.SeedAsync(a, b, open, solved, solvedAlone);

        await rar.Engine.RecalculateAllAsync();

        var issue = await rar.WithDbAsync(db => db.EngineeringIssues.SingleAsync(i => i.Key == "ENG-9"));
        Assert.Equal(50_000m, issue.RevenueAtRisk);
        Assert.Equal(1, issue.OpenTickets);
        var accountB = await rar.WithDbAsync(db => db.Accounts.SingleAsync(x => x.Id == b.Id));
        Assert.Equal(0m, accountB.RevenueAtRisk);
        Assert.False(accountB.IsAtRisk);
        // A group never open while the engine watched has no row.
        Assert.False(await rar.WithDbAsync(db => db.EngineeringIssues.AnyAsync(i => i.Key == solvedAlone.IssueKey)));

        // Solving the last open ticket clears the issue and the account, and the row stays at zero.
        await rar.WithDbAsync(db => db.Tickets.Where(t => t.Id == open.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.IsOpen, false).SetProperty(t => t.Status, "solved")));
        var changes = new RiskChanges();
        changes.Account(a.Id);
        changes.Issue("ENG-9");
        await rar.Engine.RecalculateAsync(changes, CancellationToken.None);

        issue = await rar.WithDbAsync(db => db.EngineeringIssues.SingleAsync(i => i.Key == "ENG-9"));
        Assert.Equal(0m, issue.RevenueAtRisk);
        Assert.Equal(0, issue.OpenTickets);
        Assert.Null(issue.OldestOpenTicketUtc);
        Assert.Equal(0m, (await rar.Queries.SummaryAsync()).PortfolioRevenueAtRisk);
    }

    [Fact]
    public async Task Rar_NonFrictionOpenTicket_DoesNotPutAccountAtRisk()
    {
        await using var rar = await RiskTestDatabase.CreateAsync();
        var a = new AccountBuilder().WithArr(80_000m).Build();
        await rar.SeedAsync(a, new TicketBuilder().ForAccount(a).NotFriction().Build());

        await rar.Engine.RecalculateAllAsync();

        var stored = await rar.WithDbAsync(db => db.Accounts.SingleAsync());
        Assert.False(stored.IsAtRisk);
        Assert.Equal(0m, stored.RevenueAtRisk);
        Assert.Equal(0, stored.OpenFrictionTickets);
    }

    [Fact]
    public async Task Rar_UnknownArr_IsFlaggedAndCountedSeparately_NeverAsZeroSilently()
    {
        await using var rar = await RiskTestDatabase.CreateAsync();
        var known = new AccountBuilder().WithArr(40_000m).Build();
        var unknown = new AccountBuilder().WithUnknownArr().Build();
        await rar.SeedAsync(known, unknown,
            new TicketBuilder().ForAccount(known).WithJiraKey("ENG-1").Build(),
            new TicketBuilder().ForAccount(unknown).WithJiraKey("ENG-1").Build());

        await rar.Engine.RecalculateAllAsync();

        var issue = await rar.WithDbAsync(db => db.EngineeringIssues.SingleAsync());
        Assert.Equal(40_000m, issue.RevenueAtRisk);
        Assert.Equal(2, issue.AffectedAccounts);
        Assert.Equal(1, issue.AffectedAccountsUnknownArr);
        var stored = await rar.WithDbAsync(db => db.Accounts.SingleAsync(a => a.Id == unknown.Id));
        Assert.True(stored.IsAtRisk);
        Assert.Null(stored.Arr);
        var summary = await rar.Queries.SummaryAsync();
        Assert.Equal(2, summary.AccountsAtRisk);
        Assert.Equal(1, summary.AccountsAtRiskUnknownArr);
        var row = (await rar.Queries.AccountsAsync(new AccountBoardQuery(new BoardFilter()))).Items.Single(r => r.Id == unknown.Id);
        Assert.Null(row.Arr);
        Assert.Equal("unknown", Money.CompactOrUnknown(row.Arr));
    }

    [Theory]
    [InlineData(-3, 1.0)]
    [InlineData(0, 1.0)]
    [InlineData(30, 1.0)]
    [InlineData(31, 0.75)]
    [InlineData(90, 0.75)]
    [InlineData(91, 0.5)]
    [InlineData(180, 0.5)]
    [InlineData(181, 0.25)]
    [InlineData(null, 0.25)]
    public async Task WeightedRar_RenewalBoundaries_UseTheBandWeight(int? daysToRenewal, double weight)
    {
        await using var rar = await RiskTestDatabase.CreateAsync();
        // Late in the day, so "days to renewal" is counted in calendar days, not 24-hour periods.
        rar.Clock.SetUtcNow(new DateTimeOffset(Today.AddHours(23).AddMinutes(59)));
        var account = new AccountBuilder().WithArr(200_000m)
            .RenewingOn(daysToRenewal is { } d ? Today.AddDays(d).AddHours(1) : null).Build();
        await rar.SeedAsync(account, new TicketBuilder().ForAccount(account).Build());

        await rar.Engine.RecalculateAllAsync();

        var stored = await rar.WithDbAsync(db => db.Accounts.SingleAsync());
        Assert.Equal(200_000m, stored.RevenueAtRisk);
        Assert.Equal(200_000m * (decimal)weight, stored.WeightedRevenueAtRisk);
    }

    [Fact]
    public async Task WeightedRar_ConfiguredBands_Apply()
    {
        var options = new RevenueAtRiskOptions { BeyondWeight = 0.1m, RenewalWeights = [new() { WithinDays = 7, Weight = 0.9m }] };
        await using var rar = await RiskTestDatabase.CreateAsync(options);
        var soon = new AccountBuilder().WithArr(100_000m).RenewingOn(Today.AddDays(7)).Build();
        var later = new AccountBuilder().WithArr(100_000m).RenewingOn(Today.AddDays(8)).Build();
        await rar.SeedAsync(soon, later, new TicketBuilder().ForAccount(soon).Build(), new TicketBuilder().ForAccount(later).Build());

        await rar.Engine.RecalculateAllAsync();

        var weights = await rar.WithDbAsync(db => db.Accounts.ToDictionaryAsync(a => a.Id, a => a.WeightedRevenueAtRisk));
        Assert.Equal(90_000m, weights[soon.Id]);
        Assert.Equal(10_000m, weights[later.Id]);
    }

    [Fact]
    public async Task History_IsWrittenOnlyWhenAFigureChanges()
    {
        await using var rar = await RiskTestDatabase.CreateAsync();
        var a = new AccountBuilder().WithArr(60_000m).Build();
        var quiet = new AccountBuilder().WithArr(10_000m).Build();
        var ticket = new TicketBuilder().ForAccount(a).WithJiraKey("ENG-5").Build();
        await rar.SeedAsync(a, quiet, ticket);

        var first = await rar.Engine.RecalculateAllAsync();
        Assert.Equal(3, first.HistoryPoints); // the account, the issue, the portfolio; the quiet account stays at 0
        rar.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await rar.Engine.RecalculateAllAsync();
        Assert.Equal(0, again.HistoryPoints);
        var changes = new RiskChanges();
        changes.Account(a.Id);
        changes.Issue("ENG-5");
        Assert.Equal(0, (await rar.Engine.RecalculateChangesAsync(changes)).HistoryPoints);

        // A second ticket on the same account changes the ticket count but no money: no point.
        await rar.SeedAsync(new TicketBuilder().ForAccount(a).WithJiraKey("ENG-5").Build());
        Assert.Equal(0, (await rar.Engine.RecalculateChangesAsync(changes)).HistoryPoints);

        // ARR moves: the account, its issue and the portfolio each get exactly one point.
        rar.Clock.Advance(TimeSpan.FromMinutes(5));
        await rar.WithDbAsync(db => db.Accounts.Where(x => x.Id == a.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Arr, 75_000m)));
        var moved = await rar.Engine.RecalculateChangesAsync(Changes(accounts: [a.Id]));
        Assert.Equal(3, moved.HistoryPoints);

        var points = await rar.WithDbAsync(db => db.RiskHistory.OrderBy(p => p.Id).ToListAsync());
        Assert.Equal([60_000m, 75_000m], points.Where(p => p.Scope == RiskScope.Account).Select(p => p.RevenueAtRisk));
        Assert.Equal([60_000m, 75_000m], points.Where(p => p.Scope == RiskScope.Issue).Select(p => p.RevenueAtRisk));
        Assert.Equal([60_000m, 75_000m], points.Where(p => p.Scope == RiskScope.Portfolio).Select(p => p.RevenueAtRisk));
        Assert.DoesNotContain(points, p => p.ScopeKey == quiet.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var trend = await rar.Queries.TrendAsync(RiskScope.Portfolio, RiskHistoryPoint.PortfolioKey);
        var daily = RiskBoardQueries.Daily(trend, rar.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(RiskBoardQueries.TrendDays, daily.Count);
        Assert.Equal(75_000m, daily[^1].Rar);
        Assert.Equal(0m, daily[0].Rar);
    }

    [Fact]
    public async Task Incremental_TouchesOnlyTheNamedAccountsAndTheirIssues()
    {
        await using var rar = await RiskTestDatabase.CreateAsync();
        var a = new AccountBuilder().WithArr(10_000m).Build();
        var b = new AccountBuilder().WithArr(20_000m).Build();
        await rar.SeedAsync(a, b, new TicketBuilder().ForAccount(a).WithJiraKey("ENG-1").Build(),
            new TicketBuilder().ForAccount(b).WithJiraKey("ENG-2").Build());
        await rar.Engine.RecalculateAllAsync();

        var result = await rar.Engine.RecalculateChangesAsync(Changes(accounts: [a.Id]));

        Assert.Equal(1, result.AccountsExamined);
        Assert.Equal(1, result.IssuesExamined); // ENG-1 through account a's open ticket
    }

    internal static RiskChanges Changes(long[]? accounts = null, string[]? issues = null)
    {
        var changes = new RiskChanges();
        foreach (var id in accounts ?? []) changes.Account(id);
        foreach (var key in issues ?? []) changes.Issue(key);
        return changes;
    }
}
