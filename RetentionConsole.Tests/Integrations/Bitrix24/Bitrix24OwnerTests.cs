using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Integrations.Bitrix24;
using RetentionConsole.Sandbox;

namespace RetentionConsole.Tests.Integrations.Bitrix24;

/// <summary>Account owners: ASSIGNED_BY_ID resolved to a person through user.get, with a "user #N" fallback.</summary>
public sealed class Bitrix24OwnerTests
{
    [Fact]
    public async Task Sync_ShowsEachOwnerByName_ReadingEachUserOnce_WithinTheMinimumRequests()
    {
        using var host = new Bitrix24TestHost(accounts: 40);
        var result = await host.SyncAsync();

        var companies = host.World.Read(w => w.Companies.ToList());
        var accounts = await host.AccountsAsync();
        Assert.All(accounts, a => Assert.Equal(companies.Single(c => c.Id == a.Id).Owner, a.Owner));
        Assert.True(companies.Select(c => c.Owner).Distinct().Count() > 1);
        // The user.get commands rode in the batch that was made anyway: still two requests.
        Assert.Equal(2, result.Requests);
        await using var db = await host.Db.CreateDbContextAsync();
        Assert.False(await db.ConnectorEvents.AnyAsync(e => e.Connector == ConnectorNames.Bitrix24 && e.Kind == ConnectorEventKind.Error));
    }

    [Fact]
    public async Task UserGetFailing_LeavesUserNumber_RecordsOneEvent_AndTheRestSyncs()
    {
        using var host = new Bitrix24TestHost(accounts: 40);
        host.Simulator.UserScopeMissing = true;

        var result = await host.SyncAsync();

        var companies = host.World.Read(w => w.Companies.ToList());
        var accounts = await host.AccountsAsync();
        Assert.Equal(companies.Count, accounts.Count);
        Assert.All(accounts, a => Assert.Equal($"user #{host.Simulator.OwnerId(companies.Single(c => c.Id == a.Id).Owner)}", a.Owner));
        Assert.Equal(host.World.Read(w => w.Contacts.Count), (await host.ContactsAsync()).Count);
        Assert.Equal(2, result.Requests);
        await using var db = await host.Db.CreateDbContextAsync();
        var events = await db.ConnectorEvents.Where(e => e.Connector == ConnectorNames.Bitrix24 && e.Kind == ConnectorEventKind.Error).ToListAsync();
        var owner = Assert.Single(events);
        Assert.Contains("user.get", owner.Message, StringComparison.Ordinal);
        Assert.Contains("insufficient_scope", owner.Message, StringComparison.Ordinal);
        var state = await db.ConnectorStates.SingleAsync(s => s.Name == ConnectorNames.Bitrix24);
        Assert.NotNull(state.LastSuccessUtc);
        Assert.Null(state.LastError);

        // Once the scope is granted, the next sync names everyone.
        host.Simulator.UserScopeMissing = false;
        await host.SyncAsync();
        Assert.All(await host.AccountsAsync(), a => Assert.Equal(companies.Single(c => c.Id == a.Id).Owner, a.Owner));
    }

