using System.Globalization;
using System.Text.RegularExpressions;

namespace RetentionConsole.Sandbox.Prometheus;

/// <summary>One labelled sample the simulated Prometheus computed.</summary>
public sealed record SandboxSample(IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// The few PromQL shapes the seeded SLAs use, evaluated over <see cref="SandboxWorld.Incidents"/>: latency quantiles
/// per service (baseline ~0.12 s, an incident's service at its LatencyMs), 5xx ratio per service, <c>up</c>,
/// <c>vector(n)</c> and number literals. Anything else is refused the way Prometheus refuses a bad query (bad_data).
/// </summary>
public static partial class SandboxMetrics
{
    public const double BaselineP95Seconds = 0.12;
    public const double BaselineErrorRatio = 0.002;

    public const string SupportedQueries =
        "up, vector(<n>), a number, histogram_quantile(<φ>, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m]))) " +
        "and sum by (service) (rate(http_requests_total{code=~\"5..\"}[5m])) / sum by (service) (rate(http_requests_total[5m])) " +
        "(optionally with {service=\"<name>\"} selectors)";

    /// <summary>Scalar when the query is a number literal; otherwise a vector (possibly empty).</summary>
    public sealed record Evaluation(bool IsScalar, IReadOnlyList<SandboxSample> Samples);

    /// <summary>Compiles a query once; evaluation is then per timestamp. Null with a Prometheus-style error when unsupported.</summary>
    public static Func<SandboxWorld, DateTime, Evaluation>? Compile(string? query, out string error)
    {
        error = "";
        var q = Whitespace().Replace(query ?? "", "");
        if (q.Length == 0)
        {
            error = "invalid parameter \"query\": 1:1: parse error: no expression found in input";
            return null;
        }

        var depth = 0;
        for (var i = 0; i < q.Length; i++)
        {
            depth += q[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth < 0)
            {
                error = $"invalid parameter \"query\": 1:{i + 1}: parse error: unexpected right parenthesis ')'";
                return null;
            }
        }

        if (depth > 0)
        {
            error = $"invalid parameter \"query\": 1:{q.Length + 1}: parse error: unclosed left parenthesis";
            return null;
        }

        if (TryNumber(q, out var literal)) return (_, _) => new Evaluation(true, [new SandboxSample(Empty, literal)]);

        var vector = VectorCall().Match(q);
        if (vector.Success && TryNumber(vector.Groups["n"].Value, out var n))
            return (_, _) => new Evaluation(false, [new SandboxSample(Empty, n)]);

        var up = Up().Match(q);
        if (up.Success && TryMatchers(up.Groups["sel"].Value, out var upMatchers, ["job", "service", "instance"]))
            return (world, at) => new Evaluation(false, Services(world)
                .Select(s => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>
                {
                    ["__name__"] = "up", ["instance"] = $"{s}:8080", ["job"] = s, ["service"] = s,
                })
                .Where(labels => upMatchers.All(m => labels.TryGetValue(m.Key, out var v) && v == m.Value))
                .Select(labels => new SandboxSample(labels, 1)).ToList());

        var latency = Latency().Match(q);
        if (latency.Success && TryNumber(latency.Groups["q"].Value, out var phi) &&
            TryMatchers(latency.Groups["sel"].Value, out var latencyMatchers, ["service"]))
        {
            var by = (latency.Groups["by"].Success ? latency.Groups["by"].Value : latency.Groups["by2"].Value).Split(',');
            if (!by.Contains("le"))
            {
                error = "invalid parameter \"query\": histogram_quantile needs the le label kept: sum by (le, service) (...)";
                return null;
            }

            var perService = by.Contains("service");
            return (world, at) =>
            {
                var values = Services(world).Where(s => !latencyMatchers.TryGetValue("service", out var only) || only == s)
                    .Select(s => (Service: s, Value: LatencySeconds(world, s, at, phi))).ToList();
                if (phi is < 0 or > 1)
                    return new Evaluation(false, values.Select(v => Sample(perService ? v.Service : null, phi < 0 ? double.NegativeInfinity : double.PositiveInfinity)).ToList());
                if (!perService)
                    return new Evaluation(false, values.Count == 0 ? [] : [Sample(null, values.Max(v => v.Value))]);
                return new Evaluation(false, values.Select(v => Sample(v.Service, v.Value)).ToList());
            };
        }

        var ratio = ErrorRatio().Match(q);
        if (ratio.Success && TryMatchers(ratio.Groups["num"].Value, out var numerator, ["code", "service"], allowRegexCode: true) &&
            numerator.TryGetValue("code", out var code) && code == "~5.." &&
            TryMatchers(ratio.Groups["den"].Value, out var denominator, ["service"]))
        {
            numerator.TryGetValue("service", out var onlyNumerator);
            denominator.TryGetValue("service", out var onlyDenominator);
            return (world, at) => new Evaluation(false, Services(world)
                .Where(s => (onlyNumerator is null || onlyNumerator == s) && (onlyDenominator is null || onlyDenominator == s))
                .Select(s => Sample(s, ErrorRatioAt(world, s, at))).ToList());
        }

        error = $"invalid parameter \"query\": the sandbox Prometheus does not support this query; it answers {SupportedQueries}";
        return null;
    }

    public static double LatencySeconds(SandboxWorld world, string service, DateTime at, double phi)
    {
        var incident = Active(world, service, at);
        var p95 = incident is null ? BaselineP95Seconds + BaselineOffset(service) : incident.LatencyMs / 1000.0;
        var factor = phi >= 0.99 ? 1.5 : phi >= 0.95 ? 1.0 : phi >= 0.9 ? 0.85 : phi >= 0.5 ? 0.45 : 0.25;
        return Math.Round(p95 * factor, 6);
    }

    public static double ErrorRatioAt(SandboxWorld world, string service, DateTime at)
    {
        var incident = Active(world, service, at);
        return incident is null ? BaselineErrorRatio : Math.Min(0.5, Math.Round(incident.LatencyMs / 10_000.0, 6));
    }

    private static SimIncident? Active(SandboxWorld world, string service, DateTime at) =>
        world.Incidents.LastOrDefault(i => i.Service == service && i.StartedUtc <= at && (i.EndedUtc is null || at < i.EndedUtc));

    // Services differ a little at rest, so a chart of them is not one flat line.
    private static double BaselineOffset(string service) => (Array.IndexOf(SandboxWorld.AllServices, service) - 2) * 0.005;

    private static IEnumerable<string> Services(SandboxWorld world) => SandboxWorld.AllServices;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static SandboxSample Sample(string? service, double value) =>
        new(service is null ? Empty : new Dictionary<string, string> { ["service"] = service }, value);

    private static bool TryNumber(string text, out double value)
    {
        switch (text)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "Inf" or "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && NumberLiteral().IsMatch(text);
        }
    }

    /// <summary>Parses <c>{name="value",...}</c> (equality only; <c>code=~"5.."</c> when allowed, stored as "~5..").</summary>
    private static bool TryMatchers(string selector, out Dictionary<string, string> matchers, string[] allowed, bool allowRegexCode = false)
    {
        matchers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(selector)) return true;
        var body = selector.Trim('{', '}');
        if (body.Length == 0) return true;
        foreach (var part in body.Split(','))
        {
            var m = Matcher().Match(part);
            if (!m.Success || !allowed.Contains(m.Groups["name"].Value)) return false;
            var op = m.Groups["op"].Value;
            if (op == "=~" && !(allowRegexCode && m.Groups["name"].Value == "code")) return false;
            matchers[m.Groups["name"].Value] = (op == "=~" ? "~" : "") + m.Groups["value"].Value;
        }

        return true;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex NumberLiteral();

    [GeneratedRegex(@"^vector\((?<n>[^()]+)\)$")]
    private static partial Regex VectorCall();

    [GeneratedRegex(@"^up(?<sel>\{[^{}]*\})?$")]
    private static partial Regex Up();

    [GeneratedRegex(@"^histogram_quantile\((?<q>[0-9.eE+-]+),sum(by\((?<by>[a-z_,]+)\))?\(rate\(http_request_duration_seconds_bucket(?<sel>\{[^{}]*\})?\[\d+[smhdw]\]\)\)(by\((?<by2>[a-z_,]+)\))?\)$")]
    private static partial Regex Latency();

    [GeneratedRegex(@"^sumby\(service\)\(rate\(http_requests_total(?<num>\{[^{}]*\})\[\d+[smhdw]\]\)\)/sumby\(service\)\(rate\(http_requests_total(?<den>\{[^{}]*\})?\[\d+[smhdw]\]\)\)$")]
    private static partial Regex ErrorRatio();

    [GeneratedRegex("^(?<name>[a-zA-Z_][a-zA-Z0-9_]*)(?<op>=~|=)\"(?<value>[^\"]*)\"$")]
    private static partial Regex Matcher();
}
