using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Integrations.Zendesk;

/// <summary>
/// Where Zendesk is: the configured BaseUrl, else the in-process sandbox when Sandbox:Enabled, else nowhere (the
/// connector is off and says so). The sandbox address is resolved lazily: the server's address is known only once it runs.
/// </summary>
public sealed class ZendeskConnection(IOptions<ZendeskOptions> options, IConfiguration configuration, ISandboxAddress sandbox)
{
    public const string SandboxEmail = "sandbox@retention.local";
    public const string SandboxToken = "sandbox-token";

    private ZendeskOptions Options => options.Value;

    public bool UsesSandbox => string.IsNullOrWhiteSpace(Options.BaseUrl) && configuration.GetValue("Sandbox:Enabled", false);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Options.BaseUrl) || UsesSandbox;

    /// <summary>
    /// Base address without a trailing "/" (Refit appends "/api/v2/..." to the base path as is), or null when the
    /// connector is off.
    /// </summary>
    public Uri? BaseUri
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(Options.BaseUrl)) return new Uri(Options.BaseUrl.TrimEnd('/'));
            return UsesSandbox ? new Uri(new Uri(sandbox.BaseUri, "sandbox/zendesk/").ToString().TrimEnd('/')) : null;
        }
    }

    public string Email => UsesSandbox ? Options.Email ?? SandboxEmail : Options.Email ?? "";
    public string ApiToken => UsesSandbox ? Options.ApiToken ?? SandboxToken : Options.ApiToken ?? "";

    public string Description => !string.IsNullOrWhiteSpace(Options.BaseUrl)
        ? $"Zendesk at {Options.BaseUrl}"
        : UsesSandbox
            ? "Zendesk sandbox (simulated inside this host)"
            : NotConfiguredMessage;

    public const string NotConfiguredMessage =
        "Zendesk not configured: set Connectors:Zendesk:BaseUrl, Email and ApiToken (or enable the sandbox with Sandbox:Enabled=true).";
}