    [Fact]
    public async Task UserGetFailingLater_KeepsTheNamesAlreadyStored()
    {
        using var host = new Bitrix24TestHost(accounts: 20);
        await host.SyncAsync();
        var before = await host.SnapshotAsync();
        host.Simulator.UserScopeMissing = true;

        var second = await host.SyncAsync();

        Assert.Equal(0, second.Written);
        Assert.Equal(before, await host.SnapshotAsync());
        Assert.DoesNotContain(await host.AccountsAsync(), a => a.Owner!.StartsWith("user #", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReassignedCompany_ShowsTheNewOwner()
    {
        using var host = new Bitrix24TestHost(accounts: 12);
        await host.SyncAsync();
        var company = host.World.Read(w => w.Companies.First(c => c.Owner != "Aiko Tanaka"));
        host.World.Write(w =>
        {
            var i = w.Companies.FindIndex(c => c.Id == company.Id);
            w.Companies[i] = w.Companies[i] with { Owner = "Aiko Tanaka" };
        });

        await host.SyncAsync();

        var account = (await host.AccountsAsync()).Single(a => a.Id == company.Id);
        Assert.Equal("Aiko Tanaka", account.Owner);
        Assert.Equal(host.Simulator.OwnerId("Aiko Tanaka"), account.OwnerId);
    }

    [Fact]
    public async Task Sync_WithMoreOwnersThanSpareRoom_ReadsTheRestInAnExtraBatch()
    {
        // 60 companies, each with its own owner: the pages leave too little room in the last batch for every user.get.
        using var host = new Bitrix24TestHost(accounts: 60);
        host.World.Write(w =>
        {
            for (var i = 0; i < w.Companies.Count; i++) w.Companies[i] = w.Companies[i] with { Owner = $"Owner{i:00} Person{i:00}" };
        });

        var result = await host.SyncAsync();

        var accounts = await host.AccountsAsync();
        Assert.Equal(60, accounts.Count);
        Assert.All(accounts, a => Assert.Matches(@"^Owner\d\d Person\d\d$", a.Owner));
        Assert.All(accounts, a => Assert.Equal(host.World.Read(w => w.Companies.Single(c => c.Id == a.Id).Owner), a.Owner));
        Assert.InRange(result.Requests, 3, 4);
    }

    [Theory]
    [InlineData("""[{"ID":"7","NAME":"Dana","LAST_NAME":"Whitfield","EMAIL":"d@x.example","ACTIVE":true}]""", "Dana Whitfield")]
    [InlineData("""[{"ID":7,"NAME":"","LAST_NAME":null,"EMAIL":"d@x.example"}]""", "d@x.example")]
    [InlineData("""[{"ID":"7"}]""", "user #7")]
    [InlineData("""[]""", "user #7")]
    [InlineData("""[{"ID":"8","NAME":"Someone","LAST_NAME":"Else"}]""", "user #7")]
    [InlineData("""{"ID":"7","NAME":"Solo"}""", "Solo")]
    [InlineData("""[{"ID":"7","NAME":{"odd":1}},{"ID":"7","NAME":"Ok"}]""", "Ok")]
    public void OwnerName_FallsBackFromFullNameToEmailToUserNumber(string json, string expected)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(expected, Bitrix24Mapper.OwnerName(doc.RootElement, 7));
    }

    [Fact]
    public async Task CompanyWebhook_WithoutUserScope_StillUpserts_KeepsStoredName_AndLogsOnce()
    {
        using var host = new Bitrix24TestHost(accounts: 5);
        await host.SyncAsync();
        var company = host.World.Read(w => w.Companies.First());
        host.Simulator.UserScopeMissing = true;
        var now = host.Clock.GetUtcNow().UtcDateTime;
        host.World.Write(w =>
        {
            var i = w.Companies.FindIndex(c => c.Id == company.Id);
            w.Companies[i] = w.Companies[i] with { Title = "Renamed Co" };
            w.Companies.Add(new SimCompany(88, "Brandnew Ltd", "SMB", "Tom Becker", "brandnew.example", "brandnew.example", ["core-api"], now));
        });

        foreach (var id in new long[] { company.Id, 88, company.Id })
        {
            var response = await host.PumpAsync(host.CreateClient().PostAsync("/webhooks/bitrix24", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["event"] = "ONCRMCOMPANYUPDATE",
                ["data[FIELDS][ID]"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["auth[application_token]"] = Bitrix24TestHost.WebhookToken,
            })));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var accounts = await host.AccountsAsync();
        var renamed = accounts.Single(a => a.Id == company.Id);
        Assert.Equal("Renamed Co", renamed.Name);
        Assert.Equal(company.Owner, renamed.Owner);
        Assert.Equal($"user #{host.Simulator.OwnerId("Tom Becker")}", accounts.Single(a => a.Id == 88).Owner);
        await using var db = await host.Db.CreateDbContextAsync();
        Assert.Single(await db.ConnectorEvents.Where(e => e.Connector == ConnectorNames.Bitrix24 && e.Message.Contains("user.get")).ToListAsync());
    }
}
