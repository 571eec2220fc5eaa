using System.Globalization;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Tickets;

public sealed record TicketClassification(bool IsOpen, bool IsFriction, string? Category, string? IssueKey);

/// <summary>
/// Computed on ingest (DESIGN.md): open, friction, friction category and the engineering-issue grouping key.
/// Grouping, first match wins: the ticket's own Jira key; for an incident of problem P, P's Jira key when P has one,
/// else "ZD-P" (so P and its incidents stay one group); a problem ticket without a key is "ZD-&lt;id&gt;"; any other
/// friction ticket stands alone as "ZD-&lt;id&gt;". A non-friction ticket without a key belongs to no issue.
/// </summary>
public sealed class TicketClassifier(IOptions<TicketOptions> options)
{
    private static readonly HashSet<string> OpenStatuses = new(StringComparer.Ordinal) { "new", "open", "pending", "hold" };

    public static bool IsOpenStatus(string status) => OpenStatuses.Contains(status);

    public static string ZendeskKey(long ticketId) => "ZD-" + ticketId.ToString(CultureInfo.InvariantCulture);

    /// <param name="problemJiraKey">The Jira key of the ticket's problem (when it is an incident and the problem is known).</param>
    public TicketClassification Classify(TicketSnapshot ticket, string? problemJiraKey = null)
    {
        var o = options.Value;
        var frictionTag = (o.FrictionTags ?? TicketOptions.DefaultFrictionTags).FirstOrDefault(ticket.Tags.Contains);
        var frictionType = ticket.Type is not null && (o.FrictionTypes ?? TicketOptions.DefaultFrictionTypes)
            .Contains(ticket.Type, StringComparer.OrdinalIgnoreCase);
        var isFriction = frictionTag is not null || frictionType;

        string? category = null;
        if (frictionTag is not null) category = o.Categories.TryGetValue(frictionTag, out var c) ? c : frictionTag;
        else if (frictionType) category = o.DefaultCategory;

        string? issueKey;
        if (ticket.JiraKey is not null) issueKey = ticket.JiraKey;
        else if (ticket.ProblemId is { } problem) issueKey = problemJiraKey ?? ZendeskKey(problem);
        else if (string.Equals(ticket.Type, "problem", StringComparison.OrdinalIgnoreCase) || isFriction) issueKey = ZendeskKey(ticket.Id);
        else issueKey = null;

        return new TicketClassification(IsOpenStatus(ticket.Status), isFriction, category, issueKey);
    }
}
