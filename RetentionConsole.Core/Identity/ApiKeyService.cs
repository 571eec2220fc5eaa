using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Audit;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Identity;

public sealed record CreatedApiKey(long Id, string Name, string Role, string Key);

/// <summary>Creates, validates and revokes API keys. Keys are random, shown once, stored as SHA-256.</summary>
public sealed class ApiKeyService(IDbContextFactory<RetentionDbContext> factory, AuditLog audit, TimeProvider clock)
{
    public const string KeyPrefix = "rc_";

    public static string Hash(string key) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public async Task<CreatedApiKey> CreateAsync(string name, string role, string actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A key needs a name.", nameof(name));
        if (!Roles.IsValid(role)) throw new ArgumentException($"Role must be one of {string.Join(", ", Roles.All)}.", nameof(role));
        var key = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .Replace('+', '-').Replace('/', '_').TrimEnd('=');
        return await StoreAsync(name.Trim(), role, key, actor, ct);
    }

    /// <summary>Stores a key given from configuration (Auth:SeedApiKey) once; a second call is a no-op.</summary>
    public async Task EnsureSeedAsync(string key, string role, CancellationToken ct = default)
    {
        var hash = Hash(key);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.ApiKeys.AnyAsync(x => x.Hash == hash, ct)) return;
        await StoreAsync("seeded from configuration", role, key, "system", ct);
    }

    private async Task<CreatedApiKey> StoreAsync(string name, string role, string key, string actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var entity = new ApiKey
        {
            Name = name,
            Prefix = key[..Math.Min(8, key.Length)],
            Hash = Hash(key),
            Role = role,
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
            CreatedBy = actor,
        };
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(ct);
        audit.Add(db, actor, "ApiKey", entity.Id.ToString(), "create", after: new { entity.Name, entity.Role, entity.Prefix });
        await db.SaveChangesAsync(ct);
        return new CreatedApiKey(entity.Id, entity.Name, entity.Role, key);
    }

    public async Task<ApiKey?> ValidateAsync(string key, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(key)) return null;
        var hash = Hash(key);
        await using var db = await factory.CreateDbContextAsync(ct);
        var entity = await db.ApiKeys.FirstOrDefaultAsync(x => x.Hash == hash, ct);
        if (entity is null || entity.RevokedUtc is not null) return null;
        // Hash lookups are by equality on a SHA-256 digest; compare again in constant time for good measure.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(entity.Hash), Encoding.ASCII.GetBytes(hash))) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        if (entity.LastUsedUtc is null || now - entity.LastUsedUtc > TimeSpan.FromMinutes(1))
        {
            entity.LastUsedUtc = now;
            await db.SaveChangesAsync(ct);
        }

        return entity;
    }

    public async Task<bool> RevokeAsync(long id, string actor, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var entity = await db.ApiKeys.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (entity is null || entity.RevokedUtc is not null) return false;
        entity.RevokedUtc = clock.GetUtcNow().UtcDateTime;
        audit.Add(db, actor, "ApiKey", id.ToString(), "revoke", before: new { entity.Name, entity.Role }, after: new { revoked = true });
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().OrderByDescending(x => x.CreatedUtc).ToListAsync(ct);
    }
}
