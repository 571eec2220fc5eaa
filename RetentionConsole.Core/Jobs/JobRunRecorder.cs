using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Jobs;

/// <summary>A Quartz job listener that persists every run: start, end, outcome and message.</summary>
public sealed class JobRunRecorder(IDbContextFactory<RetentionDbContext> factory, TimeProvider clock, ILogger<JobRunRecorder> logger)
    : IJobListener
{
    public const string TriggeredByKey = "triggeredBy";
    private readonly ConcurrentDictionary<string, long> _runIds = new();

    public string Name => "job-run-recorder";

    public async ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        var run = new JobRun
        {
            JobName = context.JobDetail.Key.Name,
            StartedUtc = clock.GetUtcNow().UtcDateTime,
            Outcome = JobOutcome.Running,
            TriggeredBy = context.MergedJobDataMap.TryGetString(TriggeredByKey, out var by) && by is not null ? by : "schedule",
        };
        db.JobRuns.Add(run);
        await db.SaveChangesAsync(CancellationToken.None);
        _runIds[context.FireInstanceId] = run.Id;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException,
        CancellationToken cancellationToken = default)
    {
        if (!_runIds.TryRemove(context.FireInstanceId, out var id)) return;
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        var run = await db.JobRuns.FirstOrDefaultAsync(r => r.Id == id, CancellationToken.None);
        if (run is null) return;
        run.FinishedUtc = clock.GetUtcNow().UtcDateTime;
        var error = jobException?.GetBaseException();
        if (error is null)
        {
            run.Outcome = JobOutcome.Succeeded;
            run.Message = context.Result as string;
        }
        else
        {
            run.Outcome = error is OperationCanceledException ? JobOutcome.Cancelled : JobOutcome.Failed;
            run.Message = Truncate(error.Message, 2000);
            logger.LogWarning(error, "Job {Job} failed", run.JobName);
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
