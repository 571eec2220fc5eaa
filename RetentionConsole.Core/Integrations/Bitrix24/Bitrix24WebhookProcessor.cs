using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Core.Integrations.Bitrix24;

public enum Bitrix24WebhookOutcome
{
    /// <summary>The record was fetched and upserted (possibly with no change: a replay).</summary>
    Upserted,

    /// <summary>The record was removed (a DELETE event, or it no longer exists / left the contract pipeline).</summary>
    Removed,

    /// <summary>An event this connector does not follow; nothing changed.</summary>
    Ignored,
}

/// <summary>
/// Handles a Bitrix24 outgoing-webhook event (ONCRM{COMPANY,DEAL,CONTACT}{ADD,UPDATE,DELETE}). The event carries only
/// the id, so the record is fetched (with the currency rates, in one batch request) and upserted like the sync does;
/// a replay fetches the same state and changes nothing. A company's owner is read in the same batch through a linked
/// command (<c>user.get?ID=$result[record][ASSIGNED_BY_ID]</c>, contracts: batch "linked" example); when that fails the
/// company is still upserted, keeping the stored owner name (or "user #N"), and the failure is logged once until it works.
/// </summary>
public sealed class Bitrix24WebhookProcessor(
    IDbContextFactory<RetentionDbContext> factory,
    IServiceProvider services,
    Bitrix24Target target,
    IOptions<Bitrix24Options> options,
    ConnectorRecorder recorder,
    IEnumerable<IRiskRecalculator> recalculators,
    TimeProvider clock)
{
    private const string OwnerKey = "owner";
    private int _ownerFailureLogged;

    /// <summary>Constant-time check of the delivery's auth[application_token] against the configured one.</summary>
    public bool IsAuthentic(string? applicationToken)
    {
        var expected = options.Value.ApplicationToken;
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(applicationToken)) return false;
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(applicationToken)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    public static bool TryParseEvent(string? eventName, out string entity, out string action)
    {
        entity = action = "";
        var name = (eventName ?? "").Trim().ToUpperInvariant();
        if (!name.StartsWith("ONCRM", StringComparison.Ordinal)) return false;
        foreach (var e in new[] { "COMPANY", "DEAL", "CONTACT" })
        {
            foreach (var a in new[] { "ADD", "UPDATE", "DELETE" })
            {
                if (name == $"ONCRM{e}{a}")
                {
                    (entity, action) = (e, a);
                    return true;
                }
            }
        }

        return false;
    }

    public async Task<Bitrix24WebhookOutcome> HandleAsync(string eventName, long id, CancellationToken ct)
    {
        if (!TryParseEvent(eventName, out var entity, out var action)) return Bitrix24WebhookOutcome.Ignored;
        if (!target.IsConfigured) throw new InvalidOperationException(Bitrix24Target.NotConfiguredMessage);
        if (action == "DELETE") return await RemoveAsync(entity, id, ct);

        var method = entity switch { "COMPANY" => "crm.company.get", "DEAL" => "crm.deal.get", _ => "crm.contact.get" };
        var commands = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["record"] = Bitrix24Command.Build(method, [("id", id.ToString(CultureInfo.InvariantCulture))]),
            ["cur"] = "crm.currency.list",
        };
        // Not built with Bitrix24Command: the $result reference must reach Bitrix24 unescaped to be substituted.
        if (entity == "COMPANY") commands[OwnerKey] = "user.get?ID=$result[record][ASSIGNED_BY_ID]";
        var batch = await services.GetRequiredService<Bitrix24Client>().BatchAsync(commands, ct);
        if (batch.ResultError.TryGetValue("record", out var error))
        {
            // A record deleted before we fetched it: Bitrix24 answers the get with "Not found".
            if ((error.ErrorDescription ?? "").Contains("not found", StringComparison.OrdinalIgnoreCase)) return await RemoveAsync(entity, id, ct);
            throw new Bitrix24Exception($"Bitrix24 {method} {id} failed: {error.Error} {error.ErrorDescription}".Trim(), code: error.Error);
        }

        if (!batch.Result.TryGetValue("record", out var record)) throw new Bitrix24Exception($"Bitrix24 {method} {id} answered without a result.");
        var rates = batch.Result.TryGetValue("cur", out var cur) && cur.ValueKind == JsonValueKind.Array
            ? Bitrix24Mapper.ToRates(cur.Deserialize<List<B24Currency>>(Bitrix24Json.Options) ?? [])
            : CurrencyRates.Empty;

        var o = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var changes = new RiskChanges();
        var problems = new List<string>();
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var outcome = Bitrix24WebhookOutcome.Upserted;
            switch (entity)
            {
                case "COMPANY":
                    var account = Bitrix24Mapper.ToAccount(Bitrix24Mapper.Read<B24Company>(record, "company"), o, rates, out var problem);
                    // Events are written after the commit: the recorder's own connection would wait on this transaction's lock.
                    if (problem is not null) problems.Add(problem);
                    if (NameOwner(account, batch) is { } ownerProblem) problems.Add(ownerProblem);
                    await Bitrix24Store.UpsertAccountsAsync(db, [account], o, now, changes, ct);
                    await db.SaveChangesAsync(ct);
                    foreach (var changed in await Bitrix24Store.RecomputeFiguresAsync(db, [account.Id], o, now.Date, ct)) changes.Account(changed);
                    break;
                case "DEAL":
                    var deal = Bitrix24Mapper.ToDeal(Bitrix24Mapper.Read<B24Deal>(record, "deal"), rates, o.ReportingCurrency);
                    if (deal.CategoryId != o.ContractCategoryId)
                    {
                        // Not (or no longer) a contract deal: it must not count towards ARR.
                        var previous = await db.ContractDeals.Where(d => d.Id == id).Select(d => d.AccountId).ToListAsync(ct);
                        await db.ContractDeals.Where(d => d.Id == id).ExecuteDeleteAsync(ct);
                        foreach (var accountId in previous) changes.Account(accountId);
                        outcome = previous.Count > 0 ? Bitrix24WebhookOutcome.Removed : Bitrix24WebhookOutcome.Ignored;
                    }
                    else
                    {
                        await Bitrix24Store.UpsertDealsAsync(db, [deal], now, changes, ct);
                    }

                    await db.SaveChangesAsync(ct);
                    var affected = changes.AccountIds.ToList();
                    changes.AccountIds.Clear();
                    foreach (var changed in await Bitrix24Store.RecomputeFiguresAsync(db, affected, o, now.Date, ct)) changes.Account(changed);
                    break;
                default:
                    var contact = Bitrix24Mapper.ToContact(Bitrix24Mapper.Read<B24Contact>(record, "contact"));
                    await Bitrix24Store.UpsertContactsAsync(db, [contact], now, ct);
                    break;
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            foreach (var p in problems) await recorder.EventAsync(ConnectorNames.Bitrix24, ConnectorEventKind.Error, p, CancellationToken.None);
            await RecalculateAsync(changes, ct);
            return outcome;
        }
        catch (Bitrix24MalformedItemException ex)
        {
            await recorder.EventAsync(ConnectorNames.Bitrix24, ConnectorEventKind.MalformedItem, $"webhook {eventName}: {ex.Message}", CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Names the account's owner from the batch's user.get answer; a failed lookup leaves the placeholder and returns the
    /// problem to log (only the first failure since the last success).
    /// </summary>
    private string? NameOwner(Accounts.Account account, B24BatchResult batch)
    {
        if (account.OwnerId is not { } owner) return null;
        if (!batch.ResultError.TryGetValue(OwnerKey, out var error) && batch.Result.TryGetValue(OwnerKey, out var result))
        {
            account.Owner = Bitrix24Mapper.OwnerName(result, owner);
            Interlocked.Exchange(ref _ownerFailureLogged, 0);
            return null;
        }

        if (Interlocked.Exchange(ref _ownerFailureLogged, 1) == 1) return null;
        var why = error is null ? "answered without a result" : $"failed: {error.Error} {error.ErrorDescription}".Trim();
        return $"Bitrix24 user.get for owner {owner} {why} (webhook). The owner is shown as \"user #<id>\" (a name already stored is kept); " +
               "check that the inbound webhook has the 'user' scope.";
    }

    private async Task<Bitrix24WebhookOutcome> RemoveAsync(string entity, long id, CancellationToken ct)
    {
        var changes = new RiskChanges();
        var o = options.Value;
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        int removed;
        switch (entity)
        {
            case "COMPANY":
                removed = await db.Accounts.Where(a => a.Id == id).ExecuteDeleteAsync(ct);
                if (removed > 0) changes.Account(id);
                break;
            case "DEAL":
                var accountIds = await db.ContractDeals.Where(d => d.Id == id).Select(d => d.AccountId).ToListAsync(ct);
                removed = await db.ContractDeals.Where(d => d.Id == id).ExecuteDeleteAsync(ct);
                var affected = accountIds.Where(a => a is not null).Select(a => a!.Value).ToList();
                foreach (var changed in await Bitrix24Store.RecomputeFiguresAsync(db, affected, o, clock.GetUtcNow().UtcDateTime.Date, ct))
                    changes.Account(changed);
                break;
            default:
                removed = await db.Contacts.Where(c => c.Id == id).ExecuteDeleteAsync(ct);
                break;
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await RecalculateAsync(changes, ct);
        return removed > 0 ? Bitrix24WebhookOutcome.Removed : Bitrix24WebhookOutcome.Ignored;
    }

    private async Task RecalculateAsync(RiskChanges changes, CancellationToken ct)
    {
        if (changes.IsEmpty) return;
        foreach (var recalculator in recalculators) await recalculator.RecalculateAsync(changes, ct);
    }
}
