namespace RetentionConsole.Core.RevenueAtRisk;

/// <summary>A revenue-at-risk figure from the moment it changed; written only on change, so trends are step series.</summary>
public sealed class RiskHistoryPoint
{
    public long Id { get; set; }
    public RiskScope Scope { get; set; }

    /// <summary>Account id, issue key, or <see cref="PortfolioKey"/>.</summary>
    public required string ScopeKey { get; set; }
    public DateTime AtUtc { get; set; }
    public decimal RevenueAtRisk { get; set; }
    public decimal WeightedRevenueAtRisk { get; set; }

    public const string PortfolioKey = "portfolio";
}

public enum RiskScope
{
    Account,
    Issue,
    Portfolio,
}
