using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetentionConsole.Core.Integrations;

namespace RetentionConsole.Features.Integrations;

/// <summary>
/// /health per connector: Healthy when its data is fresh (or it is push-only), Degraded when stale or never synced,
/// and Healthy with "not configured" when it is off — an unused connector is not a fault.
/// </summary>
internal sealed class ConnectorFreshnessHealthCheck(IntegrationStatusService status, string connectorKey) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var s = await status.GetAsync(connectorKey, ct);
        return s.Freshness switch
        {
            Freshness.NotConfigured => HealthCheckResult.Healthy("not configured"),
            Freshness.PushOnly => HealthCheckResult.Healthy(s.LastSuccessUtc is { } last
                ? $"configured ({Mode(s)}); last delivery {last:u}"
                : $"configured ({Mode(s)}); no delivery yet"),
            Freshness.Fresh => HealthCheckResult.Healthy($"fresh ({Mode(s)}); last success {s.LastSuccessUtc:u}"),
            Freshness.NeverSynced => HealthCheckResult.Degraded($"configured ({Mode(s)}) but no successful sync yet"),
            _ => HealthCheckResult.Degraded(
                $"stale ({Mode(s)}): {string.Join(", ", s.Streams.Where(x => x.Freshness != Freshness.Fresh).Select(x => $"{x.Name} last success {x.LastSuccessUtc?.ToString("u") ?? "never"}"))}; expected within {s.StaleAfter}"),
        };
    }

    private static string Mode(ConnectorStatus s) => s.Mode == ConnectorMode.Sandbox ? "sandbox" : "external";
}

public static class ConnectorHealthChecks
{
    public static IHealthChecksBuilder AddConnectorFreshnessChecks(this IHealthChecksBuilder builder)
    {
        foreach (var connector in ConnectorDefinition.All)
        {
            builder.Add(new HealthCheckRegistration("connector:" + connector.Key,
                sp => new ConnectorFreshnessHealthCheck(sp.GetRequiredService<IntegrationStatusService>(), connector.Key),
                HealthStatus.Degraded, ["connector"]));
        }

        return builder;
    }
}
