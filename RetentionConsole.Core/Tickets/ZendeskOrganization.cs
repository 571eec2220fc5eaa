namespace RetentionConsole.Core.Tickets;

/// <summary>A Zendesk organization and the account it joins (null when unmatched: shown on the Integrations page).</summary>
public sealed class ZendeskOrganization
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string? ExternalId { get; set; }

    /// <summary>domain_names, comma-separated, lower case.</summary>
    public string Domains { get; set; } = "";
    public long? AccountId { get; set; }
    public DateTime UpdatedUtc { get; set; }
    public DateTime SyncedUtc { get; set; }
}
