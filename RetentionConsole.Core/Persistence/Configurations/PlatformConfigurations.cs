using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RetentionConsole.Core.Audit;
using RetentionConsole.Core.Identity;
using RetentionConsole.Core.Jobs;

namespace RetentionConsole.Core.Persistence.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Prefix).HasMaxLength(16);
        b.Property(x => x.Hash).HasMaxLength(128);
        b.Property(x => x.Role).HasMaxLength(32);
        b.Property(x => x.CreatedBy).HasMaxLength(256);
        b.HasIndex(x => x.Hash).IsUnique();
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(x => x.Actor).HasMaxLength(256);
        b.Property(x => x.Entity).HasMaxLength(100);
        b.Property(x => x.EntityId).HasMaxLength(200);
        b.Property(x => x.Action).HasMaxLength(100);
        b.HasIndex(x => x.AtUtc);
        b.HasIndex(x => new { x.Entity, x.AtUtc });
    }
}

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> b)
    {
        b.Property(x => x.JobName).HasMaxLength(100);
        b.Property(x => x.TriggeredBy).HasMaxLength(256);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(x => new { x.JobName, x.StartedUtc });
    }
}
