using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Time.Testing;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Integrations.Prometheus;
using RetentionConsole.Core.Monitoring;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Sandbox;
using RetentionConsole.Sandbox.Prometheus;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Integrations.Prometheus;

/// <summary>
/// The production Prometheus client (Refit + resilience + recording) against the in-process sandbox. Each test builds
/// its own client container on a <see cref="FakeTimeProvider"/>, so retry waits pass on the fake clock, not for real.
/// </summary>
public sealed class PrometheusClientTests : IClassFixture<PrometheusClientTests.Fixture>, IDisposable
{
    public sealed class Fixture : IDisposable
    {
        public RetentionAppFactory App { get; } = new RetentionAppFactory()
            .With("Sandbox:Enabled", "true")
            .With("Sandbox:LiveInterval", "00:00:00")
            .With("Sandbox:Alertmanager:Interval", "00:00:00");

        public Fixture() => _ = App.Server;

        public SandboxFaults Faults => App.Services.GetRequiredService<SandboxFaults>();
        public SandboxWorld World => App.Services.GetRequiredService<SandboxWorld>();

        public void Dispose() => App.Dispose();
    }

    private sealed class NoSandboxAddress : ISandboxAddress
    {
        public Uri BaseUri => throw new InvalidOperationException("BaseUrl is configured; the sandbox address must not be used.");
    }

