using Microsoft.AspNetCore.Identity;

namespace RetentionConsole.Core.Identity;

public sealed class AppUser : IdentityUser
{
    public string? DisplayName { get; set; }
    public bool IsDisabled { get; set; }
    public DateTime CreatedUtc { get; set; }
}
