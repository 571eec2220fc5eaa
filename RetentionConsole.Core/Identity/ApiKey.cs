namespace RetentionConsole.Core.Identity;

/// <summary>An API key for /api/*. Only a SHA-256 hash of the secret is stored; the key is shown once.</summary>
public sealed class ApiKey
{
    public long Id { get; set; }
    public required string Name { get; set; }

    /// <summary>First characters of the key so an admin can tell keys apart.</summary>
    public required string Prefix { get; set; }
    public required string Hash { get; set; }
    public required string Role { get; set; }
    public DateTime CreatedUtc { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime? RevokedUtc { get; set; }
    public DateTime? LastUsedUtc { get; set; }
}
