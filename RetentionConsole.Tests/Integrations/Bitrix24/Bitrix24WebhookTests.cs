using System.Net;
using RetentionConsole.Sandbox;

namespace RetentionConsole.Tests.Integrations.Bitrix24;

public sealed class Bitrix24WebhookTests
{
    private static FormUrlEncodedContent Delivery(string eventName, long id, string? token) => new(new Dictionary<string, string>
    {
        ["event"] = eventName,
        ["event_handler_id"] = "201",
        ["data[FIELDS][ID]"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ts"] = "1736405807",
        ["auth[domain]"] = "sandbox.bitrix24.com",
        ["auth[member_id]"] = "a223c6b3710f85df22e9377d6c4f7553",
        ["auth[application_token]"] = token ?? "",
    });

    private static async Task<HttpResponseMessage> PostAsync(Bitrix24TestHost host, HttpContent content) =>
        await host.PumpAsync(host.CreateClient().PostAsync("/webhooks/bitrix24", content));

    [Fact]
    public async Task DealUpdate_WithRightToken_FetchesTheDealAndRecomputesArr_ReplayChangesNothing()
    {
        using var host = new Bitrix24TestHost(accounts: 8);
        await host.SyncAsync();
        var deal = host.World.Read(w => w.Deals.First(d => d.CompanyId == 2));
        host.World.Write(_ => deal.Amount += 50_000m);

        var response = await PostAsync(host, Delivery("ONCRMDEALUPDATE", deal.Id, Bitrix24TestHost.WebhookToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(deal.Amount, (await host.DealsAsync()).Single(d => d.Id == deal.Id).Amount);
        Assert.Equal(host.ExpectedArr(2), (await host.AccountsAsync()).Single(a => a.Id == 2).Arr);
        Assert.Contains(2L, host.Recalculator.AccountIds);

        var before = await host.SnapshotAsync();
        while (host.Recalculator.AccountIds.TryDequeue(out _)) { }
        var replay = await PostAsync(host, Delivery("ONCRMDEALUPDATE", deal.Id, Bitrix24TestHost.WebhookToken));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(before, await host.SnapshotAsync());
        Assert.Empty(host.Recalculator.AccountIds);
    }

    [Theory]
    [InlineData("wrong-token-0123456789")]
    [InlineData(null)]
    public async Task WrongOrMissingToken_Is401_AndNothingChanges(string? token)
    {
        using var host = new Bitrix24TestHost(accounts: 5);
        await host.SyncAsync();
        var before = await host.SnapshotAsync();
        var requestsBefore = host.Simulator.RequestLog.Count;
        host.World.Write(w => w.Deals.First(d => d.CompanyId == 1).Amount += 1_000m);

        var response = await PostAsync(host, Delivery("ONCRMDEALUPDATE", host.World.Read(w => w.Deals.First(d => d.CompanyId == 1).Id), token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await host.SnapshotAsync());
        Assert.Equal(requestsBefore, host.Simulator.RequestLog.Count); // not even a fetch
    }

    [Fact]
    public async Task CompanyAdd_UpsertsTheFetchedCompany_AndContactDeleteRemovesIt()
    {
        using var host = new Bitrix24TestHost(accounts: 5);
        await host.SyncAsync();
        var now = host.Clock.GetUtcNow().UtcDateTime;
        host.World.Write(w =>
        {
            w.Companies.Add(new SimCompany(77, "Newco Robotics", "Enterprise", "Priya Nair", "newco.example", "newco.example", ["core-api"], now));
            w.Deals.Add(new SimDeal { Id = 7_700, CompanyId = 77, Title = "Newco subscription", Amount = 240_000m, BeginDate = now.Date.AddDays(-10), CloseDate = now.Date.AddDays(354), ModifiedUtc = now });
        });

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, Delivery("ONCRMDEALADD", 7_700, Bitrix24TestHost.WebhookToken))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, Delivery("ONCRMCOMPANYADD", 77, Bitrix24TestHost.WebhookToken))).StatusCode);

        var account = (await host.AccountsAsync()).Single(a => a.Id == 77);
        Assert.Equal("Newco Robotics", account.Name);
        Assert.Equal("Enterprise", account.Tier);
        Assert.Equal("newco.example", account.Domains);
        Assert.Equal(240_000m, account.Arr);
        Assert.Equal("Priya Nair", account.Owner); // resolved in the same batch through a linked user.get

        var contact = (await host.ContactsAsync()).First();
        var deleted = await PostAsync(host, Delivery("ONCRMCONTACTDELETE", contact.Id, Bitrix24TestHost.WebhookToken));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.DoesNotContain(await host.ContactsAsync(), c => c.Id == contact.Id);
        // A replayed delete is a no-op.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, Delivery("ONCRMCONTACTDELETE", contact.Id, Bitrix24TestHost.WebhookToken))).StatusCode);
    }

    [Fact]
    public async Task UnfollowedEvent_IsAcknowledged_BadId_IsRejected()
    {
        using var host = new Bitrix24TestHost(accounts: 3);
        var ignored = await PostAsync(host, Delivery("ONCRMLEADADD", 5, Bitrix24TestHost.WebhookToken));
        Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        Assert.Contains("ignored", await ignored.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var bad = await PostAsync(host, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["event"] = "ONCRMDEALUPDATE", ["data[FIELDS][ID]"] = "12; drop", ["auth[application_token]"] = Bitrix24TestHost.WebhookToken,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Empty(await host.AccountsAsync());
    }
}
