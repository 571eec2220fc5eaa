using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Monitoring;

public static class MonitoringRegistration
{
    /// <summary>Alertmanager webhook credentials and alert storage.</summary>
    public static IServiceCollection AddAlertmanager(this IServiceCollection services)
    {
        services.AddOptions<AlertmanagerOptions>().BindConfiguration(AlertmanagerOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertmanagerOptions>, AlertmanagerOptionsValidator>();
        services.AddSingleton<AlertmanagerAuthenticator>();
        services.AddSingleton<AlertmanagerWebhookService>();
        return services;
    }
}
