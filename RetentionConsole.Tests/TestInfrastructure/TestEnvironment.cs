using System.Runtime.CompilerServices;

namespace RetentionConsole.Tests.TestInfrastructure;

internal static class TestEnvironment
{
    /// <summary>
    /// Every test host would otherwise watch appsettings*.json for changes, and the machine allows only 128 inotify
    /// instances per user: dozens of hosts in one run exhaust them. Tests never edit configuration files.
    /// </summary>
    [ModuleInitializer]
    internal static void DisableConfigurationReload() =>
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}
