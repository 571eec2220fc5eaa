namespace RetentionConsole.Tests.Integrations.Zendesk;

/// <summary>
/// The upstream contract payloads in ../shared/contracts, found by walking up from the test binaries to the first
/// directory that contains shared/contracts (the repository sits beside shared/ wherever it is cloned).
/// </summary>
public static class Contracts
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "contracts");
            if (Directory.Exists(candidate)) return candidate;
        }

        throw new DirectoryNotFoundException($"No shared/contracts directory above {AppContext.BaseDirectory}.");
    });

    public static string PathOf(string relative) => Path.Combine(Root.Value, relative);

    public static string Text(string relative) => File.ReadAllText(PathOf(relative));

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));
}
