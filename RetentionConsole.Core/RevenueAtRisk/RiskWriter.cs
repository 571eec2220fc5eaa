using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.RevenueAtRisk;

/// <summary>
/// Writes the recompute's changed rows with one prepared statement per shape, reused for every row, in one
/// transaction. A full recompute can change tens of thousands of rows; the change tracker costs several times the
/// database work there. Table and column names, identifier quoting and value conversion (decimal is REAL on SQLite)
/// all come from the EF model, so the same code serves both providers.
/// </summary>
internal sealed class RiskWriter : IAsyncDisposable
{
    private readonly RetentionDbContext _db;
    private readonly IDbContextTransaction _transaction;
    private readonly ISqlGenerationHelper _sql;
    private readonly bool _prepare;

    private RiskWriter(RetentionDbContext db, IDbContextTransaction transaction)
    {
        _db = db;
        _transaction = transaction;
        _sql = db.GetService<ISqlGenerationHelper>();
        _prepare = db.Database.IsSqlite();
    }

    public static async Task<RiskWriter> BeginAsync(RetentionDbContext db, CancellationToken ct) =>
        new(db, await db.Database.BeginTransactionAsync(ct));

    public Task CommitAsync(CancellationToken ct) => _transaction.CommitAsync(ct);

    public ValueTask DisposeAsync() => _transaction.DisposeAsync();

    /// <summary>UPDATE table SET each of <paramref name="set"/> WHERE key = …, once per row.</summary>
    public async Task UpdateAsync<T>(IReadOnlyCollection<T> rows, string[] set, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var entity = Entity<T>();
        var key = entity.FindPrimaryKey()!.Properties.Single();
        var columns = set.Select(p => entity.FindProperty(p)!).ToList();
        var table = Table(entity);
        var assignments = string.Join(", ", columns.Select((p, i) => $"{Column(p, table)} = {Param(i)}"));
        await ExecuteAsync(rows, $"UPDATE {Delimit(table)} SET {assignments} WHERE {Column(key, table)} = {Param(columns.Count)}",
            [.. columns, key], ct);
    }

    /// <summary>INSERT every mapped column except store-generated ones, once per row.</summary>
    public async Task InsertAsync<T>(IReadOnlyCollection<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var entity = Entity<T>();
        var table = Table(entity);
        var columns = entity.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToList();
        var names = string.Join(", ", columns.Select(p => Column(p, table)));
        var values = string.Join(", ", columns.Select((_, i) => Param(i)));
        await ExecuteAsync(rows, $"INSERT INTO {Delimit(table)} ({names}) VALUES ({values})", columns, ct);
    }

    private async Task ExecuteAsync<T>(IReadOnlyCollection<T> rows, string sql, List<IProperty> properties, CancellationToken ct)
    {
        var connection = _db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction.GetDbTransaction();
        var mappings = properties.Select(p => p.GetRelationalTypeMapping()).ToList();
        for (var i = 0; i < properties.Count; i++)
        {
            command.Parameters.Add(mappings[i].CreateParameter(command, Param(i), null, properties[i].IsNullable));
        }

        if (_prepare) await command.PrepareAsync(ct);
        var getters = properties.Select(p => p.GetGetter()).ToList();
        foreach (var row in rows)
        {
            for (var i = 0; i < getters.Count; i++)
            {
                var value = getters[i].GetClrValueUsingContainingEntity(row!);
                if (value is not null && mappings[i].Converter is { } converter) value = converter.ConvertToProvider(value);
                ((DbParameter)command.Parameters[i]!).Value = value ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private IEntityType Entity<T>() => _db.Model.FindEntityType(typeof(T))
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not an entity of the model.");

    private static StoreObjectIdentifier Table(IEntityType entity) =>
        StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());

    private string Delimit(StoreObjectIdentifier table) => _sql.DelimitIdentifier(table.Name, table.Schema);

    private string Column(IProperty property, StoreObjectIdentifier table) => _sql.DelimitIdentifier(property.GetColumnName(table)!);

    private static string Param(int i) => $"@p{i}";
}
