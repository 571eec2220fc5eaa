using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.Identity;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Platform;

public sealed class SignInTests
{
    [Fact]
    public async Task BootstrapAdmin_IsCreatedOnce_NeverTwice()
    {
        using var app = new RetentionAppFactory();
        _ = app.Server;
        var second = await app.Services.GetRequiredService<BootstrapAdmin>().EnsureAsync();
        Assert.False(second.Created);
        await using var db = await app.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.Users.CountAsync());
    }

    [Fact]
    public async Task BootstrapAdmin_WithoutPassword_GeneratesOneThatSignsIn()
    {
        using var app = new RetentionAppFactory().With("Auth:BootstrapAdmin:Password", "");
        _ = app.Server;
        await using (var db = await app.Db.CreateDbContextAsync()) await db.Users.ExecuteDeleteAsync();
        var result = await app.Services.GetRequiredService<BootstrapAdmin>().EnsureAsync();
        Assert.True(result.Created);
        Assert.False(string.IsNullOrEmpty(result.GeneratedPassword));
        var client = await app.SignInAsync(result.Email, result.GeneratedPassword!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task WrongPasswords_LockTheAccountOut_EvenForTheRightPassword()
    {
        using var app = new RetentionAppFactory().With("Auth:MaxFailedAttempts", "3");
        var email = await app.CreateUserAsync(Roles.Engineer);
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        for (var i = 0; i < 3; i++)
        {
            var failed = await RetentionAppFactory.PostLoginAsync(client, email, "wrong-password-000");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode); // the form again, with an error
        }

        var locked = await RetentionAppFactory.PostLoginAsync(client, email, "User-Password-123!");
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("locked", await locked.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        var users = app.Services.CreateScope().ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await users.IsLockedOutAsync((await users.FindByEmailAsync(email))!));
    }

    [Fact]
    public async Task DisabledUser_CannotSignIn_AndActionIsAudited()
    {
        using var app = new RetentionAppFactory();
        var email = await app.CreateUserAsync(Roles.Leadership);
        var admin = app.Services.GetRequiredService<UserAdminService>();
        var user = (await admin.ListAsync()).Single(u => u.Email == email);
        Assert.True((await admin.SetDisabledAsync(user.Id, true, RetentionAppFactory.AdminEmail)).Succeeded);

        var response = await RetentionAppFactory.PostLoginAsync(app.CreateClient(new() { AllowAutoRedirect = false }), email, "User-Password-123!");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("disabled", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        await using var db = await app.Db.CreateDbContextAsync();
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "disable");
        Assert.Equal(RetentionAppFactory.AdminEmail, entry.Actor);
        Assert.Equal(user.Id, entry.EntityId);
    }

    [Fact]
    public async Task CreateUser_InvalidInput_IsRefusedWithMessages_AndChangesNothing()
    {
        using var app = new RetentionAppFactory();
        _ = app.Server;
        var admin = app.Services.GetRequiredService<UserAdminService>();
        var result = await admin.CreateAsync(new NewUser { Email = "not-an-email", Role = "Boss", Password = "short" }, "test");
        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("Role must be one of"));
        Assert.Contains(result.Errors, e => e.Contains("12 characters"));
        await using var db = await app.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Entity == "User"));
    }

    [Fact]
    public async Task CreateUser_DoubleSubmit_CreatesOneUser()
    {
        using var app = new RetentionAppFactory();
        _ = app.Server;
        var admin = app.Services.GetRequiredService<UserAdminService>();
        var input = new NewUser { Email = "twice@test.local", Role = Roles.Engineer, Password = "User-Password-123!" };
        var first = await admin.CreateAsync(input, "test");
        var second = await admin.CreateAsync(input, "test");
        Assert.True(first.Succeeded);
        Assert.False(second.Succeeded);
        await using var db = await app.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == "twice@test.local"));
    }

    [Fact]
    public async Task LastAdmin_CannotBeDisabledOrDemoted()
    {
        using var app = new RetentionAppFactory();
        _ = app.Server;
        var admin = app.Services.GetRequiredService<UserAdminService>();
        var me = (await admin.ListAsync()).Single();
        Assert.False((await admin.SetRolesAsync(me.Id, [Roles.Engineer], "someone-else")).Succeeded);
        Assert.False((await admin.SetDisabledAsync(me.Id, true, "someone-else")).Succeeded);
    }
}
