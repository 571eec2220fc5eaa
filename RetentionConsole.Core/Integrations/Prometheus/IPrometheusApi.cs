using Refit;

namespace RetentionConsole.Core.Integrations.Prometheus;

/// <summary>
/// Prometheus HTTP API (README §4): instant and range queries, as GET query parameters or as an
/// application/x-www-form-urlencoded POST body (for long PromQL). Null parameters are left out of the request.
/// </summary>
internal interface IPrometheusApi
{
    [Get("/api/v1/query")]
    Task<IApiResponse<PrometheusResponseDto>> QueryAsync(string query, string? time = null, string? timeout = null,
        CancellationToken ct = default);

    [Post("/api/v1/query")]
    Task<IApiResponse<PrometheusResponseDto>> QueryPostAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken ct = default);

    [Get("/api/v1/query_range")]
    Task<IApiResponse<PrometheusResponseDto>> QueryRangeAsync(string query, string start, string end, string step,
        string? timeout = null, CancellationToken ct = default);

    [Post("/api/v1/query_range")]
    Task<IApiResponse<PrometheusResponseDto>> QueryRangePostAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken ct = default);
}
