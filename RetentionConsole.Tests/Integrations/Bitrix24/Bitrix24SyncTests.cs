using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Sandbox;

namespace RetentionConsole.Tests.Integrations.Bitrix24;

public sealed class Bitrix24SyncTests
{
    [Fact]
    public async Task Sync_AgainstSandbox_BringsEveryCompanyDealAndContactOnce()
    {
        using var host = new Bitrix24TestHost(accounts: 40);
        var result = await host.SyncAsync();

        var (companies, deals, contacts) = host.World.Read(w => (w.Companies.ToList(), w.Deals.Where(d => d.CategoryId == "1").ToList(), w.Contacts.ToList()));
        var accounts = await host.AccountsAsync();
        Assert.Equal(companies.Select(c => c.Id).Order(), accounts.Select(a => a.Id));
        Assert.Equal(deals.Select(d => d.Id).Order(), (await host.DealsAsync()).Select(d => d.Id));
        var storedContacts = await host.ContactsAsync();
        Assert.Equal(contacts.Select(c => c.Id).Order(), storedContacts.Select(c => c.Id));
        Assert.All(storedContacts, c => Assert.Equal(contacts.Single(s => s.Id == c.Id).CompanyId, c.AccountId));
        Assert.All(storedContacts, c => Assert.Equal(contacts.Single(s => s.Id == c.Id).Email.ToLowerInvariant(), c.Email));

        foreach (var company in companies)
        {
            var account = accounts.Single(a => a.Id == company.Id);
            Assert.Equal(company.Title, account.Name);
            Assert.Equal(company.Tier, account.Tier);
            Assert.Equal(string.Join(",", company.Services), account.Services);
            Assert.Equal(company.WebDomain, account.Domains);
            Assert.Equal(company.Owner, account.Owner); // the user.get name, not "user #N"
            Assert.Equal(host.Simulator.OwnerId(company.Owner), account.OwnerId);
            Assert.Equal(host.ExpectedArr(company.Id), account.Arr);
            Assert.NotNull(account.Arr);
            Assert.Equal(host.World.Read(w => w.Deals.Where(d => d.CompanyId == company.Id).Max(d => d.CloseDate.Date)), account.RenewalDateUtc);
        }

        // 40 companies, 40 deals, ~80 contacts: one request learns the totals, one fetches the rest (and the owners' names).
        Assert.Equal(2, result.Requests);
        Assert.Equal(0, result.Malformed);
        await using var db = await host.Db.CreateDbContextAsync();
        var state = await db.ConnectorStates.SingleAsync(s => s.Name == ConnectorNames.Bitrix24);
        Assert.NotNull(state.LastSuccessUtc);
        Assert.Null(state.LastError);
        Assert.Contains(companies[0].Id, host.Recalculator.AccountIds);
    }

    [Fact]
    public async Task Sync_EurDeal_IsConvertedWithCurrencyListRates()
    {
        using var host = new Bitrix24TestHost(accounts: 14);
        await host.SyncAsync();

        // Company 7 and 14 have EUR contracts in the seeded world; the sandbox's crm.currency.list has EUR at 1.08 USD.
        var deal = host.World.Read(w => w.Deals.First(d => d.CompanyId == 7));
        Assert.Equal("EUR", deal.Currency);
        var stored = (await host.DealsAsync()).Single(d => d.Id == deal.Id);
        Assert.Equal(deal.Amount, stored.Amount);
        Assert.Equal(Math.Round(deal.Amount * 1.08m, 2), stored.AmountReporting);
        var account = (await host.AccountsAsync()).Single(a => a.Id == 7);
        Assert.Equal(host.ExpectedArr(7), account.Arr);
    }

    [Fact]
    public async Task SecondSync_ChangesNothing()
    {
        using var host = new Bitrix24TestHost(accounts: 30);
        await host.SyncAsync();
        var before = await host.SnapshotAsync();
        while (host.Recalculator.AccountIds.TryDequeue(out _)) { }

        var second = await host.SyncAsync();

        Assert.Equal(before, await host.SnapshotAsync());
        Assert.Equal(0, second.Written);
        Assert.Equal(0, second.Removed);
        Assert.Equal(0, second.AccountsChanged);
        Assert.Empty(host.Recalculator.AccountIds);
    }

