namespace RetentionConsole.Core.Integrations;

/// <summary>
/// A real requests-per-period limiter (the resilience handler's "rate limiter" only caps concurrency): a request
/// waits, on the injected <see cref="TimeProvider"/>, until fewer than <c>permits</c> requests were sent in the
/// last <c>period</c>. Sliding log, so bursts never exceed the upstream's limit in any window.
/// </summary>
public sealed class RequestRateLimiter(int permits, TimeSpan period, TimeProvider clock)
{
    private readonly Queue<DateTimeOffset> _sent = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public int Permits => permits;
    public TimeSpan Period => period;

    /// <summary>Waits for a slot; returns how long it waited (zero when a slot was free) and when the slot was granted.</summary>
    public async Task<RateLimitGrant> AcquireAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var waited = TimeSpan.Zero;
            while (true)
            {
                var now = clock.GetUtcNow();
                while (_sent.Count > 0 && now - _sent.Peek() >= period) _sent.Dequeue();
                if (_sent.Count < permits)
                {
                    _sent.Enqueue(now);
                    return new RateLimitGrant(waited, now);
                }

                var wait = _sent.Peek() + period - now;
                waited += wait;
                await Task.Delay(wait, clock, ct);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>A slot of a <see cref="RequestRateLimiter"/>: how long the caller waited and the instant the limiter counted.</summary>
public readonly record struct RateLimitGrant(TimeSpan Waited, DateTimeOffset At);

/// <summary>Puts a <see cref="RequestRateLimiter"/> in front of an HttpClient.</summary>
public sealed class RateLimitingHandler(RequestRateLimiter limiter, Func<TimeSpan, Task>? onWait = null) : DelegatingHandler
{
    /// <summary>The instant the limiter counted for this request (what its per-period guarantee is about).</summary>
    public static readonly HttpRequestOptionsKey<DateTimeOffset> GrantedAt = new("RetentionConsole.RateLimitGrantedAt");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var grant = await limiter.AcquireAsync(cancellationToken);
        request.Options.Set(GrantedAt, grant.At);
        var waited = grant.Waited;
        if (waited > TimeSpan.Zero && onWait is not null) await onWait(waited);
        return await base.SendAsync(request, cancellationToken);
    }
}
