using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Platform;

public sealed class ConfigurationTests
{
    [Fact]
    public void Startup_UnknownDatabaseProvider_FailsWithClearMessage()
    {
        using var app = new RetentionAppFactory().With("Database:Provider", "Oracle");
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        var validation = FindInner<OptionsValidationException>(error);
        Assert.NotNull(validation);
        Assert.Contains("Database:Provider must be Sqlite or SqlServer.", validation.Message);
    }

    [Fact]
    public void Startup_SqlServerWithoutConnectionString_FailsWithClearMessage()
    {
        using var app = new RetentionAppFactory().With("Database:Provider", "SqlServer").With("ConnectionStrings:Retention", "");
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("ConnectionStrings:Retention is empty", Flatten(error));
    }

    [Fact]
    public void Startup_ShortSeedApiKey_FailsWithClearMessage()
    {
        using var app = new RetentionAppFactory().With("Auth:SeedApiKey:Key", "short");
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("Auth:SeedApiKey:Key must be at least 24 characters.", Flatten(error));
    }

    [Fact]
    public void ExampleSettings_DocumentEveryDesignKey()
    {
        var root = RepoPaths.Root();
        var example = File.ReadAllText(Path.Combine(root, "appsettings.example.json"));
        string[] keys =
        [
            "\"Provider\"", "\"Retention\"", "\"BootstrapAdmin\"", "\"SeedApiKey\"", "\"Sandbox\"", "\"Zendesk\"", "\"JiraKeyFieldId\"",
            "\"WebhookSecret\"", "\"Bitrix24\"", "\"ApplicationToken\"", "\"ArrSource\"", "\"ContractCategoryId\"", "\"ReportingCurrency\"",
            "\"Jira\"", "\"BoardId\"", "\"Prometheus\"", "\"Alertmanager\"", "\"BearerToken\"", "\"CustomerIo\"", "\"TrackUrl\"",
            "\"Escalation\"", "\"RevenueAtRiskThreshold\"", "\"MaxPerSprint\"", "\"UpdateOnChangePercent\"",
        ];
        foreach (var key in keys) Assert.Contains(key, example);
    }

    private static T? FindInner<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T t) return t;
            if (e is AggregateException agg)
                foreach (var inner in agg.InnerExceptions)
                    if (FindInner<T>(inner) is { } found) return found;
        }

        return null;
    }

    private static string Flatten(Exception e) => e is AggregateException a
        ? string.Join(" | ", a.InnerExceptions.Select(Flatten))
        : e.Message + (e.InnerException is null ? "" : " | " + Flatten(e.InnerException));
}

public sealed class SandboxSwitchTests
{
    [Fact]
    public async Task Sandbox_Disabled_IsNotReachable_EvenForAnAdmin()
    {
        using var app = new RetentionAppFactory().With("Sandbox:Enabled", "false");
        var admin = await app.SignInAsync(RetentionAppFactory.AdminEmail, RetentionAppFactory.AdminPassword);
        var response = await admin.GetAsync("/sandbox/zendesk/api/v2/incremental/organizations.json?start_time=0");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Sandbox_Enabled_ServesTheSimulatedUpstreams()
    {
        using var app = new RetentionAppFactory().With("Sandbox:Enabled", "true").With("Sandbox:LiveInterval", "00:00:00");
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("agent@example.com/token:sandbox")));
        var response = await client.GetAsync("/sandbox/zendesk/api/v2/incremental/organizations.json?start_time=0");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"organizations\"", await response.Content.ReadAsStringAsync());
    }
}

public sealed class ExampleSettingsTests
{
    /// <summary>appsettings.example.json must bind to the real option classes and pass their start-up validation.</summary>
    [Fact]
    public void ExampleSettings_BindAndValidate_ThroughEveryOptionsClass()
    {
        var config = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root(), "appsettings.example.json"), optional: false)
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config);
        RetentionConsole.Core.CoreRegistration.AddRetentionCore(services, config, Path.GetTempPath());
        RetentionConsole.Sandbox.SandboxRegistration.AddSandbox(services, config);
        using var provider = services.BuildServiceProvider();

        T Value<T>() where T : class => provider.GetRequiredService<IOptions<T>>().Value;
        Assert.Equal("Sqlite", Value<RetentionConsole.Core.Persistence.DatabaseOptions>().Provider);
        Assert.Equal(5, Value<RetentionConsole.Core.Identity.AuthOptions>().MaxFailedAttempts);
        Assert.Equal(10, Value<RetentionConsole.Core.Integrations.Zendesk.ZendeskOptions>().ExportRequestsPerMinute);
        Assert.Equal("USD", Value<RetentionConsole.Core.Integrations.Bitrix24.Bitrix24Options>().ReportingCurrency);
        Assert.Equal(TimeSpan.FromSeconds(20), Value<RetentionConsole.Core.Integrations.Prometheus.PrometheusOptions>().QueryTimeout);
        _ = Value<RetentionConsole.Core.Monitoring.AlertmanagerOptions>();
        Assert.Equal("CodeDefect", Value<RetentionConsole.Core.Tickets.TicketOptions>().Categories["bug"]);
        var rar = Value<RetentionConsole.Core.RevenueAtRisk.RevenueAtRiskOptions>();
        Assert.Equal([30, 90, 180], rar.RenewalWeights.Select(b => b.WithinDays));
        Assert.Equal(0.25m, rar.BeyondWeight);
        Assert.Equal(30, Value<RetentionConsole.Core.Jobs.JobHistoryOptions>().RetainDays);
        Assert.False(Value<RetentionConsole.Sandbox.SandboxOptions>().Enabled);
    }
}
