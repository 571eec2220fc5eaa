using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using MudBlazor.Services;
using RetentionConsole.Components;
using RetentionConsole.Core;
using RetentionConsole.Core.Identity;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Features.Account;
using RetentionConsole.Features.Admin.Jobs;
using RetentionConsole.Features.Integrations;
using RetentionConsole.Features.Me;
using RetentionConsole.Features.Webhooks;
using RetentionConsole.Features.RevenueAtRisk;
using RetentionConsole.Sandbox;

namespace RetentionConsole.Hosting;

public static class HostingRegistration
{
    public static WebApplicationBuilder AddRetentionConsole(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddRetentionCore(configuration, builder.Environment.ContentRootPath);
        services.AddRetentionAuth(configuration);
        services.AddSandbox(configuration);
        services.AddRetentionJobs(configuration);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddOpenApi();
        services.AddProblemDetails();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database").AddConnectorFreshnessChecks();
        return builder;
    }

    public static WebApplication UseRetentionConsole(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        // People get a friendly page for unknown URLs; machines (API, webhooks) keep their bare status codes.
        app.UseWhen(ctx => !AuthRegistration.IsMachinePath(ctx.Request.Path) && HttpMethods.IsGet(ctx.Request.Method),
            branch => branch.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // Routing after the status-code pages, so a re-executed request (/not-found) is routed to its page.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        app.MapOpenApi().RequireAuthorization();
        app.MapAccountEndpoints();
        app.MapMeEndpoints();
        app.MapJobEndpoints();
        app.MapBitrix24WebhookEndpoints();
        app.MapZendeskWebhook();
        app.MapAlertmanagerWebhook();
        app.MapRevenueAtRiskEndpoints();
        app.MapSandbox();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>Migrates SQLite (or checks SQL Server), seeds roles and the bootstrap admin, and says where to sign in.</summary>
    public static async Task InitializeRetentionAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        var bootstrap = await app.Services.GetRequiredService<BootstrapAdmin>().EnsureAsync();
        if (bootstrap.GeneratedPassword is not null)
        {
            // Printed once, on the first run only; the hash is all that is stored.
            Console.WriteLine();
            Console.WriteLine("================ RetentionConsole first run ================");
            Console.WriteLine($"  Bootstrap admin: {bootstrap.Email}");
            Console.WriteLine($"  Password:        {bootstrap.GeneratedPassword}");
            Console.WriteLine("  (shown once; change it under /admin/users)");
            Console.WriteLine("============================================================");
            Console.WriteLine();
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var url in app.Urls) Console.WriteLine($"RetentionConsole is listening on {url} — sign in at {url}/account/login");
        });
    }
}
