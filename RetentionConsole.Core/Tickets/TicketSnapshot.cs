namespace RetentionConsole.Core.Tickets;

/// <summary>A Zendesk ticket as the upstream reports it, before classification (what connectors hand to the ticket store).</summary>
public sealed record TicketSnapshot
{
    public required long Id { get; init; }
    public string Subject { get; init; } = "";
    public required string Status { get; init; }
    public string? Priority { get; init; }
    public string? Type { get; init; }
    public long? ProblemId { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public long? OrganizationId { get; init; }

    /// <summary>The Jira key from the configured custom field, normalised (e.g. "ENG-123"); null when absent or not a key.</summary>
    public string? JiraKey { get; init; }
    public required DateTime CreatedUtc { get; init; }
    public required DateTime UpdatedUtc { get; init; }

    /// <summary>Ticket metrics when the upstream sent them (sideload or metrics endpoint); null keeps what is stored.</summary>
    public TicketMetricsSnapshot? Metrics { get; init; }
}

public sealed record TicketMetricsSnapshot
{
    public DateTime? SolvedUtc { get; init; }
    public int? FirstReplyMinutesCalendar { get; init; }
    public int? FirstReplyMinutesBusiness { get; init; }
    public int? ResolutionMinutesCalendar { get; init; }
    public int? ResolutionMinutesBusiness { get; init; }
}

/// <summary>A Zendesk organization as the upstream reports it.</summary>
public sealed record OrganizationSnapshot
{
    public required long Id { get; init; }
    public required string Name { get; init; }
    public string? ExternalId { get; init; }

    /// <summary>domain_names, lower case, without duplicates.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];
    public required DateTime UpdatedUtc { get; init; }
}
