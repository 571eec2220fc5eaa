using RetentionConsole.Core.Accounts;

namespace RetentionConsole.Core.Integrations.Bitrix24;

/// <summary>ARR and renewal date from contract deals (DESIGN.md, ArrSource WonDeals).</summary>
public static class ArrCalculator
{
    /// <summary>
    /// Current contract deals: won (<c>STAGE_SEMANTIC_ID = "S"</c>), in the contract pipeline, with a term
    /// BEGINDATE..CLOSEDATE (inclusive calendar dates) that covers <paramref name="today"/>.
    /// </summary>
    public static IEnumerable<ContractDeal> CurrentDeals(IEnumerable<ContractDeal> deals, string categoryId, DateTime today) =>
        deals.Where(d => d.StageSemantic == "S" && d.CategoryId == categoryId
                         && d.BeginDateUtc is { } begin && d.CloseDateUtc is { } close
                         && close >= begin && begin.Date <= today.Date && today.Date <= close.Date);

    /// <summary>
    /// Each current deal's amount annualised by its term (amount × 365 / term days), summed. No current deal, or one
    /// whose currency could not be converted, gives null: unknown, never a silent 0.
    /// </summary>
    public static decimal? Arr(IEnumerable<ContractDeal> deals, string categoryId, DateTime today)
    {
        decimal sum = 0;
        var any = false;
        foreach (var deal in CurrentDeals(deals, categoryId, today))
        {
            if (deal.AmountReporting is not { } amount) return null;
            var termDays = (deal.CloseDateUtc!.Value.Date - deal.BeginDateUtc!.Value.Date).Days + 1;
            sum += amount * 365m / termDays;
            any = true;
        }

        return any ? Math.Round(sum, 2, MidpointRounding.AwayFromZero) : null;
    }

    /// <summary>The latest CLOSEDATE of the current contract deals; null when there is none.</summary>
    public static DateTime? RenewalDate(IEnumerable<ContractDeal> deals, string categoryId, DateTime today) =>
        CurrentDeals(deals, categoryId, today).Max(d => d.CloseDateUtc);
}
