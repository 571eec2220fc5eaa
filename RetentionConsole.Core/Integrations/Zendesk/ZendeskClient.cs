using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Core.Integrations.Zendesk;

/// <summary>Zendesk answered with an error status (after retries, for reads).</summary>
public sealed class ZendeskApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>A whole page could not be read (not JSON, or not the export shape); nothing of it is applied.</summary>
public sealed class ZendeskMalformedPageException(string message, Exception? inner = null) : Exception(message, inner);

public sealed record ZendeskTicketPage(IReadOnlyList<TicketSnapshot> Tickets, IReadOnlyList<string> Malformed, string? AfterCursor, bool EndOfStream);

public sealed record ZendeskOrganizationPage(IReadOnlyList<OrganizationSnapshot> Organizations, IReadOnlyList<string> Malformed, long? EndTime, bool EndOfStream);

/// <summary>
/// The Zendesk connector's calls, returning domain snapshots. Reading is tolerant item by item: a malformed ticket,
/// metric set or organization is reported in <c>Malformed</c> and left out, the rest of the page still counts.
/// </summary>
public sealed class ZendeskClient
{
    private readonly IZendeskExportApi _export;
    private readonly IZendeskApi _api;
    private readonly IOptions<ZendeskOptions> _options;

    internal ZendeskClient(IZendeskExportApi export, IZendeskApi api, IOptions<ZendeskOptions> options)
    {
        _export = export;
        _api = api;
        _options = options;
    }

    public async Task<ZendeskTicketPage> ExportTicketsAsync(string? cursor, long startTime, CancellationToken ct)
    {
        using var response = await _export.ExportTicketsAsync(cursor is null ? startTime : null, cursor,
            _options.Value.PerPage, "metric_sets", ct);
        var body = await ReadSuccessAsync(response, "incremental ticket export", ct);
        ZendeskTicketExportPage page;
        try
        {
            page = ZendeskMapper.DeserializeBody<ZendeskTicketExportPage>(body, "Ticket export page");
        }
        catch (ZendeskMalformedItemException ex)
        {
            throw new ZendeskMalformedPageException(ex.Message, ex);
        }

        if (page.Tickets is null) throw new ZendeskMalformedPageException("Ticket export page has no \"tickets\" array.");
        var malformed = new List<string>();
        var metrics = new Dictionary<long, ZendeskTicketMetricDto>();
        foreach (var item in page.MetricSets ?? [])
        {
            try
            {
                var metric = ZendeskMapper.Deserialize<ZendeskTicketMetricDto>(item, "Metric set");
                if (metric.TicketId <= 0) throw new ZendeskMalformedItemException("Metric set without a ticket_id.");
                metrics[metric.TicketId] = metric;
            }
            catch (ZendeskMalformedItemException ex)
            {
                malformed.Add(ex.Message);
            }
        }

        var tickets = new List<TicketSnapshot>(page.Tickets.Count);
        foreach (var item in page.Tickets)
        {
            try
            {
                var dto = ZendeskMapper.Deserialize<ZendeskTicketDto>(item, $"Ticket {ZendeskMapper.ReadId(item)?.ToString() ?? "(no id)"}");
                tickets.Add(ZendeskMapper.ToSnapshot(dto, _options.Value.JiraKeyFieldId, metrics.GetValueOrDefault(dto.Id)));
            }
            catch (ZendeskMalformedItemException ex)
            {
                malformed.Add(ex.Message);
            }
        }

        return new ZendeskTicketPage(tickets, malformed, page.AfterCursor, page.EndOfStream);
    }

