using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetentionConsole.Core.Integrations.Prometheus;

// Wire shapes of the Prometheus HTTP API (../shared/contracts/prometheus, README §4). They stay internal: the mapper
// turns them into Core.Monitoring types.

/// <summary>The envelope of every /api/v1 answer, success or error.</summary>
internal sealed class PrometheusResponseDto
{
    [JsonPropertyName("status")] public string? Status { get; set; }
    [JsonPropertyName("data")] public PrometheusDataDto? Data { get; set; }
    [JsonPropertyName("errorType")] public string? ErrorType { get; set; }
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("warnings")] public List<string>? Warnings { get; set; }
    [JsonPropertyName("infos")] public List<string>? Infos { get; set; }
}

/// <summary><c>result</c> depends on <c>resultType</c>, so it is kept raw and read by the mapper.</summary>
internal sealed class PrometheusDataDto
{
    [JsonPropertyName("resultType")] public string? ResultType { get; set; }
    [JsonPropertyName("result")] public JsonElement Result { get; set; }
}

/// <summary>A vector element (value/histogram) or a matrix element (values/histograms).</summary>
internal sealed class PrometheusSeriesDto
{
    [JsonPropertyName("metric")] public Dictionary<string, string>? Metric { get; set; }
    [JsonPropertyName("value")] public PrometheusSampleDto? Value { get; set; }
    [JsonPropertyName("values")] public List<PrometheusSampleDto>? Values { get; set; }
    [JsonPropertyName("histogram")] public PrometheusHistogramSampleDto? Histogram { get; set; }
    [JsonPropertyName("histograms")] public List<PrometheusHistogramSampleDto>? Histograms { get; set; }
}

/// <summary>
/// <c>[unix_seconds, "value"]</c>. The timestamp is a JSON number (a float when sub-second, an integer when
/// step-aligned) and is read as decimal so milliseconds survive exactly; the value is always a string ("NaN", "+Inf").
/// </summary>
[JsonConverter(typeof(PrometheusSampleConverter))]
internal readonly record struct PrometheusSampleDto(decimal UnixSeconds, string Value);

internal sealed class PrometheusHistogramDto
{
    [JsonPropertyName("count")] public string? Count { get; set; }
    [JsonPropertyName("sum")] public string? Sum { get; set; }

    /// <summary>Each bucket is <c>[boundary_rule, "lower", "upper", "count"]</c>.</summary>
    [JsonPropertyName("buckets")] public List<JsonElement>? Buckets { get; set; }
}

/// <summary><c>[unix_seconds, {count, sum, buckets}]</c>.</summary>
[JsonConverter(typeof(PrometheusHistogramSampleConverter))]
internal sealed record PrometheusHistogramSampleDto(decimal UnixSeconds, PrometheusHistogramDto Histogram);

internal sealed class PrometheusSampleConverter : JsonConverter<PrometheusSampleDto>
{
    public override PrometheusSampleDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartArray, "a sample must be a [timestamp, \"value\"] array");
        reader.Read();
        var ts = ReadTimestamp(ref reader);
        reader.Read();
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("a sample value must be a string");
        var value = reader.GetString()!;
        reader.Read();
        Expect(ref reader, JsonTokenType.EndArray, "a sample has exactly two elements");
        return new PrometheusSampleDto(ts, value);
    }

    public override void Write(Utf8JsonWriter writer, PrometheusSampleDto value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteRawValue(PrometheusFormat.Timestamp(value.UnixSeconds));
        writer.WriteStringValue(value.Value);
        writer.WriteEndArray();
    }

    internal static decimal ReadTimestamp(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number) throw new JsonException("a sample timestamp must be a number");
        return reader.GetDecimal();
    }

    internal static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string message)
    {
        if (reader.TokenType != type) throw new JsonException(message);
    }
}

internal sealed class PrometheusHistogramSampleConverter : JsonConverter<PrometheusHistogramSampleDto>
{
    public override PrometheusHistogramSampleDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        PrometheusSampleConverter.Expect(ref reader, JsonTokenType.StartArray, "a histogram sample must be a [timestamp, {...}] array");
        reader.Read();
        var ts = PrometheusSampleConverter.ReadTimestamp(ref reader);
        reader.Read();
        var histogram = JsonSerializer.Deserialize<PrometheusHistogramDto>(ref reader, options)
                        ?? throw new JsonException("a histogram sample needs its histogram object");
        reader.Read();
        PrometheusSampleConverter.Expect(ref reader, JsonTokenType.EndArray, "a histogram sample has exactly two elements");
        return new PrometheusHistogramSampleDto(ts, histogram);
    }

    public override void Write(Utf8JsonWriter writer, PrometheusHistogramSampleDto value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteRawValue(PrometheusFormat.Timestamp(value.UnixSeconds));
        JsonSerializer.Serialize(writer, value.Histogram, options);
        writer.WriteEndArray();
    }
}

/// <summary>How Prometheus writes numbers: timestamps as JSON numbers, sample values as Go-formatted strings.</summary>
public static class PrometheusFormat
{
    /// <summary>Unix seconds: an integer when whole (step-aligned), else up to millisecond precision.</summary>
    public static string Timestamp(decimal unixSeconds) =>
        decimal.Truncate(unixSeconds) == unixSeconds
            ? decimal.Truncate(unixSeconds).ToString(CultureInfo.InvariantCulture)
            : Math.Round(unixSeconds, 3).ToString("0.###", CultureInfo.InvariantCulture);

    public static decimal UnixSeconds(DateTime utc) => (decimal)(utc - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerSecond;

    public static DateTime FromUnixSeconds(decimal unixSeconds) =>
        DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks((long)(unixSeconds * TimeSpan.TicksPerSecond)), DateTimeKind.Utc);

    /// <summary>A sample value as Prometheus renders it: "NaN", "+Inf", "-Inf", else the shortest round-trip decimal.</summary>
    public static string Value(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "+Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        // Go's 'f' format never uses exponents; neither should we.
        return text.Contains('E', StringComparison.Ordinal) ? ((decimal)value).ToString(CultureInfo.InvariantCulture) : text;
    }

    public static bool TryParseValue(string? text, out double value)
    {
        switch (text)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
