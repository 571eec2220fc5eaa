using System.Collections.Concurrent;

namespace RetentionConsole.Sandbox;

public enum SandboxFaultKind
{
    /// <summary>429 with Retry-After (seconds in <see cref="SandboxFault.RetryAfterSeconds"/>).</summary>
    RateLimited,

    /// <summary>A 5xx (status in <see cref="SandboxFault.Status"/>, default 503).</summary>
    ServerError,

    /// <summary>The response never comes until the client gives up.</summary>
    Timeout,

    /// <summary>200 with a body that is not valid JSON.</summary>
    MalformedBody,

    /// <summary>The response is delayed by <see cref="SandboxFault.Delay"/>.</summary>
    Slow,
}

public sealed record SandboxFault(SandboxFaultKind Kind, int RetryAfterSeconds = 1, int Status = 503, TimeSpan Delay = default);

/// <summary>
/// Faults queued per upstream ("zendesk", "bitrix24", "prometheus", ...) for tests. Each request to that upstream's
/// sandbox takes the next queued fault, if any; an optional path filter limits which requests are hit.
/// </summary>
public sealed class SandboxFaults
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(string? PathContains, SandboxFault Fault)>> _queues = new();

    public void Enqueue(string upstream, SandboxFault fault, int times = 1, string? pathContains = null)
    {
        var queue = _queues.GetOrAdd(upstream, _ => new());
        for (var i = 0; i < times; i++) queue.Enqueue((pathContains, fault));
    }

    public void Clear() => _queues.Clear();

    public SandboxFault? Take(string upstream, string path)
    {
        if (!_queues.TryGetValue(upstream, out var queue) || !queue.TryPeek(out var next)) return null;
        if (next.PathContains is not null && !path.Contains(next.PathContains, StringComparison.OrdinalIgnoreCase)) return null;
        return queue.TryDequeue(out var taken) ? taken.Fault : null;
    }

    /// <summary>Requests each upstream's sandbox received, for tests that count upstream calls.</summary>
    public ConcurrentDictionary<string, int> RequestCounts { get; } = new();

    /// <summary>Applies a queued fault to the response; true when the response is finished.</summary>
    public async Task<bool> ApplyAsync(string upstream, HttpContext context)
    {
        RequestCounts.AddOrUpdate(upstream, 1, (_, n) => n + 1);
        var fault = Take(upstream, context.Request.Path + context.Request.QueryString);
        if (fault is null) return false;
        switch (fault.Kind)
        {
            case SandboxFaultKind.RateLimited:
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.Response.WriteAsync("You have exceeded the rate limit for this endpoint.");
                return true;
            case SandboxFaultKind.ServerError:
                context.Response.StatusCode = fault.Status;
                await context.Response.WriteAsync("Service unavailable");
                return true;
            case SandboxFaultKind.Timeout:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return true;
            case SandboxFaultKind.MalformedBody:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"tickets\": [ {\"id\": 1, \"subject\": ");
                return true;
            case SandboxFaultKind.Slow:
                await Task.Delay(fault.Delay, context.RequestAborted);
                return false;
            default:
                return false;
        }
    }
}
