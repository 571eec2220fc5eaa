using Microsoft.Playwright;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Browser;

/// <summary>The app with its built-in sandbox on, as after `dotnet run`, with scheduled syncs far away so the test presses "Sync now".</summary>
public sealed class SandboxBrowserFixture : BrowserFixture
{
    public SandboxBrowserFixture()
    {
        Settings["Sandbox:Enabled"] = "true";
        Settings["Sandbox:LiveInterval"] = "00:00:00";
        Settings["Connectors:Zendesk:JiraKeyFieldId"] = "360000001";
    }
}

[Collection(BrowserCollection.Name)]
public sealed class IntegrationsJourneyTests(SandboxBrowserFixture browser) : IClassFixture<SandboxBrowserFixture>
{
    [Fact]
    public async Task Admin_OpensIntegrations_SyncsNow_AndSeesSandboxConnectorsFresh()
    {
        if (browser.SkipReason is not null) return; // no Chromium on this laptop; CI requires it

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, RetentionAppFactory.AdminEmail, RetentionAppFactory.AdminPassword);
        await BrowserFixture.GotoInteractiveAsync(page, "/admin/integrations");

        foreach (var connector in new[] { "bitrix24", "zendesk" })
        {
            var card = page.Locator($"[data-connector='{connector}']");
            await Assertions.Expect(card.Locator(".connector-mode")).ToHaveTextAsync("Sandbox");
            await card.Locator(".sync-now").ClickAsync();
            await Assertions.Expect(card.Locator(".connector-message")).ToContainTextAsync("sync started");
            // The page refreshes itself while the job runs.
            await Assertions.Expect(card.Locator(".connector-freshness")).ToHaveTextAsync("Fresh", new() { Timeout = 60_000 });
        }

        // The sync filled the database: the board now shows accounts at risk from the sandbox.
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await Assertions.Expect(page.Locator("#accounts-table tbody tr").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "rc-board.png"), FullPage = true });
    }
}
