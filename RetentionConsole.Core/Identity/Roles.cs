namespace RetentionConsole.Core.Identity;

/// <summary>The three roles of DESIGN.md and the policies built from them.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Engineer = "Engineer";
    public const string Leadership = "Leadership";

    public static readonly string[] All = [Admin, Engineer, Leadership];

    public static bool IsValid(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}
