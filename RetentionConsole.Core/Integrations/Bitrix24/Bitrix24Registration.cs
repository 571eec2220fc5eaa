using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace RetentionConsole.Core.Integrations.Bitrix24;

public static class Bitrix24Registration
{
    /// <summary>Field codes the built-in sandbox uses for tier and services, filled in when the connector targets it.</summary>
    public const string SandboxTierField = "UF_CRM_TIER";
    public const string SandboxServicesField = "UF_CRM_SERVICES";

    public static IServiceCollection AddBitrix24(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Bitrix24Options>().BindConfiguration(Bitrix24Options.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<Bitrix24Options>, Bitrix24OptionsValidator>();
        services.PostConfigure<Bitrix24Options>(o =>
        {
            // Pointed at the sandbox with no field codes of its own: use the sandbox's, so tiers and services show up.
            if (!string.IsNullOrWhiteSpace(o.WebhookUrl) || !configuration.GetValue<bool>("Sandbox:Enabled")) return;
            if (string.IsNullOrWhiteSpace(o.TierField)) o.TierField = SandboxTierField;
            if (string.IsNullOrWhiteSpace(o.ServicesField)) o.ServicesField = SandboxServicesField;
        });

        services.AddSingleton<Bitrix24Target>();
        services.AddSingleton<Bitrix24Throttle>();
        services.AddSingleton<Bitrix24Sync>();
        services.AddSingleton<Bitrix24WebhookProcessor>();
        services.AddTransient<Bitrix24Client>();
        services.AddTransient<Bitrix24SyncJob>();

        var client = services.AddRefitGeneratedClient<IBitrix24Api>(new RefitSettings(new SystemTextJsonContentSerializer(Bitrix24Json.Options)));
        client.ConfigureHttpClient((sp, client) =>
            {
                // Refit appends "/{method}.json" to the base path, so the base carries no trailing slash. The target is
                // resolved per client: the sandbox address is known only once the server listens.
                var baseUri = sp.GetRequiredService<Bitrix24Target>().BaseUri ?? new Uri("http://bitrix24.not-configured.invalid/");
                client.BaseAddress = new Uri(baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
                // The resilience pipeline owns timeouts (on the injected TimeProvider).
                client.Timeout = Timeout.InfiniteTimeSpan;
            });
        client.AddResilienceHandler("bitrix24", (pipeline, context) =>
            {
                var clock = context.ServiceProvider.GetRequiredService<TimeProvider>();
                var recorder = context.ServiceProvider.GetRequiredService<ConnectorRecorder>();
                pipeline.TimeProvider = clock;
                pipeline.AddTimeout(TimeSpan.FromMinutes(5));
                // Every call of this client only reads (batch is a POST of list/get commands), so retrying it is safe.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 6,
                    BackoffType = DelayBackoffType.Exponential,
                    Delay = TimeSpan.FromSeconds(1),
                    UseJitter = false,
                    ShouldRetryAfterHeader = true,
                    OnRetry = async args =>
                    {
                        var status = args.Outcome.Result?.StatusCode;
                        var limited = status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests;
                        var what = args.Outcome.Exception?.Message ?? $"HTTP {(int?)status}";
                        await recorder.EventAsync(ConnectorNames.Bitrix24, limited ? ConnectorEventKind.RateLimitWait : ConnectorEventKind.Error,
                            $"{(limited ? "Bitrix24 limit (QUERY_LIMIT_EXCEEDED or 429)" : "Transient failure")}: {what}; retry {args.AttemptNumber + 1} in {args.RetryDelay.TotalSeconds:0.#} s.",
                            CancellationToken.None);
                    },
                });
                // The default breaker needs 100 calls in 30 s, which never happens at 2 requests/s: tuned to this volume.
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    SamplingDuration = TimeSpan.FromMinutes(2),
                    MinimumThroughput = 8,
                    FailureRatio = 0.9,
                    BreakDuration = TimeSpan.FromSeconds(30),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(60));
            });
        // Inside the retries, so every attempt (not just every logical call) takes a slot of the 2 requests/s.
        client.AddHttpMessageHandler(sp =>
            {
                var throttle = sp.GetRequiredService<Bitrix24Throttle>();
                return new RateLimitingHandler(throttle.Limiter, throttle.OnWaitAsync);
            })
            .AddHttpMessageHandler(() => new QueryLimitDetectingHandler());
        return services;
    }
}
