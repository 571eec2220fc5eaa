using RetentionConsole.Features.Webhooks;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Monitoring;

namespace RetentionConsole.Sandbox.Alertmanager;

/// <summary>
/// Plays Alertmanager for the sandbox: when an incident starts or ends in <see cref="SandboxWorld"/>, it POSTs a
/// version 4 webhook notification (the exact shape of ../shared/contracts/alertmanager) to this host's own
/// /webhooks/alertmanager with the configured credentials. Like Alertmanager it retries a notification after a 5xx
/// or no answer, and gives up on a 4xx.
/// </summary>
public sealed class SandboxAlertmanagerSender(SandboxWorld world, IHttpClientFactory http, ISandboxAddress address,
    IOptionsMonitor<AlertmanagerOptions> credentials, IConfiguration configuration, TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<SandboxAlertmanagerSender> logger) : BackgroundService
{
    public const string HttpClientName = "sandbox-alertmanager";
    public const string AlertName = "HighLatency";
    public const string Receiver = "retention-console";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // What each incident was last notified as ("firing"/"resolved"); only changes are sent.
    private readonly Dictionary<(string Service, DateTime StartedUtc), string> _notified = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Sandbox:Alertmanager:Interval", TimeSpan.FromSeconds(5));
        if (interval <= TimeSpan.Zero) return;
        // The webhook is served by this very host: wait until it listens.
        // Continuations run asynchronously: never send from inside the host's own start-up notification.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        // The first round waits one interval too: a host under test finishes wiring its server after "started" fires.
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SendChangesAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Sandbox Alertmanager round failed");
            }
        }
    }

    /// <summary>Notifies every incident whose state changed since it was last notified; returns how many were sent.</summary>
    public async Task<int> SendChangesAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var incidents = world.Read(w => w.Incidents.Select(i => (i.Service, i.StartedUtc, i.EndedUtc, i.LatencyMs)).ToList());
            var sent = 0;
            foreach (var incident in incidents)
            {
                var status = incident.EndedUtc is null ? AlertStatus.Firing : AlertStatus.Resolved;
                var key = (incident.Service, incident.StartedUtc);
                if (_notified.TryGetValue(key, out var last) && last == status) continue;
                var outcome = await PostAsync(Payload(incident.Service, incident.StartedUtc, incident.EndedUtc, incident.LatencyMs, address.BaseUri), ct);
                if (outcome == Outcome.Retry) continue;
                _notified[key] = status;
                if (outcome == Outcome.Delivered) sent++;
            }

            return sent;
        }
        finally
        {
            _gate.Release();
        }
    }

    private enum Outcome
    {
        Delivered,
        Retry,
        GaveUp,
    }

    private async Task<Outcome> PostAsync(AlertmanagerWebhookDto payload, CancellationToken ct)
    {
        var o = credentials.CurrentValue;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address.BaseUri, AlertmanagerWebhookEndpoints.Path.TrimStart('/')))
        {
            // Compact JSON and a trailing newline, as Alertmanager sends it.
            Content = new StringContent(JsonSerializer.Serialize(payload, Json) + "\n", Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.ParseAdd("Alertmanager/0.25.0");
        if (o.HasBearer) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.BearerToken);
        else if (o.HasBasic)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.Username}:{o.Password}")));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            if (response.IsSuccessStatusCode) return Outcome.Delivered;
            if ((int)response.StatusCode >= 500) return Outcome.Retry;
            logger.LogWarning("Sandbox Alertmanager: {Group} refused with {Status}; not retried (as Alertmanager does for 4xx)",
                payload.GroupKey, (int)response.StatusCode);
            return Outcome.GaveUp;
        }
        catch (HttpRequestException ex)
        {
            logger.LogInformation("Sandbox Alertmanager: {Group} not delivered ({Message}); retrying next round", payload.GroupKey, ex.Message);
            return Outcome.Retry;
        }
    }

    internal static AlertmanagerWebhookDto Payload(string service, DateTime startedUtc, DateTime? endedUtc, double latencyMs, Uri baseUri)
    {
        var status = endedUtc is null ? AlertStatus.Firing : AlertStatus.Resolved;
        var labels = new Dictionary<string, string>
        {
            ["alertname"] = AlertName,
            ["job"] = service,
            ["service"] = service,
            ["severity"] = latencyMs >= 500 ? "critical" : "warning",
        };
        var annotations = new Dictionary<string, string>
        {
            ["description"] = $"p95 latency is {latencyMs:0} ms on {service}",
            ["summary"] = "p95 latency above 300 ms",
        };
        var expr = $"histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket{{service=\"{service}\"}}[5m]))) > 0.3";
        var alert = new AlertmanagerAlertDto
        {
            Status = status,
            Labels = labels,
            Annotations = annotations,
            StartsAt = new DateTimeOffset(startedUtc, TimeSpan.Zero),
            // Alertmanager sends Go's zero time while an alert fires.
            EndsAt = endedUtc is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : DateTimeOffset.MinValue,
            GeneratorUrl = new Uri(baseUri, Core.Integrations.Prometheus.PrometheusTarget.SandboxPath + "api/v1/query?query=" + Uri.EscapeDataString(expr)).ToString(),
            Fingerprint = Fingerprint(labels),
        };
        return new AlertmanagerWebhookDto
        {
            Receiver = Receiver,
            Status = status,
            Alerts = [alert],
            GroupLabels = new Dictionary<string, string> { ["alertname"] = AlertName, ["service"] = service },
            CommonLabels = new Dictionary<string, string>(labels),
            CommonAnnotations = new Dictionary<string, string>(annotations),
            ExternalUrl = new Uri(baseUri, "sandbox/alertmanager").ToString(),
            Version = "4",
            GroupKey = $"{{}}:{{alertname=\"{AlertName}\", service=\"{service}\"}}",
            TruncatedAlerts = 0,
        };
    }

    /// <summary>FNV-1a 64 over the sorted label pairs, as Prometheus's model.LabelSet.Fingerprint; 16 hex digits.</summary>
    internal static string Fingerprint(IReadOnlyDictionary<string, string> labels)
    {
        const ulong offset = 14695981039346656037;
        const ulong prime = 1099511628211;
        var hash = offset;
        foreach (var (name, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            foreach (var b in Encoding.UTF8.GetBytes(name)) hash = (hash ^ b) * prime;
            hash = (hash ^ 0xff) * prime;
            foreach (var b in Encoding.UTF8.GetBytes(value)) hash = (hash ^ b) * prime;
            hash = (hash ^ 0xff) * prime;
        }

        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}

public static class SandboxAlertmanagerRegistration
{
    /// <summary>
    /// The sandbox Alertmanager sender; when no webhook credentials are configured, a random bearer token is generated
    /// at start-up and used on both sides, so the webhook stays closed to everyone else.
    /// </summary>
    public static IServiceCollection AddAlertmanagerSandbox(this IServiceCollection services)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        services.PostConfigure<AlertmanagerOptions>(o =>
        {
            if (o.IsConfigured || !string.IsNullOrEmpty(o.Username)) return;
            o.BearerToken = token;
            o.GeneratedForSandbox = true;
        });
        services.AddHttpClient(SandboxAlertmanagerSender.HttpClientName);
        services.AddSingleton<SandboxAlertmanagerSender>();
        services.AddHostedService(sp => sp.GetRequiredService<SandboxAlertmanagerSender>());
        return services;
    }
}
