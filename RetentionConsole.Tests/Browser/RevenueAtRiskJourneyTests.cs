using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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
public sealed class RevenueAtRiskJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Leadership_SortsFiltersOpensAnAccountComesBack_AndDownloadsTheCsv()
    {
        await using var host = await JourneyHost.StartAsync(output);
        if (host is null) return;
        var today = host.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.Date;
        await host.SeedAsync(today);
        var email = await host.Factory.CreateUserAsync(Roles.Leadership);
        var page = await host.NewSignedInPageAsync(email, "User-Password-123!");
        page.Console += (_, m) => { if (m.Type == "error") output.WriteLine($"console error: {m.Text}"); };
        page.Response += (_, r) => { if (r.Status >= 400) output.WriteLine($"{r.Status} {r.Url}"); };

        // The board, sorted by RaR (largest first).
        await page.GotoAsync("/");
        // Clicks do nothing until the prerendered page has its circuit.
        await page.Locator("#board-title[data-interactive=yes]").WaitForAsync();
        await page.ClickAsync("#accounts-sort-name");
        await page.WaitForURLAsync(new Regex("sort=name"));
        await page.ClickAsync("#accounts-sort-rar");
        await page.WaitForURLAsync(new Regex("sort=rar&dir=desc"));
        await Assertions.Expect(page.Locator("#accounts-table tbody tr").First).ToContainTextAsync("Journey 12");

        // Renewals within 90 days.
        await page.ClickAsync("#renewal-90");
        await page.WaitForURLAsync(new Regex("renewal=90"));
        await Assertions.Expect(page.Locator("#accounts-total")).ToContainTextAsync("3 account(s)");
        var filtered = await page.Locator("#accounts-table a.rc-account-link").AllTextContentsAsync();
        Assert.Equal(["Journey 03", "Journey 02", "Journey 01"], filtered);

        // Open an account, then come back: the filter and sort are still there.
        await page.ClickAsync("#accounts-table a.rc-account-link >> text=Journey 02");
        await Assertions.Expect(page.Locator("#account-name")).ToHaveTextAsync("Journey 02");
        await Assertions.Expect(page.Locator("#account-arr")).ToContainTextAsync("$20k");
        await page.GoBackAsync();
        await page.WaitForURLAsync(new Regex("renewal=90"));
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

    /// <summary>
    /// Static web assets (blazor.web.js, MudBlazor's files) are wired from the build manifest only in Development;
    /// the tests run as "Testing", so the browser host opts in explicitly.
    /// </summary>
    private sealed class JourneyAppFactory : RetentionAppFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            Microsoft.AspNetCore.Hosting.WebHostBuilderExtensions.UseStaticWebAssets(builder);
        }
    }

    /// <summary>
    /// Self-contained browser host for this journey: the app on Kestrel (real loopback) and Chromium. Returns null,
    /// after saying why, when Chromium is missing, unless RETENTION_REQUIRE_BROWSER=1 (CI), where that is a failure.
    /// </summary>
    private sealed class JourneyHost : IAsyncDisposable
    {
        private const string Chromium = "/usr/bin/chromium";
        private IPlaywright? _playwright;
        private IBrowser? _browser;

        private JourneyHost(RetentionAppFactory factory, string address)
        {
            Factory = factory;
            Address = address;
        }

        public RetentionAppFactory Factory { get; }
        public string Address { get; }

        public static async Task<JourneyHost?> StartAsync(ITestOutputHelper output)
        {
            if (!File.Exists(Chromium))
            {
                if (Environment.GetEnvironmentVariable("RETENTION_REQUIRE_BROWSER") == "1")
                    throw new InvalidOperationException($"{Chromium} is missing and RETENTION_REQUIRE_BROWSER=1: install Debian's chromium.");
                output.WriteLine($"Browser journey not run: {Chromium} is missing (apt-get install chromium).");
                return null;
            }

            var factory = new JourneyAppFactory { RouteUpstreamsThroughTestServer = false };
            factory.UseKestrel(0);
            factory.StartServer();
            var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var host = new JourneyHost(factory, address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            host._playwright = await Playwright.CreateAsync();
            host._browser = await host._playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            return host;
        }

        /// <summary>Twelve accounts at risk, ARR 10k·i, renewing in 30·i days (so 1–3 renew within 90 days).</summary>
        public async Task SeedAsync(DateTime today)
        {
            await using (var db = await Factory.Db.CreateDbContextAsync())
            {
                for (var i = 1; i <= 12; i++)
                {
                    db.Accounts.Add(new AccountBuilder(i).Named($"Journey {i:D2}").WithArr(i * 10_000m)
                        .WithTier(i % 2 == 0 ? "Enterprise" : "SMB").RenewingOn(today.AddDays(i * 30 - 1)).Build());
                    db.Tickets.Add(new TicketBuilder(100 + i).ForAccount(i).WithJiraKey($"ENG-{i % 4}").Build());
                }

                await db.SaveChangesAsync();
            }

            await Factory.Services.GetRequiredService<RevenueAtRiskEngine>().RecalculateAllAsync();
        }

        public async Task<IPage> NewSignedInPageAsync(string email, string password)
        {
            var context = await _browser!.NewContextAsync(new() { BaseURL = Address, AcceptDownloads = true });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/account/login");
            await page.FillAsync("#email", email);
            await page.FillAsync("#password", password);
            await page.ClickAsync("#sign-in");
            await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
            return page;
        }

        public async ValueTask DisposeAsync()
        {
            if (_browser is not null) await _browser.DisposeAsync();
            _playwright?.Dispose();
            Factory.Dispose();
        }
    }
}
