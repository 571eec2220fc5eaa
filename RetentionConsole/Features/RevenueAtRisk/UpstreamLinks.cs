namespace RetentionConsole.Features.RevenueAtRisk;

/// <summary>Links into Zendesk and Jira when their base URLs are configured (null otherwise: no dead links).</summary>
public static class UpstreamLinks
{
    public static string? ZendeskTicket(IConfiguration configuration, long ticketId) =>
        Base(configuration, "Connectors:Zendesk:BaseUrl") is { } b ? $"{b}/agent/tickets/{ticketId}" : null;

    public static string? JiraIssue(IConfiguration configuration, string? jiraKey) =>
        jiraKey is not null && Base(configuration, "Connectors:Jira:BaseUrl") is { } b ? $"{b}/browse/{Uri.EscapeDataString(jiraKey)}" : null;

    private static string? Base(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? url.TrimEnd('/')
            : null;
}
