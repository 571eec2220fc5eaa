using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Monitoring;

/// <summary>
/// Credentials Alertmanager must present on POST /webhooks/alertmanager: a bearer token (http_config.authorization)
/// and/or basic auth (http_config.basic_auth). Nothing configured = the webhook refuses everything.
/// </summary>
public sealed class AlertmanagerOptions
{
    public const string Section = "Connectors:Alertmanager";

    public string? BearerToken { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Set when the sandbox generated <see cref="BearerToken"/> at start-up because none was configured.</summary>
    public bool GeneratedForSandbox { get; set; }

    public bool HasBearer => !string.IsNullOrEmpty(BearerToken);
    public bool HasBasic => !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password);
    public bool IsConfigured => HasBearer || HasBasic;
}

internal sealed class AlertmanagerOptionsValidator : IValidateOptions<AlertmanagerOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertmanagerOptions options)
    {
        if (string.IsNullOrEmpty(options.Username) != string.IsNullOrEmpty(options.Password))
            return ValidateOptionsResult.Fail(
                $"{AlertmanagerOptions.Section}:Username and {AlertmanagerOptions.Section}:Password must be set together (basic auth).");
        if (options.BearerToken is { Length: > 0 and < 16 })
            return ValidateOptionsResult.Fail($"{AlertmanagerOptions.Section}:BearerToken must be at least 16 characters.");
        return ValidateOptionsResult.Success;
    }
}
