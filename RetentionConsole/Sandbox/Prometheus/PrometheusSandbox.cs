using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;
using RetentionConsole.Core.Integrations.Prometheus;

namespace RetentionConsole.Sandbox.Prometheus;

/// <summary>
/// /sandbox/prometheus/api/v1/query and /query_range (GET, or POST with a form body) in the exact shapes of
/// ../shared/contracts/prometheus: string sample values, numeric timestamps, and Prometheus's error envelope with
/// its status codes (bad_data 400). Prometheus has no auth of its own, so neither does this.
/// </summary>
public static partial class PrometheusSandbox
{
    public const string Upstream = "prometheus";

    // Prometheus's own cap (see live.error.exec.step-too-small.json).
    private const int MaxPoints = 11_000;

    public static RouteGroupBuilder MapPrometheusSandbox(this RouteGroupBuilder sandbox)
    {
        var api = sandbox.MapGroup("/prometheus/api/v1");
        api.MapMethods("/query", [HttpMethods.Get, HttpMethods.Post], QueryAsync).DisableAntiforgery();
        api.MapMethods("/query_range", [HttpMethods.Get, HttpMethods.Post], QueryRangeAsync).DisableAntiforgery();
        return sandbox;
    }

    private static async Task QueryAsync(HttpContext context, SandboxWorld world, SandboxFaults faults, TimeProvider clock)
    {
        if (await faults.ApplyAsync(Upstream, context)) return;
        var p = await ParametersAsync(context.Request);
        var at = clock.GetUtcNow().UtcDateTime;
        if (p.TryGetValue("time", out var timeText) && !string.IsNullOrEmpty(timeText) && !TryTime(timeText, out at))
        {
            await ErrorAsync(context, "bad_data", $"invalid parameter \"time\": cannot parse \"{timeText}\" to a valid timestamp");
            return;
        }

        if (!CheckTimeout(p, out var timeoutError))
        {
            await ErrorAsync(context, "bad_data", timeoutError);
            return;
        }

        var compiled = SandboxMetrics.Compile(p.GetValueOrDefault("query"), out var error);
        if (compiled is null)
        {
            await ErrorAsync(context, "bad_data", error);
            return;
        }

        var ts = Math.Round(PrometheusFormat.UnixSeconds(at), 3);
        var evaluation = world.Read(w => compiled(w, at));
        await WriteAsync(context, writer =>
        {
            writer.WriteString("resultType", evaluation.IsScalar ? "scalar" : "vector");
            if (evaluation.IsScalar)
            {
                writer.WritePropertyName("result");
                Sample(writer, ts, evaluation.Samples[0].Value);
                return;
            }

            writer.WriteStartArray("result");
            foreach (var sample in evaluation.Samples)
            {
                writer.WriteStartObject();
                Labels(writer, sample.Labels);
                writer.WritePropertyName("value");
                Sample(writer, ts, sample.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
    }

    private static async Task QueryRangeAsync(HttpContext context, SandboxWorld world, SandboxFaults faults)
    {
        if (await faults.ApplyAsync(Upstream, context)) return;
        var p = await ParametersAsync(context.Request);
        var startText = p.GetValueOrDefault("start") ?? "";
        var endText = p.GetValueOrDefault("end") ?? "";
        var stepText = p.GetValueOrDefault("step") ?? "";
        if (!TryTime(startText, out var start))
        {
            await ErrorAsync(context, "bad_data", $"invalid parameter \"start\": cannot parse \"{startText}\" to a valid timestamp");
            return;
        }

        if (!TryTime(endText, out var end))
        {
            await ErrorAsync(context, "bad_data", $"invalid parameter \"end\": cannot parse \"{endText}\" to a valid timestamp");
            return;
        }

        if (end < start)
        {
            await ErrorAsync(context, "bad_data", "invalid parameter \"end\": end timestamp must not be before start time");
            return;
        }

        if (!TryDuration(stepText, out var step))
        {
            await ErrorAsync(context, "bad_data", $"invalid parameter \"step\": cannot parse \"{stepText}\" to a valid duration");
            return;
        }

        if (step <= TimeSpan.Zero)
        {
            await ErrorAsync(context, "bad_data", "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer");
            return;
        }

        if ((end - start) / step > MaxPoints)
        {
            await ErrorAsync(context, "bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
            return;
        }

        if (!CheckTimeout(p, out var timeoutError))
        {
            await ErrorAsync(context, "bad_data", timeoutError);
            return;
        }

        var compiled = SandboxMetrics.Compile(p.GetValueOrDefault("query"), out var error);
        if (compiled is null)
        {
            await ErrorAsync(context, "bad_data", error);
            return;
        }

        // Evaluate at start, start+step, ... ≤ end, then regroup per label set (a matrix).
        var series = new Dictionary<string, (IReadOnlyDictionary<string, string> Labels, List<(decimal Ts, double Value)> Points)>(StringComparer.Ordinal);
        world.Read(w =>
        {
            for (var t = start; t <= end; t += step)
            {
                var ts = Math.Round(PrometheusFormat.UnixSeconds(t), 3);
                foreach (var sample in compiled(w, t).Samples)
                {
                    var key = string.Join('\u0001', sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
                    if (!series.TryGetValue(key, out var entry)) series[key] = entry = (sample.Labels, []);
                    entry.Points.Add((ts, sample.Value));
                }
            }

            return 0;
        });

        await WriteAsync(context, writer =>
        {
            writer.WriteString("resultType", "matrix");
            writer.WriteStartArray("result");
            foreach (var (labels, points) in series.Values)
            {
                writer.WriteStartObject();
                Labels(writer, labels);
                writer.WriteStartArray("values");
                foreach (var (ts, value) in points) Sample(writer, ts, value);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
    }

    /// <summary>Form fields (POST) then query-string parameters, as Prometheus's r.FormValue reads them.</summary>
    private static async Task<Dictionary<string, string>> ParametersAsync(HttpRequest request)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            foreach (var (key, value) in form) Add(key, value);
        }

        foreach (var (key, value) in request.Query) Add(key, value);
        return result;

        void Add(string key, StringValues value)
        {
            if (!result.ContainsKey(key)) result[key] = value.ToString();
        }
    }

    private static bool CheckTimeout(Dictionary<string, string> p, out string error)
    {
        error = "";
        if (!p.TryGetValue("timeout", out var text) || string.IsNullOrEmpty(text) || TryDuration(text, out _)) return true;
        error = $"invalid parameter \"timeout\": cannot parse \"{text}\" to a valid duration";
        return false;
    }

    /// <summary>RFC 3339 or unix seconds (float), like Prometheus's parseTime.</summary>
    internal static bool TryTime(string text, out DateTime utc)
    {
        utc = default;
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds is < -62135596800m or > 253402300799m) return false;
            utc = PrometheusFormat.FromUnixSeconds(seconds);
            return true;
        }

        if (!Rfc3339().IsMatch(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        utc = parsed.UtcDateTime;
        return true;
    }

    /// <summary>A Prometheus duration ("15s", "1m30s", "100ms") or float seconds.</summary>
    internal static bool TryDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || Math.Abs(seconds) > 1e10) return false;
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        var match = DurationPattern().Match(text);
        if (!match.Success) return false;
        foreach (Capture c in match.Groups["part"].Captures)
        {
            var m = DurationPart().Match(c.Value);
            var n = long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            duration += m.Groups["u"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                "w" => TimeSpan.FromDays(7 * n),
                _ => TimeSpan.FromDays(365 * n),
            };
        }

        return true;
    }

    private static void Labels(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> labels)
    {
        writer.WriteStartObject("metric");
        foreach (var (name, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal)) writer.WriteString(name, value);
        writer.WriteEndObject();
    }

    private static void Sample(Utf8JsonWriter writer, decimal unixSeconds, double value)
    {
        writer.WriteStartArray();
        writer.WriteRawValue(PrometheusFormat.Timestamp(unixSeconds));
        writer.WriteStringValue(PrometheusFormat.Value(value));
        writer.WriteEndArray();
    }

    private static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> data)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", "success");
            writer.WriteStartObject("data");
            data(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted);
    }

    private static readonly JsonSerializerOptions ErrorJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static async Task ErrorAsync(HttpContext context, string errorType, string error)
    {
        context.Response.StatusCode = errorType switch
        {
            "bad_data" => StatusCodes.Status400BadRequest,
            "execution" => StatusCodes.Status422UnprocessableEntity,
            "timeout" => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };
        context.Response.ContentType = "application/json";
        // Compact, in Prometheus's key order, quotes escaped as \" (not \u0022) like the captured bodies.
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { status = "error", errorType, error }, ErrorJson));
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^(?<part>\d+(ms|s|m|h|d|w|y))+$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(?<n>\d+)(?<u>ms|s|m|h|d|w|y)$")]
    private static partial Regex DurationPart();
}
