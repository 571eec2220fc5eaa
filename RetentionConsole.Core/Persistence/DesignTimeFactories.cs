using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RetentionConsole.Core.Persistence;

// Used by `dotnet ef` (tools/add-migration.sh) only; the running host configures contexts from configuration.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteRetentionDbContext>
{
    public SqliteRetentionDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteRetentionDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerRetentionDbContext>
{
    public SqlServerRetentionDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerRetentionDbContext>()
            .UseSqlServer("Server=localhost;Database=RetentionConsole;Trusted_Connection=True;TrustServerCertificate=True").Options);
}
