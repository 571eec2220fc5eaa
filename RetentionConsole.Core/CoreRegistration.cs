using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Audit;
using RetentionConsole.Core.Identity;
using RetentionConsole.Core.Integrations.Bitrix24;
using RetentionConsole.Core.Integrations.Zendesk;
using RetentionConsole.Core.Integrations.Prometheus;
using RetentionConsole.Core.Jobs;
using RetentionConsole.Core.Monitoring;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.Tickets;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Core;

public static class CoreRegistration
{
    /// <summary>Composes every capability's services (one AddXxx each).</summary>
    public static IServiceCollection AddRetentionCore(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddRetentionPersistence(configuration, contentRoot);
        services.AddSingleton<DatabaseInitializer>();
        services.AddAudit();
        services.AddIdentityAdministration();
        services.AddJobCore();
        services.AddSingleton<Integrations.ConnectorRecorder>();
        services.AddBitrix24(configuration);
        services.AddTickets();
        services.AddZendesk();
        services.AddSingleton<Integrations.IntegrationStatusService>();
        services.AddPrometheus();
        services.AddAlertmanager();
        services.AddRevenueAtRisk();
        return services;
    }

    private static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditQueries>();
        return services;
    }

    private static IServiceCollection AddIdentityAdministration(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<UserAdminService>();
        services.AddSingleton<BootstrapAdmin>();
        return services;
    }

    private static IServiceCollection AddJobCore(this IServiceCollection services)
    {
        services.AddOptions<JobHistoryOptions>().BindConfiguration(JobHistoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<JobRunRecorder>();
        services.AddSingleton<JobService>();
        services.AddSingleton<JobHistoryPruner>();
        return services;
    }
}
