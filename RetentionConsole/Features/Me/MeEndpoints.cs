using System.Security.Claims;

namespace RetentionConsole.Features.Me;

public sealed record MeResponse(string Name, IReadOnlyList<string> Roles, string AuthenticatedBy);

public static class MeEndpoints
{
    public static IEndpointRouteBuilder MapMeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").RequireAuthorization().WithTags("Identity")
            .MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new MeResponse(
                user.Identity?.Name ?? "",
                user.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct().OrderBy(r => r).ToList(),
                user.Identity?.AuthenticationType ?? "")))
            .WithName("GetMe").WithSummary("The caller's name and roles.");
        return app;
    }
}
