using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Identity;

public sealed record BootstrapResult(bool Created, string Email, string? GeneratedPassword);

/// <summary>
/// Makes sure the roles exist and, on the very first run (no admin yet), creates the bootstrap admin.
/// A generated password is printed once to the console and never stored in plain text.
/// </summary>
public sealed class BootstrapAdmin(IServiceScopeFactory scopes, IOptions<AuthOptions> options,
    ApiKeyService apiKeys, TimeProvider clock, ILogger<BootstrapAdmin> logger)
{
    public async Task<BootstrapResult> EnsureAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
        }

        var seed = options.Value.SeedApiKey;
        if (!string.IsNullOrEmpty(seed.Key)) await apiKeys.EnsureSeedAsync(seed.Key, seed.Role, ct);

        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var config = options.Value.BootstrapAdmin;
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0) return new BootstrapResult(false, config.Email, null);

        var generated = string.IsNullOrEmpty(config.Password) ? GeneratePassword() : null;
        var admin = new AppUser
        {
            UserName = config.Email,
            Email = config.Email,
            EmailConfirmed = true,
            DisplayName = "Administrator",
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
        };
        var result = await users.CreateAsync(admin, generated ?? config.Password!);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Could not create the bootstrap admin: " +
                string.Join("; ", result.Errors.Select(e => e.Description)));
        }

        await users.AddToRoleAsync(admin, Roles.Admin);
        logger.LogInformation("Created bootstrap admin {Email}", config.Email);
        return new BootstrapResult(true, config.Email, generated);
    }

    private static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        var chars = Enumerable.Range(0, 20).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]);
        // Guarantee every character class Identity's default password policy asks for.
        return new string(chars.ToArray()) + "-9aZ";
    }
}
