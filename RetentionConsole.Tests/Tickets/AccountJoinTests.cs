using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Integrations.Zendesk;
using RetentionConsole.Core.Tickets;
using RetentionConsole.Tests.Integrations.Zendesk;

namespace RetentionConsole.Tests.Tickets;

/// <summary>Zendesk organizations and tickets join accounts on sync, including accounts that arrive later.</summary>
public sealed class AccountJoinTests
{
    private static Task SyncAsync(ZendeskTestHost host) =>
        host.DriveAsync(() => host.Services.GetRequiredService<ZendeskSync>().SyncAsync(CancellationToken.None));

    private static async Task AddAccountsAsync(ZendeskTestHost host)
    {
        var companies = host.World.Read(w => w.Companies.ToList());
        await using var db = await host.Db.CreateDbContextAsync();
        db.Accounts.AddRange(companies.Select(c => new Account { Id = c.Id, Name = c.Title, Domains = $"{c.WebDomain},{c.EmailDomain}" }));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Sync_JoinsByExternalIdThenDomain_AndReportsTheUnmatched()
    {
        using var host = new ZendeskTestHost();
        await AddAccountsAsync(host);

        await SyncAsync(host);

        var orgs = await host.QueryAsync(db => db.ZendeskOrganizations);
        var world = host.World.Read(w => w.Organizations.ToList());
        var companies = host.World.Read(w => w.Companies.ToList());
        var expectedUnmatched = new List<long>();
        var byDomain = 0;
        foreach (var org in world)
        {
            var row = orgs.Single(o => o.Id == org.Id);
            // The seeded world: external_id = company id, except every 6th (domain only) and every 25th (legacy domain).
            // A domain shared by two companies (same generated name) joins neither.
            long? expected = org.ExternalId is { } external
                ? long.Parse(external, System.Globalization.CultureInfo.InvariantCulture)
                : companies.Where(c => org.DomainNames.Contains(c.WebDomain)).Select(c => (long?)c.Id).ToList() is [var only] ? only : null;
            if (org.ExternalId is null && expected is not null) byDomain++;
            if (expected is null) expectedUnmatched.Add(org.Id);
            Assert.Equal(expected, row.AccountId);
        }

        Assert.True(byDomain > 0, "no organization was joined by domain");
        Assert.Contains(world, o => (o.Id - 360_000_000) % 25 == 0 && expectedUnmatched.Contains(o.Id));
        var unmatched = await host.Services.GetRequiredService<TicketQueries>().UnmatchedOrganizationsAsync();
        Assert.Equal(expectedUnmatched.Order(), unmatched.Select(u => u.Id).Order());
        Assert.All(unmatched, u => Assert.Contains("external_id", u.Hint));

        // Tickets carry their organization's account.
        var tickets = await host.QueryAsync(db => db.Tickets.Select(t => new { t.OrganizationId, t.AccountId }));
        Assert.All(tickets, t => Assert.Equal(orgs.Single(o => o.Id == t.OrganizationId).AccountId, t.AccountId));
    }

    [Fact]
    public async Task AccountsArrivingAfterZendesk_AreJoinedOnTheNextSync_WithTheirTickets()
    {
        using var host = new ZendeskTestHost();
        await SyncAsync(host);
        Assert.All(await host.QueryAsync(db => db.Tickets), t => Assert.Null(t.AccountId));
        Assert.Equal(host.World.Read(w => w.Organizations.Count),
            (await host.Services.GetRequiredService<TicketQueries>().UnmatchedOrganizationsAsync()).Count);

        await AddAccountsAsync(host);
        host.Recalculator.Calls.Clear();
        var result = await host.DriveAsync(() => host.Services.GetRequiredService<ZendeskSync>().SyncAsync(CancellationToken.None));

        Assert.True(result.Rematched > 50);
        var joined = await host.QueryAsync(db => db.Tickets.Where(t => t.AccountId != null));
        Assert.NotEmpty(joined);
        var recalculated = host.Recalculator.Calls.SelectMany(c => c.AccountIds).ToHashSet();
        Assert.All(joined.Select(t => t.AccountId!.Value).Distinct(), id => Assert.Contains(id, recalculated));
    }
}
