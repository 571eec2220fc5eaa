namespace RetentionConsole.Core.Monitoring;

/// <summary>What a Prometheus query returned, independent of the wire format (SLA evaluation consumes this).</summary>
public enum MetricResultType
{
    Vector,
    Matrix,
    Scalar,
    String,
}

/// <summary>One sample. <see cref="Value"/> may be NaN or ±Infinity: Prometheus sends "NaN", "+Inf", "-Inf".</summary>
public sealed record MetricPoint(DateTime TimestampUtc, double Value);

/// <summary>One bucket of a native histogram sample (boundary rule as in the Prometheus API: 0 = (lower, upper], ...).</summary>
public sealed record HistogramBucket(int BoundaryRule, double Lower, double Upper, double Count);

/// <summary>A native histogram sample (the API's "histogram"/"histograms" keys).</summary>
public sealed record HistogramPoint(DateTime TimestampUtc, double Count, double Sum, IReadOnlyList<HistogramBucket> Buckets);

/// <summary>A labelled time series: one point for an instant vector, many for a matrix.</summary>
public sealed record MetricSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<MetricPoint> Points)
{
    /// <summary>Native histogram samples; empty for float series.</summary>
    public IReadOnlyList<HistogramPoint> Histograms { get; init; } = [];

    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// The result of an instant or range query: <see cref="Series"/> for vector/matrix, <see cref="Scalar"/> for scalar,
/// <see cref="Text"/> (with <see cref="Scalar"/> holding its timestamp and NaN) for string results.
/// </summary>
public sealed record MetricQueryResult(MetricResultType Type, IReadOnlyList<MetricSeries> Series, MetricPoint? Scalar = null,
    string? Text = null)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
