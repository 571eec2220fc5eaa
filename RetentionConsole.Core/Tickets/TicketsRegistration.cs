using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Tickets;

public static class TicketsRegistration
{
    public static IServiceCollection AddTickets(this IServiceCollection services)
    {
        services.AddOptions<TicketOptions>().BindConfiguration(TicketOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<TicketOptions>, TicketOptionsDefaults>();
        services.AddSingleton<IValidateOptions<TicketOptions>, TicketOptionsValidator>();
        services.AddSingleton<TicketClassifier>();
        services.AddSingleton<TicketStore>();
        services.AddSingleton<TicketQueries>();
        return services;
    }
}
