namespace RetentionConsole.Core.Accounts;

/// <summary>A Bitrix24 deal of the contract pipeline; ARR and renewal dates are derived from these.</summary>
public sealed class ContractDeal
{
    public long Id { get; set; }
    public long? AccountId { get; set; }
    public string Title { get; set; } = "";
    public string CategoryId { get; set; } = "0";

    /// <summary>Bitrix24 STAGE_SEMANTIC_ID: "P" in progress, "S" won, "F" lost.</summary>
    public string StageSemantic { get; set; } = "P";
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "USD";

    /// <summary>Amount converted to the reporting currency with Bitrix24's own rates; null when the currency has no rate.</summary>
    public decimal? AmountReporting { get; set; }
    public DateTime? BeginDateUtc { get; set; }
    public DateTime? CloseDateUtc { get; set; }
    public DateTime ModifiedUtc { get; set; }

    /// <summary>When a sync or webhook last saw the deal upstream; a full sync removes deals it no longer sees.</summary>
    public DateTime SyncedUtc { get; set; }
}
