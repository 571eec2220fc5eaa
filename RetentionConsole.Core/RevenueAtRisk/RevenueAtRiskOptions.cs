using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.RevenueAtRisk;

/// <summary>Renewal weighting of revenue at risk (section "RevenueAtRisk") and the reporting currency.</summary>
public sealed class RevenueAtRiskOptions
{
    public const string Section = "RevenueAtRisk";
    public const string ReportingCurrencyKey = "Connectors:Bitrix24:ReportingCurrency";

    public static readonly IReadOnlyList<RenewalWeightBand> DefaultBands =
    [
        new() { WithinDays = 30, Weight = 1.0m },
        new() { WithinDays = 90, Weight = 0.75m },
        new() { WithinDays = 180, Weight = 0.5m },
    ];

    /// <summary>
    /// Bands by days to renewal, ascending: the first band with days ≤ WithinDays applies. Empty = the defaults
    /// (≤30 → 1.0, ≤90 → 0.75, ≤180 → 0.5). A list (not pre-filled) because configuration binding appends to lists.
    /// </summary>
    public List<RenewalWeightBand> RenewalWeights { get; set; } = [];

    /// <summary>Weight beyond the last band, and for accounts without a renewal date (the lowest band).</summary>
    public decimal BeyondWeight { get; set; } = 0.25m;

    /// <summary>From Connectors:Bitrix24:ReportingCurrency (default USD); every money figure is in it.</summary>
    public string ReportingCurrency { get; set; } = "USD";

    /// <summary>How often the full recompute runs (renewal weights move with the calendar, not only with data).</summary>
    public TimeSpan FullRecalculationInterval { get; set; } = TimeSpan.FromHours(1);

    public IReadOnlyList<RenewalWeightBand> Bands => RenewalWeights.Count == 0 ? DefaultBands : RenewalWeights;

    /// <summary>
    /// The weight for a renewal <paramref name="daysToRenewal"/> days away. Overdue renewals (negative days) weigh
    /// like the nearest band; an unknown renewal date takes <see cref="BeyondWeight"/>, the lowest band.
    /// </summary>
    public decimal WeightFor(int? daysToRenewal)
    {
        if (daysToRenewal is not { } days) return BeyondWeight;
        foreach (var band in Bands)
        {
            if (days <= band.WithinDays) return band.Weight;
        }

        return BeyondWeight;
    }
}

public sealed class RenewalWeightBand
{
    public int WithinDays { get; set; }
    public decimal Weight { get; set; }
}

internal sealed class RevenueAtRiskOptionsValidator : IValidateOptions<RevenueAtRiskOptions>
{
    public ValidateOptionsResult Validate(string? name, RevenueAtRiskOptions o)
    {
        var errors = new List<string>();
        var previous = int.MinValue;
        for (var i = 0; i < o.RenewalWeights.Count; i++)
        {
            var band = o.RenewalWeights[i];
            if (band.WithinDays < 0)
                errors.Add($"RevenueAtRisk:RenewalWeights:{i}:WithinDays must be 0 or more (got {band.WithinDays}).");
            if (band.WithinDays <= previous)
                errors.Add($"RevenueAtRisk:RenewalWeights must be in ascending WithinDays order (entry {i} has {band.WithinDays} after {previous}).");
            if (band.Weight is < 0m or > 1m)
                errors.Add($"RevenueAtRisk:RenewalWeights:{i}:Weight must be between 0 and 1 (got {band.Weight}).");
            previous = band.WithinDays;
        }

        if (o.BeyondWeight is < 0m or > 1m)
            errors.Add($"RevenueAtRisk:BeyondWeight must be between 0 and 1 (got {o.BeyondWeight}).");
        if (string.IsNullOrWhiteSpace(o.ReportingCurrency) || o.ReportingCurrency.Trim().Length != 3)
            errors.Add($"{RevenueAtRiskOptions.ReportingCurrencyKey} must be a three-letter currency code (got '{o.ReportingCurrency}').");
        if (o.FullRecalculationInterval < TimeSpan.FromMinutes(1))
            errors.Add("RevenueAtRisk:FullRecalculationInterval must be at least 00:01:00.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
