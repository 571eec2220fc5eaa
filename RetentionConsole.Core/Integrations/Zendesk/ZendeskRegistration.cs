using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Refit;

namespace RetentionConsole.Core.Integrations.Zendesk;

/// <summary>The shared incremental-export limiter (Zendesk counts every export endpoint against one 10/min budget).</summary>
internal sealed class ZendeskExportLimiter(RequestRateLimiter limiter)
{
    public RequestRateLimiter Limiter { get; } = limiter;
}

/// <summary>Remembers webhook deliveries for the tolerance window so a replay changes nothing.</summary>
public sealed class ZendeskWebhookReplayGuard
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    /// <summary>False when <paramref name="key"/> was claimed and has not expired.</summary>
    public bool TryClaim(string key, DateTimeOffset now, DateTimeOffset expires)
    {
        foreach (var (k, until) in _seen)
        {
            if (until < now) _seen.TryRemove(k, out _);
        }

        return _seen.TryAdd(key, expires);
    }

    public void Release(string key) => _seen.TryRemove(key, out _);
}

public static class ZendeskRegistration
{
    public static IServiceCollection AddZendesk(this IServiceCollection services)
    {
        services.AddOptions<ZendeskOptions>().BindConfiguration(ZendeskOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ZendeskOptions>, ZendeskOptionsValidator>();
        services.AddSingleton<ZendeskConnection>();
        services.AddSingleton(sp => new ZendeskExportLimiter(new RequestRateLimiter(
            sp.GetRequiredService<IOptions<ZendeskOptions>>().Value.ExportRequestsPerMinute, TimeSpan.FromMinutes(1),
            sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<ZendeskWebhookReplayGuard>();
        services.AddTransient<ZendeskAuthHandler>();

        var refit = new RefitSettings(new SystemTextJsonContentSerializer(ZendeskJson.Options));

        // Exports: reads, retried (Retry-After honoured, plain-text 429 bodies are fine: only the status and header
        // count), behind the real 10/min limiter. The limiter sits inside the attempt, so every retry is limited too;
        // the attempt timeout therefore allows a full minute of waiting for a slot plus the request itself.
        var export = services.AddRefitGeneratedClient<IZendeskExportApi>(refit).ConfigureHttpClient(ConfigureClient)
            .AddHttpMessageHandler<ZendeskAuthHandler>();
        export.AddStandardResilienceHandler(o =>
        {
            o.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(10);
            o.Retry.MaxRetryAttempts = 4;
            o.Retry.Delay = TimeSpan.FromSeconds(2);
            o.Retry.ShouldRetryAfterHeader = true;
            // Low volume: a handful of failures within minutes is enough signal to stop hammering Zendesk.
            o.CircuitBreaker.MinimumThroughput = 5;
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(5);
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
            o.AttemptTimeout.Timeout = TimeSpan.FromMinutes(2);
        });
        export.AddHttpMessageHandler(sp =>
        {
            var recorder = sp.GetRequiredService<ConnectorRecorder>();
            var limiter = sp.GetRequiredService<ZendeskExportLimiter>().Limiter;
            return new RateLimitingHandler(limiter, waited => recorder.EventAsync(ConnectorNames.ZendeskTickets, ConnectorEventKind.RateLimitWait,
                $"Waited {waited.TotalSeconds:0.#} s for the Zendesk incremental-export limit ({limiter.Permits} requests per minute)."));
        });

        // Single-ticket reads and the internal-note write: reads retried, writes (PUT) never retried blindly.
        var api = services.AddRefitGeneratedClient<IZendeskApi>(refit).ConfigureHttpClient(ConfigureClient)
            .AddHttpMessageHandler<ZendeskAuthHandler>();
        api.AddStandardResilienceHandler(o =>
        {
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(60);
            o.Retry.MaxRetryAttempts = 3;
            o.Retry.Delay = TimeSpan.FromSeconds(1);
            o.Retry.ShouldRetryAfterHeader = true;
            o.Retry.DisableForUnsafeHttpMethods();
            o.CircuitBreaker.MinimumThroughput = 5;
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(60);
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(15);
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(20);
        });

        services.AddTransient(sp => new ZendeskClient(sp.GetRequiredService<IZendeskExportApi>(), sp.GetRequiredService<IZendeskApi>(),
            sp.GetRequiredService<IOptions<ZendeskOptions>>()));
        services.AddTransient<ZendeskSync>();
        services.AddTransient<ZendeskWebhookProcessor>();
        return services;
    }

    private static void ConfigureClient(IServiceProvider sp, HttpClient client)
    {
        if (sp.GetRequiredService<ZendeskConnection>().BaseUri is { } baseUri) client.BaseAddress = baseUri;
        // The resilience pipeline owns timeouts (on the injected TimeProvider); HttpClient's own 100 s limit would
        // cut a sync that is legitimately waiting for the rate limiter.
        client.Timeout = Timeout.InfiniteTimeSpan;
    }
}
