namespace RetentionConsole.Core.Jobs;

/// <summary>A job the host schedules: a name (its Quartz key), what it does and how often it runs.</summary>
public sealed record JobDefinition(string Name, Type JobType, string Description, TimeSpan Interval);

/// <summary>Every job the host runs, built once at start-up (Hosting/QuartzSchedule.cs).</summary>
public sealed class JobRegistry(IEnumerable<JobDefinition> jobs)
{
    public IReadOnlyList<JobDefinition> All { get; } = jobs.OrderBy(j => j.Name, StringComparer.Ordinal).ToList();

    public JobDefinition? Find(string name) => All.FirstOrDefault(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase));
}
