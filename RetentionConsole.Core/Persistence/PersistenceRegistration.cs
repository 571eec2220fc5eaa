using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetentionConsole.Core.Persistence;

public static class PersistenceRegistration
{
    public const string ConnectionStringName = "Retention";

    /// <summary>
    /// Registers <see cref="IDbContextFactory{RetentionDbContext}"/> (and a scoped context for Identity) on the
    /// provider chosen by Database:Provider. A relative SQLite file is placed under <paramref name="contentRoot"/>.
    /// </summary>
    public static IServiceCollection AddRetentionPersistence(
        this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();

        var provider = configuration[$"{DatabaseOptions.Section}:Provider"] ?? "Sqlite";
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.Equals(provider, "SqlServer", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Database:Provider is SqlServer but ConnectionStrings:Retention is empty. Set it in the environment (ConnectionStrings__Retention) or user-secrets.");
            }

            services.AddDbContextFactory<SqlServerRetentionDbContext>(o => o.UseSqlServer(connectionString));
            services.AddSingleton<IDbContextFactory<RetentionDbContext>>(sp =>
                new UpcastFactory<SqlServerRetentionDbContext>(sp.GetRequiredService<IDbContextFactory<SqlServerRetentionDbContext>>()));
        }
        else
        {
            var sqlite = ResolveSqlite(connectionString, contentRoot);
            services.AddDbContextFactory<SqliteRetentionDbContext>(o => o.UseSqlite(sqlite));
            services.AddSingleton<IDbContextFactory<RetentionDbContext>>(sp =>
                new UpcastFactory<SqliteRetentionDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteRetentionDbContext>>()));
        }

        services.AddScoped<RetentionDbContext>(sp =>
            sp.GetRequiredService<IDbContextFactory<RetentionDbContext>>().CreateDbContext());
        return services;
    }

    internal static string ResolveSqlite(string? connectionString, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(connectionString)
            ? "Data Source=retention.db"
            : connectionString);
        if (csb.DataSource != ":memory:" && !csb.DataSource.StartsWith("file:", StringComparison.Ordinal)
            && !Path.IsPathRooted(csb.DataSource))
        {
            csb.DataSource = Path.Combine(contentRoot, csb.DataSource);
        }

        // Blazor circuits, jobs and webhooks write concurrently: wait for the lock instead of failing at once.
        csb.DefaultTimeout = Math.Max(csb.DefaultTimeout, 30);
        return csb.ToString();
    }

    private sealed class UpcastFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<RetentionDbContext>
        where T : RetentionDbContext
    {
        public RetentionDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
