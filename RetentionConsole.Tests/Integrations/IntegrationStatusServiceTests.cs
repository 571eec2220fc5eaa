using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Tickets;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Integrations;

/// <summary>What the Integrations page and /health are built from: mode, freshness, 24 h counts, unmatched organizations.</summary>
public sealed class IntegrationStatusServiceTests : IDisposable
{
    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);
    private readonly RetentionAppFactory _app = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(Now));

    public void Dispose() => _app.Dispose();

    private IntegrationStatusService Service(Dictionary<string, string?> settings) =>
        new(_app.Db, new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), _clock);

    private async Task SeedAsync(Action<Core.Persistence.RetentionDbContext> seed)
    {
        await using var db = await _app.Db.CreateDbContextAsync();
        seed(db);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Freshness_FollowsLastSuccessAgainstThePollInterval()
    {
        await SeedAsync(db =>
        {
            db.ConnectorStates.Add(new ConnectorState { Name = ConnectorNames.ZendeskTickets, LastSuccessUtc = Now.AddMinutes(-2), ItemsSynced = 120 });
            db.ConnectorStates.Add(new ConnectorState { Name = ConnectorNames.ZendeskOrganizations, LastSuccessUtc = Now.AddMinutes(-2.5), ItemsSynced = 60 });
            db.ConnectorStates.Add(new ConnectorState { Name = ConnectorNames.Bitrix24, LastSuccessUtc = Now.AddMinutes(-32), ItemsSynced = 500 });
        });
        var service = Service(new()
        {
            ["Connectors:Zendesk:BaseUrl"] = "https://acme.zendesk.com",
            ["Connectors:Bitrix24:WebhookUrl"] = "https://acme.bitrix24.com/rest/1/s3cr3t-webhook-key/",
            ["Connectors:Prometheus:BaseUrl"] = "https://prometheus.acme.example/",
        });

        var all = await service.GetAllAsync();

        var zendesk = all.Single(c => c.Definition.Key == "zendesk");
        Assert.Equal(ConnectorMode.External, zendesk.Mode);
        // 1 min interval → stale after 3 min: 2.5 min old is still fresh.
        Assert.Equal(Freshness.Fresh, zendesk.Freshness);
        Assert.Equal(180, zendesk.ItemsSynced);
        Assert.Equal(Now.AddMinutes(-2.5), zendesk.LastSuccessUtc);

        var bitrix = all.Single(c => c.Definition.Key == "bitrix24");
        // 15 min interval → stale after 31 min.
        Assert.Equal(Freshness.Stale, bitrix.Freshness);
        Assert.Equal("https://acme.bitrix24.com", bitrix.Target);
        Assert.DoesNotContain("s3cr3t", bitrix.Target);

        var prometheus = all.Single(c => c.Definition.Key == "prometheus");
        Assert.Equal(Freshness.NeverSynced, prometheus.Freshness);

        var alertmanager = all.Single(c => c.Definition.Key == "alertmanager");
        Assert.Equal((ConnectorMode.NotConfigured, Freshness.NotConfigured), (alertmanager.Mode, alertmanager.Freshness));

        // Time passes: Zendesk goes stale too.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(Freshness.Stale, (await service.GetAsync("zendesk")).Freshness);
    }

    [Fact]
    public async Task OneStaleStream_MakesTheConnectorStale()
    {
        await SeedAsync(db =>
        {
            db.ConnectorStates.Add(new ConnectorState { Name = ConnectorNames.ZendeskTickets, LastSuccessUtc = Now.AddSeconds(-30) });
            db.ConnectorStates.Add(new ConnectorState { Name = ConnectorNames.ZendeskOrganizations, LastSuccessUtc = Now.AddHours(-1) });
        });
        var zendesk = await Service(new() { ["Connectors:Zendesk:BaseUrl"] = "https://acme.zendesk.com" }).GetAsync("zendesk");
        Assert.Equal(Freshness.Stale, zendesk.Freshness);
        Assert.Equal([Freshness.Fresh, Freshness.Stale], zendesk.Streams.Select(s => s.Freshness));
    }

    [Fact]
    public async Task PollInterval_FromConfiguration_ChangesTheThreshold()
    {
        await SeedAsync(db => db.ConnectorStates.Add(new ConnectorState { Name = ConnectorNames.Bitrix24, LastSuccessUtc = Now.AddMinutes(-32) }));
        var status = await Service(new()
        {
            ["Connectors:Bitrix24:WebhookUrl"] = "https://acme.bitrix24.com/rest/1/key/",
            ["Connectors:Bitrix24:PollInterval"] = "01:00:00",
        }).GetAsync("bitrix24");
        Assert.Equal(Freshness.Fresh, status.Freshness);
        Assert.Equal(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1), status.StaleAfter);
    }

    [Fact]
    public async Task Modes_SandboxWhenEnabledOrPointedAtIt_OffOtherwise()
    {
        var sandbox = await Service(new() { ["Sandbox:Enabled"] = "true" }).GetAllAsync();
        Assert.All(sandbox, c => Assert.Equal(ConnectorMode.Sandbox, c.Mode));
        Assert.Equal(Freshness.PushOnly, sandbox.Single(c => c.Definition.Key == "alertmanager").Freshness);

        var off = await Service(new()).GetAllAsync();
        Assert.All(off, c => Assert.Equal((ConnectorMode.NotConfigured, Freshness.NotConfigured), (c.Mode, c.Freshness)));

        var explicitSandbox = await Service(new() { ["Connectors:Prometheus:BaseUrl"] = "http://localhost:5000/sandbox/prometheus/" }).GetAsync("prometheus");
        Assert.Equal(ConnectorMode.Sandbox, explicitSandbox.Mode);

        var basic = await Service(new() { ["Connectors:Alertmanager:Username"] = "am", ["Connectors:Alertmanager:Password"] = "pw" }).GetAsync("alertmanager");
        Assert.Equal((ConnectorMode.External, Freshness.PushOnly), (basic.Mode, basic.Freshness));
    }

    [Fact]
    public async Task Events_AreCountedOverTheLast24Hours_PerConnector_WithTheLatestError()
    {
        await SeedAsync(db =>
        {
            void Add(string connector, ConnectorEventKind kind, TimeSpan ago, string message = "x") =>
                db.ConnectorEvents.Add(new ConnectorEvent { Connector = connector, Kind = kind, AtUtc = Now - ago, Message = message });
            Add(ConnectorNames.ZendeskTickets, ConnectorEventKind.Error, TimeSpan.FromHours(1), "HTTP 503 from export");
            Add(ConnectorNames.ZendeskOrganizations, ConnectorEventKind.Error, TimeSpan.FromMinutes(5), "timeout on organizations");
            Add("zendesk", ConnectorEventKind.Error, TimeSpan.FromHours(30), "old error");
            Add(ConnectorNames.ZendeskTickets, ConnectorEventKind.MalformedItem, TimeSpan.FromHours(2));
            Add(ConnectorNames.ZendeskTickets, ConnectorEventKind.RateLimitWait, TimeSpan.FromHours(3));
            Add(ConnectorNames.ZendeskTickets, ConnectorEventKind.RateLimitWait, TimeSpan.FromHours(23));
            Add(ConnectorNames.ZendeskTickets, ConnectorEventKind.RateLimitWait, TimeSpan.FromHours(25));
            Add(ConnectorNames.Bitrix24, ConnectorEventKind.Error, TimeSpan.FromHours(1), "QUERY_LIMIT_EXCEEDED");
        });

        var all = await Service(new() { ["Sandbox:Enabled"] = "true" }).GetAllAsync();

        var zendesk = all.Single(c => c.Definition.Key == "zendesk");
        Assert.Equal((2, 1, 2), (zendesk.Errors24h, zendesk.MalformedItems24h, zendesk.RateLimitWaits24h));
        Assert.Equal("timeout on organizations", zendesk.LatestError);
        Assert.Equal(Now.AddMinutes(-5), zendesk.LatestErrorUtc);
        var bitrix = all.Single(c => c.Definition.Key == "bitrix24");
        Assert.Equal((1, 0, 0), (bitrix.Errors24h, bitrix.MalformedItems24h, bitrix.RateLimitWaits24h));
        Assert.Null(all.Single(c => c.Definition.Key == "prometheus").LatestError);
    }

    [Fact]
    public async Task UnmatchedOrganizations_AreListedWithAHint()
    {
        await SeedAsync(db =>
        {
            db.ZendeskOrganizations.Add(new ZendeskOrganization { Id = 1, Name = "Matched Co", ExternalId = "7", Domains = "matched.example", AccountId = 7 });
            db.ZendeskOrganizations.Add(new ZendeskOrganization { Id = 2, Name = "Zeta Legacy", Domains = "zeta-legacy.example" });
            db.ZendeskOrganizations.Add(new ZendeskOrganization { Id = 3, Name = "Alpha Typo", ExternalId = "99999", Domains = "" });
        });

        var (total, items) = await Service(new()).UnmatchedOrganizationsAsync();

        Assert.Equal(2, total);
        Assert.Equal(["Alpha Typo", "Zeta Legacy"], items.Select(o => o.Name));
        Assert.Contains("external_id \"99999\" is not a Bitrix24 company ID", items[0].Hint);
        Assert.Contains("it has no domain_names", items[0].Hint);
        Assert.Contains("set the organization's external_id to the Bitrix24 company ID", items[1].Hint);
        Assert.Contains("zeta-legacy.example", items[1].Hint);
    }
}
