using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RetentionConsole.Core.Monitoring;

namespace RetentionConsole.Core.Persistence.Configurations;

internal sealed class AlertRecordConfiguration : IEntityTypeConfiguration<AlertRecord>
{
    public void Configure(EntityTypeBuilder<AlertRecord> b)
    {
        b.Property(x => x.Fingerprint).HasMaxLength(64);
        b.Property(x => x.Status).HasMaxLength(16);
        b.Property(x => x.AlertName).HasMaxLength(200);
        b.Property(x => x.Service).HasMaxLength(200);
        b.Property(x => x.AccountLabel).HasMaxLength(200);
        b.Property(x => x.GeneratorUrl).HasMaxLength(2000);
        b.Property(x => x.Receiver).HasMaxLength(200);
        b.Property(x => x.GroupKey).HasMaxLength(1000);
        b.Ignore(x => x.IsFiring);
        // One row per occurrence of an alert: the upsert key of every delivery.
        b.HasIndex(x => new { x.Fingerprint, x.StartsAtUtc }).IsUnique();
        b.HasIndex(x => new { x.Status, x.Service });
    }
}
