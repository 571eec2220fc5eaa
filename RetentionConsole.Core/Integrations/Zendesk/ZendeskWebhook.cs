using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.RevenueAtRisk;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Core.Integrations.Zendesk;

/// <summary>
/// Zendesk webhook signatures: base64(HMAC-SHA256(key = the signing secret's UTF-8 bytes as is, message = the
/// X-Zendesk-Webhook-Signature-Timestamp value followed by the raw body bytes)), compared in constant time.
/// </summary>
public static class ZendeskWebhookSignature
{
    public const string SignatureHeader = "X-Zendesk-Webhook-Signature";
    public const string TimestampHeader = "X-Zendesk-Webhook-Signature-Timestamp";

    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(Hash(secret, timestamp, body));

    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string signature)
    {
        byte[] given;
        try
        {
            given = Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(secret, timestamp, body), given);
    }

    /// <summary>The timestamp header as a time: ISO-8601 (what Zendesk sends) or Unix seconds.</summary>
    public static DateTimeOffset? ParseTimestamp(string timestamp)
    {
        var t = timestamp.Trim();
        if (long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 253402300800)
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;
    }

    private static byte[] Hash(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var timestampBytes = Encoding.UTF8.GetBytes(timestamp);
        var message = new byte[timestampBytes.Length + body.Length];
        timestampBytes.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(timestampBytes.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}

public enum ZendeskWebhookStatus
{
    /// <summary>401: no secret configured, missing or wrong signature, stale timestamp. Nothing changed.</summary>
    Unauthorized,

    /// <summary>400: signed, but the body is not JSON. Nothing changed.</summary>
    BadRequest,

    /// <summary>200: this delivery was already processed. Nothing changed.</summary>
    Duplicate,

    /// <summary>200: signed and understood, but there is nothing to do (not a ticket event, ticket gone).</summary>
    Ignored,

    /// <summary>200: the named ticket was fetched and upserted.</summary>
    Processed,

    /// <summary>503: Zendesk could not be reached (it retries the delivery).</summary>
    Unavailable,
}

public sealed record ZendeskWebhookResult(ZendeskWebhookStatus Status, string Message, long? TicketId = null, bool Changed = false);

/// <summary>
/// Handles a Zendesk webhook delivery: verify (signature, 300 s window), refuse replays, find the ticket the body
/// names, fetch it (with metrics) right away and upsert it like the sync does.
/// </summary>
public sealed class ZendeskWebhookProcessor(
    IOptions<ZendeskOptions> options,
    ZendeskConnection connection,
    ZendeskClient client,
    TicketStore store,
    ConnectorRecorder recorder,
    IEnumerable<IRiskRecalculator> recalculators,
    ZendeskWebhookReplayGuard replays,
    TimeProvider clock,
    ILogger<ZendeskWebhookProcessor> logger)
{
    public async Task<ZendeskWebhookResult> HandleAsync(string? signature, string? timestamp, byte[] body, CancellationToken ct)
    {
        var secret = options.Value.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
            return Refuse("No webhook secret configured (Connectors:Zendesk:WebhookSecret); deliveries are refused.");
        if (string.IsNullOrWhiteSpace(signature) || string.IsNullOrWhiteSpace(timestamp))
            return Refuse($"Missing {ZendeskWebhookSignature.SignatureHeader} or {ZendeskWebhookSignature.TimestampHeader} header.");
        if (!ZendeskWebhookSignature.Verify(secret, timestamp, body, signature))
            return Refuse("Signature does not match the body.");

        var now = clock.GetUtcNow();
        var tolerance = options.Value.WebhookTolerance;
        if (ZendeskWebhookSignature.ParseTimestamp(timestamp) is not { } sentAt || (now - sentAt).Duration() > tolerance)
            return Refuse($"Timestamp '{timestamp}' is outside the {tolerance.TotalSeconds:0} s window.");

        // Deliveries are remembered (by signature) for the tolerance window on both sides: a replay inside it is a
        // no-op, one outside it fails the timestamp check above.
        var deliveryKey = signature.Trim();
        if (!replays.TryClaim(deliveryKey, now, now + tolerance + tolerance))
            return new ZendeskWebhookResult(ZendeskWebhookStatus.Duplicate, "Delivery already processed; nothing changed.");

        try
        {
            var result = await ProcessAsync(body, ct);
            // A delivery that could not be processed may be retried by Zendesk with the same signature.
            if (result.Status is ZendeskWebhookStatus.Unavailable or ZendeskWebhookStatus.BadRequest) replays.Release(deliveryKey);
            return result;
        }
        catch
        {
            replays.Release(deliveryKey);
            throw;
        }
    }

    private async Task<ZendeskWebhookResult> ProcessAsync(byte[] body, CancellationToken ct)
    {
        long? ticketId;
        try
        {
            using var doc = JsonDocument.Parse(body);
            ticketId = TicketIdOf(doc.RootElement);
        }
        catch (JsonException ex)
        {
            return new ZendeskWebhookResult(ZendeskWebhookStatus.BadRequest, $"Body is not JSON: {ex.Message}");
        }

        if (ticketId is not { } id)
            return new ZendeskWebhookResult(ZendeskWebhookStatus.Ignored, "The event names no ticket; nothing to do.");
        if (!connection.IsConfigured)
            return new ZendeskWebhookResult(ZendeskWebhookStatus.Unavailable, ZendeskConnection.NotConfiguredMessage, id);

        TicketSnapshot? ticket;
        try
        {
            ticket = await client.GetTicketAsync(id, ct);
        }
        catch (ZendeskMalformedItemException ex)
        {
            await recorder.EventAsync(ConnectorNames.ZendeskTickets, ConnectorEventKind.MalformedItem, $"Webhook fetch: {ex.Message}", ct);
            return new ZendeskWebhookResult(ZendeskWebhookStatus.Ignored, $"Ticket {id} could not be read: {ex.Message}", id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Zendesk webhook: fetching ticket {TicketId} failed", id);
            await recorder.EventAsync(ConnectorNames.ZendeskTickets, ConnectorEventKind.Error, $"Webhook fetch of ticket {id} failed: {ex.Message}", ct);
            return new ZendeskWebhookResult(ZendeskWebhookStatus.Unavailable, $"Ticket {id} could not be fetched from Zendesk; retry later.", id);
        }

        if (ticket is null)
            return new ZendeskWebhookResult(ZendeskWebhookStatus.Ignored, $"Ticket {id} does not exist in Zendesk; nothing changed.", id);

        var changes = new RiskChanges();
        var changed = await store.InTransactionAsync(db => store.ApplyTicketsAsync(db, [ticket], changes, ct), ct);
        if (!changes.IsEmpty)
        {
            foreach (var recalculator in recalculators)
            {
                try
                {
                    await recalculator.RecalculateAsync(changes, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Revenue-at-risk recalculation after a Zendesk webhook failed");
                }
            }
        }

        return new ZendeskWebhookResult(ZendeskWebhookStatus.Processed,
            changed > 0 ? $"Ticket {id} updated." : $"Ticket {id} already up to date.", id, changed > 0);
    }

    /// <summary>
    /// The ticket a delivery is about: {"ticket_id": 123}, {"ticket": {"id": 123}}, or a Zendesk event
    /// ("type": "zen:event-type:ticket.*" with "detail": {"id": "123"} or "subject": "zen:ticket:123").
    /// </summary>
    internal static long? TicketIdOf(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return null;
        if (root.TryGetProperty("ticket_id", out var ticketId)) return AsId(ticketId);
        if (root.TryGetProperty("ticket", out var ticket) && ticket.ValueKind == JsonValueKind.Object && ticket.TryGetProperty("id", out var nested))
            return AsId(nested);
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is null || !type.StartsWith("zen:event-type:ticket.", StringComparison.Ordinal)) return null;
        if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("id", out var detailId)
            && AsId(detailId) is { } fromDetail)
        {
            return fromDetail;
        }

        const string prefix = "zen:ticket:";
        return root.TryGetProperty("subject", out var subject) && subject.ValueKind == JsonValueKind.String
            && subject.GetString() is { } s && s.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(s[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var fromSubject) && fromSubject > 0
            ? fromSubject
            : null;
    }

    private static long? AsId(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var n) && n > 0 => n,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => n,
        _ => null,
    };

    private ZendeskWebhookResult Refuse(string reason)
    {
        logger.LogWarning("Zendesk webhook refused: {Reason}", reason);
        return new ZendeskWebhookResult(ZendeskWebhookStatus.Unauthorized, reason);
    }
}