    private readonly Fixture _fixture;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public PrometheusClientTests(Fixture fixture)
    {
        _fixture = fixture;
        fixture.Faults.Clear();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // A path prefix, as a Prometheus behind a reverse proxy would have.
            ["Connectors:Prometheus:BaseUrl"] = "http://localhost/sandbox/prometheus/",
        }).Build());
        services.AddSingleton<ISandboxAddress, NoSandboxAddress>();
        services.AddSingleton(fixture.App.Db);
        services.AddSingleton<ConnectorRecorder>();
        services.AddPrometheus();
        services.ConfigureAll<HttpClientFactoryOptions>(o =>
            o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = fixture.App.Server.CreateHandler()));
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _fixture.Faults.Clear();
        _services.Dispose();
    }

    private PrometheusClient Client => _services.GetRequiredService<PrometheusClient>();

    private int Requests => _fixture.Faults.RequestCounts.GetValueOrDefault(PrometheusSandbox.Upstream);

    /// <summary>Runs <paramref name="call"/>, moving the fake clock 1 s at a time until it finishes; returns how far it moved.</summary>
    private async Task<(T Result, TimeSpan Advanced)> DriveAsync<T>(Func<Task<T>> call)
    {
        var task = call();
        var advanced = TimeSpan.Zero;
        for (var i = 0; i < 600 && !task.IsCompleted; i++)
        {
            // Let the in-memory request and the pipeline reach their next timer before time moves on.
            await Task.Delay(20);
            if (task.IsCompleted) break;
            _clock.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
        }

        return (await task, advanced);
    }

    private async Task<ConnectorState?> StateAsync()
    {
        await using var db = await _fixture.App.Db.CreateDbContextAsync();
        return await db.ConnectorStates.AsNoTracking().SingleOrDefaultAsync(s => s.Name == ConnectorNames.Prometheus);
    }

    [Fact]
    public async Task InstantQuery_LatencyPerService_FromTheSandboxWorld()
    {
        var at = new DateTime(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);
        _fixture.World.Write(w => w.Incidents.Add(new SimIncident("reporting", at.AddMinutes(-10), 820) { EndedUtc = at.AddMinutes(10) }));

        var result = await Client.QueryAsync(
            "histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m])))", at);

        Assert.Equal(MetricResultType.Vector, result.Type);
        Assert.Equal(SandboxWorld.AllServices.Order(), result.Series.Select(s => s.Label("service")!).Order());
        var reporting = result.Series.Single(s => s.Label("service") == "reporting").Points.Single();
        Assert.Equal(0.82, reporting.Value, 6);
        Assert.Equal(at, reporting.TimestampUtc);
        var coreApi = result.Series.Single(s => s.Label("service") == "core-api").Points.Single();
        Assert.InRange(coreApi.Value, 0.1, 0.14);

        var state = await StateAsync();
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, state!.LastSuccessUtc);
        Assert.True(state.ItemsSynced >= 5);
    }

    [Fact]
    public async Task RangeQuery_IncidentShowsOnlyWhileActive()
    {
        var start = new DateTime(2026, 11, 1, 10, 0, 0, DateTimeKind.Utc);
        _fixture.World.Write(w => w.Incidents.Add(new SimIncident("webhooks", start.AddMinutes(2), 640) { EndedUtc = start.AddMinutes(4) }));

        var result = await Client.QueryRangeAsync(
            "sum by (service) (rate(http_requests_total{code=~\"5..\"}[5m])) / sum by (service) (rate(http_requests_total[5m]))",
            start, start.AddMinutes(5), TimeSpan.FromMinutes(1));

        Assert.Equal(MetricResultType.Matrix, result.Type);
        var webhooks = result.Series.Single(s => s.Label("service") == "webhooks").Points;
        Assert.Equal(6, webhooks.Count);
        Assert.Equal(start, webhooks[0].TimestampUtc);
        Assert.Equal([0.002, 0.002, 0.064, 0.064, 0.002, 0.002], webhooks.Select(p => p.Value));
    }

    [Fact]
    public async Task LongQuery_GoesAsFormPost_AndStillAnswers()
    {
        var query = "vector(1)" + new string(' ', 2000);
        var result = await Client.QueryAsync(query);
        Assert.Equal(1, result.Series.Single().Points.Single().Value);
    }

    [Fact]
    public async Task NaNLiteral_IsAScalarNaN()
    {
        var result = await Client.QueryAsync("NaN");
        Assert.Equal(MetricResultType.Scalar, result.Type);
        Assert.True(double.IsNaN(result.Scalar!.Value));
    }

    [Fact]
    public async Task BadQuery_IsBadData_NotRetried_AndRecorded()
    {
        var before = Requests;
        var ex = await Assert.ThrowsAsync<PrometheusQueryException>(() => Client.QueryAsync("sum(up"));

        Assert.Equal("bad_data", ex.ErrorType);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("unclosed left parenthesis", ex.Error);
        Assert.Equal(before + 1, Requests);

        var state = await StateAsync();
        Assert.Contains("bad_data", state!.LastError);
        await using var db = await _fixture.App.Db.CreateDbContextAsync();
        Assert.True(await db.ConnectorEvents.AnyAsync(e => e.Connector == ConnectorNames.Prometheus &&
                                                          e.Kind == ConnectorEventKind.Error && e.Message.Contains("sum(up")));
    }

    [Fact]
    public async Task RangeQuery_TooManyPoints_IsBadData()
    {
        var ex = await Assert.ThrowsAsync<PrometheusQueryException>(() =>
            Client.QueryRangeAsync("up", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), TimeSpan.FromSeconds(1)));
        Assert.Equal("bad_data", ex.ErrorType);
        Assert.StartsWith("exceeded maximum resolution of 11,000 points", ex.Error);
    }

    [Fact]
    public async Task ServerErrors_AreRetried_OnTheFakeClock()
    {
        _fixture.Faults.Enqueue(PrometheusSandbox.Upstream, new SandboxFault(SandboxFaultKind.ServerError, Status: 503), times: 2);
        var before = Requests;

        var (result, advanced) = await DriveAsync(() => Client.QueryAsync("up"));

        Assert.Equal(SandboxWorld.AllServices.Length, result.Series.Count);
        Assert.Equal(before + 3, Requests);
        // Two back-offs of ~2 s and ~4 s (jittered) passed on the fake clock.
        Assert.True(advanced >= TimeSpan.FromSeconds(2), $"advanced {advanced}");
    }

    [Fact]
    public async Task RateLimited_WaitsOutRetryAfter_BeforeRetrying()
    {
        _fixture.Faults.Enqueue(PrometheusSandbox.Upstream, new SandboxFault(SandboxFaultKind.RateLimited, RetryAfterSeconds: 40));
        var before = Requests;

        var (result, advanced) = await DriveAsync(() => Client.QueryAsync("vector(1)"));

        Assert.Equal(1, result.Series.Single().Points.Single().Value);
        Assert.Equal(before + 2, Requests);
        // The default back-off is 2 s; only Retry-After explains a wait of 40 s.
        Assert.True(advanced >= TimeSpan.FromSeconds(40), $"advanced {advanced}");
        Assert.True(advanced < TimeSpan.FromSeconds(60), $"advanced {advanced}");
    }

    [Fact]
    public async Task PersistentOutage_GivesUpWithHttpError_AfterRetries()
    {
        _fixture.Faults.Enqueue(PrometheusSandbox.Upstream, new SandboxFault(SandboxFaultKind.ServerError, Status: 502), times: 4);
        var before = Requests;

        var ex = await Assert.ThrowsAsync<PrometheusQueryException>(async () => await DriveAsync(() => Client.QueryAsync("up")));

        Assert.Equal(PrometheusQueryException.HttpError, ex.ErrorType);
        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Equal(before + 4, Requests);
    }

    [Fact]
    public async Task MalformedBody_IsBadResponse()
    {
        _fixture.Faults.Enqueue(PrometheusSandbox.Upstream, new SandboxFault(SandboxFaultKind.MalformedBody));
        var ex = await Assert.ThrowsAsync<PrometheusQueryException>(() => Client.QueryAsync("up"));
        Assert.Equal(PrometheusQueryException.BadResponse, ex.ErrorType);
    }

    [Fact]
    public async Task HostWiring_UsesTheSandboxWhenNoBaseUrl()
    {
        // The host's own container: no BaseUrl, Sandbox:Enabled → ISandboxAddress + "sandbox/prometheus/".
        var client = _fixture.App.Services.GetRequiredService<PrometheusClient>();
        var (ok, message) = await PrometheusProbeJob.TestAsync(client);
        Assert.True(ok, message);
        Assert.True(_fixture.App.Services.GetRequiredService<PrometheusTarget>().IsSandbox);
    }

    [Fact]
    public async Task NotConfigured_SaysSo()
    {
        using var app = new RetentionAppFactory();
        var client = app.Services.GetRequiredService<PrometheusClient>();
        Assert.False(client.IsConfigured);
        var ex = await Assert.ThrowsAsync<PrometheusQueryException>(() => client.QueryAsync("up"));
        Assert.Equal(PrometheusQueryException.NotConfigured, ex.ErrorType);
        var (ok, message) = await PrometheusProbeJob.TestAsync(client);
        Assert.False(ok);
        Assert.Contains("not configured", message);
    }
}
