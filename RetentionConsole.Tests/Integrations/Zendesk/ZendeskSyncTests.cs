using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Integrations.Zendesk;
using RetentionConsole.Core.Tickets;
using RetentionConsole.Sandbox;

namespace RetentionConsole.Tests.Integrations.Zendesk;

public sealed class ZendeskSyncTests
{
    private const string TicketExport = "/incremental/tickets/cursor";
    private const string OrganizationExport = "/incremental/organizations";

    private static ZendeskTestHost Host(int perPage = 1000)
    {
        var host = new ZendeskTestHost();
        host.With("Connectors:Zendesk:PerPage", perPage.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return host;
    }

    private static Task<ZendeskSyncResult> SyncAsync(ZendeskTestHost host) =>
        host.DriveAsync(() => host.Services.GetRequiredService<ZendeskSync>().SyncAsync(CancellationToken.None));

    private static async Task AssertMatchesWorldAsync(ZendeskTestHost host)
    {
        var world = host.World.Read(w => w.Tickets.Select(t => new { t.Id, t.Status, t.UpdatedUtc }).OrderBy(t => t.Id).ToList());
        var stored = await host.QueryAsync(db => db.Tickets.OrderBy(t => t.Id).Select(t => new { t.Id, t.Status, t.UpdatedUtc }));
        Assert.Equal(world.Count, stored.Count);
        Assert.Equal(world, stored);
        var orgs = host.World.Read(w => w.Organizations.Select(o => o.Id).OrderBy(x => x).ToList());
        Assert.Equal(orgs, await host.QueryAsync(db => db.ZendeskOrganizations.OrderBy(o => o.Id).Select(o => o.Id)));
    }

    private static Task<List<object>> SnapshotAsync(ZendeskTestHost host) =>
        host.QueryAsync(db => db.Tickets.OrderBy(t => t.Id).Select(t => (object)new
        {
            t.Id, t.Status, t.UpdatedUtc, t.SyncedUtc, t.AccountId, t.IssueKey, t.Category, t.IsOpen, t.IsFriction,
            t.FirstReplyMinutesCalendar, t.ResolutionMinutesCalendar, t.SolvedUtc,
        }));

    [Fact]
    public async Task Sync_FromSandbox_EverythingArrivesOnce_AndASecondSyncChangesNothing()
    {
        using var host = Host();
        var first = await SyncAsync(host);

        Assert.True(first.Configured);
        await AssertMatchesWorldAsync(host);
        Assert.Equal(host.World.Read(w => w.Tickets.Count), first.TicketsChanged);
        var state = (await host.QueryAsync(db => db.ConnectorStates.Where(s => s.Name == ConnectorNames.ZendeskTickets))).Single();
        Assert.NotNull(state.Cursor);
        Assert.NotNull(state.LastSuccessUtc);
        Assert.Null(state.LastError);
        Assert.Equal(first.TicketsChanged, state.ItemsSynced);

        // Computed on ingest: metrics joined from the sideload, friction and grouping keys present.
        var solved = host.World.Read(w => w.Tickets.First(t => t.SolvedUtc is not null));
        var row = (await host.QueryAsync(db => db.Tickets.Where(t => t.Id == solved.Id))).Single();
        Assert.Equal(solved.SolvedUtc, row.SolvedUtc);
        Assert.NotNull(row.ResolutionMinutesCalendar);
        Assert.False(row.IsOpen);
        var withJira = host.World.Read(w => w.Tickets.First(t => t.JiraKey is not null));
        Assert.Equal(withJira.JiraKey, (await host.QueryAsync(db => db.Tickets.Where(t => t.Id == withJira.Id))).Single().IssueKey);

        var before = await SnapshotAsync(host);
        var second = await SyncAsync(host);

        Assert.Equal(0, second.TicketsChanged);
        Assert.Equal(0, second.OrganizationsChanged);
        Assert.Equal(before, await SnapshotAsync(host));
        // The second run resumed from the stored cursor instead of exporting from start_time again.
        Assert.Contains(host.Wire.Matching(TicketExport), c => c.PathAndQuery.Contains("cursor=" + Uri.EscapeDataString(state.Cursor!), StringComparison.Ordinal)
            || c.PathAndQuery.Contains("cursor=" + state.Cursor, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sync_TicketSolvedUpstream_IsUpdated_AndRiskIsRecalculatedForItsAccountAndIssue()
    {
        using var host = Host();
        await SyncAsync(host);
        var ticket = host.World.Read(w => w.Tickets.First(t => t.Status is "new" or "open" or "pending" && t.Tags.Contains("latency")));
        var now = host.Clock.GetUtcNow().UtcDateTime;
        var solvedAt = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddMinutes(5); // Zendesk times are whole seconds
        host.World.Write(w => w.Solve(ticket, solvedAt));
        host.Recalculator.Calls.Clear();

        var result = await SyncAsync(host);

        Assert.Equal(1, result.TicketsChanged);
        var row = (await host.QueryAsync(db => db.Tickets.Where(t => t.Id == ticket.Id))).Single();
        Assert.Equal("solved", row.Status);
        Assert.False(row.IsOpen);
        Assert.Equal(solvedAt, row.UpdatedUtc);
        Assert.Contains(host.Recalculator.Calls, c => c.IssueKeys.Contains(row.IssueKey!));
    }

    [Fact]
    public async Task Sync_OlderVersionOfATicket_DoesNotOverwriteANewerOne()
    {
        using var host = Host();
        await SyncAsync(host);
        var ticket = host.World.Read(w => w.Tickets.First());
        var store = host.Get<TicketStore>();
        var newer = new TicketSnapshot
        {
            Id = ticket.Id, Status = "closed", Subject = "newer", CreatedUtc = ticket.CreatedUtc, UpdatedUtc = ticket.UpdatedUtc.AddDays(1),
        };
        await store.InTransactionAsync(db => store.ApplyTicketsAsync(db, [newer], new Core.RevenueAtRisk.RiskChanges(), CancellationToken.None), CancellationToken.None);

        // The sandbox still serves the older version (bump its position in the stream without changing updated_at).
        host.World.Write(w => w.Tickets.First(t => t.Id == ticket.Id).Sequence = w.NextSequence());
        await SyncAsync(host);

        var row = (await host.QueryAsync(db => db.Tickets.Where(t => t.Id == ticket.Id))).Single();
        Assert.Equal("closed", row.Status);
        Assert.Equal("newer", row.Subject);
    }

    [Fact]
    public async Task Sync_InterruptedAfterPageK_ResumesAtPageK_WithoutLossOrDuplicates()
    {
        const int perPage = 40;
        const int k = 3;
        using var host = Host(perPage);
        var ticketPages = 0;
        host.Wire.OnCompleted = call =>
        {
            // After page k is served, page k+1 fails on every attempt the retry policy makes.
            if (call.PathAndQuery.Contains(TicketExport, StringComparison.Ordinal) && call.Status == 200 && Interlocked.Increment(ref ticketPages) == k)
                host.Faults.Enqueue("zendesk", new SandboxFault(SandboxFaultKind.ServerError, Status: 503), times: 10, pathContains: TicketExport);
        };

        await Assert.ThrowsAnyAsync<Exception>(() => SyncAsync(host));

        var afterFailure = (await host.QueryAsync(db => db.ConnectorStates.Where(s => s.Name == ConnectorNames.ZendeskTickets))).Single();
        Assert.Equal(k * perPage, (await host.QueryAsync(db => db.Tickets.Select(t => t.Id))).Count);
        Assert.NotNull(afterFailure.Cursor);
        Assert.NotNull(afterFailure.LastError);
        Assert.Equal(1, await host.EventCountAsync(ConnectorNames.ZendeskTickets, ConnectorEventKind.Error));

        host.Wire.OnCompleted = null;
        host.Faults.Clear();
        host.Clock.Advance(TimeSpan.FromMinutes(2)); // let the circuit breaker close again
        var callsBefore = host.Wire.Calls.Count;

        await SyncAsync(host);

        // The resumed run asked for page k+1 (the committed cursor) first, not for page 1 again.
        var resumed = host.Wire.Calls.Skip(callsBefore).First(c => c.PathAndQuery.Contains(TicketExport, StringComparison.Ordinal));
        Assert.Contains("cursor=" + afterFailure.Cursor, Uri.UnescapeDataString(resumed.PathAndQuery), StringComparison.Ordinal);
        Assert.DoesNotContain("start_time", resumed.PathAndQuery, StringComparison.Ordinal);
        await AssertMatchesWorldAsync(host);
        var state = (await host.QueryAsync(db => db.ConnectorStates.Where(s => s.Name == ConnectorNames.ZendeskTickets))).Single();
        Assert.Equal(host.World.Read(w => w.Tickets.Count), state.ItemsSynced);
        Assert.Null(state.LastError);
    }

    [Fact]
    public async Task Sync_429WithRetryAfter_IsWaitedOutOnTheFakeClock_ThenCompletes()
    {
        using var host = Host();
        host.Faults.Enqueue("zendesk", new SandboxFault(SandboxFaultKind.RateLimited, RetryAfterSeconds: 45), pathContains: TicketExport);

        await SyncAsync(host);

        var calls = host.Wire.Matching(TicketExport);
        Assert.Equal(429, calls[0].Status);
        Assert.Equal(200, calls[1].Status);
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(45), $"retried after {(calls[1].At - calls[0].At).TotalSeconds} s");
        await AssertMatchesWorldAsync(host);
    }

    [Fact]
    public async Task Sync_5xx_IsRetried_ThenCompletes()
    {
        using var host = Host();
        host.Faults.Enqueue("zendesk", new SandboxFault(SandboxFaultKind.ServerError, Status: 502), times: 2, pathContains: TicketExport);

        await SyncAsync(host);

        Assert.Equal([502, 502, 200], host.Wire.Matching(TicketExport).Select(c => c.Status).Take(3));
        await AssertMatchesWorldAsync(host);
        Assert.Equal(0, await host.EventCountAsync(ConnectorNames.ZendeskTickets, ConnectorEventKind.Error));
    }

    [Fact]
    public async Task Sync_MalformedItem_IsSkippedAndCounted_AndTheStreamCompletes()
    {
        using var host = Host(perPage: 100);
        host.SandboxState.InjectRawTicket("""{"id": 990001, "status": "open", "created_at": "not a date", "updated_at": "2026-12-01T10:00:00Z"}""");
        host.SandboxState.InjectRawTicket("""{"id": "990002x", "status": "open"}""");

        var result = await SyncAsync(host);

        Assert.Equal(2, result.Malformed);
        Assert.Equal(2, await host.EventCountAsync(ConnectorNames.ZendeskTickets, ConnectorEventKind.MalformedItem));
        await AssertMatchesWorldAsync(host);
        Assert.Empty(await host.QueryAsync(db => db.Tickets.Where(t => t.Id >= 990001)));
    }

    [Fact]
    public async Task Sync_MalformedPageBody_IsCountedAndFetchedAgain_NothingLost()
    {
        using var host = Host(perPage: 100);
        host.Faults.Enqueue("zendesk", new SandboxFault(SandboxFaultKind.MalformedBody), pathContains: TicketExport);

        await SyncAsync(host);

        Assert.Equal(1, await host.EventCountAsync(ConnectorNames.ZendeskTickets, ConnectorEventKind.MalformedItem));
        await AssertMatchesWorldAsync(host);
    }

    [Fact]
    public async Task Sync_ExportRequests_NeverExceedTenInAnySixtySecondWindow()
    {
        using var host = Host(perPage: 15); // ~25 ticket pages + 4 organization pages
        await SyncAsync(host);

        var exports = host.Wire.Calls.Where(c => c.PathAndQuery.Contains("/incremental/", StringComparison.Ordinal))
            .Select(c => c.At).OrderBy(t => t).ToList();
        Assert.True(exports.Count > 20, $"only {exports.Count} export requests");
        for (var i = 0; i + 10 < exports.Count; i++)
            Assert.True(exports[i + 10] - exports[i] >= TimeSpan.FromSeconds(60), $"requests {i}..{i + 10} within {(exports[i + 10] - exports[i]).TotalSeconds} s");
        var waits = await host.EventCountAsync(ConnectorNames.ZendeskTickets, ConnectorEventKind.RateLimitWait);
        Assert.True(waits >= 2, $"{waits} rate-limit waits recorded for {exports.Count} export requests");
        await AssertMatchesWorldAsync(host);
    }

    [Fact]
    public async Task SyncJob_WhenZendeskIsNotConfigured_SaysSo_AndCallsNothing()
    {
        using var host = new ZendeskTestHost(sandbox: false);
        var result = await host.Services.GetRequiredService<ZendeskSync>().SyncAsync(CancellationToken.None);

        Assert.False(result.Configured);
        Assert.StartsWith("Zendesk not configured", result.Message);
        Assert.Empty(host.Wire.Calls);
        var job = host.Services.GetRequiredService<ZendeskSyncJob>();
        Assert.NotNull(job);
        Assert.True(typeof(ZendeskSyncJob).IsDefined(typeof(DisallowConcurrentExecutionAttribute), false));
    }
}
