namespace RetentionConsole.Core.RevenueAtRisk;

/// <summary>
/// The group of tickets caused by one defect (key ENG-123, ZD-P or ZD-id; see DESIGN.md "Engineering issue").
/// A row exists once the group has had an open ticket; its figures go to zero when every ticket is solved.
/// </summary>
public sealed class EngineeringIssue
{
    public required string Key { get; set; }

    /// <summary>The problem ticket's subject, else the first ticket's, else the Jira key.</summary>
    public string Title { get; set; } = "";
    public string? JiraKey { get; set; }
    public string? Category { get; set; }

    /// <summary>Distinct accounts with at least one open ticket in the group (known and unknown ARR).</summary>
    public int AffectedAccounts { get; set; }

    /// <summary>Affected accounts whose ARR is unknown: not in <see cref="RevenueAtRisk"/>, never counted as $0 silently.</summary>
    public int AffectedAccountsUnknownArr { get; set; }

    /// <summary>Sum of ARR over the distinct affected accounts with known ARR.</summary>
    public decimal RevenueAtRisk { get; set; }

    /// <summary>Sum over the same accounts of ARR × their renewal weight (a sort option; plain RaR is the headline).</summary>
    public decimal WeightedRevenueAtRisk { get; set; }
    public int OpenTickets { get; set; }
    public DateTime? OldestOpenTicketUtc { get; set; }
    public DateTime UpdatedUtc { get; set; }
}
