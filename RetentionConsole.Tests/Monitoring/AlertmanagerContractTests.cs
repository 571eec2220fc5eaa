using System.Text.Json;
using RetentionConsole.Core.Monitoring;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Monitoring;

/// <summary>Every captured Alertmanager delivery in ../shared/contracts/alertmanager reads into the webhook DTOs.</summary>
public sealed class AlertmanagerContractTests
{
    private const string Vendor = "alertmanager";

    public static TheoryData<string> AllPayloads()
    {
        var data = new TheoryData<string>();
        foreach (var name in ContractFiles.Payloads(Vendor)) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPayloads))]
    public void EveryPayload_ParsesAndValidates(string name)
    {
        var bytes = ContractFiles.ReadBytes(Vendor, name);
        var payload = AlertmanagerWebhookService.Parse(bytes, out var error);

        Assert.True(payload is not null, error);
        using var raw = JsonDocument.Parse(bytes);
        Assert.Equal("4", payload.Version);
        Assert.Equal(raw.RootElement.GetProperty("status").GetString(), payload.Status);
        Assert.Equal(raw.RootElement.GetProperty("groupKey").GetString(), payload.GroupKey);
        Assert.Equal(raw.RootElement.GetProperty("truncatedAlerts").GetInt32(), payload.TruncatedAlerts);
        Assert.Equal(raw.RootElement.GetProperty("alerts").GetArrayLength(), payload.Alerts!.Count);
        var firing = name.Contains(".firing.", StringComparison.Ordinal);
        Assert.Equal(firing ? AlertStatus.Firing : AlertStatus.Resolved, payload.Status);
        foreach (var alert in payload.Alerts)
        {
            Assert.Matches("^[0-9a-f]{16}$", alert.Fingerprint);
            Assert.Equal(new DateTimeOffset(2026, 12, 3, 12, 46, 25, TimeSpan.Zero), alert.StartsAt);
            // Firing alerts carry Go's zero time; resolved ones the resolve time.
            Assert.Equal(firing ? 1 : 2026, alert.EndsAt!.Value.Year);
            Assert.False(string.IsNullOrEmpty(alert.Labels!["alertname"]));
            Assert.StartsWith("http://prometheus.example.local:9090/graph", alert.GeneratorUrl);
        }
    }

    [Fact]
    public void TruncatedBearerPayload_SaysOneAlertWasLeftOut()
    {
        var payload = AlertmanagerWebhookService.Parse(ContractFiles.ReadBytes(Vendor, "webhook.firing.bearer.truncated.json"), out _)!;
        Assert.Equal(1, payload.TruncatedAlerts);
        Assert.Equal("{}/{team=\"bearer\"}:{alertname=\"DiskFull\"}", payload.GroupKey);
        Assert.Equal("Disk 91% full", payload.CommonAnnotations!["summary"]);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("null", "empty or null")]
    [InlineData("""{"version":"3","status":"firing","alerts":[]}""", "version must be \"4\"")]
    [InlineData("""{"version":"4","status":"burning","alerts":[]}""", "status must be")]
    [InlineData("""{"version":"4","status":"firing"}""", "alerts is missing")]
    [InlineData("""{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"X"},"startsAt":"2026-12-03T12:46:25Z"}]}""", "alerts[0].fingerprint")]
    [InlineData("""{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{},"startsAt":"2026-12-03T12:46:25Z","fingerprint":"b23077792897832b"}]}""", "alerts[0].labels.alertname")]
    [InlineData("""{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"X"},"startsAt":"yesterday","fingerprint":"b23077792897832b"}]}""", "not valid JSON")]
    [InlineData("""{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"X"},"startsAt":"0001-01-01T00:00:00Z","fingerprint":"b23077792897832b"}]}""", "startsAt is missing")]
    public void BadPayloads_AreRefusedWithAReason(string body, string reason)
    {
        var payload = AlertmanagerWebhookService.Parse(System.Text.Encoding.UTF8.GetBytes(body), out var error);
        Assert.Null(payload);
        Assert.Contains(reason, error);
    }
}
