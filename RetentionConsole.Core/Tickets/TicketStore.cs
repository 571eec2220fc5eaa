using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Core.Tickets;

/// <summary>
/// Writes tickets and Zendesk organizations: upsert by upstream id where the newer updated_at wins, classification on
/// ingest, account joins, and the set of accounts and issue keys each write touched (for revenue-at-risk).
/// Callers pass the context of their transaction so the data commits together with their cursor.
/// </summary>
public sealed class TicketStore(IDbContextFactory<RetentionDbContext> factory, TicketClassifier classifier, TimeProvider clock)
{
    // The sync job and webhooks both write tickets; one writer at a time in this process keeps "newer wins" honest
    // (SQLite transactions are IMMEDIATE as well, so other processes queue on the database lock).
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>Runs <paramref name="work"/> in one transaction (SaveChanges and commit included) as the only ticket writer.</summary>
    public async Task<T> InTransactionAsync<T>(Func<RetentionDbContext, Task<T>> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work(db);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Upserts tickets; returns how many rows were inserted or changed.</summary>
    public async Task<int> ApplyTicketsAsync(RetentionDbContext db, IEnumerable<TicketSnapshot> snapshots, RiskChanges changes, CancellationToken ct)
    {
        // The same ticket twice in one batch: the newest version counts.
        var incoming = snapshots.GroupBy(s => s.Id).Select(g => g.MaxBy(s => s.UpdatedUtc)!).ToList();
        if (incoming.Count == 0) return 0;
        var ids = incoming.Select(s => s.Id).ToList();
        var existing = await db.Tickets.Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);

        var orgIds = incoming.Where(s => s.OrganizationId is not null).Select(s => s.OrganizationId!.Value).Distinct().ToList();
        var orgAccounts = await db.ZendeskOrganizations.Where(o => orgIds.Contains(o.Id))
            .ToDictionaryAsync(o => o.Id, o => o.AccountId, ct);

        // Jira keys of the problems the incidents point at: from this batch first, else from the database.
        var problemIds = incoming.Where(s => s.ProblemId is not null).Select(s => s.ProblemId!.Value).Distinct().ToList();
        var problemKeys = await db.Tickets.Where(t => problemIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.JiraKey, ct);
        foreach (var s in incoming.Where(s => problemIds.Contains(s.Id))) problemKeys[s.Id] = s.JiraKey;

        var now = clock.GetUtcNow().UtcDateTime;
        var changed = 0;
        var problemsToPropagate = new List<(long Id, string? JiraKey)>();
        foreach (var s in incoming)
        {
            existing.TryGetValue(s.Id, out var row);
            if (row is not null && row.UpdatedUtc > s.UpdatedUtc) continue; // an older version: the stored one wins

            var classification = classifier.Classify(s, s.ProblemId is { } p && problemKeys.TryGetValue(p, out var pk) ? pk : null);
            long? accountId = s.OrganizationId is { } org && orgAccounts.TryGetValue(org, out var a) ? a : null;
            var isNew = row is null;
            var before = row is null ? default : (row.AccountId, row.IssueKey, row.JiraKey);
            row ??= new SupportTicket { Id = s.Id };

            row.Subject = Truncate(s.Subject, 1000);
            row.Status = s.Status;
            row.Priority = s.Priority;
            row.Type = s.Type;
            row.ProblemId = s.ProblemId;
            row.Tags = Truncate(string.Join(' ', s.Tags), 2000);
            row.OrganizationId = s.OrganizationId;
            row.AccountId = accountId;
            row.CreatedUtc = s.CreatedUtc;
            row.UpdatedUtc = s.UpdatedUtc;
            if (s.Metrics is { } m)
            {
                row.SolvedUtc = m.SolvedUtc;
                row.FirstReplyMinutesCalendar = m.FirstReplyMinutesCalendar;
                row.FirstReplyMinutesBusiness = m.FirstReplyMinutesBusiness;
                row.ResolutionMinutesCalendar = m.ResolutionMinutesCalendar;
                row.ResolutionMinutesBusiness = m.ResolutionMinutesBusiness;
            }

            row.IsOpen = classification.IsOpen;
            row.IsFriction = classification.IsFriction;
            row.Category = classification.Category;
            row.JiraKey = s.JiraKey;
            row.IssueKey = classification.IssueKey;

            if (isNew)
            {
                row.SyncedUtc = now;
                db.Tickets.Add(row);
            }
            else
            {
                var entry = db.Entry(row);
                entry.DetectChanges();
                if (entry.State != EntityState.Modified) continue; // identical: nothing changes
                row.SyncedUtc = now;
                changes.Account(before.AccountId);
                changes.Issue(before.IssueKey);
            }

            changed++;
            changes.Account(row.AccountId);
            changes.Issue(row.IssueKey);
            var isProblem = string.Equals(row.Type, "problem", StringComparison.OrdinalIgnoreCase);
            if (isProblem && (isNew || before.JiraKey != row.JiraKey)) problemsToPropagate.Add((row.Id, row.JiraKey));
        }

        await db.SaveChangesAsync(ct);
        foreach (var (id, jiraKey) in problemsToPropagate) await RekeyIncidentsAsync(db, id, jiraKey, changes, ct);
        return changed;
    }

