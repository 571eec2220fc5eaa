namespace RetentionConsole.Tests.Integrations.Zendesk;

/// <summary>The upstream contract payloads (see <see cref="TestInfrastructure.ContractFiles"/> for where they are found).</summary>
public static class Contracts
{
    public static string PathOf(string relative) => Path.Combine(TestInfrastructure.ContractFiles.Directory, relative);

    public static string Text(string relative) => File.ReadAllText(PathOf(relative));

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));
}
