using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Audit;
using RetentionConsole.Core.Identity;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Jobs;
using RetentionConsole.Core.Monitoring;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Core.Persistence;

/// <summary>
/// The one database: Identity, data-protection keys and every capability's tables.
/// Provider-specific subclasses exist only so each provider keeps its own migration set.
/// </summary>
public abstract class RetentionDbContext(DbContextOptions options)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ContractDeal> ContractDeals => Set<ContractDeal>();
    public DbSet<SupportTicket> Tickets => Set<SupportTicket>();
    public DbSet<ZendeskOrganization> ZendeskOrganizations => Set<ZendeskOrganization>();
    public DbSet<ConnectorState> ConnectorStates => Set<ConnectorState>();
    public DbSet<ConnectorEvent> ConnectorEvents => Set<ConnectorEvent>();
    public DbSet<AlertRecord> AlertRecords => Set<AlertRecord>();
    public DbSet<RevenueAtRisk.EngineeringIssue> EngineeringIssues => Set<RevenueAtRisk.EngineeringIssue>();
    public DbSet<RevenueAtRisk.RiskHistoryPoint> RiskHistory => Set<RevenueAtRisk.RiskHistoryPoint>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(RetentionDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every time is UTC (STYLE.md); the converter restores Kind=Utc on read so comparisons stay honest.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<decimal>().HavePrecision(18, 2);
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

public sealed class SqliteRetentionDbContext(DbContextOptions<SqliteRetentionDbContext> options)
    : RetentionDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite cannot order or sum decimal in SQL; money is stored as REAL here so leaderboards sort in the database.
        configurationBuilder.Properties<decimal>().HaveConversion<double>();
        configurationBuilder.Properties<decimal?>().HaveConversion<double?>();
    }
}

public sealed class SqlServerRetentionDbContext(DbContextOptions<SqlServerRetentionDbContext> options)
    : RetentionDbContext(options);
