using System.Globalization;
using System.Net;
using System.Text.Json;
using RetentionConsole.Core.Monitoring;

namespace RetentionConsole.Core.Integrations.Prometheus;

/// <summary>Prometheus wire DTOs → <see cref="MetricQueryResult"/>; error bodies → <see cref="PrometheusQueryException"/>.</summary>
internal static class PrometheusMapper
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps a success envelope; throws <see cref="PrometheusQueryException"/> for an error envelope or an unreadable one.</summary>
    public static MetricQueryResult ToResult(PrometheusResponseDto response, HttpStatusCode status = HttpStatusCode.OK)
    {
        if (response.Status == "error") throw ToException(response, status);
        if (response.Status != "success" || response.Data is null)
            throw new PrometheusQueryException(PrometheusQueryException.BadResponse, "the answer has neither status \"success\" with data nor status \"error\".", status);
        try
        {
            var result = Map(response.Data);
            return result with { Warnings = [.. response.Warnings ?? [], .. response.Infos ?? []] };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new PrometheusQueryException(PrometheusQueryException.BadResponse, ex.Message, status, ex);
        }
    }

    /// <summary>Reads a raw body (success or error) as Prometheus would send it.</summary>
    public static MetricQueryResult Parse(string body, HttpStatusCode status = HttpStatusCode.OK)
    {
        PrometheusResponseDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<PrometheusResponseDto>(body, Json);
        }
        catch (JsonException ex)
        {
            throw ErrorFromBody(status, body, ex);
        }

        if (dto is null) throw ErrorFromBody(status, body, null);
        return ToResult(dto, status);
    }

    /// <summary>The exception for a non-2xx answer: Prometheus's own errorType/error when the body is its error envelope.</summary>
    public static PrometheusQueryException ErrorFromBody(HttpStatusCode status, string? body, Exception? inner)
    {
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                var dto = JsonSerializer.Deserialize<PrometheusResponseDto>(body, Json);
                if (dto is { Status: "error" }) return ToException(dto, status);
            }
            catch (JsonException)
            {
                // Not Prometheus's envelope (a proxy page, a truncated body): reported as below.
            }
        }

        var text = string.IsNullOrWhiteSpace(body) ? "(empty body)" : body.Length > 300 ? body[..300] + "…" : body;
        return (int)status is >= 200 and < 300
            ? new PrometheusQueryException(PrometheusQueryException.BadResponse, $"unreadable answer: {text}", status, inner)
            : new PrometheusQueryException(PrometheusQueryException.HttpError, $"HTTP {(int)status}: {text}", status, inner);
    }

    private static PrometheusQueryException ToException(PrometheusResponseDto dto, HttpStatusCode status) =>
        new(string.IsNullOrEmpty(dto.ErrorType) ? "unknown" : dto.ErrorType, dto.Error ?? "(no message)", status);

    private static MetricQueryResult Map(PrometheusDataDto data)
    {
        var result = data.Result;
        switch (data.ResultType)
        {
            case "vector":
            {
                var items = result.Deserialize<List<PrometheusSeriesDto>>(Json) ?? throw new JsonException("vector result is null");
                return new MetricQueryResult(MetricResultType.Vector, items.Select(s => new MetricSeries(Labels(s),
                    s.Value is { } v ? [Point(v)] : [])
                {
                    Histograms = s.Histogram is { } h ? [Histogram(h)] : [],
                }).ToList());
            }
            case "matrix":
            {
                var items = result.Deserialize<List<PrometheusSeriesDto>>(Json) ?? throw new JsonException("matrix result is null");
                return new MetricQueryResult(MetricResultType.Matrix, items.Select(s => new MetricSeries(Labels(s),
                    (s.Values ?? []).Select(Point).ToList())
                {
                    Histograms = (s.Histograms ?? []).Select(Histogram).ToList(),
                }).ToList());
            }
            case "scalar":
            {
                var sample = result.Deserialize<PrometheusSampleDto>(Json);
                return new MetricQueryResult(MetricResultType.Scalar, [], Point(sample));
            }
            case "string":
            {
                var sample = result.Deserialize<PrometheusSampleDto>(Json);
                return new MetricQueryResult(MetricResultType.String, [],
                    new MetricPoint(PrometheusFormat.FromUnixSeconds(sample.UnixSeconds), double.NaN), sample.Value);
            }
            default:
                throw new JsonException($"unknown resultType \"{data.ResultType}\"");
        }
    }

    private static IReadOnlyDictionary<string, string> Labels(PrometheusSeriesDto s) =>
        s.Metric is null ? new Dictionary<string, string>() : new Dictionary<string, string>(s.Metric, StringComparer.Ordinal);

    private static MetricPoint Point(PrometheusSampleDto sample) =>
        new(PrometheusFormat.FromUnixSeconds(sample.UnixSeconds), Number(sample.Value, "sample value"));

    private static HistogramPoint Histogram(PrometheusHistogramSampleDto sample)
    {
        var buckets = (sample.Histogram.Buckets ?? []).Select(b =>
        {
            if (b.ValueKind != JsonValueKind.Array || b.GetArrayLength() != 4)
                throw new JsonException("a histogram bucket must be [boundary_rule, \"lower\", \"upper\", \"count\"]");
            return new HistogramBucket(b[0].GetInt32(), Number(b[1].GetString(), "bucket lower bound"),
                Number(b[2].GetString(), "bucket upper bound"), Number(b[3].GetString(), "bucket count"));
        }).ToList();
        return new HistogramPoint(PrometheusFormat.FromUnixSeconds(sample.UnixSeconds),
            Number(sample.Histogram.Count, "histogram count"), Number(sample.Histogram.Sum, "histogram sum"), buckets);
    }

    private static double Number(string? text, string what) =>
        PrometheusFormat.TryParseValue(text, out var value)
            ? value
            : throw new FormatException($"{what} \"{text}\" is not a number.");

    /// <summary>A time parameter as Prometheus accepts it: unix seconds with millisecond precision.</summary>
    public static string Time(DateTime utc) => PrometheusFormat.Timestamp(Math.Round(PrometheusFormat.UnixSeconds(utc), 3));

    /// <summary>A duration parameter (step, timeout) as float seconds.</summary>
    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
