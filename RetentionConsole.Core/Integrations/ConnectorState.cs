namespace RetentionConsole.Core.Integrations;

/// <summary>Per-connector sync position and health. The cursor advances in the same transaction as the data it covers.</summary>
public sealed class ConnectorState
{
    /// <summary>Connector stream name, e.g. "zendesk.tickets", "zendesk.organizations", "bitrix24".</summary>
    public required string Name { get; set; }
    public string? Cursor { get; set; }
    public DateTime? LastAttemptUtc { get; set; }
    public DateTime? LastSuccessUtc { get; set; }
    public string? LastError { get; set; }
    public long ItemsSynced { get; set; }
}

/// <summary>Something a connector counted: an error, a malformed item skipped, a rate-limit wait.</summary>
public sealed class ConnectorEvent
{
    public long Id { get; set; }
    public required string Connector { get; set; }
    public ConnectorEventKind Kind { get; set; }
    public DateTime AtUtc { get; set; }
    public string Message { get; set; } = "";
}

public enum ConnectorEventKind
{
    Error,
    MalformedItem,
    RateLimitWait,
}
