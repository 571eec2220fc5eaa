using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;
using RetentionConsole.Core.Monitoring;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Integrations.Prometheus;

/// <summary>
/// Instant and range PromQL queries. Returns typed results or throws <see cref="PrometheusQueryException"/>; every use
/// is recorded on the "prometheus" connector state (last success, series read, errors) for the Integrations page.
/// </summary>
public sealed class PrometheusClient
{
    // Long PromQL goes in a form body instead of the URL (proxies cap URL length); Prometheus accepts both.
    private const int MaxGetQueryLength = 1500;

    private readonly IPrometheusApi _api;
    private readonly PrometheusTarget _target;
    private readonly IOptions<PrometheusOptions> _options;
    private readonly IDbContextFactory<RetentionDbContext> _factory;
    private readonly ConnectorRecorder _recorder;
    private readonly TimeProvider _clock;
    private readonly ILogger<PrometheusClient> _logger;

    internal PrometheusClient(IPrometheusApi api, PrometheusTarget target, IOptions<PrometheusOptions> options,
        IDbContextFactory<RetentionDbContext> factory, ConnectorRecorder recorder, TimeProvider clock, ILogger<PrometheusClient> logger)
    {
        _api = api;
        _target = target;
        _options = options;
        _factory = factory;
        _recorder = recorder;
        _clock = clock;
        _logger = logger;
    }

    public bool IsConfigured => _target.IsConfigured;

    /// <summary>An instant query at <paramref name="atUtc"/> (the server's now when null).</summary>
    public Task<MetricQueryResult> QueryAsync(string query, DateTime? atUtc = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var time = atUtc is { } at ? PrometheusMapper.Time(at) : null;
        var timeout = PrometheusMapper.Seconds(_options.Value.QueryTimeout);
        return RunAsync(query, () => query.Length <= MaxGetQueryLength
            ? _api.QueryAsync(query, time, timeout, ct)
            : _api.QueryPostAsync(Form(("query", query), ("time", time), ("timeout", timeout)), ct), ct);
    }

    /// <summary>A range query over [start, end] (both inclusive) every <paramref name="step"/>.</summary>
    public Task<MetricQueryResult> QueryRangeAsync(string query, DateTime startUtc, DateTime endUtc, TimeSpan step, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        if (step <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(step), "The step must be positive.");
        if (endUtc < startUtc) throw new ArgumentException("The end must not be before the start.", nameof(endUtc));
        var start = PrometheusMapper.Time(startUtc);
        var end = PrometheusMapper.Time(endUtc);
        var stepText = PrometheusMapper.Seconds(step);
        var timeout = PrometheusMapper.Seconds(_options.Value.QueryTimeout);
        return RunAsync(query, () => query.Length <= MaxGetQueryLength
            ? _api.QueryRangeAsync(query, start, end, stepText, timeout, ct)
            : _api.QueryRangePostAsync(Form(("query", query), ("start", start), ("end", end), ("step", stepText), ("timeout", timeout)), ct), ct);
    }

    private async Task<MetricQueryResult> RunAsync(string query, Func<Task<IApiResponse<PrometheusResponseDto>>> send, CancellationToken ct)
    {
        if (!_target.IsConfigured)
            throw new PrometheusQueryException(PrometheusQueryException.NotConfigured,
                "set Connectors:Prometheus:BaseUrl (or enable the sandbox).");
        MetricQueryResult result;
        try
        {
            using var response = await send();
            result = Read(response);
        }
        catch (PrometheusQueryException ex)
        {
            await FailedAsync(query, ex, ct);
            throw;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested &&
                                   ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TaskCanceledException)
        {
            var wrapped = new PrometheusQueryException(PrometheusQueryException.Unreachable, ex.Message, null, ex);
            await FailedAsync(query, wrapped, ct);
            throw wrapped;
        }

        await SucceededAsync(result.Series.Count + (result.Scalar is null ? 0 : 1));
        return result;
    }

    private static MetricQueryResult Read(IApiResponse<PrometheusResponseDto> response)
    {
        // Refit reports a failure to reach the server (after the resilience pipeline gave up) on the response.
        if (response.HasRequestError(out var requestError))
            throw new PrometheusQueryException(PrometheusQueryException.Unreachable,
                requestError.InnerException?.Message ?? requestError.Message, null, requestError);
        var status = response.StatusCode ?? 0;
        if (response.IsSuccessful && response.Content is { } content) return PrometheusMapper.ToResult(content, status);
        // Error statuses (400 bad_data, 422 execution, 503 timeout, 500 internal) carry Prometheus's error envelope,
        // which Refit leaves as text on the ApiException; a 2xx that failed to deserialize lands here too.
        response.HasResponseError(out var responseError);
        throw PrometheusMapper.ErrorFromBody(status, responseError?.Content, response.Error);
    }

    private async Task SucceededAsync(int items)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        await using var db = await _factory.CreateDbContextAsync(CancellationToken.None);
        // One statement, so concurrent queries never lose each other's counts.
        var updated = await db.ConnectorStates.Where(s => s.Name == ConnectorNames.Prometheus).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.LastAttemptUtc, now)
            .SetProperty(x => x.LastSuccessUtc, now)
            .SetProperty(x => x.LastError, (string?)null)
            .SetProperty(x => x.ItemsSynced, x => x.ItemsSynced + items), CancellationToken.None);
        if (updated > 0) return;
        db.ConnectorStates.Add(new ConnectorState
        {
            Name = ConnectorNames.Prometheus, LastAttemptUtc = now, LastSuccessUtc = now, ItemsSynced = items,
        });
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // Another query created the row first; its success is recorded, which is what matters here.
        }
    }

    private async Task FailedAsync(string query, PrometheusQueryException error, CancellationToken ct)
    {
        _logger.LogWarning("Prometheus query {Query} failed: {ErrorType} {Error}", query, error.ErrorType, error.Error);
        await _recorder.AttemptFailedAsync(ConnectorNames.Prometheus,
            new InvalidOperationException($"{error.ErrorType}: {error.Error} (query: {Shorten(query)})"), ct);
    }

    private static string Shorten(string query) => query.Length > 200 ? query[..200] + "…" : query;

    private static Dictionary<string, string> Form(params (string Key, string? Value)[] fields) =>
        fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value!);
}
