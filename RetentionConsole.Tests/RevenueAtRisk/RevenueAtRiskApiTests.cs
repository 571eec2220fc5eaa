using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Identity;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Core.Tickets;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.RevenueAtRisk;

/// <summary>The RaR JSON API and CSV export over the real host, on hand-built data recomputed by the real engine.</summary>
public sealed class RevenueAtRiskApiTests(RevenueAtRiskApiTests.Fixture fixture) : IClassFixture<RevenueAtRiskApiTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public RetentionAppFactory App { get; } = new RetentionAppFactory()
            .With("Connectors:Zendesk:BaseUrl", "https://acme.zendesk.example")
            .With("Connectors:Zendesk:Email", "agent@acme.example").With("Connectors:Zendesk:ApiToken", "test-token-not-a-secret")
            .With("Connectors:Jira:BaseUrl", "https://acme.atlassian.example");

        public Dictionary<string, HttpClient> ByRole { get; } = new();
        public DateTime Today { get; private set; }

        /// <summary>25 accounts: ARR 10k·i, tier by i % 3, renewal i·10 days out; account 25 has unknown ARR; account 24 is not at risk.</summary>
        public async Task InitializeAsync()
        {
            _ = App.Server;
            Today = App.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.Date;
            await using (var db = await App.Db.CreateDbContextAsync())
            {
                for (var i = 1; i <= 25; i++)
                {
                    db.Accounts.Add(new AccountBuilder(i).Named(i == 13 ? "=HYPERLINK(\"http://evil\")" : $"Company {i:D2}")
                        .WithArr(i == 25 ? null : i * 10_000m).WithTier(new[] { "Enterprise", "Mid-Market", "SMB" }[i % 3])
                        .WithOwner(i % 2 == 0 ? "Dana Whitfield" : "Marco Ruiz").RenewingOn(Today.AddDays(i * 10)).Build());
                    if (i == 24) continue;
                    db.Tickets.Add(new TicketBuilder(1_000 + i).ForAccount(i).WithCategory(i % 2 == 0 ? "latency" : "integration_failure")
                        .WithJiraKey(i <= 3 ? "ENG-42" : $"ENG-{100 + i}").Build());
                }

                db.Tickets.Add(new TicketBuilder(2_000).ForAccount(1).WithJiraKey("ENG-42").Build());
                db.Contacts.Add(new Contact { Id = 1, AccountId = 1, Name = "Alex Smith", Email = "alex@company01.example" });
                await db.SaveChangesAsync();
            }

            await App.Services.GetRequiredService<RevenueAtRiskEngine>().RecalculateAllAsync();
            ByRole[Roles.Admin] = await App.SignInAsync(RetentionAppFactory.AdminEmail, RetentionAppFactory.AdminPassword);
            foreach (var role in new[] { Roles.Engineer, Roles.Leadership })
            {
                ByRole[role] = await App.SignInAsync(await App.CreateUserAsync(role), "User-Password-123!");
            }
        }

        public Task DisposeAsync()
        {
            App.Dispose();
            return Task.CompletedTask;
        }
    }

    private HttpClient Leadership => fixture.ByRole[Roles.Leadership];

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static long[] Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToArray();

    [Fact]
    public async Task Accounts_DefaultSort_IsRarDescending_AndPages()
    {
        var first = await JsonAsync(await Leadership.GetAsync("/api/v1/accounts?pageSize=10"));
        Assert.Equal(24, first.GetProperty("total").GetInt32()); // 25 accounts, one without open friction tickets
        Assert.Equal(3, first.GetProperty("pageCount").GetInt32());
        Assert.Equal([23, 22, 21, 20, 19, 18, 17, 16, 15, 14], Ids(first));
        var row = first.GetProperty("items")[0];
        Assert.Equal(JsonValueKind.Number, row.GetProperty("revenueAtRisk").ValueKind);
        Assert.Equal(230_000m, row.GetProperty("revenueAtRisk").GetDecimal());
        Assert.EndsWith("Z", row.GetProperty("renewalDateUtc").GetString(), StringComparison.Ordinal);
        Assert.Equal("USD", first.GetProperty("currency").GetString());

        var third = await JsonAsync(await Leadership.GetAsync("/api/v1/accounts?pageSize=10&page=3"));
        Assert.Equal([3, 2, 1, 25], Ids(third)); // unknown ARR counts $0 in the sort but is still listed as at risk
    }

    [Fact]
    public async Task Accounts_SortAscendingByName_AndByRenewal()
    {
        var byName = await JsonAsync(await Leadership.GetAsync("/api/v1/accounts?sort=name&dir=asc&pageSize=3&all=true"));
        Assert.Equal([13, 1, 2], Ids(byName)); // "=HYPERLINK…" sorts before "Company…"
        var byRenewal = await JsonAsync(await Leadership.GetAsync("/api/v1/accounts?sort=renewal&dir=asc&pageSize=2"));
        Assert.Equal([1, 2], Ids(byRenewal));
    }

    [Fact]
    public async Task Accounts_Filters_ApplyInTheDatabase()
    {
        Assert.Equal(new long[] { 8, 5, 2 }, Ids(await JsonAsync(await Leadership.GetAsync("/api/v1/accounts?tier=SMB&renewal=90"))));
        Assert.Equal(new long[] { 23, 22, 21 }, Ids(await JsonAsync(await Leadership.GetAsync("/api/v1/accounts?minRar=210000"))));
        Assert.Equal(new long[] { 18, 16, 14, 12, 10 }, Ids(await JsonAsync(await Leadership.GetAsync("/api/v1/accounts?q=company%201&owner=Dana%20Whitfield"))));
        var latency = Ids(await JsonAsync(await Leadership.GetAsync("/api/v1/accounts?category=latency&pageSize=50")));
        Assert.All(latency, id => Assert.Equal(0, id % 2));
        Assert.DoesNotContain(24L, latency);
        Assert.Contains(24L, Ids(await JsonAsync(await Leadership.GetAsync("/api/v1/accounts?all=true&pageSize=50"))));
        // LIKE wildcards in the search are literal.
        Assert.Empty(Ids(await JsonAsync(await Leadership.GetAsync("/api/v1/accounts?q=%25"))));
    }

    [Theory]
    [InlineData("sort=colour", "sort must be one of")]
    [InlineData("page=0", "page must be a whole number of 1 or more.")]
    [InlineData("pageSize=500", "pageSize must be a whole number from 1 to 200.")]
    [InlineData("renewal=soon", "renewal must be a whole number of days")]
    [InlineData("minRar=-1", "minRar must be a number of 0 or more")]
    [InlineData("dir=sideways", "dir must be asc or desc.")]
    public async Task Accounts_BadQuery_Gets400WithAClearMessage(string query, string message)
    {
        var response = await Leadership.GetAsync($"/api/v1/accounts?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var issues = await Leadership.GetAsync($"/api/v1/engineering-issues?{query.Replace("colour", "arr", StringComparison.Ordinal)}");
        Assert.Equal(HttpStatusCode.BadRequest, issues.StatusCode);
    }

    [Fact]
    public async Task Account_Detail_AndMissing404()
    {
        var account = await JsonAsync(await Leadership.GetAsync("/api/v1/accounts/1"));
        Assert.Equal(10_000m, account.GetProperty("arr").GetDecimal());
        Assert.Equal("Alex Smith", account.GetProperty("contacts")[0].GetProperty("name").GetString());
        Assert.Equal(2, account.GetProperty("openTickets").GetArrayLength());
        Assert.Equal("ENG-42", account.GetProperty("engineeringIssues")[0].GetProperty("key").GetString());

        var unknown = await JsonAsync(await Leadership.GetAsync("/api/v1/accounts/25"));
        Assert.Equal(JsonValueKind.Null, unknown.GetProperty("arr").ValueKind);
        Assert.False(unknown.GetProperty("arrKnown").GetBoolean());

        Assert.Equal(HttpStatusCode.NotFound, (await Leadership.GetAsync("/api/v1/accounts/999")).StatusCode);
    }

    [Fact]
    public async Task EngineeringIssues_ListAffectedAccounts_AndCountEachAccountOnce()
    {
        var page = await JsonAsync(await Leadership.GetAsync("/api/v1/engineering-issues?sort=accounts&pageSize=1"));
        var issue = page.GetProperty("items")[0];
        Assert.Equal("ENG-42", issue.GetProperty("key").GetString());
        Assert.Equal(60_000m, issue.GetProperty("revenueAtRisk").GetDecimal()); // 10k + 20k + 30k; account 1 has two tickets
        Assert.Equal(4, issue.GetProperty("openTickets").GetInt32());
        Assert.Equal([3L, 2L, 1L], issue.GetProperty("affectedAccounts").EnumerateArray().Select(a => a.GetProperty("id").GetInt64()));
        Assert.Equal(22, page.GetProperty("total").GetInt32()); // ENG-42, ENG-104..123, ENG-125

        var filtered = await JsonAsync(await Leadership.GetAsync("/api/v1/engineering-issues?tier=Mid-Market&renewal=30"));
        Assert.Equal(["ENG-42"], filtered.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task Summary_ReportsThePortfolio()
    {
        var summary = await JsonAsync(await Leadership.GetAsync("/api/v1/summary"));
        // Sum of 10k·i for i = 1..23 (24 is not at risk, 25 has unknown ARR).
        Assert.Equal(2_760_000m, summary.GetProperty("portfolioRevenueAtRisk").GetDecimal());
        Assert.Equal(24, summary.GetProperty("accountsAtRisk").GetInt32());
        Assert.Equal(1, summary.GetProperty("accountsAtRiskUnknownArr").GetInt32());
        Assert.Equal(9, summary.GetProperty("renewalsAtRiskNext90Days").GetInt32());
        Assert.Equal(25, summary.GetProperty("openFrictionTickets").GetInt32());
    }

    [Fact]
    public async Task EveryRole_MayRead_AndAnonymousGets401()
    {
        foreach (var path in new[] { "/api/v1/summary", "/api/v1/accounts", "/api/v1/accounts/1", "/api/v1/engineering-issues" })
        {
            foreach (var (role, client) in fixture.ByRole)
            {
                Assert.True((await client.GetAsync(path)).StatusCode == HttpStatusCode.OK, $"{role} cookie on {path}");
                var byKey = fixture.App.CreateApiClient(await fixture.App.CreateApiKeyAsync(role));
                Assert.True((await byKey.GetAsync(path)).StatusCode == HttpStatusCode.OK, $"{role} API key on {path}");
            }

            var anonymous = fixture.App.CreateClient(new() { AllowAutoRedirect = false });
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        }

        var wrongKey = fixture.App.CreateApiClient("rc_not-a-real-key-000000000000000");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("/api/v1/accounts")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_DocumentsTheRoutes()
    {
        var doc = await Leadership.GetStringAsync("/openapi/v1.json");
        foreach (var route in new[] { "/api/v1/summary", "/api/v1/accounts", "/api/v1/accounts/{id}", "/api/v1/engineering-issues" })
        {
            Assert.Contains($"\"{route}\"", doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CsvExport_IsTheFilteredView_EscapedAndFormulaSafe()
    {
        var response = await Leadership.GetAsync("/export/accounts.csv?tier=Mid-Market&sort=name&dir=asc&all=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n".ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Account ID,Name,Tier", lines[0], StringComparison.Ordinal);
        Assert.Equal(9, lines.Length - 1); // i % 3 == 1 for i in 1..25, at risk or not (all=true)
        Assert.StartsWith("13,\"'=HYPERLINK(\"\"http://evil\"\")\",Mid-Market", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("1,Company 01,Mid-Market,Marco Ruiz,10000,yes,10000,10000,", lines[2], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("25,Company 25,Mid-Market,Marco Ruiz,,no,0,0,", StringComparison.Ordinal));

        var issues = await Leadership.GetStringAsync("/export/engineering-issues.csv?sort=accounts");
        Assert.Contains("ENG-42,", issues, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Leadership.GetAsync("/export/accounts.csv?sort=colour")).StatusCode);
        var anonymous = fixture.App.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/export/accounts.csv")).StatusCode);
    }

    [Fact]
    public async Task Pages_RenderForEveryRole_WithUpstreamLinks()
    {
        foreach (var (role, client) in fixture.ByRole)
        {
            var board = await client.GetAsync("/?renewal=90&sort=rar");
            Assert.True(board.StatusCode == HttpStatusCode.OK, $"{role} board");
            var account = await client.GetStringAsync("/accounts/1");
            Assert.Contains("Company 01", account, StringComparison.Ordinal);
            Assert.Contains("https://acme.zendesk.example/agent/tickets/1001", account, StringComparison.Ordinal);
            var issue = await client.GetStringAsync("/issues/ENG-42");
            Assert.Contains("https://acme.atlassian.example/browse/ENG-42", issue, StringComparison.Ordinal);
            Assert.Contains("Company 03", issue, StringComparison.Ordinal);
        }

        var html = await Leadership.GetStringAsync("/accounts/13");
        // Upstream text is encoded, never rendered as markup.
        Assert.Contains("=HYPERLINK(&quot;http://evil&quot;)", html, StringComparison.Ordinal);
    }
}
