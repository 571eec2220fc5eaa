using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Integrations.Zendesk;

namespace RetentionConsole.Sandbox.Zendesk;

/// <summary>
/// When the sandbox is the Zendesk target and sends webhooks (Sandbox:ZendeskWebhooks, default on) but no
/// Connectors:Zendesk:WebhookSecret is configured, a random secret is made for this process only: the sandbox signs
/// with it and the webhook endpoint verifies with it. Nothing is committed, and nothing outside the process knows it.
/// </summary>
internal sealed class SandboxWebhookSecret(IConfiguration configuration) : IPostConfigureOptions<ZendeskOptions>
{
    private readonly string _secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public void PostConfigure(string? name, ZendeskOptions options)
    {
        if (!string.IsNullOrEmpty(options.WebhookSecret) || !string.IsNullOrWhiteSpace(options.BaseUrl)) return;
        if (configuration.GetValue("Sandbox:Enabled", false) && configuration.GetValue("Sandbox:ZendeskWebhooks", true))
            options.WebhookSecret = _secret;
    }
}

/// <summary>
/// Like a Zendesk trigger: whenever the simulated world changes a ticket, POST a correctly signed
/// {"ticket_id": …} to the host's own /webhooks/zendesk, so changes show up in seconds instead of at the next poll.
/// </summary>
public sealed class ZendeskSandboxWebhookSender(
    SandboxWorld world,
    ZendeskConnection connection,
    IOptions<ZendeskOptions> zendesk,
    IConfiguration configuration,
    ISandboxAddress address,
    IHttpClientFactory httpClients,
    TimeProvider clock,
    ILogger<ZendeskSandboxWebhookSender> logger) : BackgroundService
{
    public const string ClientName = "sandbox-zendesk-webhooks";
    private const int MaxPerRound = 25;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Sandbox:ZendeskWebhookInterval", TimeSpan.FromSeconds(5));
        if (!configuration.GetValue("Sandbox:ZendeskWebhooks", true) || !connection.UsesSandbox || interval <= TimeSpan.Zero
            || string.IsNullOrEmpty(zendesk.Value.WebhookSecret))
        {
            return;
        }

        // Seeded tickets arrive through the sync; only changes from now on are pushed.
        var seen = world.Read(w => w.Tickets.Count == 0 ? 0 : w.Tickets.Max(t => t.Sequence));
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var after = seen;
            var changed = world.Read(w => w.Tickets.Where(t => t.Sequence > after).OrderBy(t => t.Sequence).Take(MaxPerRound)
                .Select(t => (t.Id, t.Sequence)).ToList());
            foreach (var (id, sequence) in changed)
            {
                if (!await SendAsync(id, stoppingToken)) break; // try again next round, in order
                seen = sequence;
            }
        }
    }

    private async Task<bool> SendAsync(long ticketId, CancellationToken ct)
    {
        try
        {
            var body = Encoding.UTF8.GetBytes($"{{\"ticket_id\":{ticketId.ToString(CultureInfo.InvariantCulture)}}}");
            var timestamp = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address.BaseUri, "webhooks/zendesk"))
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Add(ZendeskWebhookSignature.TimestampHeader, timestamp);
            request.Headers.Add(ZendeskWebhookSignature.SignatureHeader,
                ZendeskWebhookSignature.Compute(zendesk.Value.WebhookSecret!, timestamp, body));
            using var response = await httpClients.CreateClient(ClientName).SendAsync(request, ct);
            if (response.IsSuccessStatusCode) return true;
            logger.LogWarning("Sandbox Zendesk webhook for ticket {TicketId} got {Status}", ticketId, (int)response.StatusCode);
            return false;
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "Sandbox Zendesk webhook for ticket {TicketId} failed", ticketId);
            return false;
        }
    }
}
