using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Core.Integrations.Bitrix24;

/// <summary>
/// Idempotent upserts by Bitrix24 id, shared by the sync and the webhook. A row is written only when a field changed,
/// apart from its SyncedUtc marker (what a full sync uses to find records deleted upstream); what changed for revenue at
/// risk is collected in <see cref="RiskChanges"/>.
/// </summary>
internal static class Bitrix24Store
{
    public static async Task<int> UpsertAccountsAsync(RetentionDbContext db, IReadOnlyList<Account> incoming, Bitrix24Options options,
        DateTime syncedUtc, RiskChanges changes, CancellationToken ct)
    {
        var ids = incoming.Select(a => a.Id).ToList();
        var existing = await db.Accounts.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var written = 0;
        foreach (var a in incoming)
        {
            if (!existing.TryGetValue(a.Id, out var row))
            {
                a.SyncedUtc = syncedUtc;
                db.Accounts.Add(a);
                existing[a.Id] = a;
                changes.Account(a.Id);
                written++;
                continue;
            }

            // Same owner, name not (yet) read in this pass: keep the name already stored rather than flicker to "user #N".
            if (a.OwnerId is { } ownerId && row.OwnerId == ownerId && a.Owner == Bitrix24Mapper.OwnerPlaceholder(ownerId)) a.Owner = row.Owner;
            var changed = row.Name != a.Name || row.Tier != a.Tier || row.Owner != a.Owner || row.OwnerId != a.OwnerId || row.Domains != a.Domains
                          || row.Services != a.Services;
            if (options.ArrSource == ArrSource.CompanyField && row.Arr != a.Arr)
            {
                row.Arr = a.Arr;
                changed = true;
            }

            if (!string.IsNullOrWhiteSpace(options.RenewalDateField) && row.RenewalDateUtc != a.RenewalDateUtc)
            {
                row.RenewalDateUtc = a.RenewalDateUtc;
                changed = true;
            }

            if (changed)
            {
                (row.Name, row.Tier, row.Owner, row.OwnerId, row.Domains, row.Services) = (a.Name, a.Tier, a.Owner, a.OwnerId, a.Domains, a.Services);
                changes.Account(a.Id);
                written++;
            }

            row.SyncedUtc = syncedUtc;
        }

        return written;
    }

    /// <summary>Shows user <paramref name="ownerId"/> as <paramref name="name"/> on every account they own; returns the rows changed.</summary>
    public static async Task<int> SetOwnerNameAsync(RetentionDbContext db, long ownerId, string name, CancellationToken ct)
    {
        var rows = await db.Accounts.Where(a => a.OwnerId == ownerId && (a.Owner == null || a.Owner != name)).ToListAsync(ct);
        foreach (var row in rows) row.Owner = name;
        return rows.Count;
    }

    public static async Task<int> UpsertDealsAsync(RetentionDbContext db, IReadOnlyList<ContractDeal> incoming, DateTime syncedUtc,
        RiskChanges changes, CancellationToken ct)
    {
        var ids = incoming.Select(d => d.Id).ToList();
        var existing = await db.ContractDeals.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        var written = 0;
        foreach (var d in incoming)
        {
            if (!existing.TryGetValue(d.Id, out var row))
            {
                d.SyncedUtc = syncedUtc;
                db.ContractDeals.Add(d);
                existing[d.Id] = d;
                changes.Account(d.AccountId);
                written++;
                continue;
            }

            if (row.AccountId != d.AccountId || row.Title != d.Title || row.CategoryId != d.CategoryId || row.StageSemantic != d.StageSemantic
                || row.Amount != d.Amount || row.Currency != d.Currency || row.AmountReporting != d.AmountReporting
                || row.BeginDateUtc != d.BeginDateUtc || row.CloseDateUtc != d.CloseDateUtc || row.ModifiedUtc != d.ModifiedUtc)
            {
                changes.Account(row.AccountId);
                changes.Account(d.AccountId);
                row.AccountId = d.AccountId;
                row.Title = d.Title;
                row.CategoryId = d.CategoryId;
                row.StageSemantic = d.StageSemantic;
                row.Amount = d.Amount;
                row.Currency = d.Currency;
                row.AmountReporting = d.AmountReporting;
                row.BeginDateUtc = d.BeginDateUtc;
                row.CloseDateUtc = d.CloseDateUtc;
                row.ModifiedUtc = d.ModifiedUtc;
                written++;
            }

            row.SyncedUtc = syncedUtc;
        }

        return written;
    }

