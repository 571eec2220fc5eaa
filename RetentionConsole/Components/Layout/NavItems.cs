using RetentionConsole.Core.Identity;

namespace RetentionConsole.Components.Layout;

/// <summary>A navigation entry and the roles that may use it (null = every signed-in user).</summary>
public sealed record NavItem(string Title, string Href, string Icon, string Section, IReadOnlyList<string>? Roles = null)
{
    public bool IsVisibleTo(Func<string, bool> isInRole) => Roles is null || Roles.Any(isInRole);
}

/// <summary>Every page in the navigation. Only pages that exist are listed; the server enforces the same roles on the page.</summary>
public static class NavItems
{
    private static readonly string[] AdminOnly = [Core.Identity.Roles.Admin];

    public static readonly IReadOnlyList<NavItem> All =
    [
        new("Revenue at risk", "/", MudBlazor.Icons.Material.Filled.Dashboard, "Console"),
        new("Users & API keys", "/admin/users", MudBlazor.Icons.Material.Filled.People, "Administration", AdminOnly),
        new("Integrations", "/admin/integrations", MudBlazor.Icons.Material.Filled.Hub, "Administration", AdminOnly),
        new("Jobs", "/admin/jobs", MudBlazor.Icons.Material.Filled.Schedule, "Administration", AdminOnly),
        new("Audit log", "/admin/audit", MudBlazor.Icons.Material.Filled.History, "Administration", AdminOnly),
    ];
}
