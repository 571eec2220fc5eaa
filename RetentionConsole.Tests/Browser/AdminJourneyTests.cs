using Microsoft.Playwright;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AdminJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_CreatesEngineer_WhoThenSignsIn_AndIsRefusedAdminPages()
    {
        if (browser.SkipReason is not null) return; // no Chromium on this laptop; CI requires it

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, RetentionAppFactory.AdminEmail, RetentionAppFactory.AdminPassword);

        await BrowserFixture.GotoInteractiveAsync(page, "/admin/users");
        await page.FillAsync("#new-email", "eve.engineer@test.local");
        await page.FillAsync("#new-name", "Eve Engineer");
        await page.FillAsync("#new-password", "Engineer-Password-1!");
        // Engineer is the default role in the form.
        await page.ClickAsync("#create-user");
        await page.WaitForSelectorAsync("tr[data-user='eve.engineer@test.local']");

        // Sign out through the user menu.
        await page.ClickAsync("#user-menu button, button#user-menu, #user-menu");
        await page.ClickAsync("#sign-out");
        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));

        await BrowserFixture.SignInAsync(page, "eve.engineer@test.local", "Engineer-Password-1!");
        var nav = await page.InnerTextAsync("nav, .mud-navmenu");
        Assert.DoesNotContain("Users & API keys", nav);

        var response = await page.GotoAsync("/admin/users");
        Assert.NotNull(response);
        await page.WaitForSelectorAsync("#access-denied");
        Assert.Contains("/account/access-denied", page.Url);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "rc-admin-journey.png") });
    }
}
