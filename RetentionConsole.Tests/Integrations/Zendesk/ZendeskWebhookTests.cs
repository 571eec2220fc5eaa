using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.Integrations.Zendesk;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Integrations.Zendesk;

public sealed class ZendeskWebhookTests
{
    private const string Secret = "test-signing-secret-0123456789";

    private static ZendeskTestHost Host(string? secret = Secret)
    {
        var host = new ZendeskTestHost();
        if (secret is not null) host.With("Connectors:Zendesk:WebhookSecret", secret);
        return host;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<HttpResponseMessage> PostAsync(ZendeskTestHost host, byte[] body, string? timestamp, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/zendesk") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (timestamp is not null) request.Headers.TryAddWithoutValidation(ZendeskWebhookSignature.TimestampHeader, timestamp);
        if (signature is not null) request.Headers.TryAddWithoutValidation(ZendeskWebhookSignature.SignatureHeader, signature);
        return await host.CreateClient().SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostSignedAsync(ZendeskTestHost host, string json, string secret = Secret, DateTimeOffset? at = null)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var timestamp = Iso(at ?? host.Clock.GetUtcNow());
        return PostAsync(host, body, timestamp, ZendeskWebhookSignature.Compute(secret, timestamp, body));
    }

    /// <summary>A ticket the world changed after the console last saw it (so a webhook has something to change).</summary>
    private static async Task<long> ChangedTicketAsync(ZendeskTestHost host)
    {
        await host.DriveAsync(() => host.Services.GetRequiredService<ZendeskSync>().SyncAsync(CancellationToken.None));
        var ticket = host.World.Read(w => w.Tickets.First(t => t.Status is "new" or "open"));
        host.World.Write(w => w.Solve(ticket, host.Clock.GetUtcNow().UtcDateTime.AddMinutes(1)));
        return ticket.Id;
    }

    private static async Task<string> StatusAsync(ZendeskTestHost host, long id) =>
        (await host.QueryAsync(db => db.Tickets.Where(t => t.Id == id).Select(t => t.Status))).Single();

    [Theory]
    [InlineData("""{"ticket_id": {0}}""")]
    [InlineData("""{"ticket_id": "{0}"}""")]
    [InlineData("""{"ticket": {"id": {0}, "status": "solved"}}""")]
    [InlineData("""{"type": "zen:event-type:ticket.status_changed", "subject": "zen:ticket:{0}", "detail": {"id": "{0}"}, "event": {}}""")]
    [InlineData("""{"type": "zen:event-type:ticket.comment_added", "subject": "zen:ticket:{0}", "detail": {}}""")]
    public async Task SignedDelivery_FetchesTheNamedTicketNow_AndUpsertsIt(string template)
    {
        using var host = Host();
        var id = await ChangedTicketAsync(host);
        Assert.NotEqual("solved", await StatusAsync(host, id));

        var response = await PostSignedAsync(host, template.Replace("{0}", id.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"changed\":true", await response.Content.ReadAsStringAsync());
        Assert.Equal("solved", await StatusAsync(host, id));
        Assert.Contains(host.Recalculator.Calls, c => c.IssueKeys.Count > 0 || c.AccountIds.Count > 0);
    }

    [Fact]
    public async Task TamperedBody_StaleTimestamp_WrongSecret_MissingHeaders_Are401_AndChangeNothing()
    {
        using var host = Host();
        var id = await ChangedTicketAsync(host);
        var json = $$"""{"ticket_id": {{id}}}""";
        var body = Encoding.UTF8.GetBytes(json);
        var now = Iso(host.Clock.GetUtcNow());
        var signature = ZendeskWebhookSignature.Compute(Secret, now, body);
        var callsBefore = host.Wire.Calls.Count;

        var tampered = await PostAsync(host, Encoding.UTF8.GetBytes(json.Replace("}", " }")), now, signature);
        var stale = await PostSignedAsync(host, json, at: host.Clock.GetUtcNow().AddSeconds(-301));
        var future = await PostSignedAsync(host, json, at: host.Clock.GetUtcNow().AddSeconds(301));
        var wrongSecret = await PostSignedAsync(host, json, secret: "another-secret");
        var noSignature = await PostAsync(host, body, now, null);
        var noTimestamp = await PostAsync(host, body, null, signature);
        var otherTimestamp = await PostAsync(host, body, Iso(host.Clock.GetUtcNow().AddSeconds(1)), signature);

        foreach (var response in new[] { tampered, stale, future, wrongSecret, noSignature, noTimestamp, otherTimestamp })
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("outside the 300 s window", await stale.Content.ReadAsStringAsync());
        Assert.NotEqual("solved", await StatusAsync(host, id));
        Assert.Equal(callsBefore, host.Wire.Calls.Count); // nothing was even fetched
    }

    [Fact]
    public async Task WithinTolerance_JustInsideTheWindow_IsAccepted()
    {
        using var host = Host();
        var id = await ChangedTicketAsync(host);

        var response = await PostSignedAsync(host, $$"""{"ticket_id": {{id}}}""", at: host.Clock.GetUtcNow().AddSeconds(-299));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("solved", await StatusAsync(host, id));
    }

    [Fact]
    public async Task NoSecretConfigured_EveryDeliveryIs401()
    {
        using var host = Host(secret: null);
        var id = await ChangedTicketAsync(host);

        var response = await PostSignedAsync(host, $$"""{"ticket_id": {{id}}}""", secret: "anything");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("No webhook secret configured", await response.Content.ReadAsStringAsync());
        Assert.NotEqual("solved", await StatusAsync(host, id));
    }

    [Fact]
    public async Task ReplayedDelivery_ChangesNothing_AndFetchesNothing()
    {
        using var host = Host();
        var id = await ChangedTicketAsync(host);
        var body = Encoding.UTF8.GetBytes($$"""{"ticket_id": {{id}}}""");
        var timestamp = Iso(host.Clock.GetUtcNow());
        var signature = ZendeskWebhookSignature.Compute(Secret, timestamp, body);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, body, timestamp, signature)).StatusCode);
        var snapshot = await host.QueryAsync(db => db.Tickets.Where(t => t.Id == id));
        var callsBefore = host.Wire.Calls.Count;

