namespace RetentionConsole.Core.Audit;

/// <summary>Who did what to which entity, when (UTC), with the before/after state as JSON.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime AtUtc { get; set; }
    public required string Actor { get; set; }
    public required string Entity { get; set; }
    public string? EntityId { get; set; }
    public required string Action { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}
