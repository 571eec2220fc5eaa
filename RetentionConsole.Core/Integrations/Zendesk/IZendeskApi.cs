using Refit;

namespace RetentionConsole.Core.Integrations.Zendesk;

/// <summary>
/// Zendesk incremental exports (limited to 10 requests/min account-wide), on their own HttpClient so the real
/// request-rate limiter sits in front of exactly these endpoints. Bodies are read raw so malformed items can be skipped.
/// </summary>
[Headers("Accept: application/json")]
internal interface IZendeskExportApi
{
    /// <summary>Cursor-based ticket export: start_time on the very first request, cursor on every later one.</summary>
    [Get("/api/v2/incremental/tickets/cursor.json")]
    Task<HttpResponseMessage> ExportTicketsAsync(
        [AliasAs("start_time")] long? startTime,
        [AliasAs("cursor")] string? cursor,
        [AliasAs("per_page")] int perPage,
        [AliasAs("include")] string? include,
        CancellationToken ct);

    /// <summary>Time-based organization export (the only kind Zendesk offers for organizations).</summary>
    [Get("/api/v2/incremental/organizations.json")]
    Task<HttpResponseMessage> ExportOrganizationsAsync(
        [AliasAs("start_time")] long startTime,
        [AliasAs("per_page")] int perPage,
        CancellationToken ct);
}

/// <summary>Single-ticket reads (webhooks) and the internal-note write (escalations; never retried blindly).</summary>
[Headers("Accept: application/json")]
internal interface IZendeskApi
{
    [Get("/api/v2/tickets/{id}.json")]
    Task<HttpResponseMessage> GetTicketAsync(long id, CancellationToken ct);

    [Get("/api/v2/tickets/{id}/metrics.json")]
    Task<HttpResponseMessage> GetTicketMetricsAsync(long id, CancellationToken ct);

    [Put("/api/v2/tickets/{id}.json")]
    Task<HttpResponseMessage> UpdateTicketAsync(long id, [Body] ZendeskTicketUpdateRequest body, CancellationToken ct);
}
