using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Features.RevenueAtRisk;

/// <summary>
/// The board. Every filter, sort and page lives in the query string, so a view is a shareable link and survives
/// back-navigation; the tables are filtered, sorted and paged in the database (RiskBoardQueries).
/// </summary>
public partial class RiskBoardPage
{
    public static readonly int[] RenewalWindows = [30, 90, 180];

    [Inject] private RiskBoardQueries Queries { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "tier")] private string? Tier { get; set; }
    [SupplyParameterFromQuery(Name = "owner")] private string? Owner { get; set; }
    [SupplyParameterFromQuery(Name = "renewal")] private string? Renewal { get; set; }
    [SupplyParameterFromQuery(Name = "category")] private string? Category { get; set; }
    [SupplyParameterFromQuery(Name = "minRar")] private string? MinRar { get; set; }
    [SupplyParameterFromQuery(Name = "q")] private string? Search { get; set; }
    [SupplyParameterFromQuery(Name = "all")] private string? All { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] private string? Sort { get; set; }
    [SupplyParameterFromQuery(Name = "dir")] private string? Dir { get; set; }
    [SupplyParameterFromQuery(Name = "page")] private string? PageNumber { get; set; }
    [SupplyParameterFromQuery(Name = "isort")] private string? IssueSortParam { get; set; }
    [SupplyParameterFromQuery(Name = "idir")] private string? IssueDir { get; set; }
    [SupplyParameterFromQuery(Name = "ipage")] private string? IssuePage { get; set; }

    private RiskSummary? _summary;
    private FilterChoices _choices = new([], [], []);
    private PagedResult<AccountBoardRow>? _accounts;
    private PagedResult<IssueBoardRow>? _issues;
    private IReadOnlyList<TrendPoint> _trend = [];
    private AccountBoardQuery _accountQuery = new(new BoardFilter());
    private IssueBoardQuery _issueQuery = new(new BoardFilter());

    // Form state, applied to the query string by Apply.
    private string? _tier, _owner, _category, _search;
    private int? _renewal;
    private decimal? _minRar;
    private bool _includeAll;

    protected override async Task OnParametersSetAsync()
    {
        // Lenient: a hand-edited link with a bad value falls back to the default instead of failing the page.
        var input = new BoardQueryInput
        {
            Tier = Tier, Owner = Owner, Renewal = Renewal, Category = Category, MinRar = MinRar, Q = Search, All = All,
            Sort = Sort, Dir = Dir, Page = PageNumber,
        };
        _accountQuery = input.ToAccountQuery();
        _issueQuery = (input with { Sort = IssueSortParam, Dir = IssueDir, Page = IssuePage }).ToIssueQuery();
        var f = _accountQuery.Filter;
        (_tier, _owner, _renewal, _category, _minRar, _search, _includeAll) =
            (f.Tier, f.Owner, f.RenewalWithinDays, f.Category, f.MinRar, f.Search, f.IncludeAll);

        _summary = await Queries.SummaryAsync();
        if (!_summary.HasData) return;
        _choices = await Queries.FilterChoicesAsync();
        _accounts = await Queries.AccountsAsync(_accountQuery);
        _issues = await Queries.IssuesAsync(_issueQuery);
        _trend = await Queries.TrendAsync(RiskScope.Portfolio, RiskHistoryPoint.PortfolioKey);
    }

    private static string SortKey<T>(T sort) where T : struct, Enum => BoardQueryInput.SortName(sort);

    private void Navigate(Dictionary<string, object?> changes) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(changes));

    private Task ApplyFiltersAsync()
    {
        Navigate(new()
        {
            ["tier"] = _tier,
            ["owner"] = _owner,
            ["renewal"] = _renewal,
            ["category"] = _category,
            ["minRar"] = _minRar is > 0 ? _minRar.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            ["q"] = string.IsNullOrWhiteSpace(_search) ? null : _search.Trim(),
            ["all"] = _includeAll ? "true" : null,
            ["page"] = null,
            ["ipage"] = null,
        });
        return Task.CompletedTask;
    }

    /// <summary>The renewal window applies at once (with whatever else is in the form).</summary>
    private Task RenewalWindowAsync(int? days)
    {
        _renewal = days;
        return ApplyFiltersAsync();
    }

    private Task ClearFiltersAsync()
    {
        Navigate(new()
        {
            ["tier"] = null, ["owner"] = null, ["renewal"] = null, ["category"] = null, ["minRar"] = null,
            ["q"] = null, ["all"] = null, ["page"] = null, ["ipage"] = null,
        });
        return Task.CompletedTask;
    }

    private async Task SearchKeyUp(KeyboardEventArgs e)
    {
        if (e.Key == "Enter") await ApplyFiltersAsync();
    }

    // Text columns start ascending, figures descending; a second click flips the direction.
    private static bool DefaultDescending(string key) => key is not ("name" or "tier" or "owner" or "renewal" or "key" or "title");

    private Task SortAccountsAsync(string key)
    {
        var current = SortKey(_accountQuery.Sort);
        var desc = current == key ? !_accountQuery.Descending : DefaultDescending(key);
        Navigate(new() { ["sort"] = key, ["dir"] = desc ? "desc" : "asc", ["page"] = null });
        return Task.CompletedTask;
    }

    private Task SortIssuesAsync(string key)
    {
        var current = SortKey(_issueQuery.Sort);
        var desc = current == key ? !_issueQuery.Descending : DefaultDescending(key);
        Navigate(new() { ["isort"] = key, ["idir"] = desc ? "desc" : "asc", ["ipage"] = null });
        return Task.CompletedTask;
    }

    private Task AccountsPageAsync(int page)
    {
        Navigate(new() { ["page"] = page <= 1 ? null : page });
        return Task.CompletedTask;
    }

    private Task IssuesPageAsync(int page)
    {
        Navigate(new() { ["ipage"] = page <= 1 ? null : page });
        return Task.CompletedTask;
    }

    private string AccountsCsvHref => "export/accounts.csv" + ExportQuery(SortKey(_accountQuery.Sort), _accountQuery.Descending);
    private string IssuesCsvHref => "export/engineering-issues.csv" + ExportQuery(SortKey(_issueQuery.Sort), _issueQuery.Descending);

    /// <summary>The applied (parsed, valid) view as the export's query string: the CSV is exactly what the board shows.</summary>
    private string ExportQuery(string sort, bool descending)
    {
        var f = _accountQuery.Filter;
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }

        Add("tier", f.Tier);
        Add("owner", f.Owner);
        Add("renewal", f.RenewalWithinDays?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("category", f.Category);
        Add("minRar", f.MinRar?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("q", f.Search);
        Add("all", f.IncludeAll ? "true" : null);
        Add("sort", sort);
        Add("dir", descending ? "desc" : "asc");
        return "?" + string.Join('&', parts);
    }
}
