using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Monitoring;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Monitoring;

/// <summary>POST /webhooks/alertmanager with the captured deliveries and the credentials they were captured with.</summary>
public sealed class AlertmanagerWebhookTests : IDisposable
{
    private const string Vendor = "alertmanager";
    private const string Token = "example-token-123";

    // The capture's receivers: basic auth am-user/am-pass, bearer example-token-123.
    private readonly RetentionAppFactory _app = new RetentionAppFactory()
        .With("Connectors:Alertmanager:BearerToken", Token)
        .With("Connectors:Alertmanager:Username", "am-user")
        .With("Connectors:Alertmanager:Password", "am-pass");

    public void Dispose() => _app.Dispose();

    private static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private async Task<HttpResponseMessage> PostAsync(string file, AuthenticationHeaderValue? auth) =>
        await PostRawAsync(ContractFiles.ReadBytes(Vendor, file), auth);

    private async Task<HttpResponseMessage> PostRawAsync(byte[] body, AuthenticationHeaderValue? auth)
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.UserAgent.ParseAdd("Alertmanager/0.25.0");
        request.Headers.Authorization = auth;
        return await client.SendAsync(request);
    }

    private async Task<List<AlertRecord>> AlertsAsync()
    {
        await using var db = await _app.Db.CreateDbContextAsync();
        return await db.AlertRecords.AsNoTracking().OrderBy(a => a.Fingerprint).ToListAsync();
    }

    private async Task<ConnectorState?> StateAsync()
    {
        await using var db = await _app.Db.CreateDbContextAsync();
        return await db.ConnectorStates.AsNoTracking().SingleOrDefaultAsync(s => s.Name == ConnectorNames.Alertmanager);
    }

    private sealed record Accepted(int Alerts, int Inserted, int Updated, int Unchanged);

    [Fact]
    public async Task BearerDelivery_StoresTheAlert_AndRecordsSuccess()
    {
        var response = await PostAsync("webhook.firing.bearer.truncated.json", Bearer(Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal("8fb33f744401658e", alert.Fingerprint);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("DiskFull", alert.AlertName);
        Assert.Null(alert.Service);
        Assert.Null(alert.EndsAtUtc);
        Assert.Equal(new DateTime(2026, 12, 3, 12, 46, 25, DateTimeKind.Utc), alert.StartsAtUtc);
        Assert.Contains("\"team\":\"bearer\"", alert.LabelsJson);
        Assert.Contains("Disk 91% full", alert.AnnotationsJson);
        Assert.Equal("hook-bearer", alert.Receiver);
        var state = await StateAsync();
        Assert.NotNull(state!.LastSuccessUtc);
        Assert.Equal(1, state.ItemsSynced);
    }

    [Fact]
    public async Task BasicDelivery_ThenResolved_ClosesBothAlerts_AndReplaysChangeNothing()
    {
        var firing = await PostAsync("webhook.firing.basic-auth.json", Basic("am-user", "am-pass"));
        Assert.Equal(HttpStatusCode.OK, firing.StatusCode);
        Assert.Equal(new Accepted(2, 2, 0, 0), await firing.Content.ReadFromJsonAsync<Accepted>());
        var opened = await AlertsAsync();
        Assert.Equal(2, opened.Count);
        Assert.All(opened, a => Assert.Equal(("checkout", AlertStatus.Firing), (a.Service, a.Status)));

        // Alertmanager repeats a firing notification every repeat_interval: nothing changes.
        var repeat = await PostAsync("webhook.firing.basic-auth.json", Basic("am-user", "am-pass"));
        Assert.Equal(new Accepted(2, 0, 0, 2), await repeat.Content.ReadFromJsonAsync<Accepted>());

        var resolved = await PostAsync("webhook.resolved.basic-auth.json", Basic("am-user", "am-pass"));
        Assert.Equal(new Accepted(2, 0, 2, 0), await resolved.Content.ReadFromJsonAsync<Accepted>());
        var closed = await AlertsAsync();
        Assert.Equal(2, closed.Count);
        Assert.All(closed, a =>
        {
            Assert.Equal(AlertStatus.Resolved, a.Status);
            Assert.Equal(new DateTime(2026, 12, 3, 12, 46, 29, DateTimeKind.Utc), a.EndsAtUtc);
        });

        // A replayed resolved delivery, and a late replay of the old firing one, leave the closed records alone.
        var stamp = closed.Select(a => a.LastUpdatedUtc).ToList();
        var replayResolved = await PostAsync("webhook.resolved.basic-auth.json", Basic("am-user", "am-pass"));
        var replayFiring = await PostAsync("webhook.firing.basic-auth.json", Basic("am-user", "am-pass"));
        Assert.Equal(new Accepted(2, 0, 0, 2), await replayResolved.Content.ReadFromJsonAsync<Accepted>());
        Assert.Equal(new Accepted(2, 0, 0, 2), await replayFiring.Content.ReadFromJsonAsync<Accepted>());
        var after = await AlertsAsync();
        Assert.All(after, a => Assert.Equal(AlertStatus.Resolved, a.Status));
        Assert.Equal(stamp, after.Select(a => a.LastUpdatedUtc));
        Assert.Equal(4, (await StateAsync())!.ItemsSynced);
    }

    [Fact]
    public async Task ResolvedBeforeFiring_IsStoredClosed()
    {
        var response = await PostAsync("webhook.resolved.bearer.truncated.json", Bearer(Token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.NotNull(alert.EndsAtUtc);
    }

    public static TheoryData<string?, string?> WrongCredentials() => new()
    {
        { null, null },
        { "Bearer", "wrong-token-1234567" },
        { "Bearer", Token + "x" },
        { "Bearer", "" },
        { "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("am-user:wrong")) },
        { "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("someone:am-pass")) },
        { "Basic", "not-base64!!" },
        // The bearer token presented as a basic password does not count.
        { "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("am-user:" + Token)) },
    };

    [Theory]
    [MemberData(nameof(WrongCredentials))]
    public async Task WrongOrMissingCredentials_Are401_AndStoreNothing(string? scheme, string? value)
    {
        var response = await PostAsync("webhook.firing.basic-auth.json", scheme is null ? null : new AuthenticationHeaderValue(scheme, value));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await AlertsAsync());
        Assert.Null(await StateAsync());
    }

    [Fact]
    public async Task NothingConfigured_RefusesEverything()
    {
        using var closed = new RetentionAppFactory();
        var client = closed.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager")
        {
            Content = new ByteArrayContent(ContractFiles.ReadBytes(Vendor, "webhook.firing.bearer.truncated.json")),
        };
        request.Headers.Authorization = Bearer(Token);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await using var db = await closed.Db.CreateDbContextAsync();
        Assert.Equal(0, await db.AlertRecords.CountAsync());
    }

    [Theory]
    [InlineData("{\"receiver\":\"hook-basic\",\"status\":\"firing\",\"alerts\":[")]
    [InlineData("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"X\"},\"startsAt\":\"2026-12-03T12:46:25Z\"}]}")]
    [InlineData("")]
    public async Task MalformedBody_Is400_StoresNothing_AndIsCounted(string body)
    {
        var response = await PostRawAsync(Encoding.UTF8.GetBytes(body), Bearer(Token));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Malformed Alertmanager payload", await response.Content.ReadAsStringAsync());
        Assert.Empty(await AlertsAsync());
        await using var db = await _app.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.ConnectorEvents.CountAsync(e => e.Connector == ConnectorNames.Alertmanager && e.Kind == ConnectorEventKind.MalformedItem));
        Assert.Null(await StateAsync());
    }

    [Fact]
    public async Task OneBadAlert_RejectsTheWholeDelivery()
    {
        var json = Encoding.UTF8.GetString(ContractFiles.ReadBytes(Vendor, "webhook.firing.basic-auth.json"))
            .Replace("\"fingerprint\":\"2f224624a033a828\"", "\"fingerprint\":\"not hex!\"", StringComparison.Ordinal);
        var response = await PostRawAsync(Encoding.UTF8.GetBytes(json), Basic("am-user", "am-pass"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("alerts[1].fingerprint", await response.Content.ReadAsStringAsync());
        Assert.Empty(await AlertsAsync());
    }
}
