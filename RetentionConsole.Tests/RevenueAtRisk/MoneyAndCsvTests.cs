using Microsoft.Extensions.Options;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Tests.RevenueAtRisk;

public sealed class MoneyAndCsvTests
{
    [Theory]
    [InlineData(0, "$0")]
    [InlineData(950, "$950")]
    [InlineData(999, "$999")]
    [InlineData(999.49, "$999")]
    [InlineData(999.5, "$1k")]
    [InlineData(1_000, "$1k")]
    [InlineData(149_499, "$149k")]
    [InlineData(149_500, "$150k")]
    [InlineData(999_499, "$999k")]
    [InlineData(999_500, "$1.0M")]
    [InlineData(999_999, "$1.0M")]
    [InlineData(1_000_000, "$1.0M")]
    [InlineData(1_249_999, "$1.2M")]
    [InlineData(1_250_000, "$1.3M")]
    [InlineData(-150_000, "-$150k")]
    public void Compact_Boundaries(double value, string expected) =>
        Assert.Equal(expected, Money.Compact((decimal)value));

    [Fact]
    public void Compact_OtherCurrencies_UseTheirSymbolOrCode()
    {
        Assert.Equal("€150k", Money.Compact(150_000m, "EUR"));
        Assert.Equal("CHF 1.2M", Money.Compact(1_200_000m, "CHF"));
        Assert.Equal("unknown", Money.CompactOrUnknown(null));
    }

    [Theory]
    [InlineData("Acme", "Acme")]
    [InlineData("Acme, Inc.", "\"Acme, Inc.\"")]
    [InlineData("Say \"hi\"", "\"Say \"\"hi\"\"\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1 555", "'+1 555")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void CsvText_EscapesAndDefusesFormulas(string? value, string expected) => Assert.Equal(expected, Csv.Text(value));

    [Fact]
    public void CsvAccountLine_WritesNumbersInvariantAndUnknownArrAsEmpty()
    {
        var line = Csv.AccountLine(new AccountBoardRow(7, "=cmd", "SMB", null, null, 0m, 0m,
            new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc), 60, 2, null, true));
        Assert.Equal("7,'=cmd,SMB,,,no,0,0,2026-05-01,60,2,", line);
    }

    [Fact]
    public void Options_Defaults_AreTheDesignBands()
    {
        var o = new RevenueAtRiskOptions();
        Assert.Equal([1.0m, 0.75m, 0.5m], o.Bands.Select(b => b.Weight));
        Assert.Equal(0.25m, o.WeightFor(null));
        Assert.True(new RevenueAtRiskOptionsValidator().Validate(null, o).Succeeded);
    }

    [Fact]
    public void Options_BadBands_AreRefusedWithMessages()
    {
        var o = new RevenueAtRiskOptions
        {
            RenewalWeights = [new() { WithinDays = 90, Weight = 0.5m }, new() { WithinDays = 30, Weight = 1.5m }],
            BeyondWeight = -1m,
            ReportingCurrency = "DOLLARS",
        };
        var result = new RevenueAtRiskOptionsValidator().Validate(null, o);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("ascending", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("RenewalWeights:1:Weight must be between 0 and 1", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("BeyondWeight", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("ReportingCurrency", StringComparison.Ordinal));
    }

    [Fact]
    public void QueryValidator_BadValues_GetClearMessages()
    {
        var result = new BoardQueryInputValidator<AccountSort>().Validate(new BoardQueryInput
        {
            Renewal = "soon", MinRar = "-5", Sort = "colour", Dir = "up", Page = "0", PageSize = "1000", All = "maybe",
        });
        var messages = result.Errors.Select(e => e.ErrorMessage).ToList();
        Assert.Contains("renewal must be a whole number of days from 1 to 3650.", messages);
        Assert.Contains(messages, m => m.StartsWith("minRar", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("sort must be one of: rar, weighted, arr", StringComparison.Ordinal));
        Assert.Contains("dir must be asc or desc.", messages);
        Assert.Contains("page must be a whole number of 1 or more.", messages);
        Assert.Contains(messages, m => m.StartsWith("pageSize", StringComparison.Ordinal));
        Assert.Contains("all must be true or false.", messages);
    }
}
