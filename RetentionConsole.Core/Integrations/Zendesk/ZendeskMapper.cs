using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Core.Integrations.Zendesk;

/// <summary>An upstream item that cannot be understood; it is logged, counted and skipped, never half-applied.</summary>
public sealed class ZendeskMalformedItemException(string message, Exception? inner = null) : FormatException(message, inner);

/// <summary>Zendesk wire shapes → domain snapshots. Validates what RetentionConsole relies on.</summary>
internal static partial class ZendeskMapper
{
    private static readonly HashSet<string> Statuses = new(StringComparer.Ordinal)
        { "new", "open", "pending", "hold", "solved", "closed", "deleted" };

    [GeneratedRegex(@"^[A-Z][A-Z0-9_]*-[1-9][0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex JiraKeyPattern();

    public static T Deserialize<T>(JsonElement element, string what) where T : class
    {
        try
        {
            return element.Deserialize<T>(ZendeskJson.Options)
                ?? throw new ZendeskMalformedItemException($"{what} is null.");
        }
        catch (JsonException ex)
        {
            throw new ZendeskMalformedItemException($"{what} does not match the Zendesk shape: {ex.Message}", ex);
        }
    }

    public static T DeserializeBody<T>(string body, string what) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, ZendeskJson.Options)
                ?? throw new ZendeskMalformedItemException($"{what} is empty.");
        }
        catch (JsonException ex)
        {
            throw new ZendeskMalformedItemException($"{what} is not valid JSON: {ex.Message}", ex);
        }
    }

    public static TicketSnapshot ToSnapshot(ZendeskTicketDto t, long? jiraKeyFieldId, ZendeskTicketMetricDto? metric)
    {
        if (t.Id <= 0) throw new ZendeskMalformedItemException("Ticket without a valid id.");
        if (string.IsNullOrWhiteSpace(t.Status) || !Statuses.Contains(t.Status))
            throw new ZendeskMalformedItemException($"Ticket {t.Id} has an unknown status '{t.Status}'.");
        if (t.CreatedAt is null || t.UpdatedAt is null)
            throw new ZendeskMalformedItemException($"Ticket {t.Id} lacks created_at or updated_at.");
        if (metric is not null && metric.TicketId != t.Id)
            throw new ZendeskMalformedItemException($"Metrics of ticket {metric.TicketId} were joined to ticket {t.Id}.");

        return new TicketSnapshot
        {
            Id = t.Id,
            Subject = t.Subject ?? t.RawSubject ?? "",
            Status = t.Status,
            Priority = string.IsNullOrWhiteSpace(t.Priority) ? null : t.Priority,
            Type = string.IsNullOrWhiteSpace(t.Type) ? null : t.Type,
            ProblemId = t.ProblemId is > 0 ? t.ProblemId : null,
            Tags = (t.Tags ?? []).Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x.Trim().ToLowerInvariant()).Distinct().ToList(),
            OrganizationId = t.OrganizationId is > 0 ? t.OrganizationId : null,
            JiraKey = JiraKey(t.CustomFields, jiraKeyFieldId),
            CreatedUtc = t.CreatedAt.Value.UtcDateTime,
            UpdatedUtc = t.UpdatedAt.Value.UtcDateTime,
            Metrics = metric is null ? null : ToSnapshot(metric),
        };
    }

    public static TicketMetricsSnapshot ToSnapshot(ZendeskTicketMetricDto m) => new()
    {
        SolvedUtc = m.SolvedAt?.UtcDateTime,
        FirstReplyMinutesCalendar = m.ReplyTimeInMinutes?.Calendar,
        FirstReplyMinutesBusiness = m.ReplyTimeInMinutes?.Business,
        ResolutionMinutesCalendar = m.FullResolutionTimeInMinutes?.Calendar,
        ResolutionMinutesBusiness = m.FullResolutionTimeInMinutes?.Business,
    };

    public static OrganizationSnapshot ToSnapshot(ZendeskOrganizationDto o)
    {
        if (o.Id <= 0) throw new ZendeskMalformedItemException("Organization without a valid id.");
        if (string.IsNullOrWhiteSpace(o.Name)) throw new ZendeskMalformedItemException($"Organization {o.Id} has no name.");
        if (o.UpdatedAt is null && o.CreatedAt is null)
            throw new ZendeskMalformedItemException($"Organization {o.Id} lacks updated_at.");
        return new OrganizationSnapshot
        {
            Id = o.Id,
            Name = o.Name.Trim(),
            ExternalId = string.IsNullOrWhiteSpace(o.ExternalId) ? null : o.ExternalId.Trim(),
            Domains = (o.DomainNames ?? []).Where(d => !string.IsNullOrWhiteSpace(d))
                .Select(d => d.Trim().ToLowerInvariant()).Distinct().ToList(),
            UpdatedUtc = (o.UpdatedAt ?? o.CreatedAt)!.Value.UtcDateTime,
        };
    }

    /// <summary>The Jira key in custom field <paramref name="fieldId"/>, upper-cased; anything that is not a key is ignored.</summary>
    public static string? JiraKey(IEnumerable<ZendeskCustomFieldDto>? fields, long? fieldId)
    {
        if (fieldId is null || fields is null) return null;
        var value = fields.FirstOrDefault(f => f.Id == fieldId)?.Value;
        if (value is not { ValueKind: JsonValueKind.String } v) return null;
        var key = v.GetString()?.Trim().ToUpperInvariant();
        return key is not null && JiraKeyPattern().IsMatch(key) ? key : null;
    }

    /// <summary>The item of a metrics response: an object, or (as in the docs example) an array whose first item counts.</summary>
    public static ZendeskTicketMetricDto? MetricFromResponse(ZendeskTicketMetricResponse response) =>
        response.TicketMetric switch
        {
            { ValueKind: JsonValueKind.Object } o => Deserialize<ZendeskTicketMetricDto>(o, "Ticket metric"),
            { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() > 0 => Deserialize<ZendeskTicketMetricDto>(a[0], "Ticket metric"),
            _ => null,
        };

    public static long? ReadId(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id)
            ? id.ValueKind switch
            {
                JsonValueKind.Number when id.TryGetInt64(out var n) => n,
                JsonValueKind.String when long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
                _ => null,
            }
            : null;
}
