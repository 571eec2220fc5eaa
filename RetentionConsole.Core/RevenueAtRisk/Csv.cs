using System.Globalization;
using System.Text;

namespace RetentionConsole.Core.RevenueAtRisk;

/// <summary>
/// RFC 4180 CSV cells. Text that a spreadsheet would run as a formula (= + - @, tab, carriage return) is prefixed with
/// a single quote: names and titles come from upstream systems and must never execute (OWASP CSV injection).
/// </summary>
public static class Csv
{
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 || value != value.Trim()
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    public static string Number(decimal? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";

    public static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    public static string Date(DateTime? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    public static string Line(params string[] cells) => string.Join(',', cells);

    public static readonly string AccountsHeader = Line("Account ID", "Name", "Tier", "Owner", "ARR", "ARR known",
        "Revenue at risk", "Weighted revenue at risk", "Renewal date", "Days to renewal", "Open friction tickets", "Health");

    public static string AccountLine(AccountBoardRow r) => Line(
        r.Id.ToString(CultureInfo.InvariantCulture), Text(r.Name), Text(r.Tier), Text(r.Owner), Number(r.Arr),
        r.Arr is null ? "no" : "yes", Number(r.RevenueAtRisk), Number(r.WeightedRevenueAtRisk), Date(r.RenewalDateUtc),
        Number(r.DaysToRenewal), Number(r.OpenFrictionTickets), Number(r.HealthScore));

    public static readonly string IssuesHeader = Line("Key", "Title", "Jira key", "Category", "Affected accounts",
        "Affected accounts with unknown ARR", "Revenue at risk", "Weighted revenue at risk", "Open tickets", "Oldest open ticket", "Oldest age (days)");

    public static string IssueLine(IssueBoardRow r) => Line(
        Text(r.Key), Text(r.Title), Text(r.JiraKey), Text(r.Category), Number(r.AffectedAccounts), Number(r.AffectedAccountsUnknownArr),
        Number(r.RevenueAtRisk), Number(r.WeightedRevenueAtRisk), Number(r.OpenTickets), Date(r.OldestOpenTicketUtc), Number(r.OldestOpenTicketAgeDays));

    /// <summary>UTF-8 with a BOM so spreadsheet programs read non-ASCII names correctly.</summary>
    public static readonly Encoding Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
}
