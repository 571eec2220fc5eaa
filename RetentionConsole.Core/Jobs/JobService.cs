using Microsoft.EntityFrameworkCore;
using Quartz;
using RetentionConsole.Core.Audit;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Jobs;

public sealed record JobStatus(string Name, string Description, TimeSpan Interval, bool IsPaused, bool IsRunning,
    DateTime? NextRunUtc, JobRun? LastRun);

public enum RunNowResult
{
    Started,
    NotFound,
    AlreadyRunning,
}

/// <summary>What /admin/jobs and the jobs API do: list jobs with their state, run now, pause, resume.</summary>
public sealed class JobService(ISchedulerFactory schedulers, JobRegistry registry,
    IDbContextFactory<RetentionDbContext> factory, AuditLog audit)
{
    public async Task<IReadOnlyList<JobStatus>> ListAsync(CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var running = (await scheduler.QueryFireInstances(new FireInstanceQuery(), ct)).Items.Select(f => f.JobKey?.Name).ToHashSet();
        await using var db = await factory.CreateDbContextAsync(ct);
        var result = new List<JobStatus>();
        foreach (var job in registry.All)
        {
            var schedule = await scheduler.GetTrigger(new TriggerKey(ScheduleTriggerName(job.Name)), ct);
            var paused = schedule is not null &&
                         await scheduler.GetTriggerState(schedule.Key, ct) == TriggerState.Paused;
            var last = await db.JobRuns.AsNoTracking().Where(r => r.JobName == job.Name)
                .OrderByDescending(r => r.StartedUtc).ThenByDescending(r => r.Id).FirstOrDefaultAsync(ct);
            result.Add(new JobStatus(job.Name, job.Description, job.Interval, paused, running.Contains(job.Name),
                paused ? null : schedule?.NextFireTimeUtc?.UtcDateTime, last));
        }

        return result;
    }

    public async Task<IReadOnlyList<JobRun>> HistoryAsync(string name, int take = 50, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.JobRuns.AsNoTracking().Where(r => r.JobName == name)
            .OrderByDescending(r => r.StartedUtc).ThenByDescending(r => r.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>Fires a job now unless it is already running (a job never overlaps itself).</summary>
    public async Task<RunNowResult> RunNowAsync(string name, string actor, CancellationToken ct = default)
    {
        var job = registry.Find(name);
        if (job is null) return RunNowResult.NotFound;
        var scheduler = await schedulers.GetScheduler(ct);
        var executing = await scheduler.QueryFireInstances(new FireInstanceQuery { Job = new JobKey(job.Name) }, ct);
        if (executing.Items.Count > 0) return RunNowResult.AlreadyRunning;
        await scheduler.TriggerJob(new JobKey(job.Name), new JobDataMap { [JobRunRecorder.TriggeredByKey] = actor }, ct);
        await audit.RecordAsync(factory, actor, "Job", job.Name, "run-now", ct: ct);
        return RunNowResult.Started;
    }

    public async Task<bool> PauseAsync(string name, string actor, CancellationToken ct = default)
    {
        var job = registry.Find(name);
        if (job is null) return false;
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.PauseTrigger(new TriggerKey(ScheduleTriggerName(job.Name)), ct);
        await audit.RecordAsync(factory, actor, "Job", job.Name, "pause", new { Paused = false }, new { Paused = true }, ct);
        return true;
    }

    public async Task<bool> ResumeAsync(string name, string actor, CancellationToken ct = default)
    {
        var job = registry.Find(name);
        if (job is null) return false;
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.ResumeTrigger(new TriggerKey(ScheduleTriggerName(job.Name)), ct);
        await audit.RecordAsync(factory, actor, "Job", job.Name, "resume", new { Paused = true }, new { Paused = false }, ct);
        return true;
    }

    public static string ScheduleTriggerName(string jobName) => jobName + ".schedule";

}
