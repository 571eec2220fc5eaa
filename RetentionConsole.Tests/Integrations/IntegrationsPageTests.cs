using Bunit;
using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.Identity;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Tickets;
using RetentionConsole.Features.Integrations;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Integrations;

/// <summary>The Integrations page rendered with bUnit over the real services of a test host.</summary>
public sealed class IntegrationsPageTests : IAsyncLifetime
{
    private readonly RetentionAppFactory _app = new RetentionAppFactory()
        .With("Connectors:Prometheus:BaseUrl", "https://prometheus.acme.example/");
    private readonly MudTestContext _ctx = new();

    public IntegrationsPageTests()
    {
        _ctx.Services.AddFallbackServiceProvider(_app.Services);
        _ctx.AddAuthorization().SetAuthorized(RetentionAppFactory.AdminEmail).SetRoles(Roles.Admin);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are IAsyncDisposable only.
    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        _app.Dispose();
    }

    private static IRenderedComponent<IntegrationsPage> Wait(IRenderedComponent<IntegrationsPage> page)
    {
        page.WaitForAssertion(() => Assert.Equal(ConnectorDefinition.All.Count, page.FindAll(".connector-card").Count));
        return page;
    }

    [Fact]
    public async Task Cards_ShowConfiguredAndUnconfiguredConnectors_AndAnUnmatchedOrganizationHint()
    {
        await using (var db = await _app.Db.CreateDbContextAsync())
        {
            db.ConnectorStates.Add(new ConnectorState { Name = ConnectorNames.Prometheus, LastSuccessUtc = DateTime.UtcNow, ItemsSynced = 1234 });
            db.ConnectorEvents.Add(new ConnectorEvent
            {
                Connector = ConnectorNames.Prometheus, Kind = ConnectorEventKind.Error, AtUtc = DateTime.UtcNow.AddMinutes(-1),
                Message = "bad_data: <b>not markup</b>",
            });
            db.ZendeskOrganizations.Add(new ZendeskOrganization { Id = 42, Name = "Orphan Ltd", Domains = "orphan.example" });
            await db.SaveChangesAsync();
        }

        var page = Wait(_ctx.Render<IntegrationsPage>());

        var prometheus = page.Find("[data-connector=prometheus]");
        Assert.Equal("Configured", prometheus.QuerySelector(".connector-mode")!.TextContent.Trim());
        Assert.Equal("Fresh", prometheus.QuerySelector(".connector-freshness")!.TextContent.Trim());
        Assert.Contains("https://prometheus.acme.example", prometheus.QuerySelector(".connector-target")!.TextContent);
        Assert.Contains("1,234", prometheus.TextContent);
        Assert.Contains("1 error(s)", prometheus.QuerySelector(".connector-counts")!.TextContent);
        // Upstream text is shown as text, never as markup.
        var error = prometheus.QuerySelector(".connector-error")!;
        Assert.Contains("<b>not markup</b>", error.TextContent);
        Assert.Null(error.QuerySelector("b"));

        var zendesk = page.Find("[data-connector=zendesk]");
        Assert.Equal("Not configured", zendesk.QuerySelector(".connector-mode")!.TextContent.Trim());
        Assert.Contains("Connectors:Zendesk:BaseUrl", zendesk.QuerySelector(".connector-help")!.TextContent);
        Assert.True(zendesk.QuerySelector(".sync-now")!.HasAttribute("disabled"));

        var alertmanager = page.Find("[data-connector=alertmanager]");
        Assert.Contains("Closed", alertmanager.QuerySelector(".connector-help")!.TextContent);
        Assert.Contains("webhooks/alertmanager", alertmanager.TextContent);

        var orphan = page.Find("[data-organization='42']");
        Assert.Contains("Orphan Ltd", orphan.TextContent);
        Assert.Contains("set the organization's external_id to the Bitrix24 company ID", orphan.QuerySelector(".unmatched-hint")!.TextContent);
    }

    [Fact]
    public void NoUnmatchedOrganizations_SaysSo()
    {
        var page = Wait(_ctx.Render<IntegrationsPage>());
        Assert.Contains("Every Zendesk organization synced so far is matched", page.Find(".unmatched-none").TextContent);
    }

    [Fact]
    public void TestConnection_ReportsTheFailure_WhenPrometheusIsUnreachable()
    {
        // prometheus.acme.example is routed to the test host in memory, which is no Prometheus: a bare 4xx comes back.
        var page = Wait(_ctx.Render<IntegrationsPage>());
        page.Find("[data-connector=prometheus] .test-connection").Click();
        page.WaitForAssertion(() =>
        {
            var message = page.Find("[data-connector=prometheus] .connector-message").TextContent;
            Assert.StartsWith("Prometheus http_error: HTTP 4", message.Trim());
        }, TimeSpan.FromSeconds(30));
    }
}

/// <summary>"Sync now" on a sandbox host: a job that is not registered (yet) says so instead of failing.</summary>
public sealed class IntegrationsPageSyncTests : IAsyncLifetime
{
    private readonly RetentionAppFactory _app = new RetentionAppFactory()
        .With("Sandbox:Enabled", "true")
        .With("Sandbox:LiveInterval", "00:00:00")
        .With("Sandbox:Alertmanager:Interval", "00:00:00");
    private readonly MudTestContext _ctx = new();

    public IntegrationsPageSyncTests()
    {
        _ctx.Services.AddFallbackServiceProvider(_app.Services);
        _ctx.AddAuthorization().SetAuthorized(RetentionAppFactory.AdminEmail).SetRoles(Roles.Admin);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are IAsyncDisposable only.
    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        _app.Dispose();
    }

    [Fact]
    public void SyncNow_AndTestConnection_OnTheSandbox()
    {
        var page = _ctx.Render<IntegrationsPage>();
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll(".connector-card").Count));
        Assert.All(page.FindAll(".connector-mode").Take(3), chip => Assert.Equal("Sandbox", chip.TextContent.Trim()));

        page.Find("[data-connector=bitrix24] .sync-now").Click();
        page.WaitForAssertion(() =>
        {
            var message = page.Find("[data-connector=bitrix24] .connector-message").TextContent;
            var registered = _app.Services.GetRequiredService<Core.Jobs.JobRegistry>().Find(ConnectorNames.Bitrix24SyncJob) is not null;
            Assert.Contains(registered ? "sync started" : "is not registered in this build", message);
        });

        page.Find("[data-connector=prometheus] .test-connection").Click();
        page.WaitForAssertion(() =>
            Assert.Equal("Prometheus answered vector(1) = 1.", page.Find("[data-connector=prometheus] .connector-message").TextContent.Trim()),
            TimeSpan.FromSeconds(30));
        page.WaitForAssertion(() => Assert.Equal("Fresh", page.Find("[data-connector=prometheus] .connector-freshness").TextContent.Trim()));
    }
}