    /// <summary>Incidents without a Jira key of their own follow their problem's key (or "ZD-P").</summary>
    private async Task RekeyIncidentsAsync(RetentionDbContext db, long problemId, string? problemJiraKey, RiskChanges changes, CancellationToken ct)
    {
        var key = problemJiraKey ?? TicketClassifier.ZendeskKey(problemId);
        var incidents = await db.Tickets.Where(t => t.ProblemId == problemId && t.JiraKey == null && t.IssueKey != key).ToListAsync(ct);
        if (incidents.Count == 0) return;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var incident in incidents)
        {
            changes.Issue(incident.IssueKey);
            changes.Issue(key);
            changes.Account(incident.AccountId);
            incident.IssueKey = key;
            incident.SyncedUtc = now;
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>Upserts organizations and joins them to accounts; returns how many rows were inserted or changed.</summary>
    public async Task<int> ApplyOrganizationsAsync(RetentionDbContext db, IEnumerable<OrganizationSnapshot> snapshots, RiskChanges changes, CancellationToken ct)
    {
        var incoming = snapshots.GroupBy(s => s.Id).Select(g => g.MaxBy(s => s.UpdatedUtc)!).ToList();
        if (incoming.Count == 0) return 0;
        var ids = incoming.Select(s => s.Id).ToList();
        var existing = await db.ZendeskOrganizations.Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var matcher = await MatcherAsync(db, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = 0;
        foreach (var s in incoming)
        {
            existing.TryGetValue(s.Id, out var row);
            if (row is not null && row.UpdatedUtc > s.UpdatedUtc) continue;
            var isNew = row is null;
            row ??= new ZendeskOrganization { Id = s.Id };
            row.Name = Truncate(s.Name, 300);
            row.ExternalId = s.ExternalId is null ? null : Truncate(s.ExternalId, 200);
            row.Domains = Truncate(string.Join(',', s.Domains), 1000);
            row.UpdatedUtc = s.UpdatedUtc;
            row.AccountId = matcher.Match(row.ExternalId, s.Domains).AccountId;
            if (isNew)
            {
                db.ZendeskOrganizations.Add(row);
            }
            else
            {
                var entry = db.Entry(row);
                entry.DetectChanges();
                if (entry.State != EntityState.Modified) continue;
            }

            row.SyncedUtc = now;
            changed++;
        }

        await db.SaveChangesAsync(ct);
        await AlignTicketAccountsAsync(db, changes, ct);
        return changed;
    }

    /// <summary>
    /// Re-matches every organization against the current accounts (Bitrix24 may have synced since, or changed a
    /// domain) and moves their tickets along. Returns how many organizations changed account.
    /// </summary>
    public async Task<int> RematchAsync(RetentionDbContext db, RiskChanges changes, CancellationToken ct)
    {
        var matcher = await MatcherAsync(db, ct);
        var changed = 0;
        foreach (var org in await db.ZendeskOrganizations.ToListAsync(ct))
        {
            var accountId = matcher.Match(org.ExternalId, AccountMatcher.SplitDomains(org.Domains)).AccountId;
            if (accountId == org.AccountId) continue;
            org.AccountId = accountId;
            changed++;
        }

        await db.SaveChangesAsync(ct);
        await AlignTicketAccountsAsync(db, changes, ct);
        return changed;
    }

    /// <summary>Tickets whose account differs from their organization's: set it, and report both accounts and the issue.</summary>
    private static async Task AlignTicketAccountsAsync(RetentionDbContext db, RiskChanges changes, CancellationToken ct)
    {
        var stale = await (from t in db.Tickets
                           join o in db.ZendeskOrganizations on t.OrganizationId equals o.Id
                           where t.AccountId != o.AccountId
                           select new { t.Id, Old = t.AccountId, New = o.AccountId, t.IssueKey }).ToListAsync(ct);
        foreach (var group in stale.GroupBy(s => s.New))
        {
            var ids = group.Select(s => s.Id).ToList();
            var accountId = group.Key;
            await db.Tickets.Where(t => ids.Contains(t.Id)).ExecuteUpdateAsync(u => u.SetProperty(t => t.AccountId, accountId), ct);
            changes.Account(accountId);
            foreach (var s in group)
            {
                changes.Account(s.Old);
                changes.Issue(s.IssueKey);
            }
        }
    }

    private static async Task<AccountMatcher> MatcherAsync(RetentionDbContext db, CancellationToken ct)
    {
        var accounts = await db.Accounts.AsNoTracking().Select(a => new { a.Id, a.Domains }).ToListAsync(ct);
        return new AccountMatcher(accounts.Select(a => (a.Id, a.Domains)));
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>An organization no account matched, and what to do about it.</summary>
public sealed record UnmatchedOrganization(long Id, string Name, string? ExternalId, string Domains, int OpenTickets, string Hint);

public sealed class TicketQueries(IDbContextFactory<RetentionDbContext> factory)
{
    /// <summary>Zendesk organizations joined to no account (a data-quality problem shown on the Integrations page).</summary>
    public async Task<IReadOnlyList<UnmatchedOrganization>> UnmatchedOrganizationsAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.ZendeskOrganizations.AsNoTracking().Where(o => o.AccountId == null)
            .Select(o => new
            {
                o.Id, o.Name, o.ExternalId, o.Domains,
                Open = db.Tickets.Count(t => t.OrganizationId == o.Id && t.IsOpen),
            })
            .OrderByDescending(o => o.Open).ThenBy(o => o.Name).ToListAsync(ct);
        return rows.Select(o => new UnmatchedOrganization(o.Id, o.Name, o.ExternalId, o.Domains, o.Open, Hint(o.ExternalId, o.Domains))).ToList();
    }

    internal static string Hint(string? externalId, string domains) =>
        externalId is not null
            ? $"external_id \"{externalId}\" is not the ID of any Bitrix24 company: set the organization's external_id in Zendesk to the company's ID."
            : domains.Length > 0
                ? $"No external_id, and none of its domains ({domains}) is an account's e-mail or web domain: set the organization's external_id in Zendesk to the Bitrix24 company ID."
                : "No external_id and no domains: set the organization's external_id in Zendesk to the Bitrix24 company ID.";
}
