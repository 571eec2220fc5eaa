namespace RetentionConsole.Core.RevenueAtRisk;

/// <summary>
/// What a sync or webhook changed, so revenue at risk is recomputed for just that: accounts whose ARR, renewal or
/// tickets changed, and engineering-issue keys that gained or lost tickets (old and new key when a ticket moved).
/// </summary>
public sealed class RiskChanges
{
    public HashSet<long> AccountIds { get; } = [];
    public HashSet<string> IssueKeys { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => AccountIds.Count == 0 && IssueKeys.Count == 0;

    public void Account(long? id)
    {
        if (id is { } v) AccountIds.Add(v);
    }

    public void Issue(string? key)
    {
        if (!string.IsNullOrEmpty(key)) IssueKeys.Add(key);
    }
}

/// <summary>Recomputes revenue at risk after data changed. Connectors call it after they commit.</summary>
public interface IRiskRecalculator
{
    Task RecalculateAsync(RiskChanges changes, CancellationToken ct);
}
