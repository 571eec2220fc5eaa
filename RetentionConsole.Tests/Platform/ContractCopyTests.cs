using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Platform;

public sealed class ContractCopyTests
{
    [Fact]
    public void VendoredContracts_AreIdenticalToSharedContracts_WhenSharedIsPresent()
    {
        var vendored = ContractFiles.Vendored();
        Assert.True(Directory.Exists(vendored), "RetentionConsole.Tests/Contracts is missing.");
        Assert.NotEmpty(Directory.GetFiles(vendored, "*.json", SearchOption.AllDirectories));
        // On a checkout beside ../shared the copy must match it file for file (refresh: cp -r ../shared/contracts/. RetentionConsole.Tests/Contracts/).
        if (ContractFiles.Shared() is not { } shared) return;
        static IEnumerable<string> Files(string root) => Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)).OrderBy(f => f, StringComparer.Ordinal);
        Assert.Equal(Files(shared), Files(vendored));
        foreach (var file in Files(shared))
            Assert.True(File.ReadAllBytes(Path.Combine(shared, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(vendored, file))), $"{file} differs from ../shared/contracts");
    }
}
