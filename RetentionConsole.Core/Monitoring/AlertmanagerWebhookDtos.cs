using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetentionConsole.Core.Monitoring;

// Alertmanager webhook payload, version "4" (../shared/contracts/alertmanager, README §4). Used to read deliveries
// and, by the sandbox sender, to write them in the same shape.

internal sealed class AlertmanagerWebhookDto
{
    [JsonPropertyName("receiver")] public string? Receiver { get; set; }
    [JsonPropertyName("status")] public string? Status { get; set; }
    [JsonPropertyName("alerts")] public List<AlertmanagerAlertDto>? Alerts { get; set; }
    [JsonPropertyName("groupLabels")] public Dictionary<string, string>? GroupLabels { get; set; }
    [JsonPropertyName("commonLabels")] public Dictionary<string, string>? CommonLabels { get; set; }
    [JsonPropertyName("commonAnnotations")] public Dictionary<string, string>? CommonAnnotations { get; set; }
    [JsonPropertyName("externalURL")] public string? ExternalUrl { get; set; }
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("groupKey")] public string? GroupKey { get; set; }
    [JsonPropertyName("truncatedAlerts")] public int TruncatedAlerts { get; set; }

    /// <summary>Alertmanager ≥ 0.32 only.</summary>
    [JsonPropertyName("notification_reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NotificationReason { get; set; }
}

internal sealed class AlertmanagerAlertDto
{
    [JsonPropertyName("status")] public string? Status { get; set; }
    [JsonPropertyName("labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
    [JsonPropertyName("startsAt")]
    [JsonConverter(typeof(GoTimeConverter))]
    public DateTimeOffset? StartsAt { get; set; }

    /// <summary>Go's zero time (0001-01-01T00:00:00Z) while firing.</summary>
    [JsonPropertyName("endsAt")]
    [JsonConverter(typeof(GoTimeConverter))]
    public DateTimeOffset? EndsAt { get; set; }
    [JsonPropertyName("generatorURL")] public string? GeneratorUrl { get; set; }
    [JsonPropertyName("fingerprint")] public string? Fingerprint { get; set; }
}

/// <summary>RFC 3339 as Go writes it: UTC with "Z", fractional seconds only when present (0001-01-01T00:00:00Z = zero).</summary>
internal sealed class GoTimeConverter : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("a timestamp must be an RFC 3339 string");
        return DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new JsonException($"\"{reader.GetString()}\" is not an RFC 3339 timestamp");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else writer.WriteStringValue(value.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
    }
}
