using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Integrations.Bitrix24;

namespace RetentionConsole.Tests.Accounts;

public sealed class ArrCalculatorTests
{
    private static readonly DateTime Today = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    private static ContractDeal Deal(decimal? amount, int beginOffset, int closeOffset, string stage = "S", string category = "1") => new()
    {
        Id = Random.Shared.NextInt64(1, long.MaxValue),
        AccountId = 1,
        CategoryId = category,
        StageSemantic = stage,
        Amount = amount ?? 0,
        AmountReporting = amount,
        BeginDateUtc = Today.AddDays(beginOffset),
        CloseDateUtc = Today.AddDays(closeOffset),
    };

    [Fact]
    public void Arr_OneYearWonDealCoveringToday_IsItsAmount()
    {
        // 365 days inclusive: 2026-01-01 .. 2026-12-31.
        var deal = Deal(120_000m, -60, 304);
        Assert.Equal(120_000m, ArrCalculator.Arr([deal], "1", Today));
    }

    [Fact]
    public void Arr_IsAnnualisedByTerm_AndSummedOverCurrentDeals()
    {
        var halfYear = Deal(30_000m, -90, 92);   // 183 days
        var twoYears = Deal(200_000m, -100, 629); // 730 days
        var expected = Math.Round(30_000m * 365m / 183m + 200_000m * 365m / 730m, 2);
        Assert.Equal(expected, ArrCalculator.Arr([halfYear, twoYears], "1", Today));
    }

    [Theory]
    [InlineData("F", "1", -10, 300)]  // lost
    [InlineData("P", "1", -10, 300)]  // in progress
    [InlineData("S", "0", -10, 300)]  // another pipeline
    [InlineData("S", "1", 1, 366)]    // starts tomorrow
    [InlineData("S", "1", -366, -1)]  // ended yesterday
    public void Arr_NonCurrentDealsDoNotCount_AndNoCurrentDealIsUnknown(string stage, string category, int begin, int close)
    {
        var deal = Deal(50_000m, begin, close, stage, category);
        Assert.Null(ArrCalculator.Arr([deal], "1", Today));
        Assert.Null(ArrCalculator.RenewalDate([deal], "1", Today));
    }

    [Fact]
    public void Arr_TermBoundariesAreInclusive()
    {
        Assert.NotNull(ArrCalculator.Arr([Deal(10_000m, 0, 364)], "1", Today));
        Assert.NotNull(ArrCalculator.Arr([Deal(10_000m, -364, 0)], "1", Today));
    }

    [Fact]
    public void Arr_UnconvertibleCurrency_IsUnknown_NotZeroOrPartial()
    {
        Assert.Null(ArrCalculator.Arr([Deal(10_000m, -10, 354), Deal(null, -10, 354)], "1", Today));
    }

    [Fact]
    public void RenewalDate_IsTheLatestCloseDateOfCurrentDeals()
    {
        var deals = new[] { Deal(1m, -10, 100), Deal(1m, -5, 200), Deal(1m, -5, 500, stage: "F") };
        Assert.Equal(Today.AddDays(200), ArrCalculator.RenewalDate(deals, "1", Today));
    }

    [Fact]
    public void CurrencyRates_UseAmountOverAmountCnt()
    {
        // crm.currency.add doc example: IDR AMOUNT 54.8738 for AMOUNT_CNT 10000 → 1 IDR = 0.00548738 base.
        var rates = Bitrix24Mapper.ToRates([
            new B24Currency { Currency = "USD", Amount = "1.0000", AmountCnt = "1", Base = "Y" },
            new B24Currency { Currency = "IDR", Amount = "54.8738", AmountCnt = "10000", Base = "N" },
            new B24Currency { Currency = "EUR", Amount = "1.0800", AmountCnt = "1", Base = "N" },
        ]);
        Assert.Equal(548.74m, rates.Convert(100_000m, "IDR", "USD"));
        Assert.Equal(100m, rates.Convert(108m, "USD", "EUR"));
        Assert.Null(rates.Convert(100m, "JPY", "USD"));
        Assert.Equal(5m, rates.Convert(5m, "JPY", "JPY"));
    }
}
