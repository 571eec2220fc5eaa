using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RetentionConsole.Core.Identity;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Tests.RevenueAtRisk;
using RetentionConsole.Tests.TestInfrastructure;
using Xunit.Abstractions;

namespace RetentionConsole.Tests.Browser;

/// <summary>
/// A Leadership user's morning: open the board, sort by RaR, keep renewals within 90 days, open an account, come back
/// with the filter kept, download the CSV of that view. Real host on Kestrel, Debian's Chromium.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RevenueAtRiskJourneyTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    // Blazor changes the URL in place (history.pushState): there is no new "load" event to wait for, only the commit.
    private static readonly PageWaitForURLOptions SameDocument = new() { WaitUntil = WaitUntilState.Commit };

    [Fact]
    public async Task Leadership_SortsFiltersOpensAnAccountComesBack_AndDownloadsTheCsv()
    {
        if (browser.SkipReason is not null) return; // no Chromium on this laptop; CI requires it
        var today = browser.App.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.Date;
        await SeedAsync(browser.App, today);
        var email = await browser.App.CreateUserAsync(Roles.Leadership);
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, email, "User-Password-123!");
        page.Console += (_, m) => { if (m.Type == "error") output.WriteLine($"console error: {m.Text}"); };
        page.Response += (_, r) => { if (r.Status >= 400) output.WriteLine($"{r.Status} {r.Url}"); };

        try
        {
            await JourneyAsync(page);
        }
        catch
        {
            // Evidence for a failure on CI: what the page showed and said.
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "rc-rar-journey-failure.png"), FullPage = true });
            output.WriteLine($"failed at {page.Url}");
            throw;
        }
    }

    private static async Task JourneyAsync(IPage page)
    {
        // The board, sorted by RaR (largest first).
        await page.GotoAsync("/");
        // Clicks do nothing until the prerendered page has its circuit.
        await page.Locator("#board-title[data-interactive=yes]").WaitForAsync();
        await page.ClickAsync("#accounts-sort-name");
        await page.WaitForURLAsync(new Regex("sort=name"), SameDocument);
        // Let the table re-render for the new sort before the next click: a click that lands mid-render is dropped.
        await Assertions.Expect(page.Locator("#accounts-table tbody tr").First).ToContainTextAsync("Journey 01");
        await page.ClickAsync("#accounts-sort-rar");
        await page.WaitForURLAsync(new Regex("sort=rar&dir=desc"), SameDocument);
        await Assertions.Expect(page.Locator("#accounts-table tbody tr").First).ToContainTextAsync("Journey 12");

        // Renewals within 90 days.
        await page.ClickAsync("#renewal-90");
        await page.WaitForURLAsync(new Regex("renewal=90"), SameDocument);
        await Assertions.Expect(page.Locator("#accounts-total")).ToContainTextAsync("3 account(s)");
        var filtered = await page.Locator("#accounts-table a.rc-account-link").AllTextContentsAsync();
        Assert.Equal(["Journey 03", "Journey 02", "Journey 01"], filtered);

        // Open an account, then come back: the filter and sort are still there.
        await page.ClickAsync("#accounts-table a.rc-account-link >> text=Journey 02");
        await Assertions.Expect(page.Locator("#account-name")).ToHaveTextAsync("Journey 02");
        await Assertions.Expect(page.Locator("#account-arr")).ToContainTextAsync("$20k");
        await page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForURLAsync(new Regex("renewal=90"), SameDocument);
        Assert.Contains("sort=rar", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#accounts-total")).ToContainTextAsync("3 account(s)");
        Assert.Equal(filtered, await page.Locator("#accounts-table a.rc-account-link").AllTextContentsAsync());

        // The CSV is exactly that view.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-accounts-csv"));
        var path = await download.PathAsync();
        var lines = (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("Account ID,Name", lines[0].TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Equal(["Journey 03", "Journey 02", "Journey 01"], lines.Skip(1).Select(l => l.Split(',')[1]));
    }

    /// <summary>Twelve accounts at risk, ARR 10k·i, renewing in 30·i days (so 1–3 renew within 90 days).</summary>
    private static async Task SeedAsync(RetentionAppFactory app, DateTime today)
    {
        await using (var db = await app.Db.CreateDbContextAsync())
        {
            for (var i = 1; i <= 12; i++)
            {
                db.Accounts.Add(new AccountBuilder(i).Named($"Journey {i:D2}").WithArr(i * 10_000m)
                    .WithTier(i % 2 == 0 ? "Enterprise" : "SMB").RenewingOn(today.AddDays(i * 30 - 1)).Build());
                db.Tickets.Add(new TicketBuilder(100 + i).ForAccount(i).WithJiraKey($"ENG-{i % 4}").Build());
            }

            await db.SaveChangesAsync();
        }

        await app.Services.GetRequiredService<RevenueAtRiskEngine>().RecalculateAllAsync();
    }
}
