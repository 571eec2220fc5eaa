using Microsoft.Extensions.DependencyInjection;

namespace RetentionConsole.Tests.TestInfrastructure;

public static class ServiceProviderExtensions
{
    public static T GetRequiredServiceFor<T>(this IServiceProvider services) where T : notnull => services.GetRequiredService<T>();
}
