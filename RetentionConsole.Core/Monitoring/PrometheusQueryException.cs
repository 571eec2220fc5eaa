using System.Net;

namespace RetentionConsole.Core.Monitoring;

/// <summary>
/// A Prometheus query failed. <see cref="ErrorType"/> is Prometheus's own errorType (bad_data, execution, timeout,
/// canceled, internal, not_found, not_acceptable, unavailable) when the server said so, otherwise one of ours:
/// <c>unreachable</c> (no answer), <c>http_error</c> (a non-Prometheus error body, e.g. from a proxy),
/// <c>bad_response</c> (a body we cannot read), <c>not_configured</c>.
/// </summary>
public sealed class PrometheusQueryException : Exception
{
    public const string Unreachable = "unreachable";
    public const string HttpError = "http_error";
    public const string BadResponse = "bad_response";
    public const string NotConfigured = "not_configured";

    public PrometheusQueryException(string errorType, string error, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base($"Prometheus {errorType}: {error}", inner)
    {
        ErrorType = errorType;
        Error = error;
        StatusCode = statusCode;
    }

    public string ErrorType { get; }
    public string Error { get; }
    public HttpStatusCode? StatusCode { get; }
}
