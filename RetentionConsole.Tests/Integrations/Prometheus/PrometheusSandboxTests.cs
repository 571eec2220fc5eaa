using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.Integrations.Prometheus;
using RetentionConsole.Core.Monitoring;
using RetentionConsole.Sandbox;
using RetentionConsole.Sandbox.Prometheus;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Integrations.Prometheus;

/// <summary>The simulated Prometheus speaks the wire format of the contracts: string values, numeric timestamps, error envelopes.</summary>
public sealed class PrometheusSandboxTests(PrometheusSandboxTests.Fixture fixture) : IClassFixture<PrometheusSandboxTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public RetentionAppFactory App { get; } = new RetentionAppFactory()
            .With("Sandbox:Enabled", "true")
            .With("Sandbox:LiveInterval", "00:00:00")
            .With("Sandbox:Alertmanager:Interval", "00:00:00");

        public HttpClient Client => App.CreateClient();

        public void Dispose() => App.Dispose();
    }

    private const string Latency = "histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m])))";

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string pathAndQuery)
    {
        var response = await fixture.Client.GetAsync("/sandbox/prometheus/api/v1/" + pathAndQuery);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Up_IsAVectorWithStringValues()
    {
        var (status, body) = await GetAsync("query?query=up&time=1796302043.777");
        Assert.Equal(HttpStatusCode.OK, status);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("success", doc.RootElement.GetProperty("status").GetString());
        var first = doc.RootElement.GetProperty("data").GetProperty("result")[0];
        var value = first.GetProperty("value");
        Assert.Equal(JsonValueKind.Number, value[0].ValueKind);
        Assert.Equal("1796302043.777", value[0].GetRawText());
        Assert.Equal("1", value[1].GetString());
        Assert.Equal("up", first.GetProperty("metric").GetProperty("__name__").GetString());
    }

    [Fact]
    public async Task Latency_BaselineAndIncident_PerService()
    {
        var world = fixture.App.Services.GetRequiredService<SandboxWorld>();
        // The seeded incident: integrations at 450 ms, started 30 minutes before the world was made.
        var seeded = world.Read(w => w.Incidents.First());
        var during = PrometheusFormat.Timestamp(Math.Round(PrometheusFormat.UnixSeconds(seeded.StartedUtc.AddMinutes(1)), 3));
        var before = PrometheusFormat.Timestamp(Math.Round(PrometheusFormat.UnixSeconds(seeded.StartedUtc.AddMinutes(-1)), 3));

        var (_, duringBody) = await GetAsync($"query?query={Uri.EscapeDataString(Latency)}&time={during}");
        var (_, beforeBody) = await GetAsync($"query?query={Uri.EscapeDataString(Latency)}&time={before}");

        var duringResult = PrometheusMapper.Parse(duringBody);
        var beforeResult = PrometheusMapper.Parse(beforeBody);
        Assert.Equal(seeded.LatencyMs / 1000, duringResult.Series.Single(s => s.Label("service") == seeded.Service).Points[0].Value, 6);
        Assert.InRange(beforeResult.Series.Single(s => s.Label("service") == seeded.Service).Points[0].Value, 0.1, 0.14);
        Assert.Equal(SandboxWorld.AllServices.Length, duringResult.Series.Count);
    }

    [Fact]
    public async Task FormPost_Works_LikeTheLiveCapture()
    {
        var response = await fixture.Client.PostAsync("/sandbox/prometheus/api/v1/query",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["query"] = Latency.Replace("le, service", "le", StringComparison.Ordinal) }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = PrometheusMapper.Parse(await response.Content.ReadAsStringAsync());
        // Without "service" in the grouping, one series without labels.
        Assert.Empty(Assert.Single(result.Series).Labels);
    }

    [Fact]
    public async Task QueryRange_StepAligned_HasIntegerTimestamps()
    {
        var (status, body) = await GetAsync("query_range?query=vector(1)&start=1796302035&end=1796302043&step=4s");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1796302035,"1"],[1796302039,"1"],[1796302043,"1"]]}]}}""", body);
    }

    [Theory]
    [InlineData("query?query=sum(up", "invalid parameter \\\"query\\\": 1:7: parse error: unclosed left parenthesis")]
    [InlineData("query?query=rate(foo[5m])", "does not support this query")]
    [InlineData("query?query=up&time=yesterday", "invalid parameter \\\"time\\\"")]
    [InlineData("query_range?query=up", "invalid parameter \\\"start\\\": cannot parse \\\"\\\" to a valid timestamp")]
    [InlineData("query_range?query=up&start=10&end=5&step=1", "end timestamp must not be before start time")]
    [InlineData("query_range?query=up&start=0&end=100000&step=1s", "exceeded maximum resolution of 11,000 points")]
    [InlineData("query_range?query=up&start=0&end=10&step=0", "zero or negative query resolution step")]
    public async Task BadRequests_GetTheBadDataEnvelope(string pathAndQuery, string message)
    {
        var (status, body) = await GetAsync(pathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"", body);
        Assert.Contains(message, body);
        var ex = Assert.Throws<PrometheusQueryException>(() => PrometheusMapper.Parse(body, status));
        Assert.Equal("bad_data", ex.ErrorType);
    }

    [Fact]
    public async Task ParseErrorBody_MatchesTheLiveCaptureByteForByte()
    {
        var (_, body) = await GetAsync("query?query=" + Uri.EscapeDataString("sum(up"));
        Assert.Equal(ContractFiles.Read("prometheus", "live.error.bad_data.parse.json"), body);
    }

    [Fact]
    public async Task Faults_AreAppliedFirst()
    {
        var faults = fixture.App.Services.GetRequiredService<SandboxFaults>();
        faults.Enqueue(PrometheusSandbox.Upstream, new SandboxFault(SandboxFaultKind.RateLimited, RetryAfterSeconds: 7));
        var response = await fixture.Client.GetAsync("/sandbox/prometheus/api/v1/query?query=up");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client.GetAsync("/sandbox/prometheus/api/v1/query?query=up")).StatusCode);
    }

    [Theory]
    [InlineData("15s", 15)]
    [InlineData("1m30s", 90)]
    [InlineData("2.5", 2.5)]
    [InlineData("100ms", 0.1)]
    public void Durations_ParseLikePrometheus(string text, double seconds)
    {
        Assert.True(PrometheusSandbox.TryDuration(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds, 6);
    }

    [Fact]
    public void Times_AcceptRfc3339AndUnixSeconds()
    {
        Assert.True(PrometheusSandbox.TryTime("2015-07-01T20:10:51.781Z", out var rfc));
        Assert.True(PrometheusSandbox.TryTime("1435781451.781", out var unix));
        Assert.Equal(rfc, unix);
        Assert.False(PrometheusSandbox.TryTime("", out _));
    }

    [Fact]
    public void UnsupportedResultType_WouldBeNoticed() =>
        Assert.Equal(MetricResultType.Scalar, PrometheusMapper.Parse("""{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}""").Type);
}
