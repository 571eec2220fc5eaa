using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Identity;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Platform;

/// <summary>Who reaches what: a table over every page and API route, for anonymous users, each role and API keys.</summary>
public sealed class AccessTests(AccessTests.Fixture fixture) : IClassFixture<AccessTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public RetentionAppFactory App { get; } = new();
        public Dictionary<string, HttpClient> ByRole { get; } = new();

        public async Task InitializeAsync()
        {
            _ = App.Server;
            ByRole[Roles.Admin] = await App.SignInAsync(RetentionAppFactory.AdminEmail, RetentionAppFactory.AdminPassword);
            foreach (var role in new[] { Roles.Engineer, Roles.Leadership })
            {
                var email = await App.CreateUserAsync(role);
                ByRole[role] = await App.SignInAsync(email, "User-Password-123!");
            }
        }

        public Task DisposeAsync()
        {
            App.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>Every page, and the roles that may open it (empty = every signed-in user).</summary>
    public static readonly TheoryData<string, string> Pages = new()
    {
        { "/", "" },
        { "/accounts/1", "" },
        { "/issues/ENG-1", "" },
        { "/admin/users", Roles.Admin },
        { "/admin/jobs", Roles.Admin },
        { "/admin/integrations", Roles.Admin },
        { "/admin/audit", Roles.Admin },
    };

    /// <summary>Every API route (method, path) and the roles that may call it.</summary>
    public static readonly TheoryData<string, string, string> ApiRoutes = new()
    {
        { "GET", "/api/v1/me", "" },
        { "GET", "/openapi/v1.json", "" },
        { "GET", "/api/v1/summary", "" },
        { "GET", "/api/v1/accounts", "" },
        { "GET", "/api/v1/engineering-issues", "" },
        { "POST", "/api/v1/jobs/job-history-retention/run", Roles.Admin },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_Anonymous_RedirectsToSignIn(string path, string _)
    {
        var client = fixture.App.CreateClient(new() { AllowAutoRedirect = false });
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_EachRole_ReachesExactlyWhatItMay(string path, string allowed)
    {
        foreach (var (role, client) in fixture.ByRole)
        {
            var response = await client.GetAsync(path);
            var mayOpen = allowed.Length == 0 || allowed.Split(',').Contains(role);
            if (mayOpen)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{role} should open {path} but got {(int)response.StatusCode}");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{role} should be refused {path} but got {(int)response.StatusCode}");
                Assert.StartsWith("/account/access-denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task Api_Anonymous_Gets401(string method, string path, string _)
    {
        var client = fixture.App.CreateClient(new() { AllowAutoRedirect = false });
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task Api_EachRoleByApiKey_ReachesExactlyWhatItMay(string method, string path, string allowed)
    {
        foreach (var role in Roles.All)
        {
            var client = fixture.App.CreateApiClient(await fixture.App.CreateApiKeyAsync(role));
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            var mayCall = allowed.Length == 0 || allowed.Split(',').Contains(role);
            if (mayCall) Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict, $"{role} on {path}: {(int)response.StatusCode}");
            else Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Fact]
    public async Task Me_WithCookie_ReturnsNameAndRoles()
    {
        var me = await fixture.ByRole[Roles.Leadership].GetFromJsonAsync<MeDto>("/api/v1/me");
        Assert.Equal([Roles.Leadership], me!.Roles);
        Assert.Contains("@test.local", me.Name);
    }

    [Fact]
    public async Task ApiKey_Valid_WorksAndWrongOrRevoked_Gets401()
    {
        var key = await fixture.App.CreateApiKeyAsync(Roles.Engineer, "automation");
        var ok = await fixture.App.CreateApiClient(key).GetFromJsonAsync<MeDto>("/api/v1/me");
        Assert.Equal([Roles.Engineer], ok!.Roles);

        var wrong = await fixture.App.CreateApiClient(key + "x").GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        await using var db = await fixture.App.Db.CreateDbContextAsync();
        var stored = await db.ApiKeys.SingleAsync(k => k.Hash == ApiKeyService.Hash(key));
        Assert.DoesNotContain(key, stored.Hash, StringComparison.Ordinal);
        await fixture.App.Services.GetRequiredService<ApiKeyService>().RevokeAsync(stored.Id, "test");
        var revoked = await fixture.App.CreateApiClient(key).GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task SeedApiKey_FromConfiguration_Works()
    {
        const string seed = "rc_seeded-key-for-automation-0123456789";
        using var app = new RetentionAppFactory().With("Auth:SeedApiKey:Key", seed).With("Auth:SeedApiKey:Role", Roles.Leadership);
        var me = await app.CreateApiClient(seed).GetFromJsonAsync<MeDto>("/api/v1/me");
        Assert.Equal([Roles.Leadership], me!.Roles);
    }

    [Fact]
    public async Task Health_IsAnonymous_AndReportsDatabase()
    {
        var client = fixture.App.CreateClient();
        var body = await client.GetStringAsync("/health");
        Assert.Contains("\"database\"", body);
        Assert.Contains("Healthy", body);
    }

    private sealed record MeDto(string Name, List<string> Roles, string AuthenticatedBy);
}

public sealed class NotFoundTests
{
    [Fact]
    public async Task UnknownUrl_Anonymous_GoesToSignIn_SignedIn_GetsFriendly404()
    {
        using var app = new RetentionAppFactory();
        var anonymous = await app.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/no-such-page");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/account/login", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var admin = await app.SignInAsync(RetentionAppFactory.AdminEmail, RetentionAppFactory.AdminPassword);
        var response = await admin.GetAsync("/no-such-page");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Nothing here", await response.Content.ReadAsStringAsync());
    }
}
