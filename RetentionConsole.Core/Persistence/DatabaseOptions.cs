using System.ComponentModel.DataAnnotations;

namespace RetentionConsole.Core.Persistence;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    [Required, RegularExpression("^(Sqlite|SqlServer)$", ErrorMessage = "Database:Provider must be Sqlite or SqlServer.")]
    public string Provider { get; set; } = "Sqlite";
}
