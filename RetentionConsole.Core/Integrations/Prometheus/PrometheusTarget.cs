using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Integrations.Prometheus;

/// <summary>Where Prometheus is: Connectors:Prometheus:BaseUrl, else the built-in sandbox when Sandbox:Enabled, else off.</summary>
public sealed class PrometheusTarget(IOptions<PrometheusOptions> options, IConfiguration configuration, ISandboxAddress sandbox)
{
    public const string SandboxPath = "sandbox/prometheus/";

    public bool IsConfigured => BaseUri is not null;

    public bool IsSandbox => string.IsNullOrWhiteSpace(options.Value.BaseUrl) && configuration.GetValue<bool>("Sandbox:Enabled");

    /// <summary>The API root (ending in "/"), or null when Prometheus is off.</summary>
    public Uri? BaseUri
    {
        get
        {
            var configured = options.Value.BaseUrl;
            if (!string.IsNullOrWhiteSpace(configured)) return new Uri(configured.TrimEnd('/') + "/");
            return configuration.GetValue<bool>("Sandbox:Enabled") ? new Uri(sandbox.BaseUri, SandboxPath) : null;
        }
    }
}
