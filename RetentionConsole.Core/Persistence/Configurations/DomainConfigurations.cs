using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Core.Persistence.Configurations;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Name).HasMaxLength(300);
        b.Property(x => x.Tier).HasMaxLength(100);
        b.Property(x => x.Owner).HasMaxLength(200);
        b.Property(x => x.Services).HasMaxLength(1000);
        b.Property(x => x.Domains).HasMaxLength(1000);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        b.HasMany(x => x.Contacts).WithOne().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => x.RevenueAtRisk);
        b.HasIndex(x => x.WeightedRevenueAtRisk);
        b.HasIndex(x => x.RenewalDateUtc);
        b.HasIndex(x => x.Name);
        b.HasIndex(x => x.Arr);
        b.HasIndex(x => new { x.IsAtRisk, x.RevenueAtRisk });
    }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Name).HasMaxLength(300);
        b.Property(x => x.Email).HasMaxLength(320);
    }
}

internal sealed class ContractDealConfiguration : IEntityTypeConfiguration<ContractDeal>
{
    public void Configure(EntityTypeBuilder<ContractDeal> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Title).HasMaxLength(500);
        b.Property(x => x.CategoryId).HasMaxLength(20);
        b.Property(x => x.StageSemantic).HasMaxLength(4);
        b.Property(x => x.Currency).HasMaxLength(8);
        b.HasIndex(x => x.AccountId);
    }
}

internal sealed class SupportTicketConfiguration : IEntityTypeConfiguration<SupportTicket>
{
    public void Configure(EntityTypeBuilder<SupportTicket> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Subject).HasMaxLength(1000);
        b.Property(x => x.Status).HasMaxLength(16);
        b.Property(x => x.Priority).HasMaxLength(16);
        b.Property(x => x.Type).HasMaxLength(16);
        b.Property(x => x.Tags).HasMaxLength(2000);
        b.Property(x => x.Category).HasMaxLength(64);
        b.Property(x => x.JiraKey).HasMaxLength(64);
        b.Property(x => x.IssueKey).HasMaxLength(64);
        b.HasIndex(x => new { x.AccountId, x.IsOpen, x.IsFriction });
        // Covers the revenue-at-risk issue queries (open tickets of a group, their accounts and ages) without row lookups.
        b.HasIndex(x => new { x.IssueKey, x.IsOpen, x.AccountId, x.CreatedUtc });
        b.HasIndex(x => x.OrganizationId);
        b.HasIndex(x => x.ProblemId);
    }
}

internal sealed class ZendeskOrganizationConfiguration : IEntityTypeConfiguration<ZendeskOrganization>
{
    public void Configure(EntityTypeBuilder<ZendeskOrganization> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Name).HasMaxLength(300);
        b.Property(x => x.ExternalId).HasMaxLength(200);
        b.Property(x => x.Domains).HasMaxLength(1000);
        b.HasIndex(x => x.AccountId);
    }
}

internal sealed class ConnectorStateConfiguration : IEntityTypeConfiguration<ConnectorState>
{
    public void Configure(EntityTypeBuilder<ConnectorState> b)
    {
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(64);
        b.Property(x => x.Cursor).HasMaxLength(2000);
        b.Property(x => x.LastError).HasMaxLength(2000);
    }
}

internal sealed class ConnectorEventConfiguration : IEntityTypeConfiguration<ConnectorEvent>
{
    public void Configure(EntityTypeBuilder<ConnectorEvent> b)
    {
        b.Property(x => x.Connector).HasMaxLength(64);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Message).HasMaxLength(2000);
        b.HasIndex(x => new { x.Connector, x.AtUtc });
    }
}
