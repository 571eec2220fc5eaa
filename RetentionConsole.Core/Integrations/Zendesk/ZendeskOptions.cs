using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Integrations.Zendesk;

/// <summary>Connectors:Zendesk. No BaseUrl = the connector is off, or points at the in-process sandbox when Sandbox:Enabled.</summary>
public sealed class ZendeskOptions
{
    public const string Section = "Connectors:Zendesk";

    /// <summary>https://{subdomain}.zendesk.com (without /api/v2).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>E-mail of the agent the API token belongs to (basic auth user is "{Email}/token").</summary>
    public string? Email { get; set; }
    public string? ApiToken { get; set; }

    /// <summary>The webhook's signing secret; without it every webhook delivery is refused with 401.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Id of the ticket custom field that holds the Jira key (engineering-issue grouping).</summary>
    public long? JiraKeyFieldId { get; set; }

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Items per incremental-export page (Zendesk allows up to 1000).</summary>
    [Range(1, 1000)]
    public int PerPage { get; set; } = 1000;

    /// <summary>
    /// Incremental-export requests allowed per minute: Zendesk's documented limit is 10 (30 with the High Volume add-on).
    /// Raise it only when the account really has more; the benchmark raises it for its in-process sandbox run and reports
    /// the time the documented limit would impose.
    /// </summary>
    public int ExportRequestsPerMinute { get; set; } = DocumentedExportRequestsPerMinute;

    public const int DocumentedExportRequestsPerMinute = 10;
    public const int HighVolumeExportRequestsPerMinute = 30;
    public const int MaxExportRequestsPerMinute = 1000;

    /// <summary>Where the very first export starts (Unix seconds); 0 exports the whole history.</summary>
    [Range(0, long.MaxValue)]
    public long InitialStartTime { get; set; }

    /// <summary>Allowed clock difference for webhook signature timestamps.</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromSeconds(300);
}

internal sealed class ZendeskOptionsValidator : IValidateOptions<ZendeskOptions>
{
    public ValidateOptionsResult Validate(string? name, ZendeskOptions o)
    {
        var errors = new List<string>();
        if (o.PollInterval <= TimeSpan.Zero) errors.Add($"{ZendeskOptions.Section}:PollInterval must be positive (e.g. 00:01:00).");
        if (o.WebhookTolerance <= TimeSpan.Zero) errors.Add($"{ZendeskOptions.Section}:WebhookTolerance must be positive (e.g. 00:05:00).");
        if (o.ExportRequestsPerMinute is < 1 or > ZendeskOptions.MaxExportRequestsPerMinute)
            errors.Add($"{ZendeskOptions.Section}:ExportRequestsPerMinute must be between 1 and {ZendeskOptions.MaxExportRequestsPerMinute} " +
                       $"(Zendesk allows {ZendeskOptions.DocumentedExportRequestsPerMinute}, {ZendeskOptions.HighVolumeExportRequestsPerMinute} with the High Volume add-on).");
        if (o.JiraKeyFieldId is <= 0) errors.Add($"{ZendeskOptions.Section}:JiraKeyFieldId must be a positive Zendesk custom field id.");
        if (!string.IsNullOrWhiteSpace(o.BaseUrl))
        {
            if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                errors.Add($"{ZendeskOptions.Section}:BaseUrl must be an absolute http(s) URL such as https://yourcompany.zendesk.com.");
            if (string.IsNullOrWhiteSpace(o.Email))
                errors.Add($"{ZendeskOptions.Section}:Email is required when BaseUrl is set (the agent the API token belongs to).");
            if (string.IsNullOrWhiteSpace(o.ApiToken))
                errors.Add($"{ZendeskOptions.Section}:ApiToken is required when BaseUrl is set (set it in the environment or user-secrets).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
