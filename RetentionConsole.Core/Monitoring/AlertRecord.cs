namespace RetentionConsole.Core.Monitoring;

/// <summary>
/// An alert received from Alertmanager, one row per (fingerprint, starts-at): the same alert firing again later is a
/// new row. Firing while <see cref="EndsAtUtc"/> is null; a resolved notification closes it. SLA evaluation reads these.
/// </summary>
public sealed class AlertRecord
{
    public long Id { get; set; }

    /// <summary>Alertmanager's fingerprint of the label set (16 hex digits).</summary>
    public required string Fingerprint { get; set; }

    /// <summary>"firing" or "resolved".</summary>
    public required string Status { get; set; }
    public required string AlertName { get; set; }

    /// <summary>The alert's <c>service</c> label, when it has one.</summary>
    public string? Service { get; set; }

    /// <summary>The alert's <c>account</c> (or <c>account_id</c>) label for per-tenant alerts.</summary>
    public string? AccountLabel { get; set; }

    public string LabelsJson { get; set; } = "{}";
    public string AnnotationsJson { get; set; } = "{}";
    public DateTime StartsAtUtc { get; set; }
    public DateTime? EndsAtUtc { get; set; }
    public string? GeneratorUrl { get; set; }
    public string? Receiver { get; set; }
    public string? GroupKey { get; set; }
    public DateTime ReceivedUtc { get; set; }
    public DateTime LastUpdatedUtc { get; set; }

    public bool IsFiring => Status == AlertStatus.Firing;
}

public static class AlertStatus
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}
