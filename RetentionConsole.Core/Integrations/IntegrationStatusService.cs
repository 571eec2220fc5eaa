using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using RetentionConsole.Core.Integrations.Prometheus;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Integrations;

/// <summary>How a connector is wired: off, pointed at the built-in sandbox, or at a real system.</summary>
public enum ConnectorMode
{
    NotConfigured,
    Sandbox,
    External,
}

/// <summary>Is the connector's data current? Push-only connectors (Alertmanager) have no expected cadence.</summary>
public enum Freshness
{
    NotConfigured,
    NeverSynced,
    Fresh,
    Stale,
    PushOnly,
}

/// <summary>A connector the console knows: its streams (ConnectorState rows), where its settings live, its sync job.</summary>
public sealed record ConnectorDefinition(string Key, string DisplayName, IReadOnlyList<string> Streams, string ConfigKey,
    string SandboxPath, string? PollIntervalKey, TimeSpan DefaultPollInterval, string? SyncJob)
{
    public bool IsPushOnly => PollIntervalKey is null;

    public static readonly IReadOnlyList<ConnectorDefinition> All =
    [
        new("zendesk", "Zendesk", [ConnectorNames.ZendeskTickets, ConnectorNames.ZendeskOrganizations], "Connectors:Zendesk:BaseUrl",
            "sandbox/zendesk/", "Connectors:Zendesk:PollInterval", TimeSpan.FromMinutes(1), ConnectorNames.ZendeskSyncJob),
        new("bitrix24", "Bitrix24", [ConnectorNames.Bitrix24], "Connectors:Bitrix24:WebhookUrl",
            "sandbox/bitrix24/", "Connectors:Bitrix24:PollInterval", TimeSpan.FromMinutes(15), ConnectorNames.Bitrix24SyncJob),
        new("prometheus", "Prometheus", [ConnectorNames.Prometheus], "Connectors:Prometheus:BaseUrl",
            PrometheusTarget.SandboxPath, "Connectors:Prometheus:PollInterval", TimeSpan.FromMinutes(1), PrometheusProbeJob.Name),
        new("alertmanager", "Alertmanager", [ConnectorNames.Alertmanager], "Connectors:Alertmanager:BearerToken",
            "sandbox/alertmanager/", null, TimeSpan.Zero, null),
    ];
}

public sealed record StreamStatus(string Name, DateTime? LastAttemptUtc, DateTime? LastSuccessUtc, string? LastError, long ItemsSynced,
    Freshness Freshness);

public sealed record ConnectorStatus(ConnectorDefinition Definition, ConnectorMode Mode, string Target, TimeSpan? PollInterval,
    TimeSpan? StaleAfter, Freshness Freshness, IReadOnlyList<StreamStatus> Streams, int Errors24h, int MalformedItems24h,
    int RateLimitWaits24h, string? LatestError, DateTime? LatestErrorUtc)
{
    public DateTime? LastSuccessUtc => Streams.Select(s => s.LastSuccessUtc).DefaultIfEmpty(null).Min();
    public long ItemsSynced => Streams.Sum(s => s.ItemsSynced);
}

public sealed record UnmatchedOrganization(long Id, string Name, string? ExternalId, string Domains, string Hint);

/// <summary>
/// What /admin/integrations and /health show per connector: configured or not (read straight from configuration, so
/// this does not depend on each connector's option classes), freshness of its data, and what it counted in 24 h.
/// </summary>
public sealed class IntegrationStatusService(IDbContextFactory<RetentionDbContext> factory, IConfiguration configuration, TimeProvider clock)
{
    public static readonly TimeSpan EventWindow = TimeSpan.FromHours(24);

    /// <summary>Data is stale once no success came for two poll intervals plus a minute (one missed run is tolerated).</summary>
    public static TimeSpan StaleAfterFor(TimeSpan pollInterval) => pollInterval * 2 + TimeSpan.FromMinutes(1);

    public async Task<IReadOnlyList<ConnectorStatus>> GetAllAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now - EventWindow;
        await using var db = await factory.CreateDbContextAsync(ct);
        var states = await db.ConnectorStates.AsNoTracking().ToListAsync(ct);
        var counts = await db.ConnectorEvents.AsNoTracking().Where(e => e.AtUtc >= since)
            .GroupBy(e => new { e.Connector, e.Kind })
            .Select(g => new { g.Key.Connector, g.Key.Kind, Count = g.Count() }).ToListAsync(ct);

        var result = new List<ConnectorStatus>();
        foreach (var definition in ConnectorDefinition.All)
        {
            var latestError = await db.ConnectorEvents.AsNoTracking()
                .Where(e => e.Kind == ConnectorEventKind.Error &&
                            (e.Connector == definition.Key || e.Connector.StartsWith(definition.Key + ".")))
                .OrderByDescending(e => e.AtUtc).ThenByDescending(e => e.Id)
                .Select(e => new { e.Message, e.AtUtc }).FirstOrDefaultAsync(ct);
            result.Add(Build(definition, states, now, latestError?.Message, latestError?.AtUtc,
                Count(ConnectorEventKind.Error), Count(ConnectorEventKind.MalformedItem), Count(ConnectorEventKind.RateLimitWait)));

            int Count(ConnectorEventKind kind) => counts.Where(c => c.Kind == kind && Belongs(c.Connector, definition)).Sum(c => c.Count);
        }

