using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Integrations.Prometheus;

public sealed class PrometheusOptions
{
    public const string Section = "Connectors:Prometheus";

    /// <summary>e.g. https://prometheus.example.com/ (a path prefix such as /prometheus/ is kept). Empty = sandbox or off.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>How often Prometheus is expected to be queried (the probe job, SLA evaluation); data older than ~2× is stale.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Per-attempt timeout of a query (also sent as the query's own <c>timeout</c> parameter).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(20);
}

internal sealed class PrometheusOptionsValidator : IValidateOptions<PrometheusOptions>
{
    public ValidateOptionsResult Validate(string? name, PrometheusOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.BaseUrl) &&
            (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            errors.Add($"{PrometheusOptions.Section}:BaseUrl must be an absolute http(s) URL, e.g. https://prometheus.example.com/.");
        if (options.PollInterval < TimeSpan.FromSeconds(5))
            errors.Add($"{PrometheusOptions.Section}:PollInterval must be at least 00:00:05.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
