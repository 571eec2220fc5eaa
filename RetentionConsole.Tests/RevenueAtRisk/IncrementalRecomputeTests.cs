using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Tests.RevenueAtRisk;

/// <summary>
/// Property-style: random ticket and ARR changes, recomputed incrementally with what changed, must leave exactly the
/// figures a full recompute computes — and both must match the rules evaluated naively in memory.
/// </summary>
public sealed class IncrementalRecomputeTests
{
    private static readonly string[] Keys = ["ENG-1", "ENG-2", "ENG-3", "ENG-4", "ZD-1", "ZD-2", "ZD-3"];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(2026)]
    public async Task Incremental_AfterRandomChanges_EqualsFullRecompute(int seed)
    {
        var random = new Random(seed);
        await using var rar = await RiskTestDatabase.CreateAsync();
        var today = rar.Clock.GetUtcNow().UtcDateTime.Date;
        var accounts = Enumerable.Range(1, 30).Select(i => new AccountBuilder(i)
            .WithArr(random.Next(5) == 0 ? null : random.Next(1, 500) * 1_000m + random.Next(0, 100) / 4m)
            .RenewingOn(random.Next(6) == 0 ? null : today.AddDays(random.Next(-10, 400))).Build()).ToList();
        var tickets = Enumerable.Range(1, 200).Select(i => RandomTicket(random, i)).ToList();
        await rar.SeedAsync([.. accounts, .. tickets]);
        await rar.Engine.RecalculateAllAsync();
        await AssertMatchesRulesAsync(rar);

        var nextTicketId = 201L;
        for (var round = 0; round < 25; round++)
        {
            rar.Clock.Advance(TimeSpan.FromMinutes(7));
            var changes = new RiskChanges();
            await using (var db = await rar.Factory.CreateDbContextAsync())
            {
                for (var n = random.Next(1, 8); n > 0; n--)
                {
                    switch (random.Next(7))
                    {
                        case 0: // a new ticket arrives
                            var created = RandomTicket(random, nextTicketId++);
                            db.Tickets.Add(created);
                            changes.Account(created.AccountId);
                            changes.Issue(created.IssueKey);
                            break;
                        case 1: // solve or reopen
                        {
                            var t = await RandomAsync(db.Tickets, random);
                            t.IsOpen = !t.IsOpen;
                            t.Status = t.IsOpen ? "open" : "solved";
                            changes.Account(t.AccountId);
                            changes.Issue(t.IssueKey);
                            break;
                        }
                        case 2: // linked to another issue (old and new key)
                        {
                            var t = await RandomAsync(db.Tickets, random);
                            changes.Issue(t.IssueKey);
                            t.IssueKey = Keys[random.Next(Keys.Length)];
                            changes.Issue(t.IssueKey);
                            changes.Account(t.AccountId);
                            break;
                        }
                        case 3: // organization re-matched to another account (old and new account)
                        {
                            var t = await RandomAsync(db.Tickets, random);
                            changes.Account(t.AccountId);
                            t.AccountId = random.Next(8) == 0 ? null : random.Next(1, 31);
                            changes.Account(t.AccountId);
                            changes.Issue(t.IssueKey);
                            break;
                        }
                        case 4: // ARR changes, sometimes to unknown
                        {
                            var a = await RandomAsync(db.Accounts, random);
                            a.Arr = random.Next(4) == 0 ? null : random.Next(1, 900) * 500m;
                            changes.Account(a.Id);
                            break;
                        }
                        case 5: // renewal moves
                        {
                            var a = await RandomAsync(db.Accounts, random);
                            a.RenewalDateUtc = random.Next(5) == 0 ? null : today.AddDays(random.Next(-5, 365));
                            changes.Account(a.Id);
                            break;
                        }
                        default: // friction re-classified
                        {
                            var t = await RandomAsync(db.Tickets, random);
                            t.IsFriction = !t.IsFriction;
                            changes.Account(t.AccountId);
                            changes.Issue(t.IssueKey);
                            break;
                        }
                    }
                }

                await db.SaveChangesAsync();
            }

            await rar.Engine.RecalculateAsync(changes, CancellationToken.None);
            var incremental = await SnapshotAsync(rar);

            var full = await rar.Engine.RecalculateAllAsync();
            Assert.True(full.AccountsChanged == 0 && full.IssuesChanged == 0 && full.HistoryPoints == 0,
                $"seed {seed}, round {round}: the full recompute still changed something after the incremental one: {full}");
            Assert.Equal(incremental, await SnapshotAsync(rar));
            await AssertMatchesRulesAsync(rar);
        }
    }

    private static SupportTicket RandomTicket(Random random, long id)
    {
        var builder = new TicketBuilder(id).ForAccount(random.Next(10) == 0 ? null : random.Next(1, 31))
            .CreatedAt(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(random.Next(0, 1000)));
        if (random.Next(3) > 0) builder.InIssue(Keys[random.Next(Keys.Length)]);
        if (random.Next(5) == 0) builder.NotFriction();
        if (random.Next(3) == 0) builder.Solved();
        return builder.Build();
    }

    private static async Task<T> RandomAsync<T>(IQueryable<T> set, Random random) where T : class
    {
        var count = await set.CountAsync();
        return await set.Skip(random.Next(count)).FirstAsync();
    }

    private static async Task<string> SnapshotAsync(RiskTestDatabase rar)
    {
        await using var db = await rar.Factory.CreateDbContextAsync();
        var accounts = await db.Accounts.OrderBy(a => a.Id)
            .Select(a => $"{a.Id}:{a.IsAtRisk}:{a.RevenueAtRisk}:{a.WeightedRevenueAtRisk}:{a.OpenFrictionTickets}").ToListAsync();
        var issues = await db.EngineeringIssues.OrderBy(i => i.Key)
            .Select(i => $"{i.Key}:{i.RevenueAtRisk}:{i.WeightedRevenueAtRisk}:{i.AffectedAccounts}:{i.AffectedAccountsUnknownArr}:{i.OpenTickets}:{i.OldestOpenTicketUtc}")
            .ToListAsync();
        var portfolio = await db.RiskHistory.Where(p => p.Scope == RiskScope.Portfolio).OrderByDescending(p => p.Id)
            .Select(p => p.RevenueAtRisk + "/" + p.WeightedRevenueAtRisk).FirstOrDefaultAsync();
        return string.Join('\n', accounts) + "\n--\n" + string.Join('\n', issues) + "\n--\n" + portfolio;
    }

    /// <summary>DESIGN.md's rules, evaluated the slow obvious way over every row.</summary>
    private static async Task AssertMatchesRulesAsync(RiskTestDatabase rar)
    {
        await using var db = await rar.Factory.CreateDbContextAsync();
        var accounts = await db.Accounts.AsNoTracking().ToListAsync();
        var tickets = await db.Tickets.AsNoTracking().ToListAsync();
        var now = rar.Clock.GetUtcNow().UtcDateTime;
        decimal Weight(Account a) => rar.Options.WeightFor(a.RenewalDateUtc is { } r ? (int)(r.Date - now.Date).TotalDays : null);

        foreach (var a in accounts)
        {
            var open = tickets.Count(t => t.AccountId == a.Id && t.IsOpen && t.IsFriction);
            var expected = open > 0 ? a.Arr ?? 0m : 0m;
            Assert.Equal(open, a.OpenFrictionTickets);
            Assert.Equal(open > 0, a.IsAtRisk);
            Assert.Equal(expected, a.RevenueAtRisk);
            Assert.Equal(Math.Round(expected * Weight(a), 2, MidpointRounding.AwayFromZero), a.WeightedRevenueAtRisk);
        }

        var issues = await db.EngineeringIssues.AsNoTracking().ToDictionaryAsync(i => i.Key);
        foreach (var group in tickets.Where(t => t.IssueKey is not null).GroupBy(t => t.IssueKey!))
        {
            var open = group.Where(t => t.IsOpen).ToList();
            if (!issues.TryGetValue(group.Key, out var issue))
            {
                Assert.Empty(open);
                continue;
            }

            var affected = accounts.Where(a => open.Any(t => t.AccountId == a.Id)).ToList();
            Assert.Equal(affected.Sum(a => a.Arr ?? 0m), issue.RevenueAtRisk);
            Assert.Equal(affected.Count, issue.AffectedAccounts);
            Assert.Equal(affected.Count(a => a.Arr is null), issue.AffectedAccountsUnknownArr);
            Assert.Equal(open.Count, issue.OpenTickets);
        }

        var lastPortfolio = await db.RiskHistory.Where(p => p.Scope == RiskScope.Portfolio).OrderByDescending(p => p.Id).FirstOrDefaultAsync();
        Assert.Equal(accounts.Sum(a => a.RevenueAtRisk), lastPortfolio?.RevenueAtRisk ?? 0m);
    }
}
