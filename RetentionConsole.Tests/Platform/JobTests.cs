using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using RetentionConsole.Core.Identity;
using RetentionConsole.Core.Jobs;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Platform;

public sealed class JobTests
{
    [DisallowConcurrentExecution]
    public sealed class FailingJob : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("upstream exploded");
    }

    [DisallowConcurrentExecution]
    public sealed class BlockingJob : IJob
    {
        public static readonly SemaphoreSlim Release = new(0);

        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            await Release.WaitAsync(cancellationToken);
            context.Result = "released";
        }
    }

    private static WebApplicationFactory<Program> WithTestJobs(RetentionAppFactory app) =>
        app.WithWebHostBuilder(b => b.ConfigureServices(services =>
        {
            services.AddSingleton(new JobDefinition("failing", typeof(FailingJob), "always throws", TimeSpan.FromHours(1)));
            services.AddSingleton(new JobDefinition("blocking", typeof(BlockingJob), "waits for the test", TimeSpan.FromHours(1)));
            services.AddTransient<FailingJob>();
            services.AddTransient<BlockingJob>();
            services.AddQuartz(q =>
            {
                q.AddJob(typeof(FailingJob), j => j.WithIdentity("failing").StoreDurably().DisallowConcurrentExecution());
                q.AddJob(typeof(BlockingJob), j => j.WithIdentity("blocking").StoreDurably().DisallowConcurrentExecution());
            });
        }));

    private static Task<JobRun> FinishedRunAsync(WebApplicationFactory<Program> host, string job) =>
        Eventually.WaitAsync(async () =>
        {
            var runs = await host.Services.GetRequiredService<JobService>().HistoryAsync(job);
            return runs.FirstOrDefault(r => r.Outcome != JobOutcome.Running);
        }, $"a finished run of {job}");

    [Fact]
    public async Task RunNow_RecordsARun_WithOutcomeAndActor()
    {
        using var app = new RetentionAppFactory();
        var key = await app.CreateApiKeyAsync(Roles.Admin, "ops");
        var response = await app.CreateApiClient(key).PostAsync($"/api/v1/jobs/{JobHistoryRetentionJob.Name}/run", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var run = await FinishedRunAsync(app, JobHistoryRetentionJob.Name);
        Assert.Equal(JobOutcome.Succeeded, run.Outcome);
        Assert.Equal("api-key:ops", run.TriggeredBy);
        Assert.StartsWith("Pruned", run.Message);
        Assert.NotNull(run.FinishedUtc);
    }

    [Fact]
    public async Task RunNow_UnknownJob_Is404()
    {
        using var app = new RetentionAppFactory();
        var key = await app.CreateApiKeyAsync(Roles.Admin);
        var response = await app.CreateApiClient(key).PostAsync("/api/v1/jobs/nope/run", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task FailingJob_RecordsTheFailure_AndTheHostKeepsRunning()
    {
        using var app = new RetentionAppFactory();
        using var host = WithTestJobs(app);
        var jobs = host.Services.GetRequiredService<JobService>();
        Assert.Equal(RunNowResult.Started, await jobs.RunNowAsync("failing", "test"));

        var run = await FinishedRunAsync(host, "failing");
        Assert.Equal(JobOutcome.Failed, run.Outcome);
        Assert.Contains("upstream exploded", run.Message);

        // The host still serves and still runs jobs.
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().GetAsync("/health")).StatusCode);
        Assert.Equal(RunNowResult.Started, await jobs.RunNowAsync(JobHistoryRetentionJob.Name, "test"));
        Assert.Equal(JobOutcome.Succeeded, (await FinishedRunAsync(host, JobHistoryRetentionJob.Name)).Outcome);
    }

    [Fact]
    public async Task RunningJob_IsNotStartedTwice()
    {
        using var app = new RetentionAppFactory();
        using var host = WithTestJobs(app);
        var jobs = host.Services.GetRequiredService<JobService>();
        Assert.Equal(RunNowResult.Started, await jobs.RunNowAsync("blocking", "test"));
        await Eventually.WaitAsync(async () => (await jobs.ListAsync()).Single(j => j.Name == "blocking").IsRunning, "blocking job running");

        Assert.Equal(RunNowResult.AlreadyRunning, await jobs.RunNowAsync("blocking", "test"));

        BlockingJob.Release.Release();
        var run = await FinishedRunAsync(host, "blocking");
        Assert.Equal(JobOutcome.Succeeded, run.Outcome);
        await using var db = await app.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.JobRuns.CountAsync(r => r.JobName == "blocking"));
    }

    [Fact]
    public async Task PauseAndResume_AreAudited_AndShowInTheList()
    {
        using var app = new RetentionAppFactory();
        var jobs = app.Services.GetRequiredService<JobService>();
        Assert.True(await jobs.PauseAsync(JobHistoryRetentionJob.Name, "ops@test.local"));
        var paused = (await jobs.ListAsync()).Single(j => j.Name == JobHistoryRetentionJob.Name);
        Assert.True(paused.IsPaused);
        Assert.Null(paused.NextRunUtc);
        Assert.True(await jobs.ResumeAsync(JobHistoryRetentionJob.Name, "ops@test.local"));
        Assert.False((await jobs.ListAsync()).Single(j => j.Name == JobHistoryRetentionJob.Name).IsPaused);
        await using var db = await app.Db.CreateDbContextAsync();
        Assert.Equal(["pause", "resume"], await db.AuditEntries.Where(a => a.Entity == "Job").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task RetentionJob_PrunesOnlyOldFinishedRuns()
    {
        using var app = new RetentionAppFactory().With("Jobs:History:RetainDays", "30");
        _ = app.Server;
        await using (var db = await app.Db.CreateDbContextAsync())
        {
            var now = DateTime.UtcNow;
            db.JobRuns.AddRange(
                new JobRun { JobName = "x", StartedUtc = now.AddDays(-31), FinishedUtc = now.AddDays(-31), Outcome = JobOutcome.Succeeded },
                new JobRun { JobName = "x", StartedUtc = now.AddDays(-29), FinishedUtc = now.AddDays(-29), Outcome = JobOutcome.Failed },
                new JobRun { JobName = "x", StartedUtc = now.AddDays(-40), Outcome = JobOutcome.Running });
            await db.SaveChangesAsync();
        }

        Assert.Equal(1, await app.Services.GetRequiredService<JobHistoryPruner>().PruneAsync(CancellationToken.None));
        await using var check = await app.Db.CreateDbContextAsync();
        Assert.Equal(2, await check.JobRuns.CountAsync(r => r.JobName == "x"));
    }
}
