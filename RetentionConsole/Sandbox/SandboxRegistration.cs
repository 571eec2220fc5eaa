using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Sandbox.Zendesk;
using RetentionConsole.Sandbox.Alertmanager;
using RetentionConsole.Sandbox.Prometheus;

namespace RetentionConsole.Sandbox;

/// <summary>The host's own address, so connectors with no base URL can call the in-process sandbox.</summary>
public sealed class ServerSandboxAddress(IServer server) : ISandboxAddress
{
    public Uri BaseUri
    {
        get
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
            // A wildcard listen address is not something to call: use loopback on the same port.
            address = address.Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1");
            return new Uri(address.TrimEnd('/') + "/");
        }
    }
}

/// <summary>Moves the simulated world forward on its own clock so the console changes while you watch.</summary>
public sealed class SandboxLife(SandboxWorld world, IOptions<SandboxOptions> options, TimeProvider clock, ILogger<SandboxLife> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.LiveInterval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                world.Tick(clock.GetUtcNow().UtcDateTime);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Sandbox tick failed");
            }
        }
    }
}

public static class SandboxRegistration
{
    public static IServiceCollection AddSandbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ISandboxAddress, ServerSandboxAddress>();
        var options = configuration.GetSection(SandboxOptions.Section).Get<SandboxOptions>() ?? new SandboxOptions();
        if (!options.Enabled) return services;
        services.AddSingleton(sp => new SandboxWorld(sp.GetRequiredService<IOptions<SandboxOptions>>().Value,
            sp.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime));
        services.AddSingleton<SandboxFaults>();
        services.AddSingleton<Bitrix24.Bitrix24Simulator>();
        services.AddSingleton<ZendeskSandboxState>();
        services.AddSingleton<IPostConfigureOptions<Core.Integrations.Zendesk.ZendeskOptions>, SandboxWebhookSecret>();
        services.AddHttpClient(ZendeskSandboxWebhookSender.ClientName);
        services.AddHostedService<ZendeskSandboxWebhookSender>();
        services.AddHostedService<SandboxLife>();
        services.AddAlertmanagerSandbox();
        return services;
    }

    /// <summary>Maps /sandbox/... only when the sandbox is enabled; in production it is not reachable at all.</summary>
    public static IEndpointRouteBuilder MapSandbox(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<SandboxOptions>>().Value.Enabled) return app;
        // Simulated upstreams authenticate like the real ones (their own credentials), not with the console's sign-in.
        var sandbox = app.MapGroup("/sandbox").AllowAnonymous().ExcludeFromDescription();
        Bitrix24.Bitrix24SandboxEndpoints.MapBitrix24Sandbox(sandbox);
        sandbox.MapZendeskSandbox();
        sandbox.MapPrometheusSandbox();
        return app;
    }
}
