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
    [JsonPropertyName("startsAt")] public DateTimeOffset? StartsAt { get; set; }

    /// <summary>Go's zero time (0001-01-01T00:00:00Z) while firing.</summary>
    [JsonPropertyName("endsAt")] public DateTimeOffset? EndsAt { get; set; }
    [JsonPropertyName("generatorURL")] public string? GeneratorUrl { get; set; }
    [JsonPropertyName("fingerprint")] public string? Fingerprint { get; set; }
}