    [Fact]
    public async Task UpdatedDeal_UpdatesArr_AndReportsTheAccount()
    {
        using var host = new Bitrix24TestHost(accounts: 20);
        await host.SyncAsync();
        var before = (await host.AccountsAsync()).Single(a => a.Id == 3).Arr;
        while (host.Recalculator.AccountIds.TryDequeue(out _)) { }

        host.World.Write(w =>
        {
            var deal = w.Deals.Single(d => d.CompanyId == 3);
            deal.Amount += 12_000m;
            deal.ModifiedUtc = host.Clock.GetUtcNow().UtcDateTime;
        });
        var result = await host.SyncAsync();

        var after = (await host.AccountsAsync()).Single(a => a.Id == 3).Arr;
        Assert.NotEqual(before, after);
        Assert.Equal(host.ExpectedArr(3), after);
        Assert.Equal(1, result.Written);
        Assert.Equal([3L], host.Recalculator.AccountIds.Distinct().ToArray());
    }

    [Fact]
    public async Task ArrRules_LostFutureAndOtherPipelineDealsDoNotCount_NoCurrentDealIsUnknown()
    {
        using var host = new Bitrix24TestHost(accounts: 10);
        var today = host.Clock.GetUtcNow().UtcDateTime.Date;
        host.World.Write(w =>
        {
            // Company 2: a lost deal, a won deal in another pipeline and a won deal starting next month — none counts.
            w.Deals.Add(new SimDeal { Id = 90_001, CompanyId = 2, CategoryId = "1", StageSemantic = "F", StageId = "C1:LOSE", Amount = 99_000, BeginDate = today.AddDays(-10), CloseDate = today.AddDays(300), ModifiedUtc = today });
            w.Deals.Add(new SimDeal { Id = 90_002, CompanyId = 2, CategoryId = "0", StageSemantic = "S", StageId = "WON", Amount = 77_000, BeginDate = today.AddDays(-10), CloseDate = today.AddDays(300), ModifiedUtc = today });
            w.Deals.Add(new SimDeal { Id = 90_003, CompanyId = 2, CategoryId = "1", StageSemantic = "S", StageId = "C1:WON", Amount = 55_000, BeginDate = today.AddDays(30), CloseDate = today.AddDays(394), ModifiedUtc = today });
            // Company 4: its only contract ended yesterday — ARR unknown, not 0.
            var d4 = w.Deals.Single(d => d.CompanyId == 4);
            w.Deals.Remove(d4);
            w.Deals.Add(new SimDeal { Id = d4.Id, CompanyId = 4, CategoryId = "1", StageSemantic = "S", StageId = "C1:WON", Amount = 40_000, BeginDate = today.AddDays(-366), CloseDate = today.AddDays(-1), ModifiedUtc = today });
            // Company 5: a half-year contract of 30,000 is 60,000-ish a year.
            var d5 = w.Deals.Single(d => d.CompanyId == 5);
            w.Deals.Remove(d5);
            w.Deals.Add(new SimDeal { Id = d5.Id, CompanyId = 5, CategoryId = "1", StageSemantic = "S", StageId = "C1:WON", Amount = 30_000, Currency = "USD", BeginDate = today.AddDays(-90), CloseDate = today.AddDays(92), ModifiedUtc = today });
        });

        await host.SyncAsync();

        var accounts = await host.AccountsAsync();
        var deals = await host.DealsAsync();
        Assert.DoesNotContain(deals, d => d.Id == 90_002); // other pipeline is not read at all
        Assert.Equal(host.ExpectedArr(2), accounts.Single(a => a.Id == 2).Arr);
        Assert.Null(accounts.Single(a => a.Id == 4).Arr);
        Assert.Null(accounts.Single(a => a.Id == 4).RenewalDateUtc);
        Assert.Equal(Math.Round(30_000m * 365m / 183m, 2), accounts.Single(a => a.Id == 5).Arr);
        Assert.Equal(today.AddDays(92), accounts.Single(a => a.Id == 5).RenewalDateUtc);
    }

