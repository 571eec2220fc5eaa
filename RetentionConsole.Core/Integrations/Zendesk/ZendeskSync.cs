using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Core.Integrations.Zendesk;

public sealed record ZendeskSyncResult(bool Configured, int OrganizationsChanged, int TicketsChanged, int Rematched, int Malformed,
    int UnmatchedOrganizations, int Pages)
{
    public string Message => Configured
        ? $"Zendesk: {TicketsChanged} ticket(s) and {OrganizationsChanged} organization(s) changed in {Pages} page(s); " +
          $"{Rematched} organization(s) re-matched; {Malformed} malformed item(s) skipped; {UnmatchedOrganizations} organization(s) unmatched."
        : ZendeskConnection.NotConfiguredMessage;
}

/// <summary>
/// Incremental Zendesk sync: organizations (time-based export), a re-match of organizations to accounts, then tickets
/// (cursor-based export with metric sets). Every page commits together with its cursor, so a sync killed after page k
/// resumes at page k: nothing lost, nothing twice. Revenue at risk is recalculated after each committed page.
/// </summary>
public sealed class ZendeskSync(
    ZendeskConnection connection,
    ZendeskClient client,
    TicketStore store,
    IDbContextFactory<RetentionDbContext> factory,
    ConnectorRecorder recorder,
    IEnumerable<IRiskRecalculator> recalculators,
    IOptions<ZendeskOptions> options,
    TimeProvider clock,
    ILogger<ZendeskSync> logger)
{
    private const int MalformedPageAttempts = 3;

    public async Task<ZendeskSyncResult> SyncAsync(CancellationToken ct)
    {
        if (!connection.IsConfigured)
        {
            logger.LogInformation("{Message}", ZendeskConnection.NotConfiguredMessage);
            return new ZendeskSyncResult(false, 0, 0, 0, 0, 0, 0);
        }

        var stats = new Stats();
        await RunStreamAsync(ConnectorNames.ZendeskOrganizations, () => SyncOrganizationsAsync(stats, ct), ct);
        await RunStreamAsync(ConnectorNames.ZendeskTickets, async () =>
        {
            // Accounts may have arrived (Bitrix24 syncs on its own schedule) since organizations were last matched.
            var changes = new RiskChanges();
            stats.Rematched = await store.InTransactionAsync(db => store.RematchAsync(db, changes, ct), ct);
            await RecalculateAsync(changes, ct);
            await SyncTicketsAsync(stats, ct);
        }, ct);

        await using var db = await factory.CreateDbContextAsync(ct);
        var unmatched = await db.ZendeskOrganizations.CountAsync(o => o.AccountId == null, ct);
        if (unmatched > 0)
            logger.LogWarning("{Count} Zendesk organization(s) match no account; see the Integrations page for how to fix them", unmatched);
        var result = new ZendeskSyncResult(true, stats.Organizations, stats.Tickets, stats.Rematched, stats.Malformed, unmatched, stats.Pages);
        logger.LogInformation("{Message}", result.Message);
        return result;
    }

    private async Task RunStreamAsync(string stream, Func<Task> sync, CancellationToken ct)
    {
        await UpdateStateAsync(stream, s => s.LastAttemptUtc = Now(), ct);
        try
        {
            await sync();
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            await recorder.AttemptFailedAsync(stream, ex, CancellationToken.None);
            throw;
        }

        await UpdateStateAsync(stream, s =>
        {
            s.LastSuccessUtc = Now();
            s.LastError = null;
        }, ct);
    }

    private async Task SyncOrganizationsAsync(Stats stats, CancellationToken ct)
    {
        var startTime = long.TryParse(await CursorAsync(ConnectorNames.ZendeskOrganizations, ct), NumberStyles.None,
            CultureInfo.InvariantCulture, out var saved) ? saved : options.Value.InitialStartTime;
        while (true)
        {
            var page = await WithMalformedPageRetryAsync(ConnectorNames.ZendeskOrganizations,
                () => client.ExportOrganizationsAsync(startTime, ct), ct);
            await CountMalformedAsync(ConnectorNames.ZendeskOrganizations, page.Malformed, stats, ct);

            // Time-based export: the next request starts at end_time. A page that does not move time forward would
            // repeat itself forever, so it ends this run (its items are applied; the next run asks again).
            var next = page.EndTime is { } end && end > startTime ? end : startTime;
            var changes = new RiskChanges();
            stats.Organizations += await store.InTransactionAsync(async db =>
            {
                var changed = await store.ApplyOrganizationsAsync(db, page.Organizations, changes, ct);
                var state = await ConnectorRecorder.StateAsync(db, ConnectorNames.ZendeskOrganizations, ct);
                state.Cursor = next.ToString(CultureInfo.InvariantCulture);
                state.ItemsSynced += changed;
                return changed;
            }, ct);
            stats.Pages++;
            await RecalculateAsync(changes, ct);

            if (page.EndOfStream) return;
            if (next == startTime)
            {
                logger.LogWarning("Zendesk organization export did not advance past {StartTime}; continuing next run", startTime);
                return;
            }

            startTime = next;
        }
    }

    private async Task SyncTicketsAsync(Stats stats, CancellationToken ct)
    {
        var cursor = await CursorAsync(ConnectorNames.ZendeskTickets, ct);
        while (true)
        {
            var requested = cursor;
            var page = await WithMalformedPageRetryAsync(ConnectorNames.ZendeskTickets,
                () => client.ExportTicketsAsync(requested, options.Value.InitialStartTime, ct), ct);
            await CountMalformedAsync(ConnectorNames.ZendeskTickets, page.Malformed, stats, ct);

            var next = string.IsNullOrEmpty(page.AfterCursor) ? cursor : page.AfterCursor;
            var changes = new RiskChanges();
            stats.Tickets += await store.InTransactionAsync(async db =>
            {
                var changed = await store.ApplyTicketsAsync(db, page.Tickets, changes, ct);
                var state = await ConnectorRecorder.StateAsync(db, ConnectorNames.ZendeskTickets, ct);
                state.Cursor = next;
                state.ItemsSynced += changed;
                return changed;
            }, ct);
            stats.Pages++;
            await RecalculateAsync(changes, ct);

            if (page.EndOfStream) return;
            if (next is null || next == requested)
            {
                logger.LogWarning("Zendesk ticket export returned no new cursor before the end of the stream; continuing next run");
                return;
            }

            cursor = next;
        }
    }

    /// <summary>A page whose body cannot be read is counted and asked for again; it never moves the cursor.</summary>
    private async Task<T> WithMalformedPageRetryAsync<T>(string stream, Func<Task<T>> fetch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await fetch();
            }
            catch (ZendeskMalformedPageException ex)
            {
                await recorder.EventAsync(stream, ConnectorEventKind.MalformedItem, $"Malformed page (attempt {attempt}): {ex.Message}", ct);
                if (attempt >= MalformedPageAttempts) throw;
            }
        }
    }

    private async Task CountMalformedAsync(string stream, IReadOnlyList<string> malformed, Stats stats, CancellationToken ct)
    {
        foreach (var message in malformed)
        {
            stats.Malformed++;
            await recorder.EventAsync(stream, ConnectorEventKind.MalformedItem, message, ct);
        }
    }

    private async Task RecalculateAsync(RiskChanges changes, CancellationToken ct)
    {
        if (changes.IsEmpty) return;
        foreach (var recalculator in recalculators)
        {
            try
            {
                await recalculator.RecalculateAsync(changes, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The data is committed; a failing recalculation must not stop the sync (the next change retries it).
                logger.LogError(ex, "Revenue-at-risk recalculation after a Zendesk page failed");
                await recorder.EventAsync(ConnectorNames.ZendeskTickets, ConnectorEventKind.Error,
                    $"Revenue-at-risk recalculation failed: {ex.Message}", CancellationToken.None);
            }
        }
    }

    private async Task<string?> CursorAsync(string stream, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ConnectorStates.Where(s => s.Name == stream).Select(s => s.Cursor).FirstOrDefaultAsync(ct);
    }

    private async Task UpdateStateAsync(string stream, Action<ConnectorState> update, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        update(await ConnectorRecorder.StateAsync(db, stream, ct));
        await db.SaveChangesAsync(ct);
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private sealed class Stats
    {
        public int Organizations;
        public int Tickets;
        public int Rematched;
        public int Malformed;
        public int Pages;
    }
}
