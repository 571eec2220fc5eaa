using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Core.Integrations.Bitrix24;

public sealed record Bitrix24SyncResult(int Requests, int Received, int Written, int Malformed, int Removed, int AccountsChanged)
{
    public string Summary =>
        $"{Received} item(s) in {Requests} request(s): {Written} written, {Removed} removed, {Malformed} malformed skipped, {AccountsChanged} account(s) changed.";
}

/// <summary>
/// Full Bitrix24 sync: companies, contract-pipeline deals and contacts, read through <c>batch</c> (up to 50 list pages of
/// 50 per request, keyset-paged by ID so inserts and deletes upstream never shift a page), with the currency rates in
/// every batch. Each batch is committed together with the cursor, so a killed sync resumes at the next page; at the end
/// records no longer seen upstream are removed and ARR/renewal are recomputed, also in one transaction.
/// Owners: each distinct ASSIGNED_BY_ID seen is read once per run with a <c>user.get</c> command placed in the spare
/// capacity of a later batch (an extra batch only for owners first seen in the last one), and every account of that
/// user is shown by name. When user.get fails (e.g. the webhook lacks the <c>user</c> scope) the run logs one event,
/// stops asking, keeps names already stored and shows new owners as "user #N"; the sync itself carries on.
/// </summary>
public sealed class Bitrix24Sync(
    IDbContextFactory<RetentionDbContext> factory,
    IServiceProvider services,
    Bitrix24Target target,
    IOptions<Bitrix24Options> options,
    ConnectorRecorder recorder,
    Bitrix24Throttle throttle,
    IEnumerable<IRiskRecalculator> recalculators,
    TimeProvider clock,
    ILogger<Bitrix24Sync> logger)
{
    private const string CurrencyKey = "cur";
    private const string OwnerKeyPrefix = "u";
    private readonly SemaphoreSlim _gate = new(1, 1);

    private enum Stream
    {
        Companies,
        Deals,
        Contacts,
    }

    private static readonly Stream[] Order = [Stream.Companies, Stream.Deals, Stream.Contacts];

    /// <summary>Runs (or resumes) a sync to the end. Throws when Bitrix24 fails; what was committed stays committed.</summary>
    public async Task<Bitrix24SyncResult> RunAsync(CancellationToken ct)
    {
        if (!target.IsConfigured) throw new InvalidOperationException(Bitrix24Target.NotConfiguredMessage);
        await _gate.WaitAsync(ct);
        try
        {
            return await RunCoreAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await recorder.AttemptFailedAsync(ConnectorNames.Bitrix24, ex, CancellationToken.None);
            throw;
        }
        finally
        {
            await FlushWaitsAsync();
            _gate.Release();
        }
    }

    private async Task<Bitrix24SyncResult> RunCoreAsync(CancellationToken ct)
    {
        var o = options.Value;
        var client = services.GetRequiredService<Bitrix24Client>();
        var cursor = await StartAsync(ct);
        int requests = 0, received = 0, written = 0, malformed = 0;

        while (!cursor.Streams.Values.All(s => s.Done) || cursor.PendingOwners.Count > 0)
        {
            var plan = Plan(cursor, o);
            var batch = await client.BatchAsync(plan.Commands, ct);
            requests++;
            var outcome = await CommitBatchAsync(batch, plan, cursor, o, ct);
            received += outcome.Received;
            written += outcome.Written;
            malformed += outcome.Malformed.Count;
            foreach (var problem in outcome.Malformed) await recorder.EventAsync(ConnectorNames.Bitrix24, ConnectorEventKind.MalformedItem, problem, CancellationToken.None);
            foreach (var problem in outcome.Problems) await recorder.EventAsync(ConnectorNames.Bitrix24, ConnectorEventKind.Error, problem, CancellationToken.None);
            await FlushWaitsAsync();
            await RecalculateAsync(outcome.Changes, ct);
        }

        var (removed, finalChanges) = await FinishAsync(cursor, o, ct);
        await RecalculateAsync(finalChanges, ct);
        var result = new Bitrix24SyncResult(requests, received, written, malformed, removed, finalChanges.AccountIds.Count);
        logger.LogInformation("Bitrix24 sync finished: {Summary}", result.Summary);
        return result;
    }

    /// <summary>Resumes the run in the cursor, or starts a new one (its marker strictly after the previous run's).</summary>
    private async Task<SyncCursor> StartAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var state = await ConnectorRecorder.StateAsync(db, ConnectorNames.Bitrix24, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var cursor = SyncCursor.Parse(state.Cursor);
        if (cursor is null || cursor.Finished)
        {
            var run = cursor is not null && cursor.RunUtc >= now ? cursor.RunUtc.AddMilliseconds(1) : now;
            cursor = SyncCursor.New(run);
        }

        state.LastAttemptUtc = now;
        state.Cursor = cursor.Serialize();
        await db.SaveChangesAsync(ct);
        return cursor;
    }

    private sealed record BatchPlan(Dictionary<string, string> Commands, List<(Stream Stream, int Pages, bool Probe)> Parts, List<long> Owners);

    /// <summary>
    /// The next batch: currency rates, then the remaining pages of each stream in order, at most 50 commands. A stream
    /// whose size is unknown gets one page (its result_total tells the rest). Contacts are applied only once every
    /// company is in (their FK); before that a contact page only probes the total.
    /// </summary>
    private static BatchPlan Plan(SyncCursor cursor, Bitrix24Options o)
    {
        var commands = new Dictionary<string, string>(StringComparer.Ordinal);
        var parts = new List<(Stream, int, bool)>();
        var capacity = Bitrix24Command.MaxBatchCommands;
        if (!cursor.Streams.Values.All(s => s.Done))
        {
            commands[CurrencyKey] = "crm.currency.list";
            capacity--;
        }

        var companiesComplete = cursor.Streams[Stream.Companies].Done;
        foreach (var stream in Order)
        {
            var s = cursor.Streams[stream];
            if (s.Done) continue;
            if (capacity == 0) break;
            if (stream == Stream.Contacts && !companiesComplete)
            {
                if (s.Remaining is null)
                {
                    commands[Key(stream, 0)] = ListCommand(stream, s.AfterId, 0, o);
                    parts.Add((stream, 1, true));
                }

                break;
            }

            var pages = s.Remaining is { } remaining ? Math.Max(1, (remaining + Bitrix24Command.PageSize - 1) / Bitrix24Command.PageSize) : 1;
            var take = Math.Min(pages, capacity);
            for (var i = 0; i < take; i++) commands[Key(stream, i)] = ListCommand(stream, s.AfterId, i * Bitrix24Command.PageSize, o);
            parts.Add((stream, take, false));
            capacity -= take;
            if (take < pages) break;
            // Every remaining company page is in this batch (processed first, same transaction): contacts may follow.
            if (stream == Stream.Companies && s.Remaining is not null) companiesComplete = true;
        }

        // Owner lookups take whatever room the pages left, so they ride in requests that are made anyway.
        var owners = cursor.PendingOwners.Order().Take(capacity).ToList();
        foreach (var owner in owners) commands[OwnerKey(owner)] = OwnerCommand(owner);
        return new BatchPlan(commands, parts, owners);
    }

    private static string Key(Stream stream, int page) => stream switch
    {
        Stream.Companies => "co",
        Stream.Deals => "de",
        _ => "ct",
    } + page.ToString(CultureInfo.InvariantCulture);

    private static string OwnerKey(long userId) => OwnerKeyPrefix + userId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// user.get by one id, the form of the official method page (<c>user.get?ID=1</c>): one user per command, so no
    /// reliance on undocumented multi-id filters or on user.get paging (it is not covered by ../shared/contracts).
    /// </summary>
    internal static string OwnerCommand(long userId) => Bitrix24Command.Build("user.get", [("ID", userId.ToString(CultureInfo.InvariantCulture))]);

    private static string ListCommand(Stream stream, long afterId, int start, Bitrix24Options o)
    {
        var after = afterId.ToString(CultureInfo.InvariantCulture);
        return stream switch
        {
            Stream.Companies => Bitrix24Command.List("crm.company.list", [(">ID", after)], CompanySelect(o), start),
            Stream.Deals => Bitrix24Command.List("crm.deal.list", [(">ID", after), ("CATEGORY_ID", o.ContractCategoryId)], DealSelect, start),
            _ => Bitrix24Command.List("crm.contact.list", [(">ID", after)], ContactSelect, start),
        };
    }

    internal static IEnumerable<string> CompanySelect(Bitrix24Options o) =>
        new[] { "ID", "TITLE", "COMPANY_TYPE", "INDUSTRY", "ASSIGNED_BY_ID", "DATE_MODIFY", "EMAIL", "WEB" }.Concat(o.CompanyUserFields());

    internal static readonly string[] DealSelect =
        ["ID", "TITLE", "COMPANY_ID", "CATEGORY_ID", "STAGE_ID", "STAGE_SEMANTIC_ID", "OPPORTUNITY", "CURRENCY_ID", "BEGINDATE", "CLOSEDATE", "DATE_MODIFY"];

    internal static readonly string[] ContactSelect = ["ID", "NAME", "SECOND_NAME", "LAST_NAME", "COMPANY_ID", "EMAIL", "DATE_MODIFY"];

    private sealed record BatchOutcome(int Received, int Written, List<string> Malformed, List<string> Problems, RiskChanges Changes);

    private async Task<BatchOutcome> CommitBatchAsync(B24BatchResult batch, BatchPlan plan, SyncCursor cursor, Bitrix24Options o, CancellationToken ct)
    {
        // A failed list page cannot be skipped without losing its rows: the whole batch fails and is retried next run.
        var ownerKeys = plan.Owners.Select(OwnerKey).ToHashSet(StringComparer.Ordinal);
        var failed = batch.ResultError.FirstOrDefault(e => plan.Commands.ContainsKey(e.Key) && !ownerKeys.Contains(e.Key));
        if (failed.Value is not null)
            throw new Bitrix24Exception($"Bitrix24 batch command '{failed.Key}' failed: {failed.Value.Error} {failed.Value.ErrorDescription}".Trim(), code: failed.Value.Error);

        var rates = ReadRates(batch);
        var malformed = new List<string>();
        var problems = new List<string>();
        var changes = new RiskChanges();
        int received = 0, written = 0;

        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ApplyOwnersAsync(db, batch, plan, cursor, problems, ct);
        foreach (var (stream, pages, probe) in plan.Parts)
        {
            var s = cursor.Streams[stream];
            var items = new List<JsonElement>();
            var shortPage = false;
            for (var i = 0; i < pages; i++)
            {
                var page = batch.Result.TryGetValue(Key(stream, i), out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().ToList() : [];
                items.AddRange(page);
                if (page.Count < Bitrix24Command.PageSize) shortPage = true;
            }

            int? total = batch.ResultTotal.TryGetValue(Key(stream, 0), out var t) ? t : null;
            if (probe)
            {
                s.Remaining = total;
                continue;
            }

            received += items.Count;
            switch (stream)
            {
                case Stream.Companies:
                    var accounts = MapAll(items, "company", malformed, c => Bitrix24Mapper.ToAccount(Bitrix24Mapper.Read<B24Company>(c, "company"), o, rates, out var problem) is var a && problem is not null ? Problem(a, problem, problems) : a);
                    NameOwners(accounts, cursor);
                    written += await Bitrix24Store.UpsertAccountsAsync(db, accounts, o, cursor.RunUtc, changes, ct);
                    // Contacts later in this batch link to these accounts through the FK.
                    await db.SaveChangesAsync(ct);
                    break;
                case Stream.Deals:
                    var deals = MapAll(items, "deal", malformed, d => Bitrix24Mapper.ToDeal(Bitrix24Mapper.Read<B24Deal>(d, "deal"), rates, o.ReportingCurrency));
                    foreach (var deal in deals.Where(d => d.AmountReporting is null))
                        problems.Add($"deal {deal.Id}: no crm.currency.list rate to convert {deal.Currency} into {o.ReportingCurrency}; its account's ARR stays unknown.");
                    written += await Bitrix24Store.UpsertDealsAsync(db, deals, cursor.RunUtc, changes, ct);
                    break;
                default:
                    var contacts = MapAll(items, "contact", malformed, c => Bitrix24Mapper.ToContact(Bitrix24Mapper.Read<B24Contact>(c, "contact")));
                    written += await Bitrix24Store.UpsertContactsAsync(db, contacts, cursor.RunUtc, ct);
                    break;
            }

            var maxId = items.Select(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("ID", out var id) ? Bitrix24Mapper.ParseId(id.ToString()) : null).Max();
            if (maxId is { } m && m > s.AfterId) s.AfterId = m;
            // result_total counts what matched ">ID after" when the batch ran; fewer than a full page also means the end.
            s.Remaining = total is { } matched ? Math.Max(0, matched - items.Count) : null;
            s.Done = shortPage || s.Remaining == 0;
        }

        var state = await ConnectorRecorder.StateAsync(db, ConnectorNames.Bitrix24, ct);
        state.Cursor = cursor.Serialize();
        state.ItemsSynced += received;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new BatchOutcome(received, written, malformed, problems, changes);
    }

    /// <summary>Reads this batch's user.get answers and shows each owner's name on their accounts.</summary>
    private static async Task ApplyOwnersAsync(RetentionDbContext db, B24BatchResult batch, BatchPlan plan, SyncCursor cursor, List<string> problems,
        CancellationToken ct)
    {
        foreach (var owner in plan.Owners)
        {
            cursor.PendingOwners.Remove(owner);
            var key = OwnerKey(owner);
            if (batch.ResultError.TryGetValue(key, out var error) || !batch.Result.TryGetValue(key, out var result))
            {
                if (!cursor.OwnerLookupFailed)
                {
                    var why = error is null ? "answered without a result" : $"failed: {error.Error} {error.ErrorDescription}".Trim();
                    problems.Add($"Bitrix24 user.get for owner {owner} {why}. Owners are shown as \"user #<id>\" (names already stored are kept) " +
                                 "until user.get works; check that the inbound webhook has the 'user' scope.");
                }

                FailOwnerLookups(cursor);
                continue;
            }

            var name = Bitrix24Mapper.OwnerName(result, owner);
            cursor.OwnerNames[owner] = name;
            await Bitrix24Store.SetOwnerNameAsync(db, owner, name, ct);
        }
    }

    /// <summary>user.get failed: no more lookups this run; owners pending or seen later keep their placeholder.</summary>
    private static void FailOwnerLookups(SyncCursor cursor)
    {
        cursor.OwnerLookupFailed = true;
        foreach (var pending in cursor.PendingOwners) cursor.OwnerNames[pending] = Bitrix24Mapper.OwnerPlaceholder(pending);
        cursor.PendingOwners.Clear();
    }

    /// <summary>Owners already read this run get their name; the others are queued for a user.get command.</summary>
    private static void NameOwners(List<Account> accounts, SyncCursor cursor)
    {
        foreach (var account in accounts)
        {
            if (account.OwnerId is not { } owner) continue;
            if (cursor.OwnerNames.TryGetValue(owner, out var name)) account.Owner = name;
            else if (cursor.OwnerLookupFailed) cursor.OwnerNames[owner] = Bitrix24Mapper.OwnerPlaceholder(owner);
            else cursor.PendingOwners.Add(owner);
        }
    }

    private static T Problem<T>(T value, string problem, List<string> problems)
    {
        problems.Add(problem);
        return value;
    }

    private static List<T> MapAll<T>(List<JsonElement> items, string what, List<string> malformed, Func<JsonElement, T> map)
    {
        var mapped = new List<T>(items.Count);
        foreach (var item in items)
        {
            try
            {
                mapped.Add(map(item));
            }
            catch (Bitrix24MalformedItemException ex)
            {
                malformed.Add(ex.Message);
            }
        }

        return mapped;
    }

    private static CurrencyRates ReadRates(B24BatchResult batch)
    {
        if (!batch.Result.TryGetValue(CurrencyKey, out var list) || list.ValueKind != JsonValueKind.Array) return CurrencyRates.Empty;
        var currencies = new List<B24Currency>();
        foreach (var item in list.EnumerateArray())
        {
            try
            {
                currencies.Add(Bitrix24Mapper.Read<B24Currency>(item, "currency"));
            }
            catch (Bitrix24MalformedItemException)
            {
                // A currency that cannot be read has no rate; deals in it keep an unknown ARR and are reported.
            }
        }

        return Bitrix24Mapper.ToRates(currencies);
    }

    /// <summary>Removes what was not seen in this run, recomputes ARR and renewal, and closes the run — one transaction.</summary>
    private async Task<(int Removed, RiskChanges Changes)> FinishAsync(SyncCursor cursor, Bitrix24Options o, CancellationToken ct)
    {
        var changes = new RiskChanges();
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = cursor.RunUtc;
        var gone = await db.Accounts.Where(a => a.SyncedUtc < run).Select(a => a.Id).ToListAsync(ct);
        var removed = await db.ContractDeals.Where(d => d.SyncedUtc < run).ExecuteDeleteAsync(ct);
        removed += await db.Contacts.Where(c => c.SyncedUtc < run).ExecuteDeleteAsync(ct);
        if (gone.Count > 0) removed += await db.Accounts.Where(a => gone.Contains(a.Id)).ExecuteDeleteAsync(ct);
        foreach (var id in gone) changes.Account(id);

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var id in await Bitrix24Store.RecomputeFiguresAsync(db, null, o, now.Date, ct)) changes.Account(id);

        cursor.Finished = true;
        var state = await ConnectorRecorder.StateAsync(db, ConnectorNames.Bitrix24, ct);
        state.Cursor = cursor.Serialize();
        state.LastSuccessUtc = now;
        state.LastError = null;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (removed, changes);
    }

    private async Task RecalculateAsync(RiskChanges changes, CancellationToken ct)
    {
        if (changes.IsEmpty) return;
        foreach (var recalculator in recalculators) await recalculator.RecalculateAsync(changes, ct);
    }

    private async Task FlushWaitsAsync()
    {
        var (total, count) = throttle.TakeWaits();
        if (count > 0)
            await recorder.EventAsync(ConnectorNames.Bitrix24, ConnectorEventKind.RateLimitWait,
                $"Waited {total.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s before {count} request(s) to stay within {Bitrix24Throttle.RequestsPerSecond} requests/s.",
                CancellationToken.None);
    }

    /// <summary>The resumable position of a run, stored in ConnectorState(bitrix24).Cursor.</summary>
    private sealed class SyncCursor
    {
        public DateTime RunUtc { get; set; }
        public bool Finished { get; set; }
        public Dictionary<Stream, StreamCursor> Streams { get; set; } = [];

        /// <summary>Owner ids seen this run and not read yet (committed with the batch, so a resumed run still reads them).</summary>
        public HashSet<long> PendingOwners { get; set; } = [];

        /// <summary>Owner names read this run, by Bitrix24 user id.</summary>
        public Dictionary<long, string> OwnerNames { get; set; } = [];

        /// <summary>user.get failed this run: reported once, not asked again until the next run.</summary>
        public bool OwnerLookupFailed { get; set; }

        public static SyncCursor New(DateTime run) => new()
        {
            RunUtc = run,
            Streams = Order.ToDictionary(s => s, _ => new StreamCursor()),
        };

        public static SyncCursor? Parse(string? json)
        {
            if (string.IsNullOrWhiteSpace(json)) return null;
            try
            {
                var cursor = JsonSerializer.Deserialize<SyncCursor>(json);
                if (cursor is null || Order.Any(s => !cursor.Streams.ContainsKey(s))) return null;
                cursor.RunUtc = DateTime.SpecifyKind(cursor.RunUtc, DateTimeKind.Utc);
                return cursor;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        public string Serialize() => JsonSerializer.Serialize(this);
    }

    private sealed class StreamCursor
    {
        public long AfterId { get; set; }
        public int? Remaining { get; set; }
        public bool Done { get; set; }
    }
}
