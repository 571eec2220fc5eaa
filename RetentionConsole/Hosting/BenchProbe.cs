using System.Collections.Concurrent;
using System.Diagnostics;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Sandbox;

namespace RetentionConsole.Hosting;

/// <summary>One revenue-at-risk recompute a connector asked for during the bench (engine result when it was the engine).</summary>
internal sealed record RecomputeCall(TimeSpan Elapsed, RecalculationResult? Result);

/// <summary>
/// Records the recomputes the connectors trigger (through <see cref="IRiskRecalculator"/>), so the bench can report how
/// long the engine took inside a sync without calling it itself. Registered only by the bench.
/// </summary>
internal sealed class BenchRecomputeProbe
{
    private readonly ConcurrentQueue<RecomputeCall> _calls = new();

    public void Record(RecomputeCall call) => _calls.Enqueue(call);

    /// <summary>The calls since the last Take.</summary>
    public List<RecomputeCall> Take()
    {
        var taken = new List<RecomputeCall>();
        while (_calls.TryDequeue(out var call)) taken.Add(call);
        return taken;
    }

    /// <summary>Wraps every registered <see cref="IRiskRecalculator"/> so its calls are recorded; call after the host's services are added.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var probe = new BenchRecomputeProbe();
        services.AddSingleton(probe);
        for (var i = 0; i < services.Count; i++)
        {
            var d = services[i];
            if (d.ServiceType != typeof(IRiskRecalculator) || d.IsKeyedService) continue;
            services[i] = ServiceDescriptor.Describe(typeof(IRiskRecalculator),
                sp => new ProbedRecalculator(Create(d, sp), probe), d.Lifetime);
        }
    }

    private static IRiskRecalculator Create(ServiceDescriptor d, IServiceProvider sp) =>
        (IRiskRecalculator)(d.ImplementationInstance
                            ?? d.ImplementationFactory?.Invoke(sp)
                            ?? ActivatorUtilities.CreateInstance(sp, d.ImplementationType!));

    private sealed class ProbedRecalculator(IRiskRecalculator inner, BenchRecomputeProbe probe) : IRiskRecalculator
    {
        public async Task RecalculateAsync(RiskChanges changes, CancellationToken ct)
        {
            if (changes.IsEmpty)
            {
                await inner.RecalculateAsync(changes, ct);
                return;
            }

            if (inner is RevenueAtRiskEngine engine)
            {
                // The same incremental recompute RecalculateAsync runs, with its result kept.
                var result = await engine.RecalculateChangesAsync(changes, ct);
                probe.Record(new RecomputeCall(result.Elapsed, result));
                return;
            }

            var watch = Stopwatch.StartNew();
            await inner.RecalculateAsync(changes, ct);
            probe.Record(new RecomputeCall(watch.Elapsed, null));
        }
    }
}

/// <summary>Changes in the simulated Zendesk the incremental measurement syncs, as agents would make them.</summary>
internal static class BenchChanges
{
    /// <summary>
    /// Solves or reopens <paramref name="count"/> distinct random tickets of the world (a fifth of the friction ones also
    /// move to another Jira key), each getting a new position in the export stream. Returns how many changed.
    /// </summary>
    public static int ChangeTickets(SandboxWorld world, Random random, int count, DateTime now)
    {
        var picked = new HashSet<int>();
        world.Write(w =>
        {
            var total = w.Tickets.Count;
            while (picked.Count < Math.Min(count, total)) picked.Add(random.Next(total));
            var jiraKeys = Math.Max(1, w.Companies.Count / 15);
            foreach (var index in picked)
            {
                var t = w.Tickets[index];
                if (t.Status is "solved" or "closed")
                {
                    t.Status = "open";
                    t.SolvedUtc = null;
                    t.UpdatedUtc = now;
                    t.Sequence = w.NextSequence();
                }
                else
                {
                    w.Solve(t, now);
                }

                if (t.Tags is not ["how_to"] && random.Next(5) == 0) t.JiraKey = $"ENG-{100 + random.Next(jiraKeys)}";
            }
        });
        return picked.Count;
    }
}
