using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Integrations.Prometheus;

public static class PrometheusRegistration
{
    /// <summary>Resilience of Prometheus reads, sized for a handful of queries a minute (STYLE.md: tune per client).</summary>
    internal static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan TotalTimeout = TimeSpan.FromMinutes(3);

    public static IServiceCollection AddPrometheus(this IServiceCollection services)
    {
        services.AddOptions<PrometheusOptions>().BindConfiguration(PrometheusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<PrometheusOptions>, PrometheusOptionsValidator>();
        services.AddSingleton<PrometheusTarget>();

        var refit = new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(PrometheusMapper.Json) };
        // Generated-only: Refit 16 keeps the reflection request builder in a separate package we do not reference.
        services.AddRefitGeneratedClient<IPrometheusApi>(refit)
            .ConfigureHttpClient((sp, client) =>
            {
                // Refit appends "/api/v1/..." to the base address's path, so a prefix like /sandbox/prometheus stays.
                var target = sp.GetRequiredService<PrometheusTarget>().BaseUri;
                if (target is not null) client.BaseAddress = new Uri(target.ToString().TrimEnd('/'));
                // The resilience pipeline owns timeouts (on the injected TimeProvider); this is only a backstop.
                client.Timeout = TotalTimeout + TimeSpan.FromSeconds(30);
            })
            .AddStandardResilienceHandler(o =>
            {
                // Queries are reads, so retrying them (GET or form POST) is safe. Retry-After is honoured (default).
                o.Retry.MaxRetryAttempts = 3;
                o.Retry.Delay = TimeSpan.FromSeconds(2);
                o.Retry.UseJitter = true;
                o.AttemptTimeout.Timeout = AttemptTimeout;
                o.TotalRequestTimeout.Timeout = TotalTimeout;
                // The default breaker needs 100 calls in 30 s and would never open at this volume.
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(2);
                o.CircuitBreaker.MinimumThroughput = 6;
                o.CircuitBreaker.FailureRatio = 0.5;
                o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
            });

        services.AddTransient(sp => new PrometheusClient(sp.GetRequiredService<IPrometheusApi>(), sp.GetRequiredService<PrometheusTarget>(),
            sp.GetRequiredService<IOptions<PrometheusOptions>>(), sp.GetRequiredService<IDbContextFactory<RetentionDbContext>>(),
            sp.GetRequiredService<ConnectorRecorder>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PrometheusClient>>()));
        return services;
    }
}
