using System.Text.Json;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Integrations;

/// <summary>/health reports each connector: fresh → Healthy, stale → Degraded, unconfigured → Healthy "not configured".</summary>
public sealed class ConnectorHealthTests
{
    private static async Task<JsonElement> HealthAsync(RetentionAppFactory app)
    {
        var body = await app.CreateClient().GetStringAsync("/health");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static (string Status, string Description) Check(JsonElement health, string name)
    {
        var check = health.GetProperty("checks").GetProperty(name);
        return (check.GetProperty("status").GetString()!, check.GetProperty("description").GetString()!);
    }

    [Fact]
    public async Task StaleConnector_IsDegraded_FreshIsHealthy_UnconfiguredIsReportedAsSuch()
    {
        using var app = new RetentionAppFactory()
            .With("Connectors:Zendesk:BaseUrl", "https://acme.zendesk.com")
            .With("Connectors:Zendesk:Email", "ops@acme.example")
            .With("Connectors:Zendesk:ApiToken", "test-token")
            .With("Connectors:Bitrix24:WebhookUrl", "https://acme.bitrix24.com/rest/1/key/");
        var now = DateTime.UtcNow;
        await using (var db = await app.Db.CreateDbContextAsync())
        {
            db.ConnectorStates.Add(new ConnectorState { Name = ConnectorNames.ZendeskTickets, LastSuccessUtc = now.AddSeconds(-20) });
            db.ConnectorStates.Add(new ConnectorState { Name = ConnectorNames.ZendeskOrganizations, LastSuccessUtc = now.AddSeconds(-20) });
            db.ConnectorStates.Add(new ConnectorState { Name = ConnectorNames.Bitrix24, LastSuccessUtc = now.AddHours(-3) });
            await db.SaveChangesAsync();
        }

        var health = await HealthAsync(app);

        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", Check(health, "database").Status);
        var zendesk = Check(health, "connector:zendesk");
        Assert.Equal("Healthy", zendesk.Status);
        Assert.StartsWith("fresh", zendesk.Description);
        var bitrix = Check(health, "connector:bitrix24");
        Assert.Equal("Degraded", bitrix.Status);
        Assert.StartsWith("stale", bitrix.Description);
        Assert.DoesNotContain("/rest/1/key", bitrix.Description);
        Assert.Equal(("Healthy", "not configured"), Check(health, "connector:prometheus"));
        Assert.Equal(("Healthy", "not configured"), Check(health, "connector:alertmanager"));

        // The stale connector catches up: everything is healthy.
        await using (var db = await app.Db.CreateDbContextAsync())
        {
            db.ConnectorStates.Single(s => s.Name == ConnectorNames.Bitrix24).LastSuccessUtc = DateTime.UtcNow;
            await db.SaveChangesAsync();
        }

        var after = await HealthAsync(app);
        Assert.Equal("Healthy", after.GetProperty("status").GetString());
        Assert.Equal("Healthy", Check(after, "connector:bitrix24").Status);
    }

    [Fact]
    public async Task NothingConfigured_IsHealthy()
    {
        using var app = new RetentionAppFactory();
        var health = await HealthAsync(app);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        foreach (var connector in ConnectorDefinition.All)
            Assert.Equal(("Healthy", "not configured"), Check(health, "connector:" + connector.Key));
    }
}
