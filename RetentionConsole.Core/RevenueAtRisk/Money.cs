using System.Globalization;

namespace RetentionConsole.Core.RevenueAtRisk;

/// <summary>Compact money as DESIGN.md shows it: $950, $150k (nearest thousand), $1.2M (one decimal).</summary>
public static class Money
{
    public static string Compact(decimal value, string currency = "USD")
    {
        var sign = value < 0 ? "-" : "";
        var abs = Math.Abs(value);
        var symbol = Symbol(currency);
        var dollars = Math.Round(abs, 0, MidpointRounding.AwayFromZero);
        if (dollars < 1_000m) return $"{sign}{symbol}{dollars.ToString("0", CultureInfo.InvariantCulture)}";

        // Round first, then pick the unit: 999,999 is 1,000k, which reads as $1.0M.
        var thousands = Math.Round(abs / 1_000m, 0, MidpointRounding.AwayFromZero);
        if (thousands < 1_000m) return $"{sign}{symbol}{thousands.ToString("0", CultureInfo.InvariantCulture)}k";

        var millions = Math.Round(abs / 1_000_000m, 1, MidpointRounding.AwayFromZero);
        if (millions < 1_000m) return $"{sign}{symbol}{millions.ToString("0.0", CultureInfo.InvariantCulture)}M";

        var billions = Math.Round(abs / 1_000_000_000m, 1, MidpointRounding.AwayFromZero);
        return $"{sign}{symbol}{billions.ToString("0.0", CultureInfo.InvariantCulture)}B";
    }

    /// <summary>ARR that may be unknown: "unknown" rather than a silent $0.</summary>
    public static string CompactOrUnknown(decimal? value, string currency = "USD") =>
        value is { } v ? Compact(v, currency) : "unknown";

    private static string Symbol(string currency) => currency.ToUpperInvariant() switch
    {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        var code => code + " ",
    };
}
