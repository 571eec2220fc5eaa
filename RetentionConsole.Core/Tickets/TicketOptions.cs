using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Tickets;

/// <summary>Section "Tickets": what makes a ticket friction and which category a friction tag means.</summary>
public sealed class TicketOptions
{
    public const string Section = "Tickets";

    public static readonly string[] DefaultFrictionTags = ["integration_failure", "latency", "outage", "data_loss", "bug"];
    public static readonly string[] DefaultFrictionTypes = ["problem", "incident"];

    /// <summary>Tags that make a ticket friction, in priority order (the first present one decides the category).</summary>
    public string[]? FrictionTags { get; set; }

    /// <summary>Ticket types that are friction whatever their tags.</summary>
    public string[]? FrictionTypes { get; set; }

    /// <summary>Friction tag → category (the RCA root-cause vocabulary by default); unmapped tags are their own category.</summary>
    public Dictionary<string, string> Categories { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["integration_failure"] = "IntegrationFailure",
        ["latency"] = "Latency",
        ["outage"] = "Outage",
        ["data_loss"] = "DataLoss",
        ["bug"] = "CodeDefect",
    };

    /// <summary>Category of a ticket that is friction by its type only.</summary>
    public string DefaultCategory { get; set; } = "Other";
}

/// <summary>
/// Arrays bound from configuration are appended to their initial value, so the defaults are applied here, only when
/// nothing is configured; a configured list replaces them.
/// </summary>
internal sealed class TicketOptionsDefaults : IPostConfigureOptions<TicketOptions>
{
    public void PostConfigure(string? name, TicketOptions options)
    {
        options.FrictionTags = Normalise(options.FrictionTags, TicketOptions.DefaultFrictionTags);
        options.FrictionTypes = Normalise(options.FrictionTypes, TicketOptions.DefaultFrictionTypes);
    }

    private static string[] Normalise(string[]? configured, string[] defaults) =>
        configured is { Length: > 0 }
            ? configured.Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x.Trim().ToLowerInvariant()).Distinct().ToArray()
            : defaults;
}

internal sealed class TicketOptionsValidator : IValidateOptions<TicketOptions>
{
    public ValidateOptionsResult Validate(string? name, TicketOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.DefaultCategory)) errors.Add("Tickets:DefaultCategory must not be empty.");
        errors.AddRange(o.Categories.Where(c => string.IsNullOrWhiteSpace(c.Value) || c.Value.Length > 64)
            .Select(c => $"Tickets:Categories:{c.Key} must be a category name of 1–64 characters."));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
