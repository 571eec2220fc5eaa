using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Monitoring;
using RetentionConsole.Sandbox;
using RetentionConsole.Sandbox.Alertmanager;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Monitoring;

/// <summary>The sandbox plays Alertmanager: incidents in the world become webhook deliveries to this host.</summary>
public sealed class SandboxAlertmanagerSenderTests
{
    private static RetentionAppFactory SandboxApp() => new RetentionAppFactory()
        .With("Sandbox:Enabled", "true")
        .With("Sandbox:LiveInterval", "00:00:00")
        // The test drives rounds itself.
        .With("Sandbox:Alertmanager:Interval", "00:00:00");

    private static async Task<List<AlertRecord>> AlertsAsync(RetentionAppFactory app)
    {
        await using var db = await app.Db.CreateDbContextAsync();
        return await db.AlertRecords.AsNoTracking().OrderBy(a => a.StartsAtUtc).ToListAsync();
    }

    [Fact]
    public async Task IncidentStartAndEnd_AreDeliveredOnce_WithAGeneratedToken()
    {
        using var app = SandboxApp();
        var sender = app.Services.GetRequiredService<SandboxAlertmanagerSender>();
        var world = app.Services.GetRequiredService<SandboxWorld>();
        var options = app.Services.GetRequiredService<IOptions<AlertmanagerOptions>>().Value;
        Assert.True(options.GeneratedForSandbox);
        Assert.True(options.BearerToken!.Length >= 32);

        // The seeded world has one active incident (integrations).
        Assert.Equal(1, await sender.SendChangesAsync(CancellationToken.None));
        var firing = Assert.Single(await AlertsAsync(app));
        Assert.Equal(("integrations", AlertStatus.Firing, SandboxAlertmanagerSender.AlertName), (firing.Service, firing.Status, firing.AlertName));
        Assert.Null(firing.EndsAtUtc);

        // Nothing changed: nothing sent.
        Assert.Equal(0, await sender.SendChangesAsync(CancellationToken.None));

        var ended = firing.StartsAtUtc.AddMinutes(20);
        world.Write(w => w.Incidents.Single(i => i.Service == "integrations").EndedUtc = ended);
        Assert.Equal(1, await sender.SendChangesAsync(CancellationToken.None));
        var resolved = Assert.Single(await AlertsAsync(app));
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal(ended, resolved.EndsAtUtc);
        Assert.Equal(firing.Fingerprint, resolved.Fingerprint);

        // A new incident on the same service is a new occurrence (new startsAt).
        world.Write(w => w.Incidents.Add(new SimIncident("integrations", ended.AddMinutes(5), 700)));
        Assert.Equal(1, await sender.SendChangesAsync(CancellationToken.None));
        var all = await AlertsAsync(app);
        Assert.Equal(2, all.Count);
        Assert.Equal(AlertStatus.Firing, all[1].Status);
        Assert.Contains("critical", all[1].LabelsJson);
    }

    [Fact]
    public async Task BackgroundSender_DeliversWithoutBeingAsked()
    {
        using var app = new RetentionAppFactory()
            .With("Sandbox:Enabled", "true")
            .With("Sandbox:LiveInterval", "00:00:00")
            .With("Sandbox:Alertmanager:Interval", "00:00:00.200");
        _ = app.Server;
        var alert = await Eventually.WaitAsync(async () => (await AlertsAsync(app)).FirstOrDefault(), "the sandbox's first delivery");
        Assert.Equal("integrations", alert.Service);
    }

    [Fact]
    public async Task ConfiguredToken_IsUsedInsteadOfAGeneratedOne()
    {
        using var app = SandboxApp().With("Connectors:Alertmanager:BearerToken", "operator-chosen-token-0123456789");
        var options = app.Services.GetRequiredService<IOptions<AlertmanagerOptions>>().Value;
        Assert.False(options.GeneratedForSandbox);
        Assert.Equal("operator-chosen-token-0123456789", options.BearerToken);
        Assert.Equal(1, await app.Services.GetRequiredService<SandboxAlertmanagerSender>().SendChangesAsync(CancellationToken.None));
        Assert.Single(await AlertsAsync(app));
    }

    [Fact]
    public void Payload_HasTheContractShape()
    {
        var payload = SandboxAlertmanagerSender.Payload("core-api", new DateTime(2026, 12, 3, 12, 46, 25, DateTimeKind.Utc), null, 450,
            new Uri("http://localhost:5000/"));
        var json = JsonSerializer.Serialize(payload);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        // Same keys, in the same order, as the captured Alertmanager 0.25 deliveries.
        Assert.Equal(["receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "version", "groupKey", "truncatedAlerts"],
            root.EnumerateObject().Select(p => p.Name));
        var alert = root.GetProperty("alerts")[0];
        Assert.Equal(["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"], alert.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-12-03T12:46:25Z", alert.GetProperty("startsAt").GetString());
        Assert.Equal("0001-01-01T00:00:00Z", alert.GetProperty("endsAt").GetString());
        Assert.Matches("^[0-9a-f]{16}$", alert.GetProperty("fingerprint").GetString());
        Assert.Equal("4", root.GetProperty("version").GetString());
        Assert.NotNull(AlertmanagerWebhookService.Parse(System.Text.Encoding.UTF8.GetBytes(json), out var error));
        Assert.Equal("", error);
    }

    [Fact]
    public void Fingerprint_IsStableAndLabelOrderIndependent()
    {
        var a = SandboxAlertmanagerSender.Fingerprint(new Dictionary<string, string> { ["alertname"] = "X", ["service"] = "a" });
        var b = SandboxAlertmanagerSender.Fingerprint(new Dictionary<string, string> { ["service"] = "a", ["alertname"] = "X" });
        var c = SandboxAlertmanagerSender.Fingerprint(new Dictionary<string, string> { ["alertname"] = "X", ["service"] = "b" });
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
