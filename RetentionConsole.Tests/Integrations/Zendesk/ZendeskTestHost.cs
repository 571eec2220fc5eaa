using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Time.Testing;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Sandbox;
using RetentionConsole.Sandbox.Zendesk;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Integrations.Zendesk;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows which of its timers are waits (Task.Delay: rate limiter, retry
/// back-off, Retry-After) and which are not (timeouts are CancellationTokenSource timers; Quartz idles on this clock
/// too), so a test can fast-forward exactly to the next wait and never through a timeout.
/// </summary>
public sealed class SteppingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentDictionary<TrackedTimer, byte> _timers = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Only Task.Delay timers are waits to fast-forward (rate limiter, retry back-off, Retry-After). Timeouts
        // (CancellationTokenSource) and other hosted machinery on this clock (Quartz's scheduler idles on it) are not.
        var isWait = state?.GetType().FullName?.Contains("DelayPromise", StringComparison.Ordinal) == true;
        var tracked = new TrackedTimer(this, !isWait);
        tracked.Inner = base.CreateTimer(s =>
        {
            tracked.Fired();
            callback(s);
        }, state, dueTime, period);
        tracked.Schedule(dueTime, period);
        _timers[tracked] = 0;
        return tracked;
    }

    /// <summary>When the earliest pending wait (not timeout) is due, if any.</summary>
    public DateTimeOffset? NextWaitDue() =>
        _timers.Keys.Where(t => !t.IsTimeout && t.Due is not null).Select(t => t.Due).Min();

    private void Remove(TrackedTimer timer) => _timers.TryRemove(timer, out _);

    private sealed class TrackedTimer(SteppingClock clock, bool isTimeout) : ITimer
    {
        private readonly object _gate = new();
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        public ITimer Inner { get; set; } = null!;
        public bool IsTimeout { get; } = isTimeout;
        public DateTimeOffset? Due { get; private set; }

        public void Schedule(TimeSpan dueTime, TimeSpan period)
        {
            lock (_gate)
            {
                _period = period;
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
            }
        }

        public void Fired()
        {
            lock (_gate)
            {
                Due = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : Due + _period;
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Schedule(dueTime, period);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            clock.Remove(this);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            clock.Remove(this);
            return Inner.DisposeAsync();
        }
    }
}

public sealed record UpstreamCall(DateTimeOffset At, string PathAndQuery, int Status);

/// <summary>Counts requests that are on the wire (past every client handler) and logs them with the fake time.</summary>
public sealed class WireTracker(TimeProvider clock)
{
    private int _inFlight;
    public ConcurrentQueue<UpstreamCall> Calls { get; } = new();
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Called with each completed call (tests use it to inject faults after page k).</summary>
    public Action<UpstreamCall>? OnCompleted { get; set; }

    public HttpMessageHandler Wrap(HttpMessageHandler primary) => new Handler(this, primary);

    public IReadOnlyList<UpstreamCall> Matching(string pathContains) =>
        Calls.Where(c => c.PathAndQuery.Contains(pathContains, StringComparison.Ordinal)).ToList();

    private sealed class Handler(WireTracker tracker, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref tracker._inFlight);
            var at = tracker.Clock.GetUtcNow();
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                var call = new UpstreamCall(at, request.RequestUri!.PathAndQuery, (int)response.StatusCode);
                tracker.Calls.Enqueue(call);
                tracker.OnCompleted?.Invoke(call);
                return response;
            }
            finally
            {
                Interlocked.Decrement(ref tracker._inFlight);
            }
        }
    }

    private TimeProvider Clock => clock;
}

public sealed class RecordingRecalculator : IRiskRecalculator
{
    public ConcurrentQueue<RiskChanges> Calls { get; } = new();

    public Task RecalculateAsync(RiskChanges changes, CancellationToken ct)
    {
        Calls.Enqueue(changes);
        return Task.CompletedTask;
    }
}

/// <summary>The host with the Zendesk sandbox on, a frozen world, a stepping fake clock and a wire tracker.</summary>
public sealed class ZendeskTestHost : RetentionAppFactory
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public ZendeskTestHost(DateTimeOffset? start = null, bool sandbox = true)
    {
        Clock = new SteppingClock(start ?? Start);
        Wire = new WireTracker(Clock);
        With("Sandbox:Enabled", sandbox ? "true" : "false");
        With("Sandbox:LiveInterval", "00:00:00");
        With("Sandbox:Accounts", "60");
        With("Sandbox:ZendeskWebhooks", "false"); // tests that want the sandbox to push webhooks turn it on
        With("Connectors:Zendesk:JiraKeyFieldId", "360000001"); // the sandbox keeps Jira keys in this field (appsettings.Development.json)
    }

    public SteppingClock Clock { get; }
    public WireTracker Wire { get; }
    public RecordingRecalculator Recalculator { get; } = new();

    public SandboxWorld World => Services.GetRequiredService<SandboxWorld>();
    public SandboxFaults Faults => Services.GetRequiredService<SandboxFaults>();
    public ZendeskSandboxState SandboxState => Services.GetRequiredService<ZendeskSandboxState>();
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IRiskRecalculator>(Recalculator);
            // Runs after the base factory routed every client to the TestServer: wrap that primary handler.
            services.ConfigureAll<HttpClientFactoryOptions>(o =>
                o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = Wire.Wrap(b.PrimaryHandler)));
        });
    }

    /// <summary>
    /// Runs <paramref name="work"/> to completion, fast-forwarding the fake clock to each pending wait (rate limiter,
    /// Retry-After, back-off) whenever no request is on the wire. Nothing sleeps for real beyond yielding.
    /// </summary>
    public async Task<T> DriveAsync<T>(Func<Task<T>> work)
    {
        var task = Task.Run(work);
        while (!task.IsCompleted)
        {
            await Task.WhenAny(task, Task.Delay(2));
            if (task.IsCompleted) break;
            if (Wire.InFlight == 0 && Clock.NextWaitDue() is { } due && due > Clock.GetUtcNow()) Clock.Advance(due - Clock.GetUtcNow());
        }

        return await task;
    }

    public Task DriveAsync(Func<Task> work) => DriveAsync(async () =>
    {
        await work();
        return true;
    });

    public async Task<List<T>> QueryAsync<T>(Func<Core.Persistence.RetentionDbContext, IQueryable<T>> query)
    {
        await using var db = await Db.CreateDbContextAsync();
        return await query(db).ToListAsync();
    }

    public async Task<int> EventCountAsync(string connector, ConnectorEventKind kind)
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.ConnectorEvents.CountAsync(e => e.Connector == connector && e.Kind == kind);
    }
}
