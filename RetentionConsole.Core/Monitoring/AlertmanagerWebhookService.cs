using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using RetentionConsole.Core.Integrations;
using RetentionConsole.Core.Persistence;

namespace RetentionConsole.Core.Monitoring;

/// <summary>What happened to one delivery: accepted (with counts) or refused as malformed (nothing stored).</summary>
public sealed record AlertmanagerDelivery(bool Accepted, string Message, int Alerts = 0, int Inserted = 0, int Updated = 0, int Unchanged = 0);

/// <summary>
/// Stores the alerts of an authenticated Alertmanager delivery: upsert by (fingerprint, startsAt), resolved closes,
/// a replayed or stale delivery changes nothing. A delivery is validated whole before anything is written.
/// </summary>
public sealed class AlertmanagerWebhookService(IDbContextFactory<RetentionDbContext> factory, ConnectorRecorder recorder,
    TimeProvider clock, ILogger<AlertmanagerWebhookService> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AlertmanagerDelivery> ReceiveAsync(ReadOnlyMemory<byte> body, CancellationToken ct = default)
    {
        var parsed = Parse(body, out var error);
        if (parsed is null)
        {
            var message = $"Malformed Alertmanager payload: {error}";
            await recorder.EventAsync(ConnectorNames.Alertmanager, ConnectorEventKind.MalformedItem, message, ct);
            return new AlertmanagerDelivery(false, message);
        }

        if (parsed.TruncatedAlerts > 0)
            logger.LogWarning("Alertmanager truncated {Truncated} alert(s) of group {GroupKey} (max_alerts on receiver {Receiver}); only {Sent} were sent",
                parsed.TruncatedAlerts, parsed.GroupKey, parsed.Receiver, parsed.Alerts!.Count);

        // A concurrent delivery of the same new alert can win the unique index; the second attempt then sees its row.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StoreAsync(parsed, ct);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                logger.LogInformation("Alertmanager delivery raced another one; retrying (attempt {Attempt})", attempt + 1);
            }
        }
    }

    private async Task<AlertmanagerDelivery> StoreAsync(AlertmanagerWebhookDto payload, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var fingerprints = payload.Alerts!.Select(a => a.Fingerprint!).Distinct().ToList();
        var existing = await db.AlertRecords.Where(r => fingerprints.Contains(r.Fingerprint)).ToListAsync(ct);
        int inserted = 0, updated = 0, unchanged = 0;
        foreach (var alert in payload.Alerts!)
        {
            var startsAt = alert.StartsAt!.Value.UtcDateTime;
            var record = existing.FirstOrDefault(r => r.Fingerprint == alert.Fingerprint && r.StartsAtUtc == startsAt);
            var resolved = alert.Status == AlertStatus.Resolved;
            var labelsJson = JsonSerializer.Serialize(Sorted(alert.Labels), Json);
            var annotationsJson = JsonSerializer.Serialize(Sorted(alert.Annotations), Json);
            if (record is null)
            {
                record = new AlertRecord
                {
                    Fingerprint = alert.Fingerprint!,
                    Status = resolved ? AlertStatus.Resolved : AlertStatus.Firing,
                    AlertName = alert.Labels!["alertname"],
                    Service = Label(alert.Labels, "service"),
                    AccountLabel = Label(alert.Labels, "account") ?? Label(alert.Labels, "account_id"),
                    LabelsJson = labelsJson,
                    AnnotationsJson = annotationsJson,
                    StartsAtUtc = startsAt,
                    EndsAtUtc = resolved ? EndOf(alert, now) : null,
                    GeneratorUrl = Cut(alert.GeneratorUrl, 2000),
                    Receiver = Cut(payload.Receiver, 200),
                    GroupKey = Cut(payload.GroupKey, 1000),
                    ReceivedUtc = now,
                    LastUpdatedUtc = now,
                };
                db.AlertRecords.Add(record);
                existing.Add(record);
                inserted++;
            }
            else if (!record.IsFiring)
            {
                // Closed already: a replay, or a late firing notification of the same occurrence, changes nothing.
                unchanged++;
            }
            else if (resolved)
            {
                record.Status = AlertStatus.Resolved;
                record.EndsAtUtc = EndOf(alert, now);
                record.AnnotationsJson = annotationsJson;
                record.LastUpdatedUtc = now;
                updated++;
            }
            else if (record.AnnotationsJson != annotationsJson || record.LabelsJson != labelsJson)
            {
                // Still firing with new text (e.g. the current value in the description).
                record.AnnotationsJson = annotationsJson;
                record.LabelsJson = labelsJson;
                record.LastUpdatedUtc = now;
                updated++;
            }
            else
            {
                unchanged++;
            }
        }

        var state = await ConnectorRecorder.StateAsync(db, ConnectorNames.Alertmanager, ct);
        state.LastAttemptUtc = now;
        state.LastSuccessUtc = now;
        state.LastError = null;
        state.ItemsSynced += inserted + updated;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Alertmanager delivery {GroupKey} ({Status}): {Inserted} new, {Updated} updated, {Unchanged} unchanged",
            payload.GroupKey, payload.Status, inserted, updated, unchanged);
        return new AlertmanagerDelivery(true, "Accepted.", payload.Alerts!.Count, inserted, updated, unchanged);
    }

    /// <summary>Reads and validates a delivery; null with a reason when it is not a usable version 4 payload.</summary>
    internal static AlertmanagerWebhookDto? Parse(ReadOnlyMemory<byte> body, out string error)
    {
        AlertmanagerWebhookDto? payload;
        try
        {
            payload = JsonSerializer.Deserialize<AlertmanagerWebhookDto>(body.Span, Json);
        }
        catch (JsonException ex)
        {
            error = $"the body is not valid JSON for a webhook payload ({ex.Message})";
            return null;
        }

        error = Validate(payload) ?? "";
        return error.Length == 0 ? payload : null;
    }

    private static string? Validate(AlertmanagerWebhookDto? payload)
    {
        if (payload is null) return "the body is empty or null.";
        if (payload.Version != "4") return $"version must be \"4\" (Alertmanager webhook format), got \"{payload.Version}\".";
        if (payload.Status is not (AlertStatus.Firing or AlertStatus.Resolved)) return "status must be \"firing\" or \"resolved\".";
        if (payload.Alerts is null) return "alerts is missing.";
        if (payload.TruncatedAlerts < 0) return "truncatedAlerts must not be negative.";
        for (var i = 0; i < payload.Alerts.Count; i++)
        {
            var a = payload.Alerts[i];
            var at = $"alerts[{i}]";
            if (a is null) return $"{at} is null.";
            if (string.IsNullOrWhiteSpace(a.Fingerprint) || a.Fingerprint.Length > 64 || !a.Fingerprint.All(char.IsAsciiHexDigit))
                return $"{at}.fingerprint must be a hex string.";
            if (a.Status is not (AlertStatus.Firing or AlertStatus.Resolved)) return $"{at}.status must be \"firing\" or \"resolved\".";
            if (a.Labels is null || !a.Labels.TryGetValue("alertname", out var name) || string.IsNullOrWhiteSpace(name))
                return $"{at}.labels.alertname is missing.";
            if (a.StartsAt is null || a.StartsAt.Value.Year < 2) return $"{at}.startsAt is missing.";
        }

        return null;
    }

    private static DateTime EndOf(AlertmanagerAlertDto alert, DateTime now) =>
        alert.EndsAt is { Year: > 1 } end ? end.UtcDateTime : now;

    private static SortedDictionary<string, string> Sorted(Dictionary<string, string>? map) =>
        new(map ?? new Dictionary<string, string>(), StringComparer.Ordinal);

    private static string? Label(Dictionary<string, string>? labels, string name) =>
        labels is not null && labels.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? Cut(value, 200) : null;

    private static string? Cut(string? s, int max) => s is null ? null : s.Length > max ? s[..max] : s;
}
