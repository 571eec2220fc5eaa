using Bunit;
using RetentionConsole.Components.Layout;
using RetentionConsole.Core.Identity;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Components;

public sealed class NavMenuTests : MudTestContext
{
    private IReadOnlyList<string> LinksFor(params string[] roles)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@test.local");
        auth.SetRoles(roles);
        var menu = Render<NavMenu>();
        return menu.FindAll("a").Select(a => a.GetAttribute("href") ?? "").ToList();
    }

    [Theory]
    [InlineData(Roles.Engineer)]
    [InlineData(Roles.Leadership)]
    public void NavMenu_NonAdmin_ShowsNoAdminPages(string role)
    {
        var links = LinksFor(role);
        Assert.Contains("/", links);
        Assert.DoesNotContain(links, l => l.StartsWith("/admin", StringComparison.Ordinal));
    }

    [Fact]
    public void NavMenu_Admin_ShowsEveryPage()
    {
        var links = LinksFor(Roles.Admin);
        Assert.Equal(NavItems.All.Select(i => i.Href).OrderBy(x => x), links.OrderBy(x => x));
    }

    [Fact]
    public void NavMenu_Anonymous_ShowsNothing()
    {
        AddAuthorization();
        var menu = Render<NavMenu>();
        Assert.Empty(menu.FindAll("a"));
    }

    [Fact]
    public void NavItems_EveryAdminPage_IsAdminOnly()
    {
        foreach (var item in NavItems.All.Where(i => i.Href.StartsWith("/admin", StringComparison.Ordinal)))
            Assert.Equal([Roles.Admin], item.Roles);
    }
}
