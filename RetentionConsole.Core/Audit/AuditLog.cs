using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Audit;

/// <summary>Writes audit entries. Pass the context of the change so the entry commits with it.</summary>
public sealed class AuditLog(TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Adds an entry to <paramref name="db"/>; the caller's SaveChanges commits it with the change itself.</summary>
    public void Add(RetentionDbContext db, string actor, string entity, string? entityId, string action,
        object? before = null, object? after = null)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            Actor = actor,
            Entity = entity,
            EntityId = entityId,
            Action = action,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        });
    }

    public async Task RecordAsync(IDbContextFactory<RetentionDbContext> factory, string actor, string entity,
        string? entityId, string action, object? before = null, object? after = null, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        Add(db, actor, entity, entityId, action, before, after);
        await db.SaveChangesAsync(ct);
    }
}

public sealed record AuditQuery(string? Actor = null, string? Entity = null, string? Action = null,
    DateTime? FromUtc = null, DateTime? ToUtc = null, int Page = 0, int PageSize = 50);

public sealed class AuditQueries(IDbContextFactory<RetentionDbContext> factory)
{
    public async Task<(IReadOnlyList<AuditEntry> Items, int Total)> SearchAsync(AuditQuery q, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q.Actor)) query = query.Where(x => x.Actor.Contains(q.Actor));
        if (!string.IsNullOrWhiteSpace(q.Entity)) query = query.Where(x => x.Entity == q.Entity);
        if (!string.IsNullOrWhiteSpace(q.Action)) query = query.Where(x => x.Action.Contains(q.Action));
        if (q.FromUtc is { } from) query = query.Where(x => x.AtUtc >= from);
        if (q.ToUtc is { } to) query = query.Where(x => x.AtUtc < to);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(x => x.AtUtc).ThenByDescending(x => x.Id)
            .Skip(q.Page * q.PageSize).Take(q.PageSize).ToListAsync(ct);
        return (items, total);
    }

    public async Task<IReadOnlyList<string>> EntitiesAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.AuditEntries.Select(x => x.Entity).Distinct().OrderBy(x => x).ToListAsync(ct);
    }
}
