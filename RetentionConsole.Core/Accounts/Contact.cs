namespace RetentionConsole.Core.Accounts;

/// <summary>A person at an account (Bitrix24 contact) who may receive proactive messages.</summary>
public sealed class Contact
{
    public long Id { get; set; }
    public long? AccountId { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public DateTime SyncedUtc { get; set; }
}
