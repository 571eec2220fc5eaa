using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.Audit;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Identity;

public sealed record UserSummary(string Id, string Email, string? DisplayName, IReadOnlyList<string> Roles,
    bool IsDisabled, bool IsLockedOut, DateTime CreatedUtc);

public sealed class NewUser
{
    public string Email { get; set; } = "";
    public string? DisplayName { get; set; }
    public string Role { get; set; } = Roles.Engineer;
    public string Password { get; set; } = "";
}

public sealed class NewUserValidator : AbstractValidator<NewUser>
{
    public NewUserValidator()
    {
        RuleFor(x => x.Email).NotEmpty().EmailAddress().MaximumLength(256);
        RuleFor(x => x.DisplayName).MaximumLength(200);
        RuleFor(x => x.Role).Must(Roles.IsValid).WithMessage($"Role must be one of {string.Join(", ", Roles.All)}.");
        RuleFor(x => x.Password).NotEmpty().MinimumLength(12)
            .WithMessage("Password must be at least 12 characters.");
    }
}

public sealed record UserAdminResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static readonly UserAdminResult Ok = new(true, []);
    public static UserAdminResult Fail(params string[] errors) => new(false, errors);
    public static UserAdminResult From(IdentityResult r) => r.Succeeded ? Ok : new(false, r.Errors.Select(e => e.Description).ToList());
}

/// <summary>User management for /admin/users. Each operation runs in its own scope (one short-lived context).</summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RetentionDbContext>();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        var roleMap = await (from ur in db.UserRoles
                             join r in db.Roles on ur.RoleId equals r.Id
                             select new { ur.UserId, r.Name }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return users.Select(u => new UserSummary(u.Id, u.Email ?? "", u.DisplayName,
                roleMap.Where(x => x.UserId == u.Id).Select(x => x.Name!).OrderBy(x => x).ToList(),
                u.IsDisabled, !u.IsDisabled && u.LockoutEnd > now, u.CreatedUtc))
            .ToList();
    }

    public async Task<UserAdminResult> CreateAsync(NewUser input, string actor, CancellationToken ct = default)
    {
        var validation = await new NewUserValidator().ValidateAsync(input, ct);
        if (!validation.IsValid) return UserAdminResult.Fail(validation.Errors.Select(e => e.ErrorMessage).ToArray());

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByEmailAsync(input.Email) is not null)
            return UserAdminResult.Fail($"A user with e-mail {input.Email} already exists.");

        var user = new AppUser
        {
            UserName = input.Email.Trim(),
            Email = input.Email.Trim(),
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(input.DisplayName) ? null : input.DisplayName.Trim(),
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
        };
        var created = await users.CreateAsync(user, input.Password);
        if (!created.Succeeded) return UserAdminResult.From(created);
        var roleResult = await users.AddToRoleAsync(user, input.Role);
        if (!roleResult.Succeeded)
        {
            await users.DeleteAsync(user);
            return UserAdminResult.From(roleResult);
        }

        await audit.RecordAsync(scope.ServiceProvider.GetRequiredService<IDbContextFactory<RetentionDbContext>>(), actor,
            "User", user.Id, "create", after: new { user.Email, user.DisplayName, Role = input.Role }, ct: ct);
        return UserAdminResult.Ok;
    }

    public async Task<UserAdminResult> SetRolesAsync(string userId, IReadOnlyCollection<string> roles, string actor, CancellationToken ct = default)
    {
        if (roles.Count == 0) return UserAdminResult.Fail("A user needs at least one role.");
        if (roles.Any(r => !Roles.IsValid(r))) return UserAdminResult.Fail($"Roles must be among {string.Join(", ", Roles.All)}.");
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return UserAdminResult.Fail("No such user.");
        var current = await users.GetRolesAsync(user);
        if (current.Contains(Roles.Admin) && !roles.Contains(Roles.Admin) && await IsLastActiveAdminAsync(users, user))
            return UserAdminResult.Fail("The last active admin cannot lose the Admin role.");
        var remove = await users.RemoveFromRolesAsync(user, current.Except(roles));
        if (!remove.Succeeded) return UserAdminResult.From(remove);
        var add = await users.AddToRolesAsync(user, roles.Except(current));
        if (!add.Succeeded) return UserAdminResult.From(add);
        await users.UpdateSecurityStampAsync(user);
        await Audit(scope, actor, user.Id, "set-roles", new { Roles = current.OrderBy(x => x) }, new { Roles = roles.OrderBy(x => x) }, ct);
        return UserAdminResult.Ok;
    }

    public async Task<UserAdminResult> SetDisabledAsync(string userId, bool disabled, string actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return UserAdminResult.Fail("No such user.");
        if (string.Equals(user.UserName, actor, StringComparison.OrdinalIgnoreCase) && disabled)
            return UserAdminResult.Fail("You cannot disable yourself.");
        if (disabled && (await users.GetRolesAsync(user)).Contains(Roles.Admin) && await IsLastActiveAdminAsync(users, user))
            return UserAdminResult.Fail("The last active admin cannot be disabled.");
        var before = user.IsDisabled;
        user.IsDisabled = disabled;
        // A lock-out that never ends is what stops a disabled user signing in; the new security stamp ends open sessions.
        user.LockoutEnabled = true;
        user.LockoutEnd = disabled ? DateTimeOffset.MaxValue : null;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) return UserAdminResult.From(result);
        await users.UpdateSecurityStampAsync(user);
        await Audit(scope, actor, user.Id, disabled ? "disable" : "enable", new { IsDisabled = before }, new { IsDisabled = disabled }, ct);
        return UserAdminResult.Ok;
    }

    public async Task<UserAdminResult> ResetPasswordAsync(string userId, string newPassword, string actor, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(newPassword) || newPassword.Length < 12)
            return UserAdminResult.Fail("Password must be at least 12 characters.");
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return UserAdminResult.Fail("No such user.");
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, newPassword);
        if (!result.Succeeded) return UserAdminResult.From(result);
        if (!user.IsDisabled) await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await Audit(scope, actor, user.Id, "reset-password", null, new { user.Email }, ct);
        return UserAdminResult.Ok;
    }

    private static async Task<bool> IsLastActiveAdminAsync(UserManager<AppUser> users, AppUser user)
    {
        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        return admins.Count(a => !a.IsDisabled && a.Id != user.Id) == 0;
    }

    private Task Audit(AsyncServiceScope scope, string actor, string id, string action, object? before, object? after, CancellationToken ct) =>
        audit.RecordAsync(scope.ServiceProvider.GetRequiredService<IDbContextFactory<RetentionDbContext>>(),
            actor, "User", id, action, before, after, ct);
}
