using Microsoft.AspNetCore.Identity;
using RetentionConsole.Core.Identity;

namespace RetentionConsole.Features.Account;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // Sign-in itself is the static-rendered LoginPage form; sign-out is a POST (antiforgery-checked).
        app.MapPost("/account/logout", async (SignInManager<AppUser> signIn, HttpContext http) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        }).ExcludeFromDescription();
        return app;
    }
}
