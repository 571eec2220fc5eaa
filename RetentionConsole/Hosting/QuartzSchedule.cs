using Quartz;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Integrations.Bitrix24;
using RetentionConsole.Core.Integrations.Zendesk;
using RetentionConsole.Core.Integrations.Prometheus;
using RetentionConsole.Core.Jobs;

namespace RetentionConsole.Hosting;

/// <summary>Every job and trigger of the host, in one place. Intervals come from configuration.</summary>
public static class QuartzSchedule
{
    public static IReadOnlyList<JobDefinition> Jobs(IConfiguration configuration) =>
    [
        new(JobHistoryRetentionJob.Name, typeof(JobHistoryRetentionJob),
            "Prunes job-run history older than Jobs:History:RetainDays.",
            configuration.GetValue("Jobs:History:PollInterval", TimeSpan.FromHours(6))),
        new(ConnectorNames.Bitrix24SyncJob, typeof(Bitrix24SyncJob),
            "Syncs Bitrix24 companies, contract deals, contacts and currencies; recomputes ARR and renewal dates.",
            configuration.GetValue("Connectors:Bitrix24:PollInterval", TimeSpan.FromMinutes(15))),
        new(ZendeskSyncJob.Name, typeof(ZendeskSyncJob),
            "Incremental Zendesk sync: organizations, then tickets with metrics (webhooks push changes sooner).",
            configuration.GetValue("Connectors:Zendesk:PollInterval", TimeSpan.FromMinutes(1))),
        new(PrometheusProbeJob.Name, typeof(PrometheusProbeJob),
            "Asks Prometheus vector(1) so its connection and freshness show on the Integrations page.",
            configuration.GetValue("Connectors:Prometheus:PollInterval", TimeSpan.FromMinutes(1))),
        new(Core.RevenueAtRisk.RevenueAtRiskRecalculationJob.Name, typeof(Core.RevenueAtRisk.RevenueAtRiskRecalculationJob),
            "Recomputes revenue at risk for every account and issue (renewal weights move with the calendar).",
            configuration.GetValue("RevenueAtRisk:FullRecalculationInterval", TimeSpan.FromHours(1))),
    ];

    public static IServiceCollection AddRetentionJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var jobs = Jobs(configuration);
        var startDelay = configuration.GetValue("Jobs:StartDelay", TimeSpan.FromSeconds(5));
        foreach (var job in jobs) services.AddSingleton(job);
        services.AddSingleton<JobRegistry>();

        services.AddQuartz(q =>
        {
            q.AddJobListener(sp => sp.GetRequiredService<JobRunRecorder>(), [GroupMatcher<JobKey>.AnyGroup()]);
            foreach (var job in jobs)
            {
                // Registered explicitly (not by assembly scan) so a broken constructor fails at start-up.
                services.AddTransient(job.JobType);
                q.AddJob(job.JobType, j => j.WithIdentity(job.Name).WithDescription(job.Description)
                    .StoreDurably().DisallowConcurrentExecution());
                q.AddTrigger(t => t.ForJob(job.Name).WithIdentity(JobService.ScheduleTriggerName(job.Name))
                    .StartAt(DateTimeOffset.UtcNow.Add(startDelay))
                    .WithSchedule(SimpleScheduleBuilder.Create().WithInterval(job.Interval).RepeatForever()));
            }
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
