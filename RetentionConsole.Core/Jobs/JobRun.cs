namespace RetentionConsole.Core.Jobs;

/// <summary>One execution of a scheduled job, persisted for the run history.</summary>
public sealed class JobRun
{
    public long Id { get; set; }
    public required string JobName { get; set; }
    public DateTime StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    public JobOutcome Outcome { get; set; }
    public string? Message { get; set; }
    public string TriggeredBy { get; set; } = "schedule";
}

public enum JobOutcome
{
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
