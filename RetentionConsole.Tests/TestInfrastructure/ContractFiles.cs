using System.Text.RegularExpressions;

namespace RetentionConsole.Tests.TestInfrastructure;

/// <summary>The verbatim upstream payloads in ../shared/contracts, found by walking up from the test binaries.</summary>
public static partial class ContractFiles
{
    private static readonly Lazy<string> Root = new(() => Shared() ?? Vendored());

    /// <summary>../shared/contracts beside the repository: the source of truth when this checkout sits beside it.</summary>
    public static string? Shared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "contracts");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }

        return null;
    }

    /// <summary>
    /// The copy committed under RetentionConsole.Tests/Contracts, used when the repository is cloned somewhere without
    /// shared/ beside it (a CI checkout). ContractCopyTests keeps it identical to shared/contracts.
    /// </summary>
    public static string Vendored() => Path.Combine(RepoPaths.Root(), "RetentionConsole.Tests", "Contracts");

    public static string Directory => Root.Value;

    /// <summary>Every payload (not the .source.txt notes) of one vendor, as names relative to the vendor folder.</summary>
    public static IReadOnlyList<string> Payloads(string vendor) =>
        System.IO.Directory.GetFiles(Path.Combine(Root.Value, vendor), "*.json").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList()!;

    public static string Read(string vendor, string name) => File.ReadAllText(Path.Combine(Root.Value, vendor, name));

    public static byte[] ReadBytes(string vendor, string name) => File.ReadAllBytes(Path.Combine(Root.Value, vendor, name));

    /// <summary>The HTTP status recorded in the payload's .source.txt ("HTTP/1.1 400 Bad Request"), if it was captured live.</summary>
    public static int? CapturedStatus(string vendor, string name)
    {
        var source = Path.Combine(Root.Value, vendor, Path.ChangeExtension(name, null) + ".source.txt");
        if (!File.Exists(source)) return null;
        var m = StatusLine().Match(File.ReadAllText(source));
        return m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"HTTP/1\.1 (\d{3}) ")]
    private static partial Regex StatusLine();
}