    /// <summary>Contacts link to an account only when it exists (the FK); the next sync links the rest.</summary>
    public static async Task<int> UpsertContactsAsync(RetentionDbContext db, IReadOnlyList<Contact> incoming, DateTime syncedUtc, CancellationToken ct)
    {
        var ids = incoming.Select(c => c.Id).ToList();
        var accountIds = incoming.Where(c => c.AccountId is not null).Select(c => c.AccountId!.Value).Distinct().ToList();
        var known = (await db.Accounts.Where(a => accountIds.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct)).ToHashSet();
        known.UnionWith(db.Accounts.Local.Select(a => a.Id));
        var existing = await db.Contacts.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var written = 0;
        foreach (var c in incoming)
        {
            if (c.AccountId is { } accountId && !known.Contains(accountId)) c.AccountId = null;
            if (!existing.TryGetValue(c.Id, out var row))
            {
                c.SyncedUtc = syncedUtc;
                db.Contacts.Add(c);
                existing[c.Id] = c;
                written++;
                continue;
            }

            if (row.Name != c.Name || row.Email != c.Email || row.AccountId != c.AccountId)
            {
                (row.Name, row.Email, row.AccountId) = (c.Name, c.Email, c.AccountId);
                written++;
            }

            row.SyncedUtc = syncedUtc;
        }

        return written;
    }

    /// <summary>
    /// Recomputes deal-derived ARR (WonDeals) and renewal date (no RenewalDateField) for the given accounts, or all of
    /// them; returns the accounts whose figures changed.
    /// </summary>
    public static async Task<List<long>> RecomputeFiguresAsync(RetentionDbContext db, IReadOnlyCollection<long>? accountIds,
        Bitrix24Options options, DateTime today, CancellationToken ct)
    {
        var arrFromDeals = options.ArrSource == ArrSource.WonDeals;
        var renewalFromDeals = string.IsNullOrWhiteSpace(options.RenewalDateField);
        if (!arrFromDeals && !renewalFromDeals) return [];
        today = DateTime.SpecifyKind(today.Date, DateTimeKind.Utc);
        var category = options.ContractCategoryId;

        var accounts = accountIds is null ? db.Accounts : db.Accounts.Where(a => accountIds.Contains(a.Id));
        var rows = await accounts.ToListAsync(ct);
        var dealQuery = db.ContractDeals.Where(d => d.AccountId != null && d.StageSemantic == "S" && d.CategoryId == category
                                                    && d.BeginDateUtc <= today && d.CloseDateUtc >= today);
        if (accountIds is not null) dealQuery = dealQuery.Where(d => accountIds.Contains(d.AccountId!.Value));
        var deals = (await dealQuery.ToListAsync(ct)).ToLookup(d => d.AccountId!.Value);

        var changed = new List<long>();
        foreach (var account in rows)
        {
            var current = deals[account.Id].ToList();
            var dirty = false;
            if (arrFromDeals)
            {
                var arr = ArrCalculator.Arr(current, category, today);
                if (account.Arr != arr)
                {
                    account.Arr = arr;
                    dirty = true;
                }
            }

            if (renewalFromDeals)
            {
                var renewal = ArrCalculator.RenewalDate(current, category, today);
                if (account.RenewalDateUtc != renewal)
                {
                    account.RenewalDateUtc = renewal;
                    dirty = true;
                }
            }

            if (dirty) changed.Add(account.Id);
        }

        return changed;
    }
}