        return result;
    }

    public async Task<ConnectorStatus> GetAsync(string key, CancellationToken ct = default) =>
        (await GetAllAsync(ct)).Single(s => s.Definition.Key == key);

    public async Task<(int Total, IReadOnlyList<UnmatchedOrganization> Items)> UnmatchedOrganizationsAsync(int take = 50, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.ZendeskOrganizations.AsNoTracking().Where(o => o.AccountId == null);
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(o => o.Name).ThenBy(o => o.Id).Take(take).ToListAsync(ct);
        return (total, items.Select(o => new UnmatchedOrganization(o.Id, o.Name, o.ExternalId, o.Domains, Hint(o.ExternalId, o.Domains))).ToList());
    }

    internal static string Hint(string? externalId, string domains)
    {
        var domainText = string.IsNullOrWhiteSpace(domains) ? "it has no domain_names" : $"its domain_names ({domains}) match no company's domain";
        return string.IsNullOrWhiteSpace(externalId)
            ? $"In Zendesk, set the organization's external_id to the Bitrix24 company ID, or add the company's web domain to domain_names ({domainText})."
            : $"external_id \"{externalId}\" is not a Bitrix24 company ID: set it to the company's ID, or add the company's web domain to domain_names ({domainText}).";
    }

    private static bool Belongs(string connector, ConnectorDefinition definition) =>
        connector == definition.Key || connector.StartsWith(definition.Key + ".", StringComparison.Ordinal) || definition.Streams.Contains(connector);

    private ConnectorStatus Build(ConnectorDefinition definition, List<ConnectorState> states, DateTime now, string? latestError,
        DateTime? latestErrorUtc, int errors, int malformed, int waits)
    {
        var (mode, target) = ModeOf(definition);
        TimeSpan? interval = definition.PollIntervalKey is null ? null : configuration.GetValue(definition.PollIntervalKey, definition.DefaultPollInterval);
        TimeSpan? staleAfter = interval is { } i ? StaleAfterFor(i) : null;
        var streams = definition.Streams.Select(name =>
        {
            var state = states.FirstOrDefault(s => s.Name == name);
            var freshness = mode == ConnectorMode.NotConfigured ? Freshness.NotConfigured
                : staleAfter is null ? Freshness.PushOnly
                : state?.LastSuccessUtc is not { } last ? Freshness.NeverSynced
                : now - last <= staleAfter ? Freshness.Fresh
                : Freshness.Stale;
            return new StreamStatus(name, state?.LastAttemptUtc, state?.LastSuccessUtc, state?.LastError, state?.ItemsSynced ?? 0, freshness);
        }).ToList();
        // The connector is as fresh as its least fresh stream.
        var overall = streams.Select(s => s.Freshness).OrderByDescending(Severity).First();
        return new ConnectorStatus(definition, mode, target, interval, staleAfter, overall, streams, errors, malformed, waits,
            latestError, latestErrorUtc);
    }

    private static int Severity(Freshness f) => f switch
    {
        Freshness.Stale => 3,
        Freshness.NeverSynced => 2,
        _ => 0,
    };

    /// <summary>Configured URL → External (host only: a Bitrix24 webhook URL carries its secret in the path).</summary>
    internal (ConnectorMode Mode, string Target) ModeOf(ConnectorDefinition definition)
    {
        var sandboxEnabled = configuration.GetValue<bool>("Sandbox:Enabled");
        if (definition.Key == "alertmanager")
        {
            var token = configuration[definition.ConfigKey];
            var user = configuration["Connectors:Alertmanager:Username"];
            if (!string.IsNullOrEmpty(token) || !string.IsNullOrEmpty(user))
                return (ConnectorMode.External, !string.IsNullOrEmpty(token) ? "POST /webhooks/alertmanager (bearer token)" : "POST /webhooks/alertmanager (basic auth)");
            return sandboxEnabled
                ? (ConnectorMode.Sandbox, "built-in sandbox sender → POST /webhooks/alertmanager (token generated at start-up)")
                : (ConnectorMode.NotConfigured, "webhook closed: set Connectors:Alertmanager:BearerToken (or Username and Password)");
        }

        var url = configuration[definition.ConfigKey];
        if (!string.IsNullOrWhiteSpace(url))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return (ConnectorMode.External, "(invalid URL)");
            var isSandbox = uri.AbsolutePath.Contains("/" + definition.SandboxPath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
            return (isSandbox ? ConnectorMode.Sandbox : ConnectorMode.External, $"{uri.Scheme}://{uri.Authority}");
        }

        return sandboxEnabled
            ? (ConnectorMode.Sandbox, "built-in sandbox (/" + definition.SandboxPath.TrimEnd('/') + ")")
            : (ConnectorMode.NotConfigured, $"set {definition.ConfigKey}");
    }
}
