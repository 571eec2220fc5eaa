using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Core.Persistence.Configurations;

internal sealed class EngineeringIssueConfiguration : IEntityTypeConfiguration<EngineeringIssue>
{
    public void Configure(EntityTypeBuilder<EngineeringIssue> b)
    {
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(64);
        b.Property(x => x.Title).HasMaxLength(500);
        b.Property(x => x.JiraKey).HasMaxLength(64);
        b.Property(x => x.Category).HasMaxLength(64);
        // The leaderboard lists issues with open tickets ordered by (RaR, Key): walking these indexes (OpenTickets
        // included for the filter) keeps any page depth free of a sort and of row lookups.
        b.HasIndex(x => new { x.RevenueAtRisk, x.Key, x.OpenTickets });
        b.HasIndex(x => new { x.WeightedRevenueAtRisk, x.Key, x.OpenTickets });
        b.HasIndex(x => x.OpenTickets);
    }
}

internal sealed class RiskHistoryPointConfiguration : IEntityTypeConfiguration<RiskHistoryPoint>
{
    public void Configure(EntityTypeBuilder<RiskHistoryPoint> b)
    {
        b.ToTable("RiskHistory");
        b.Property(x => x.Scope).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.ScopeKey).HasMaxLength(64);
        b.HasIndex(x => new { x.Scope, x.ScopeKey, x.AtUtc });
    }
}
