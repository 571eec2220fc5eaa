namespace RetentionConsole.Tests.TestInfrastructure;

/// <summary>Finds the repository root (and the shared contracts beside it) from wherever the tests run.</summary>
public static class RepoPaths
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RetentionConsole.sln"))) return dir.FullName;
        }

        throw new DirectoryNotFoundException("RetentionConsole.sln not found above " + AppContext.BaseDirectory);
    }
}
