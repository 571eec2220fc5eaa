namespace RetentionConsole.Core.Integrations;

/// <summary>Names of connector streams (ConnectorState rows, ConnectorEvent.Connector) and their sync jobs.</summary>
public static class ConnectorNames
{
    public const string ZendeskTickets = "zendesk.tickets";
    public const string ZendeskOrganizations = "zendesk.organizations";
    public const string Bitrix24 = "bitrix24";
    public const string Prometheus = "prometheus";
    public const string Alertmanager = "alertmanager";

    public const string ZendeskSyncJob = "zendesk-sync";
    public const string Bitrix24SyncJob = "bitrix24-sync";
}
