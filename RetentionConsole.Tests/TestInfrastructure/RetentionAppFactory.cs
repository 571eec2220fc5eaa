using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.Identity;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Tests.TestInfrastructure;

/// <summary>
/// The real host on a real SQLite file of its own (deleted on dispose). Scheduled triggers start far in the future
/// so tests decide when jobs run; extra settings can be layered per test class.
/// </summary>
public class RetentionAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Password-123!";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rc-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings = new();

    public RetentionAppFactory()
    {
        Directory.CreateDirectory(_directory);
        DatabasePath = Path.Combine(_directory, "retention.db");
    }

    public string DatabasePath { get; }

    /// <summary>
    /// True (default): every outgoing HttpClient (connectors) is served in memory by this host's TestServer, so the
    /// in-process sandbox answers them. Set false for Kestrel-hosted browser tests, where real loopback is used.
    /// </summary>
    public bool RouteUpstreamsThroughTestServer { get; set; } = true;

    public RetentionAppFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    protected virtual void AddSettings(IDictionary<string, string?> settings) { }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the framework's and MudBlazor's static web assets need the build manifest explicitly.
        builder.UseStaticWebAssets();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Retention"] = $"Data Source={DatabasePath}",
            ["Database:Provider"] = "Sqlite",
            ["Auth:BootstrapAdmin:Email"] = AdminEmail,
            ["Auth:BootstrapAdmin:Password"] = AdminPassword,
            ["Jobs:StartDelay"] = "01:00:00",
            ["Sandbox:Enabled"] = "false",
        };
        AddSettings(settings);
        foreach (var (k, v) in _settings) settings[k] = v;
        // Command-line style settings win over appsettings.json, which is what a test needs.
        foreach (var (k, v) in settings) builder.UseSetting(k, v);
        if (RouteUpstreamsThroughTestServer)
        {
            builder.ConfigureTestServices(services => services.ConfigureAll<HttpClientFactoryOptions>(o =>
                o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = Server.CreateHandler())));
        }
    }

    public IDbContextFactory<RetentionDbContext> Db => Services.GetRequiredService<IDbContextFactory<RetentionDbContext>>();

    public async Task<string> CreateApiKeyAsync(string role, string name = "test key")
    {
        var created = await Services.GetRequiredService<ApiKeyService>().CreateAsync(name, role, "test");
        return created.Key;
    }

    public HttpClient CreateApiClient(string key)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<string> CreateUserAsync(string role, string? email = null, string password = "User-Password-123!")
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        var result = await Services.GetRequiredService<UserAdminService>().CreateAsync(
            new NewUser { Email = email, Role = role, Password = password, DisplayName = role }, "test");
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors));
        return email;
    }

    /// <summary>A cookie-authenticated client, signed in through the real sign-in form.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await PostLoginAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in of {email} failed: {(int)response.StatusCode}");
        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        var fields = Regex.Matches(page, "<input[^>]*type=\"hidden\"[^>]*>")
            .Select(m => (Name: Attr(m.Value, "name"), Value: Attr(m.Value, "value")))
            .Where(f => f.Name is not null)
            .ToDictionary(f => f.Name!, f => WebUtility.HtmlDecode(f.Value ?? ""));
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }

    private static string? Attr(string tag, string name)
    {
        var m = Regex.Match(tag, $"{name}=\"([^\"]*)\"");
        return m.Success ? m.Groups[1].Value : null;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
