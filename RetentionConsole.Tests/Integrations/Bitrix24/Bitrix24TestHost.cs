using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Time.Testing;
using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Integrations.Bitrix24;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Sandbox;
using RetentionConsole.Sandbox.Bitrix24;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Integrations.Bitrix24;

/// <summary>Records what connectors report as changed, standing in for the revenue-at-risk engine.</summary>
public sealed class RecordingRecalculator : IRiskRecalculator
{
    public ConcurrentQueue<long> AccountIds { get; } = new();

    public Task RecalculateAsync(RiskChanges changes, CancellationToken ct)
    {
        foreach (var id in changes.AccountIds) AccountIds.Enqueue(id);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The real host with the sandbox on, a frozen world and a <see cref="FakeTimeProvider"/> as the host's clock, so rate
/// limits and back-offs run on fake time (no real sleeping); <see cref="PumpAsync{T}"/> moves that time along.
/// </summary>
public sealed class Bitrix24TestHost : RetentionAppFactory
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public Bitrix24TestHost(int accounts = 40)
    {
        With("Sandbox:Enabled", "true");
        With("Sandbox:LiveInterval", "00:00:00");
        With("Sandbox:Accounts", accounts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        With("Sandbox:TicketsPerAccount", "0");
        With("Connectors:Bitrix24:ApplicationToken", WebhookToken);
    }

    public const string WebhookToken = "b24-app-token-0123456789abcdef";

    public FakeTimeProvider Clock { get; } = new(Start);
    public RecordingRecalculator Recalculator { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IRiskRecalculator>(Recalculator);
            // Innermost handler of the Bitrix24 client: when each request actually leaves the client.
            services.Configure<HttpClientFactoryOptions>(Refit.UniqueName.ForType<IBitrix24Api>(),
                o => o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Add(new SendLogHandler(this))));
        });
    }

    /// <summary>
    /// When each Bitrix24 request was let through, on the fake clock: the instant the limiter counted it. (Reading the
    /// clock here instead would race the pump, which moves fake time on while a busy machine runs the continuation.)
    /// </summary>
    public ConcurrentQueue<DateTimeOffset> SentLog { get; } = new();

    private sealed class SendLogHandler(Bitrix24TestHost host) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            host.SentLog.Enqueue(request.Options.TryGetValue(RateLimitingHandler.GrantedAt, out var at) ? at : host.Clock.GetUtcNow());
            return base.SendAsync(request, cancellationToken);
        }
    }

    public SandboxWorld World => Services.GetRequiredService<SandboxWorld>();
    public Bitrix24Simulator Simulator => Services.GetRequiredService<Bitrix24Simulator>();
    public SandboxFaults Faults => Services.GetRequiredService<SandboxFaults>();
    public Bitrix24Sync Sync => Services.GetRequiredService<Bitrix24Sync>();

    /// <summary>Awaits <paramref name="task"/> while advancing fake time in small steps (the limiter and back-offs wait on it).</summary>
    public async Task<T> PumpAsync<T>(Task<T> task, TimeSpan? step = null)
    {
        while (!task.IsCompleted)
        {
            Clock.Advance(step ?? TimeSpan.FromMilliseconds(100));
            // Real time for in-flight work to progress between steps, so fake time does not race ahead of it.
            await Task.WhenAny(task, Task.Delay(10));
        }

        return await task;
    }

    public async Task PumpAsync(Task task) => await PumpAsync(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default));

    public Task<Bitrix24SyncResult> SyncAsync() => PumpAsync(Sync.RunAsync(CancellationToken.None));

    public async Task<List<Account>> AccountsAsync()
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.Accounts.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }

    public async Task<List<ContractDeal>> DealsAsync()
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.ContractDeals.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
    }

    public async Task<List<Contact>> ContactsAsync()
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.Contacts.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
    }

    /// <summary>Every domain field of what Bitrix24 feeds (not the SyncedUtc marker), for "nothing changed" checks.</summary>
    public async Task<string> SnapshotAsync()
    {
        var accounts = (await AccountsAsync()).Select(a => $"{a.Id}|{a.Name}|{a.Tier}|{a.Owner}|{a.Arr}|{a.RenewalDateUtc:O}|{a.Services}|{a.Domains}|{a.Status}");
        var deals = (await DealsAsync()).Select(d => $"{d.Id}|{d.AccountId}|{d.Title}|{d.CategoryId}|{d.StageSemantic}|{d.Amount}|{d.Currency}|{d.AmountReporting}|{d.BeginDateUtc:O}|{d.CloseDateUtc:O}|{d.ModifiedUtc:O}");
        var contacts = (await ContactsAsync()).Select(c => $"{c.Id}|{c.AccountId}|{c.Name}|{c.Email}");
        return string.Join("\n", accounts.Concat(deals).Concat(contacts));
    }

    /// <summary>ARR per DESIGN.md computed independently from the simulated world (USD base, EUR at 1.08).</summary>
    public decimal? ExpectedArr(long companyId)
    {
        var today = Clock.GetUtcNow().UtcDateTime.Date;
        return World.Read(w =>
        {
            var current = w.Deals.Where(d => d.CompanyId == companyId && d.StageSemantic == "S" && d.CategoryId == "1"
                                             && d.BeginDate.Date <= today && d.CloseDate.Date >= today).ToList();
            if (current.Count == 0) return (decimal?)null;
            return Math.Round(current.Sum(d => Math.Round(d.Amount * (d.Currency == "EUR" ? 1.08m : 1m), 2) * 365m / ((d.CloseDate.Date - d.BeginDate.Date).Days + 1)), 2);
        });
    }
}
