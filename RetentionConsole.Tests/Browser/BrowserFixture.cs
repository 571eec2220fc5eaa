using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Browser;

/// <summary>
/// The app on real Kestrel (loopback, random port) and Debian's Chromium driven by Playwright. Without Chromium the
/// journeys are skipped on a laptop; with RETENTION_REQUIRE_BROWSER=1 (CI) a missing browser fails instead.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public RetentionAppFactory App { get; private set; } = null!;
    public IBrowser? Browser { get; private set; }
    public string BaseUrl { get; private set; } = "";
    public string? SkipReason { get; private set; }

    public static string? ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable("CHROMIUM_PATH");
        foreach (var candidate in new[] { configured, "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate)) return candidate;
        }

        return null;
    }

    public static bool BrowserRequired => Environment.GetEnvironmentVariable("RETENTION_REQUIRE_BROWSER") == "1";

    /// <summary>Settings for the app under test; a subclass or a test may add more before InitializeAsync.</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    public async Task InitializeAsync()
    {
        var chromium = ChromiumPath();
        if (chromium is null)
        {
            if (BrowserRequired) throw new InvalidOperationException("Chromium is required (RETENTION_REQUIRE_BROWSER=1) but /usr/bin/chromium is missing: apt-get install chromium.");
            SkipReason = "Chromium not installed";
            return;
        }

        App = new RetentionAppFactory { RouteUpstreamsThroughTestServer = false };
        foreach (var (k, v) in Settings) App.With(k, v);
        App.UseKestrel(0);
        App.StartServer();
        var addresses = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("://[::]", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1").Replace("://localhost", "://127.0.0.1").TrimEnd('/');

        // Expect(...) assertions retry until this limit (Playwright's default is 5 s): a guard against hangs, not a speed check.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, AcceptDownloads = true });
        // Generous limits: they only stop a hung test; a busy 2-core CI machine can take a while to prerender a page.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(90_000);
        return await context.NewPageAsync();
    }

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await WaitForInteractiveAsync(page);
    }

    /// <summary>Waits until the page's Blazor circuit is live (the layout renders a marker only when interactive).</summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync("#rc-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

    /// <summary>Navigates and waits for the circuit.</summary>
    public static async Task GotoInteractiveAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitForInteractiveAsync(page);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        App?.Dispose();
    }
}

/// <summary>
/// Browser journeys run one at a time and not alongside the rest of the suite: each drives a real Kestrel host and a
/// Chromium, and on a 2-core machine a SignalR circuit starved by parallel test hosts can drop a click.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser journeys";
}
