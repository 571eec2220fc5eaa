namespace RetentionConsole.Core.Integrations;

/// <summary>Where the in-process sandbox is served (the host's own address); used by connectors that have no base URL.</summary>
public interface ISandboxAddress
{
    Uri BaseUri { get; }
}
