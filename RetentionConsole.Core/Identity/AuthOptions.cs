using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Identity;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
    public SeedApiKeyOptions SeedApiKey { get; set; } = new();

    /// <summary>Failed sign-ins before a lock-out.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;
}

public sealed class BootstrapAdminOptions
{
    public string Email { get; set; } = "admin@retention.local";

    /// <summary>When empty a password is generated on first run and printed once to the console.</summary>
    public string? Password { get; set; }
}

public sealed class SeedApiKeyOptions
{
    public string? Key { get; set; }
    public string Role { get; set; } = Roles.Admin;
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.BootstrapAdmin.Email) || !o.BootstrapAdmin.Email.Contains('@'))
            errors.Add("Auth:BootstrapAdmin:Email must be an e-mail address.");
        if (!string.IsNullOrEmpty(o.SeedApiKey.Key))
        {
            if (o.SeedApiKey.Key.Length < 24) errors.Add("Auth:SeedApiKey:Key must be at least 24 characters.");
            if (!Roles.IsValid(o.SeedApiKey.Role)) errors.Add($"Auth:SeedApiKey:Role must be one of {string.Join(", ", Roles.All)}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
