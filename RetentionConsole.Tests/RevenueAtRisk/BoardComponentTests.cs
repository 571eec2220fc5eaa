using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Features.RevenueAtRisk;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.RevenueAtRisk;

public sealed class BoardComponentTests : MudTestContext, IAsyncLifetime
{
    private RiskTestDatabase _rar = default!;

    public async Task InitializeAsync()
    {
        _rar = await RiskTestDatabase.CreateAsync();
        Services.AddSingleton(Options.Create(_rar.Options));
        Services.AddSingleton<TimeProvider>(_rar.Clock);
        Services.AddSingleton(_rar.Queries);
        UseInteractiveServerRenderer();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _rar.DisposeAsync();
    }

    private static DateTime Today => RiskTestDatabase.Today.UtcDateTime.Date;

    [Fact]
    public void AccountsLeaderboard_RendersRows_WithCompactMoneyAndUnknownArr()
    {
        var page = new PagedResult<AccountBoardRow>(
        [
            new(1, "Globex Health", "Enterprise", "Dana Whitfield", 1_250_000m, 1_250_000m, 937_500m, Today.AddDays(45), 45, 3, null, true),
            new(2, "Initech <b>Labs</b>", "SMB", "Tom Becker", 149_500m, 149_500m, 37_375m, null, null, 1, null, true),
            new(3, "Hooli Media", "SMB", null, null, 0m, 0m, Today.AddDays(-2), -2, 1, null, true),
        ], 53, 1, 25);

        var cut = Render<AccountsLeaderboard>(p => p.Add(x => x.Page, page).Add(x => x.Sort, "rar").Add(x => x.Descending, true));

        var rows = cut.FindAll("#accounts-table tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Equal("$1.3M", rows[0].QuerySelector(".rc-arr")!.TextContent.Trim());
        Assert.Equal("$938k", rows[0].QuerySelector(".rc-weighted")!.TextContent.Trim());
        Assert.Contains("(45 d)", rows[0].QuerySelector(".rc-renewal")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("$150k", rows[1].QuerySelector(".rc-rar")!.TextContent.Trim());
        Assert.Equal("unknown", rows[1].QuerySelector(".rc-renewal")!.TextContent.Trim());
        Assert.Equal("unknown", rows[2].QuerySelector(".rc-arr")!.TextContent.Trim());
        Assert.Equal("$0", rows[2].QuerySelector(".rc-rar")!.TextContent.Trim());
        Assert.Contains("2 d overdue", rows[2].QuerySelector(".rc-renewal")!.TextContent, StringComparison.Ordinal);
        // Upstream names are text, never markup.
        Assert.Empty(rows[1].QuerySelectorAll("b"));
        Assert.Contains("Initech <b>Labs</b>", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("accounts/1", rows[0].QuerySelector("a.rc-account-link")!.GetAttribute("href"));
        Assert.Equal("descending", cut.Find("th[aria-sort='descending']").GetAttribute("aria-sort"));
        Assert.Contains("53 account(s)", cut.Find("#accounts-total").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void AccountsLeaderboard_HeaderClick_AsksForThatSort()
    {
        string? asked = null;
        var page = new PagedResult<AccountBoardRow>([new(1, "A", null, null, 1m, 1m, 1m, null, null, 1, null, true)], 1, 1, 25);
        var cut = Render<AccountsLeaderboard>(p => p.Add(x => x.Page, page).Add(x => x.Sort, "rar")
            .Add(x => x.OnSort, EventCallback.Factory.Create<string>(this, key => asked = key)));

        cut.Find("#accounts-sort-weighted").Click();

        Assert.Equal("weighted", asked);
    }

    [Fact]
    public void IssuesLeaderboard_RendersKeyTitleAndUnknownArrAccounts()
    {
        var page = new PagedResult<IssueBoardRow>(
            [new("ENG-123", "Webhook retries storm", "ENG-123", "integration_failure", 4, 1, 152_500m, 100_000m, 6, Today.AddDays(-12), 12)], 1, 1, 25);

        var cut = Render<IssuesLeaderboard>(p => p.Add(x => x.Page, page));

        var row = cut.Find("#issues-table tbody tr");
        Assert.Equal("issues/ENG-123", row.QuerySelector("a.rc-issue-link")!.GetAttribute("href"));
        Assert.Equal("$153k", row.QuerySelector(".rc-rar")!.TextContent.Trim());
        Assert.Contains("4 (1 ARR unknown)", row.QuerySelector(".rc-accounts")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("12 d", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Board_WithoutData_ExplainsWhatToConnect()
    {
        var cut = Render<RiskBoardPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#board-empty")));
        var empty = cut.Find("#board-empty");
        Assert.Contains("Bitrix24", empty.TextContent, StringComparison.Ordinal);
        Assert.Contains("Zendesk", empty.TextContent, StringComparison.Ordinal);
        Assert.Equal("admin/integrations", empty.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(cut.FindAll("#accounts-table"));
    }

    [Fact]
    public async Task Board_WithData_ShowsKpisAndTheFilteredLeaderboardFromTheQueryString()
    {
        var soon = new AccountBuilder().Named("Renews Soon").WithArr(150_000m).RenewingOn(Today.AddDays(20)).Build();
        var later = new AccountBuilder().Named("Renews Later").WithArr(2_000_000m).RenewingOn(Today.AddDays(200)).Build();
        await _rar.SeedAsync(soon, later, new TicketBuilder().ForAccount(soon).WithJiraKey("ENG-7").Build(),
            new TicketBuilder().ForAccount(later).WithJiraKey("ENG-7").Build());
        await _rar.Engine.RecalculateAllAsync();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/?renewal=90");

        var cut = Render<RiskBoardPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#accounts-table")));
        Assert.Equal("$2.2M", cut.Find("#kpi-portfolio .rc-money").TextContent.Trim());
        var names = cut.FindAll("#accounts-table a.rc-account-link").Select(a => a.TextContent).ToList();
        Assert.Equal(["Renews Soon"], names);
        Assert.Contains("renewal=90", cut.Find("#download-accounts-csv").GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("$2.2M", cut.Find("#issues-table .rc-rar").TextContent.Trim()); // the issue still counts both accounts
    }
}
