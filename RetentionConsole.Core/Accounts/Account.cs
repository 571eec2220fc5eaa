namespace RetentionConsole.Core.Accounts;

/// <summary>A customer company. Identity is the Bitrix24 company ID.</summary>
public sealed class Account
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public string? Tier { get; set; }
    public string? Owner { get; set; }

    /// <summary>The Bitrix24 user id behind <see cref="Owner"/> (ASSIGNED_BY_ID); the name is resolved through user.get.</summary>
    public long? OwnerId { get; set; }

    /// <summary>Annual recurring revenue in the reporting currency; null when unknown (never treated as 0).</summary>
    public decimal? Arr { get; set; }
    public DateTime? RenewalDateUtc { get; set; }

    /// <summary>Services the account uses, comma-separated (mapped from Bitrix24).</summary>
    public string Services { get; set; } = "";

    /// <summary>E-mail and web domains of the company, comma-separated, lower case; used to match Zendesk organizations.</summary>
    public string Domains { get; set; } = "";
    public AccountStatus Status { get; set; } = AccountStatus.Active;
    public int? HealthScore { get; set; }

    // Revenue-at-risk figures kept on the row so leaderboards sort and page in SQL.
    public decimal RevenueAtRisk { get; set; }
    public decimal WeightedRevenueAtRisk { get; set; }
    public int OpenFrictionTickets { get; set; }

    /// <summary>Has at least one open friction ticket (or, once SLAs exist, an active breach); set by the RaR engine.</summary>
    public bool IsAtRisk { get; set; }

    public DateTime SyncedUtc { get; set; }

    public List<Contact> Contacts { get; set; } = [];
}

public enum AccountStatus
{
    Active,
    Downgraded,
    Churned,
}
