using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Integrations.Bitrix24;

/// <summary>Where a company's ARR comes from (DESIGN.md).</summary>
public enum ArrSource
{
    /// <summary>Sum of won deals of the contract pipeline whose BEGINDATE..CLOSEDATE covers today, annualised by their term.</summary>
    WonDeals,

    /// <summary>A user field (UF_CRM_*) on the company, plain number or Bitrix24 money ("amount|CURRENCY").</summary>
    CompanyField,
}

public sealed partial class Bitrix24Options
{
    public const string Section = "Connectors:Bitrix24";

    /// <summary>Inbound webhook URL, e.g. https://portal.bitrix24.com/rest/1/abc123/ (the code in it is the secret).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The outgoing webhook's application_token; deliveries to POST /webhooks/bitrix24 must carry it.</summary>
    public string? ApplicationToken { get; set; }

    public ArrSource ArrSource { get; set; } = ArrSource.WonDeals;

    /// <summary>CATEGORY_ID of the contract pipeline (0 is Bitrix24's default funnel).</summary>
    public string ContractCategoryId { get; set; } = "1";

    /// <summary>Company user field holding ARR; required when <see cref="ArrSource"/> is CompanyField.</summary>
    public string? ArrField { get; set; }

    /// <summary>Company user field holding the renewal date; when empty the latest CLOSEDATE of the current contract deals is used.</summary>
    public string? RenewalDateField { get; set; }

    /// <summary>Company field holding the tier/segment (a string field); when empty the tier is unknown.</summary>
    public string? TierField { get; set; }

    /// <summary>Company field holding the services used (a multiple string field or a comma-separated string).</summary>
    public string? ServicesField { get; set; }

    /// <summary>ISO code of the currency every amount is converted into.</summary>
    public string ReportingCurrency { get; set; } = "USD";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(15);

    internal IEnumerable<string> CompanyUserFields() =>
        new[] { ArrField, RenewalDateField, TierField, ServicesField }.Where(f => !string.IsNullOrWhiteSpace(f)).Select(f => f!).Distinct();

    [GeneratedRegex("^[A-Z][A-Z0-9_]{0,99}$")]
    internal static partial Regex FieldName();

    [GeneratedRegex("^[A-Z]{3}$")]
    internal static partial Regex CurrencyCode();

    [GeneratedRegex("^[0-9]{1,9}$")]
    internal static partial Regex CategoryId();
}

/// <summary>Cross-field rules with messages that name the key.</summary>
public sealed class Bitrix24OptionsValidator : IValidateOptions<Bitrix24Options>
{
    public ValidateOptionsResult Validate(string? name, Bitrix24Options o)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(o.WebhookUrl))
        {
            if (!Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                errors.Add($"{Bitrix24Options.Section}:WebhookUrl must be an absolute https URL like https://portal.bitrix24.com/rest/1/<code>/.");
            else if (!string.IsNullOrEmpty(uri.Query))
                errors.Add($"{Bitrix24Options.Section}:WebhookUrl must not carry a query string; give the base webhook URL ending in /rest/<user>/<code>/.");
        }

        if (!Enum.IsDefined(o.ArrSource))
            errors.Add($"{Bitrix24Options.Section}:ArrSource must be WonDeals or CompanyField.");
        if (o.ArrSource == ArrSource.CompanyField && string.IsNullOrWhiteSpace(o.ArrField))
            errors.Add($"{Bitrix24Options.Section}:ArrField is required when ArrSource is CompanyField (the UF_CRM_* field holding ARR).");
        if (o.ArrSource == ArrSource.WonDeals && !Bitrix24Options.CategoryId().IsMatch(o.ContractCategoryId ?? ""))
            errors.Add($"{Bitrix24Options.Section}:ContractCategoryId must be the numeric CATEGORY_ID of the contract pipeline.");
        foreach (var (key, value) in new[] { ("ArrField", o.ArrField), ("RenewalDateField", o.RenewalDateField), ("TierField", o.TierField), ("ServicesField", o.ServicesField) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !Bitrix24Options.FieldName().IsMatch(value))
                errors.Add($"{Bitrix24Options.Section}:{key} must be a Bitrix24 field code such as UF_CRM_1721244482250 (upper case).");
        }

        if (!Bitrix24Options.CurrencyCode().IsMatch(o.ReportingCurrency ?? ""))
            errors.Add($"{Bitrix24Options.Section}:ReportingCurrency must be a three-letter currency code such as USD.");
        if (o.PollInterval < TimeSpan.FromSeconds(10))
            errors.Add($"{Bitrix24Options.Section}:PollInterval must be at least 00:00:10.");
        if (o.ApplicationToken is { Length: > 0 and < 8 })
            errors.Add($"{Bitrix24Options.Section}:ApplicationToken looks truncated; paste the outgoing webhook's full application token.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
