using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Hosting;
using RetentionConsole.Sandbox;

namespace RetentionConsole.Tests.Platform;

public sealed class BenchCommandTests
{
    [Fact]
    public void TryParse_AcceptsTheDocumentedOptions_AndRejectsBadOnesWithAMessage()
    {
        Assert.True(BenchCommand.TryParse(["bench"], out var defaults, out _));
        Assert.Equal(new BenchCommand.BenchOptions(2_000, 40_000, 42), defaults);

        Assert.True(BenchCommand.TryParse(["bench", "--accounts", "10000", "--tickets", "200000", "--seed", "7"], out var o, out _));
        Assert.Equal(new BenchCommand.BenchOptions(10_000, 200_000, 7), o);

        Assert.False(BenchCommand.TryParse(["bench", "--accounts"], out _, out var missing));
        Assert.Contains("--accounts needs a whole number", missing);
        Assert.False(BenchCommand.TryParse(["bench", "--accounts", "0"], out _, out var zero));
        Assert.Contains("out of range: --accounts 0", zero);
        Assert.False(BenchCommand.TryParse(["bench", "--accounts", "100001"], out _, out _));
        Assert.False(BenchCommand.TryParse(["bench", "--users", "5"], out _, out var unknown));
        Assert.Contains("unknown option", unknown);
        // The sandbox generates at most 1,000 tickets per account.
        Assert.False(BenchCommand.TryParse(["bench", "--accounts", "10", "--tickets", "10001"], out _, out var tooMany));
        Assert.Contains("more than 1,000 per account", tooMany);
    }

    [Theory]
    [InlineData(0, 10, 0)]
    [InlineData(1, 10, 0)]
    [InlineData(10, 10, 0)]
    [InlineData(11, 10, 1)]
    [InlineData(212, 10, 21)]
    [InlineData(212, 30, 7)]
    public void ExportMinutes_IsTheWaitASlidingPerMinuteLimitImposes(int requests, int perMinute, int minutes) =>
        Assert.Equal(minutes, BenchCommand.ExportMinutes(requests, perMinute));

    private sealed class CountingRecalculator : IRiskRecalculator
    {
        public int Calls;

        public Task RecalculateAsync(RiskChanges changes, CancellationToken ct)
        {
            Calls++;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Probe_RecordsEveryRecomputeAConnectorAsksFor_AndStillRunsIt()
    {
        var inner = new CountingRecalculator();
        var services = new ServiceCollection();
        services.AddSingleton<IRiskRecalculator>(_ => inner);
        BenchRecomputeProbe.Decorate(services);
        using var provider = services.BuildServiceProvider();
        var recalculator = Assert.Single(provider.GetServices<IRiskRecalculator>());
        var probe = provider.GetRequiredService<BenchRecomputeProbe>();

        var changes = new RiskChanges();
        changes.Account(1);
        await recalculator.RecalculateAsync(changes, CancellationToken.None);
        await recalculator.RecalculateAsync(new RiskChanges(), CancellationToken.None);

        Assert.Equal(2, inner.Calls);
        Assert.Single(probe.Take()); // the empty change set is passed on but is not a recompute
        Assert.Empty(probe.Take());
    }

    [Fact]
    public void ChangeTickets_ChangesDistinctTickets_EachAtANewPositionOfTheExportStream()
    {
        var world = new SandboxWorld(new SandboxOptions { Accounts = 30, TicketsPerAccount = 10 }, new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        var before = world.Read(w => w.Tickets.ToDictionary(t => t.Id, t => (t.Status, t.Sequence)));
        var newest = before.Values.Max(v => v.Sequence);
        var now = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);

        var changed = BenchChanges.ChangeTickets(world, new Random(1), 100, now);

        Assert.Equal(100, changed);
        var moved = world.Read(w => w.Tickets.Where(t => t.Sequence > newest).ToList());
        Assert.Equal(100, moved.Count);
        Assert.All(moved, t =>
        {
            Assert.Equal(now, t.UpdatedUtc);
            var wasSolved = before[t.Id].Status is "solved" or "closed";
            Assert.Equal(wasSolved ? "open" : "solved", t.Status);
        });
    }
}