    public async Task<ZendeskOrganizationPage> ExportOrganizationsAsync(long startTime, CancellationToken ct)
    {
        using var response = await _export.ExportOrganizationsAsync(startTime, _options.Value.PerPage, ct);
        var body = await ReadSuccessAsync(response, "incremental organization export", ct);
        ZendeskOrganizationExportPage page;
        try
        {
            page = ZendeskMapper.DeserializeBody<ZendeskOrganizationExportPage>(body, "Organization export page");
        }
        catch (ZendeskMalformedItemException ex)
        {
            throw new ZendeskMalformedPageException(ex.Message, ex);
        }

        if (page.Organizations is null) throw new ZendeskMalformedPageException("Organization export page has no \"organizations\" array.");
        var malformed = new List<string>();
        var organizations = new List<OrganizationSnapshot>(page.Organizations.Count);
        foreach (var item in page.Organizations)
        {
            try
            {
                var dto = ZendeskMapper.Deserialize<ZendeskOrganizationDto>(item, $"Organization {ZendeskMapper.ReadId(item)?.ToString() ?? "(no id)"}");
                organizations.Add(ZendeskMapper.ToSnapshot(dto));
            }
            catch (ZendeskMalformedItemException ex)
            {
                malformed.Add(ex.Message);
            }
        }

        return new ZendeskOrganizationPage(organizations, malformed, page.EndTime, page.EndOfStream);
    }

    /// <summary>One ticket with its metrics; null when Zendesk does not know it (deleted or never existed).</summary>
    public async Task<TicketSnapshot?> GetTicketAsync(long id, CancellationToken ct)
    {
        using var response = await _api.GetTicketAsync(id, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        var body = await ReadSuccessAsync(response, $"ticket {id}", ct);
        var envelope = ZendeskMapper.DeserializeBody<ZendeskTicketResponse>(body, $"Ticket {id}");
        if (envelope.Ticket is not { ValueKind: JsonValueKind.Object } ticketJson)
            throw new ZendeskMalformedItemException($"Ticket {id}: the response has no \"ticket\" object.");
        var dto = ZendeskMapper.Deserialize<ZendeskTicketDto>(ticketJson, $"Ticket {id}");
        if (dto.Id != id) throw new ZendeskMalformedItemException($"Asked for ticket {id}, Zendesk answered with ticket {dto.Id}.");

        ZendeskTicketMetricDto? metric = null;
        using (var metricsResponse = await _api.GetTicketMetricsAsync(id, ct))
        {
            // A ticket may have no metrics yet (just created): then the stored ones are kept.
            if (metricsResponse.StatusCode != HttpStatusCode.NotFound)
            {
                var metricsBody = await ReadSuccessAsync(metricsResponse, $"metrics of ticket {id}", ct);
                metric = ZendeskMapper.MetricFromResponse(
                    ZendeskMapper.DeserializeBody<ZendeskTicketMetricResponse>(metricsBody, $"Metrics of ticket {id}"));
            }
        }

        return ZendeskMapper.ToSnapshot(dto, _options.Value.JiraKeyFieldId, metric);
    }

    /// <summary>
    /// Adds an internal note (public: false). Sent once: the write client never retries, because a retried PUT whose
    /// first attempt landed would post the note twice. Failures throw with Zendesk's message.
    /// </summary>
    public async Task AddInternalNoteAsync(long ticketId, string body, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(body);
        var request = new ZendeskTicketUpdateRequest { Ticket = new ZendeskTicketUpdate { Comment = new ZendeskCommentDto { Body = body, Public = false } } };
        using var response = await _api.UpdateTicketAsync(ticketId, request, ct);
        await ReadSuccessAsync(response, $"internal note on ticket {ticketId}", ct);
    }

    private static async Task<string> ReadSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode) return body;
        throw new ZendeskApiException(response.StatusCode,
            $"Zendesk {what} failed: {(int)response.StatusCode} {response.ReasonPhrase}. {ErrorText(body)}".Trim());
    }

    /// <summary>Zendesk's {"error", "description"} when the body is JSON, else the start of the (often plain-text) body.</summary>
    internal static string ErrorText(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var error = doc.RootElement.TryGetProperty("error", out var e) ? e.ToString() : null;
                var description = doc.RootElement.TryGetProperty("description", out var d) ? d.ToString() : null;
                if (error is not null || description is not null) return string.Join(": ", new[] { error, description }.Where(x => !string.IsNullOrEmpty(x)));
            }
        }
        catch (JsonException)
        {
            // Not JSON: Zendesk sends text/plain for some errors (429 among them).
        }

        var text = body.Trim();
        return text.Length > 300 ? text[..300] : text;
    }
}
