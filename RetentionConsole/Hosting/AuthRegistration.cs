using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using RetentionConsole.Core.Identity;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Hosting;

public static class AuthRegistration
{
    private const string SmartScheme = "CookieOrApiKey";
    public const string AdminPolicy = "Admin";

    public static IServiceCollection AddRetentionAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();

        services.AddIdentity<AppUser, IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = auth.MaxFailedAttempts;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(auth.LockoutMinutes);
            })
            .AddEntityFrameworkStores<RetentionDbContext>()
            .AddDefaultTokenProviders();

        // A disabled user or a changed role takes effect within a minute on open sessions.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = "RetentionConsole.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            // Machines get status codes, not a sign-in page.
            o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden);
        });

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(SmartScheme, "Cookie or API key", o => o.ForwardDefaultSelector = ctx =>
                // Webhooks carry their senders' own credentials (verified by each webhook), never our API keys.
                !ctx.Request.Path.StartsWithSegments("/webhooks")
                && ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme);
        services.Configure<AuthenticationOptions>(o =>
        {
            o.DefaultScheme = SmartScheme;
            o.DefaultAuthenticateScheme = SmartScheme;
            o.DefaultChallengeScheme = SmartScheme;
            o.DefaultForbidScheme = SmartScheme;
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        services.AddCascadingAuthenticationState();

        // Keys in the database: sign-in cookies survive restarts and work across instances.
        services.AddDataProtection().SetApplicationName("RetentionConsole").PersistKeysToDbContext<RetentionDbContext>();
        return services;
    }

    private static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (IsMachinePath(ctx.Request.Path))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    public static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/webhooks") || path.StartsWithSegments("/openapi");
}
