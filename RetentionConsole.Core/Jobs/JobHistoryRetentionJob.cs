using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Jobs;

public sealed class JobHistoryOptions
{
    public const string Section = "Jobs:History";

    /// <summary>Job runs older than this many days are pruned.</summary>
    [Range(1, 3650)]
    public int RetainDays { get; set; } = 30;
}

/// <summary>Prunes job-run history older than Jobs:History:RetainDays.</summary>
public sealed class JobHistoryPruner(IDbContextFactory<RetentionDbContext> factory, IOptions<JobHistoryOptions> options, TimeProvider clock)
{
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetainDays);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.JobRuns.Where(r => r.StartedUtc < cutoff && r.Outcome != JobOutcome.Running).ExecuteDeleteAsync(ct);
    }
}

[DisallowConcurrentExecution]
public sealed class JobHistoryRetentionJob(JobHistoryPruner pruner) : IJob
{
    public const string Name = "job-history-retention";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var removed = await pruner.PruneAsync(cancellationToken);
        context.Result = $"Pruned {removed} job run(s).";
    }
}
