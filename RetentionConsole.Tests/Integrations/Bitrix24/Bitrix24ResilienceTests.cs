using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Integrations.Bitrix24;
using RetentionConsole.Sandbox;

namespace RetentionConsole.Tests.Integrations.Bitrix24;

public sealed class Bitrix24ResilienceTests
{
    private static void AssertAtMostTwoPerSecond(IReadOnlyList<DateTimeOffset> sent)
    {
        for (var i = 2; i < sent.Count; i++)
            Assert.True(sent[i] - sent[i - 2] >= TimeSpan.FromSeconds(1), $"requests {i - 2}..{i} were sent within {sent[i] - sent[i - 2]}");
    }

    [Fact]
    public async Task Client_UnderConcurrentCalls_NeverSendsMoreThanTwoRequestsInAnySecond()
    {
        using var host = new Bitrix24TestHost(accounts: 3);
        var api = host.Services.GetRequiredService<IBitrix24Api>();

        var calls = Enumerable.Range(0, 12).Select(_ => api.CurrencyListAsync(new B24CurrencyListRequest(), CancellationToken.None)).ToList();
        await host.PumpAsync(Task.WhenAll(calls));

        var sent = host.SentLog.OrderBy(t => t).ToList();
        Assert.Equal(12, sent.Count);
        Assert.Equal(12, host.Simulator.RequestLog.Count);
        AssertAtMostTwoPerSecond(sent);
        // The 12 calls take ~5 s of (fake) time: the limiter waited rather than letting the bucket fill.
        Assert.True(sent[^1] - sent[0] >= TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task FullSync_UsesBatchesOfFiftyPages_TheMinimumNumberOfRequests()
    {
        using var host = new Bitrix24TestHost(accounts: 1300);
        var result = await host.SyncAsync();

        var (companies, deals, contacts) = host.World.Read(w => (w.Companies.Count, w.Deals.Count, w.Contacts.Count));
        Assert.Equal(companies, (await host.AccountsAsync()).Count);
        Assert.Equal(contacts, (await host.ContactsAsync()).Count);
        static int Pages(int n) => (n + 49) / 50;
        var pages = Pages(companies) + Pages(deals) + Pages(contacts);
        // One request learns the totals; after that every request carries 49 list pages + the currency rates.
        var minimum = 1 + (int)Math.Ceiling((pages - 2) / 49.0);
        Assert.InRange(result.Requests, minimum, minimum + 1);
        Assert.Equal(result.Requests, host.Simulator.RequestLog.Count);
        AssertAtMostTwoPerSecond(host.SentLog.OrderBy(t => t).ToList());
    }

    [Fact]
    public async Task QueryLimitExceeded_IsBackedOff_AndTheSyncResumes()
    {
        using var host = new Bitrix24TestHost(accounts: 120);
        _ = host.Services;
        // A portal whose bucket is nearly full: it drains slower than the client's 2/s, so it answers 503 QUERY_LIMIT_EXCEEDED.
        host.Simulator.BucketCapacity = 1;
        host.Simulator.DrainPerSecond = 0.4;

        var result = await host.SyncAsync();

        Assert.Equal(host.World.Read(w => w.Companies.Count), (await host.AccountsAsync()).Count);
        Assert.Equal(host.World.Read(w => w.Contacts.Count), (await host.ContactsAsync()).Count);
        Assert.True(result.Requests >= 2);
        await using var db = await host.Db.CreateDbContextAsync();
        var waits = await db.ConnectorEvents.Where(e => e.Connector == ConnectorNames.Bitrix24 && e.Kind == ConnectorEventKind.RateLimitWait).ToListAsync();
        Assert.Contains(waits, w => w.Message.Contains("QUERY_LIMIT_EXCEEDED", StringComparison.Ordinal));
        Assert.True(host.Simulator.Rejected > 0);
    }

    [Fact]
    public async Task RetryAfter_IsHonoured_OnFakeTime()
    {
        using var host = new Bitrix24TestHost(accounts: 10);
        host.Faults.Enqueue("bitrix24", new SandboxFault(SandboxFaultKind.RateLimited, RetryAfterSeconds: 30));
        var started = host.Clock.GetUtcNow();

        await host.SyncAsync();

        var first = host.Simulator.RequestLog.First();
        Assert.True(first - started >= TimeSpan.FromSeconds(30), $"retried after {first - started}");
        Assert.Equal(10, (await host.AccountsAsync()).Count);
    }

    [Fact]
    public async Task ServerErrors_AreRetried_AndTheSyncCompletes()
    {
        using var host = new Bitrix24TestHost(accounts: 10);
        host.Faults.Enqueue("bitrix24", new SandboxFault(SandboxFaultKind.ServerError, Status: 502), times: 2);

        await host.SyncAsync();

        Assert.Equal(10, (await host.AccountsAsync()).Count);
    }

    [Fact]
    public async Task MalformedCompany_IsCountedAndSkipped_TheRestArrives()
    {
        using var host = new Bitrix24TestHost(accounts: 12);
        host.Simulator.CorruptCompanies[5] = true;

        var result = await host.SyncAsync();

        var accounts = await host.AccountsAsync();
        Assert.Equal(11, accounts.Count);
        Assert.DoesNotContain(accounts, a => a.Id == 5);
        Assert.Equal(1, result.Malformed);
        await using var db = await host.Db.CreateDbContextAsync();
        var events = await db.ConnectorEvents.Where(e => e.Kind == ConnectorEventKind.MalformedItem).ToListAsync();
        Assert.Single(events);
        Assert.Contains("company 5", events[0].Message, StringComparison.Ordinal);
        // Contacts of the skipped company are kept, unlinked, rather than lost.
        Assert.All((await host.ContactsAsync()).Where(c => c.Id / 10 == 5), c => Assert.Null(c.AccountId));
    }
}
