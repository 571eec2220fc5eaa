using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Integrations;

/// <summary>
/// Counts what connectors do — errors, malformed items skipped, rate-limit waits — for the Integrations page, and
/// reads/writes their state rows. Events are written in their own short context so they survive a rolled-back sync.
/// </summary>
public sealed class ConnectorRecorder(IDbContextFactory<RetentionDbContext> factory, TimeProvider clock, ILogger<ConnectorRecorder> logger)
{
    public async Task EventAsync(string connector, ConnectorEventKind kind, string message, CancellationToken ct = default)
    {
        logger.Log(kind == ConnectorEventKind.RateLimitWait ? LogLevel.Information : LogLevel.Warning,
            "{Connector} {Kind}: {Message}", connector, kind, message);
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        db.ConnectorEvents.Add(new ConnectorEvent
        {
            Connector = connector,
            Kind = kind,
            AtUtc = clock.GetUtcNow().UtcDateTime,
            Message = message.Length > 2000 ? message[..2000] : message,
        });
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>The state row of a connector stream, tracked by <paramref name="db"/> (created when missing).</summary>
    public static async Task<ConnectorState> StateAsync(RetentionDbContext db, string name, CancellationToken ct)
    {
        var state = await db.ConnectorStates.FirstOrDefaultAsync(s => s.Name == name, ct);
        if (state is null)
        {
            state = new ConnectorState { Name = name };
            db.ConnectorStates.Add(state);
        }

        return state;
    }

    public async Task AttemptFailedAsync(string name, Exception error, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        var state = await StateAsync(db, name, CancellationToken.None);
        state.LastAttemptUtc = clock.GetUtcNow().UtcDateTime;
        state.LastError = error.Message.Length > 2000 ? error.Message[..2000] : error.Message;
        await db.SaveChangesAsync(CancellationToken.None);
        await EventAsync(name, ConnectorEventKind.Error, error.Message, ct);
    }
}