        // The world moves on; a replay of the old delivery must not be what picks that up.
        host.World.Write(w => w.Tickets.First(t => t.Id == id).Status = "closed");
        var replay = await PostAsync(host, body, timestamp, signature);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("Duplicate", await replay.Content.ReadAsStringAsync());
        Assert.Equal(callsBefore, host.Wire.Calls.Count);
        Assert.Equal(snapshot.Single().Status, await StatusAsync(host, id));

        // Once the window has passed, the same delivery is simply stale.
        host.Clock.Advance(TimeSpan.FromSeconds(301));
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(host, body, timestamp, signature)).StatusCode);
    }

    [Fact]
    public async Task ContractTestVector_IsAcceptedByTheEndpoint_AndIgnoredAsItNamesNoTicket()
    {
        // The vector's timestamp header is "1234" (Unix seconds): run the host's clock at that instant.
        using var host = new ZendeskTestHost(DateTimeOffset.FromUnixTimeSeconds(1234), sandbox: false);
        host.With("Connectors:Zendesk:WebhookSecret", "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==");

        var response = await PostAsync(host, Contracts.Bytes("zendesk/webhook-event.user.group_membership_created.json"), "1234",
            "10IqYzYTLHRftNsNE+im0DeOM6/JactIRuy0XCHJ9B8=");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Ignored", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sandbox_PushesASignedWebhook_WhenTheWorldChangesATicket_AndTheConsoleUpdatesIt()
    {
        // No secret configured: the sandbox makes one for this process and signs with it.
        using var host = Host(secret: null);
        host.With("Sandbox:ZendeskWebhooks", "true");
        var id = await ChangedTicketAsync(host);
        var syncCalls = host.Wire.Matching("/incremental/").Count;

        host.Clock.Advance(TimeSpan.FromSeconds(5)); // the sender's interval

        await Eventually.WaitAsync(async () => await StatusAsync(host, id) == "solved", $"ticket {id} updated by the sandbox's webhook");
        // The wire log records a call once its response is complete, a moment after the ticket was saved.
        await Eventually.WaitAsync(() => Task.FromResult(host.Wire.Calls.Any(c => c.PathAndQuery == "/webhooks/zendesk" && c.Status == 200)),
            "the sandbox's webhook delivery answered 200");
        Assert.Equal(syncCalls, host.Wire.Matching("/incremental/").Count); // not by a sync
    }

    [Fact]
    public async Task SignedButNotJson_Is400_AndChangesNothing()
    {
        using var host = Host();

        var response = await PostSignedAsync(host, "ticket_id=5");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await host.QueryAsync(db => db.Tickets));
    }

    [Fact]
    public async Task UnknownTicket_IsIgnored()
    {
        using var host = Host();

        var response = await PostSignedAsync(host, """{"ticket_id": 424242}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("does not exist", await response.Content.ReadAsStringAsync());
        Assert.Empty(await host.QueryAsync(db => db.Tickets));
    }
}