    [Fact]
    public async Task CompanyFieldSource_ReadsMoneyFieldAndRenewalField()
    {
        using var host = new Bitrix24TestHost(accounts: 14);
        host.With("Connectors:Bitrix24:ArrSource", "CompanyField")
            .With("Connectors:Bitrix24:ArrField", "UF_CRM_ARR")
            .With("Connectors:Bitrix24:RenewalDateField", "UF_CRM_RENEWAL");
        var today = host.Clock.GetUtcNow().UtcDateTime.Date;
        host.World.Write(w => w.Deals.RemoveAll(d => d.CompanyId == 3)); // no contract → empty field → unknown

        await host.SyncAsync();

        var accounts = await host.AccountsAsync();
        var eur = host.World.Read(w => w.Deals.Single(d => d.CompanyId == 7));
        Assert.Equal(Math.Round(eur.Amount * 1.08m, 2), accounts.Single(a => a.Id == 7).Arr); // "amount|EUR" converted
        Assert.Equal(eur.CloseDate.Date, accounts.Single(a => a.Id == 7).RenewalDateUtc);
        var usd = host.World.Read(w => w.Deals.Single(d => d.CompanyId == 1));
        Assert.Equal(usd.Amount, accounts.Single(a => a.Id == 1).Arr);
        Assert.Null(accounts.Single(a => a.Id == 3).Arr);
        Assert.True(today < accounts.Single(a => a.Id == 1).RenewalDateUtc);
    }

    [Fact]
    public async Task InterruptedSync_ResumesWhereItCommitted_WithoutLossOrDuplicates()
    {
        using var host = new Bitrix24TestHost(accounts: 120);
        // Batch 1 goes through (a zero-delay "slow" fault changes nothing); every later attempt fails with 500 until the
        // retries give up, so the run dies after committing batch 1.
        host.Faults.Enqueue("bitrix24", new SandboxFault(SandboxFaultKind.Slow, Delay: TimeSpan.Zero));
        host.Faults.Enqueue("bitrix24", new SandboxFault(SandboxFaultKind.ServerError, Status: 500), times: 7);
        await Assert.ThrowsAnyAsync<Exception>(() => host.PumpAsync(host.Sync.RunAsync(CancellationToken.None), TimeSpan.FromSeconds(1)));

        await using (var db = await host.Db.CreateDbContextAsync())
        {
            var state = await db.ConnectorStates.SingleAsync(s => s.Name == ConnectorNames.Bitrix24);
            Assert.NotNull(state.LastError);
            Assert.Null(state.LastSuccessUtc);
            Assert.True(await db.ConnectorEvents.AnyAsync(e => e.Connector == ConnectorNames.Bitrix24 && e.Kind == ConnectorEventKind.Error));
        }

        // Batch 1 = currencies + the first page of companies and deals (+ a contacts probe): 50 + 50 committed.
        Assert.Equal(50, (await host.AccountsAsync()).Count);
        Assert.Equal(50, (await host.DealsAsync()).Count);

        var resumed = await host.SyncAsync();

        var (companies, deals, contacts) = host.World.Read(w => (w.Companies.Count, w.Deals.Count(d => d.CategoryId == "1"), w.Contacts.Count));
        Assert.Equal(companies, (await host.AccountsAsync()).Count);
        Assert.Equal(deals, (await host.DealsAsync()).Count);
        Assert.Equal(contacts, (await host.ContactsAsync()).Count);
        // The resumed run fetched only what batch 1 had not committed, in one request.
        Assert.Equal(companies - 50 + deals - 50 + contacts, resumed.Received);
        Assert.Equal(1, resumed.Requests);
        Assert.All(await host.AccountsAsync(), a => Assert.Equal(host.ExpectedArr(a.Id), a.Arr));
    }
}
