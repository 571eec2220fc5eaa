using System.Globalization;
using Quartz;
using RetentionConsole.Core.Monitoring;

namespace RetentionConsole.Core.Integrations.Prometheus;

/// <summary>
/// Runs <c>vector(1)</c> every Connectors:Prometheus:PollInterval so the Integrations page and /health know whether
/// Prometheus answers, even before any SLA query uses it.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PrometheusProbeJob(PrometheusClient prometheus) : IJob
{
    public const string Name = "prometheus-probe";
    public const string Query = "vector(1)";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        if (!prometheus.IsConfigured)
        {
            context.Result = "Prometheus is not configured (Connectors:Prometheus:BaseUrl); nothing to probe.";
            return;
        }

        var result = await prometheus.QueryAsync(Query, ct: ct);
        var value = result.Series.FirstOrDefault()?.Points.FirstOrDefault()?.Value;
        context.Result = value is null
            ? $"Prometheus answered {Query} with no sample."
            : $"Prometheus answered {Query} = {value.Value.ToString(CultureInfo.InvariantCulture)}.";
    }

    /// <summary>What the Integrations page's "Test connection" runs; never throws, says what happened.</summary>
    public static async Task<(bool Ok, string Message)> TestAsync(PrometheusClient prometheus, CancellationToken ct = default)
    {
        if (!prometheus.IsConfigured) return (false, "Prometheus is not configured: set Connectors:Prometheus:BaseUrl or enable the sandbox.");
        try
        {
            var result = await prometheus.QueryAsync(Query, ct: ct);
            return result.Series.Count == 1 && result.Series[0].Points.Count == 1 && result.Series[0].Points[0].Value == 1
                ? (true, $"Prometheus answered {Query} = 1.")
                : (false, $"Prometheus answered {Query} with an unexpected result ({result.Type}, {result.Series.Count} series).");
        }
        catch (PrometheusQueryException ex)
        {
            return (false, ex.Message);
        }
    }
}
