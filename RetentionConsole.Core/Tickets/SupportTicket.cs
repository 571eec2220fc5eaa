namespace RetentionConsole.Core.Tickets;

/// <summary>A Zendesk ticket with the fields RetentionConsole reasons about.</summary>
public sealed class SupportTicket
{
    public long Id { get; set; }
    public string Subject { get; set; } = "";

    /// <summary>Zendesk status category: new, open, pending, hold, solved, closed, deleted.</summary>
    public string Status { get; set; } = "new";
    public string? Priority { get; set; }
    public string? Type { get; set; }
    public long? ProblemId { get; set; }

    /// <summary>Tags, space-separated as Zendesk shows them.</summary>
    public string Tags { get; set; } = "";
    public long? OrganizationId { get; set; }
    public long? AccountId { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime UpdatedUtc { get; set; }
    public DateTime? SolvedUtc { get; set; }
    public int? FirstReplyMinutesCalendar { get; set; }
    public int? FirstReplyMinutesBusiness { get; set; }
    public int? ResolutionMinutesCalendar { get; set; }
    public int? ResolutionMinutesBusiness { get; set; }

    // Computed on ingest (see TicketClassifier).
    public bool IsOpen { get; set; }
    public bool IsFriction { get; set; }
    public string? Category { get; set; }
    public string? JiraKey { get; set; }
    public string? IssueKey { get; set; }
    public DateTime SyncedUtc { get; set; }
}
