using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Integrations.Prometheus;
using RetentionConsole.Core.Jobs;

namespace RetentionConsole.Features.Integrations;

public partial class IntegrationsPage
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(10);

    [Inject] private IntegrationStatusService Status { get; set; } = default!;
    [Inject] private JobService Jobs { get; set; } = default!;
    [Inject] private PrometheusClient Prometheus { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }

    private IReadOnlyList<ConnectorStatus> _connectors = [];
    private IReadOnlyList<UnmatchedOrganization> _unmatched = [];
    private int _unmatchedTotal;
    private readonly Dictionary<string, (Severity Severity, string Text)> _messages = new();
    private readonly HashSet<string> _busy = [];
    private Timer? _refresh;

    private string WebhookUrl => Navigation.BaseUri + "webhooks/alertmanager";

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _refresh = new Timer(_ => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }), null, RefreshEvery, RefreshEvery);
    }

    private async Task LoadAsync()
    {
        _connectors = await Status.GetAllAsync();
        (_unmatchedTotal, _unmatched) = await Status.UnmatchedOrganizationsAsync();
    }

    private async Task<string> ActorAsync() =>
        AuthState is null ? "unknown" : (await AuthState).User.Identity?.Name ?? "unknown";

    private async Task SyncNowAsync(ConnectorStatus connector)
    {
        var key = connector.Definition.Key;
        var job = connector.Definition.SyncJob!;
        _busy.Add(key);
        try
        {
            var result = await Jobs.RunNowAsync(job, await ActorAsync());
            _messages[key] = result switch
            {
                RunNowResult.Started => (Severity.Success, $"{connector.Definition.DisplayName} sync started ({job}); this page refreshes as it runs."),
                RunNowResult.AlreadyRunning => (Severity.Info, $"{connector.Definition.DisplayName} sync ({job}) is already running; wait for it to finish."),
                _ => (Severity.Warning, $"The {job} job is not registered in this build, so there is no {connector.Definition.DisplayName} sync to run yet."),
            };
            await LoadAsync();
        }
        finally
        {
            _busy.Remove(key);
        }
    }

    private async Task TestPrometheusAsync()
    {
        _busy.Add("prometheus");
        try
        {
            var (ok, message) = await PrometheusProbeJob.TestAsync(Prometheus);
            _messages["prometheus"] = (ok ? Severity.Success : Severity.Error, message);
            await LoadAsync();
        }
        finally
        {
            _busy.Remove("prometheus");
        }
    }

    private string When(DateTime? utc)
    {
        if (utc is not { } at) return "never";
        var age = Clock.GetUtcNow().UtcDateTime - at;
        var ago = age < TimeSpan.FromMinutes(1) ? $"{Math.Max(0, (int)age.TotalSeconds)} s ago"
            : age < TimeSpan.FromHours(1) ? $"{(int)age.TotalMinutes} min ago"
            : age < TimeSpan.FromDays(2) ? $"{(int)age.TotalHours} h ago"
            : $"{(int)age.TotalDays} days ago";
        return $"{at:yyyy-MM-dd HH:mm:ss} ({ago})";
    }

    private static string ModeText(ConnectorMode mode) => mode switch
    {
        ConnectorMode.Sandbox => "Sandbox",
        ConnectorMode.External => "Configured",
        _ => "Not configured",
    };

    private static Color ModeColor(ConnectorMode mode) => mode switch
    {
        ConnectorMode.Sandbox => Color.Info,
        ConnectorMode.External => Color.Primary,
        _ => Color.Default,
    };

    private static string FreshnessText(Freshness f) => f switch
    {
        Freshness.Fresh => "Fresh",
        Freshness.Stale => "Stale",
        Freshness.NeverSynced => "Never synced",
        Freshness.PushOnly => "Push",
        _ => "Off",
    };

    private static Color FreshnessColor(Freshness f) => f switch
    {
        Freshness.Fresh => Color.Success,
        Freshness.Stale => Color.Error,
        Freshness.NeverSynced => Color.Warning,
        Freshness.PushOnly => Color.Info,
        _ => Color.Default,
    };

    private static string NotConfiguredHelp(ConnectorStatus c) => c.Definition.Key switch
    {
        "zendesk" => "Off. Set Connectors:Zendesk:BaseUrl (https://<subdomain>.zendesk.com), Email and ApiToken, or enable the sandbox.",
        "bitrix24" => "Off. Set Connectors:Bitrix24:WebhookUrl (the inbound webhook URL), or enable the sandbox.",
        "prometheus" => "Off. Set Connectors:Prometheus:BaseUrl (e.g. https://prometheus.example.com/), or enable the sandbox.",
        _ => "Closed: every delivery is refused until Connectors:Alertmanager:BearerToken (or Username and Password) is set.",
    };

    public void Dispose() => _refresh?.Dispose();
}
