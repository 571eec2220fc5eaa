using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetentionConsole.Core.Integrations.Zendesk;

// Wire shapes of the Zendesk Support API (../shared/contracts/zendesk). Everything the contract calls nullable is
// nullable here; fields RetentionConsole does not use are kept only where they help checking a payload.

/// <summary>Cursor-based incremental ticket export page. Items stay raw so one malformed ticket can be skipped.</summary>
internal sealed class ZendeskTicketExportPage
{
    public List<JsonElement>? Tickets { get; set; }

    /// <summary>The include=metric_sets sideload: TicketMetric items carrying ticket_id.</summary>
    public List<JsonElement>? MetricSets { get; set; }
    public string? AfterCursor { get; set; }
    public string? AfterUrl { get; set; }
    public string? BeforeCursor { get; set; }
    public string? BeforeUrl { get; set; }
    public bool EndOfStream { get; set; }
}

/// <summary>Time-based incremental organization export page.</summary>
internal sealed class ZendeskOrganizationExportPage
{
    public List<JsonElement>? Organizations { get; set; }
    public int? Count { get; set; }
    public long? EndTime { get; set; }
    public string? NextPage { get; set; }
    public bool EndOfStream { get; set; }
}

internal sealed class ZendeskTicketDto
{
    public long Id { get; set; }
    public string? Url { get; set; }
    public string? ExternalId { get; set; }
    public string? Type { get; set; }
    public string? Subject { get; set; }
    public string? RawSubject { get; set; }
    public string? Description { get; set; }
    public string? Priority { get; set; }
    public string? Status { get; set; }
    public long? CustomStatusId { get; set; }
    public string? Recipient { get; set; }
    public long? RequesterId { get; set; }
    public long? SubmitterId { get; set; }
    public long? AssigneeId { get; set; }
    public long? OrganizationId { get; set; }
    public long? GroupId { get; set; }
    public long? BrandId { get; set; }
    public long? ProblemId { get; set; }
    public bool? HasIncidents { get; set; }
    public bool? IsPublic { get; set; }
    public bool? FromMessagingChannel { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public List<string>? Tags { get; set; }
    public List<ZendeskCustomFieldDto>? CustomFields { get; set; }
    public List<long>? CollaboratorIds { get; set; }
    public List<long>? FollowerIds { get; set; }
    public List<long>? SharingAgreementIds { get; set; }
    public JsonElement? SatisfactionRating { get; set; }
    public ZendeskViaDto? Via { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    public long? GeneratedTimestamp { get; set; }
}

internal sealed class ZendeskCustomFieldDto
{
    public long Id { get; set; }

    /// <summary>Any JSON value: string, number, bool, array or null.</summary>
    public JsonElement? Value { get; set; }
}

internal sealed class ZendeskViaDto
{
    public string? Channel { get; set; }
    public JsonElement? Source { get; set; }
}

internal sealed class ZendeskTicketMetricDto
{
    public long? Id { get; set; }
    public long TicketId { get; set; }
    public string? Url { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    public int? Reopens { get; set; }
    public int? Replies { get; set; }
    public int? AssigneeStations { get; set; }
    public int? GroupStations { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public DateTimeOffset? InitiallyAssignedAt { get; set; }
    public DateTimeOffset? SolvedAt { get; set; }
    public DateTimeOffset? StatusUpdatedAt { get; set; }
    public DateTimeOffset? LatestCommentAddedAt { get; set; }
    public DateTimeOffset? RequesterUpdatedAt { get; set; }
    public DateTimeOffset? AssigneeUpdatedAt { get; set; }
    public DateTimeOffset? CustomStatusUpdatedAt { get; set; }
    public ZendeskDurationDto? ReplyTimeInMinutes { get; set; }
    public ZendeskDurationDto? ReplyTimeInSeconds { get; set; }
    public ZendeskDurationDto? FirstResolutionTimeInMinutes { get; set; }
    public ZendeskDurationDto? FullResolutionTimeInMinutes { get; set; }
    public ZendeskDurationDto? AgentWaitTimeInMinutes { get; set; }
    public ZendeskDurationDto? RequesterWaitTimeInMinutes { get; set; }
    public ZendeskDurationDto? OnHoldTimeInMinutes { get; set; }
}

/// <summary>{calendar, business}; either may be null (unreplied / unsolved tickets), business is absent for seconds.</summary>
internal sealed class ZendeskDurationDto
{
    public int? Calendar { get; set; }
    public int? Business { get; set; }
}

internal sealed class ZendeskOrganizationDto
{
    public long Id { get; set; }
    public string? Url { get; set; }
    public string? Name { get; set; }
    public string? ExternalId { get; set; }
    public List<string>? DomainNames { get; set; }
    public string? Details { get; set; }
    public string? Notes { get; set; }
    public long? GroupId { get; set; }
    public bool? SharedTickets { get; set; }
    public bool? SharedComments { get; set; }
    public List<string>? Tags { get; set; }
    public Dictionary<string, JsonElement>? OrganizationFields { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
}

/// <summary>GET /api/v2/tickets/{id}: {"ticket": {...}}.</summary>
internal sealed class ZendeskTicketResponse
{
    public JsonElement? Ticket { get; set; }
}

/// <summary>
/// GET /api/v2/tickets/{id}/metrics: {"ticket_metric": {...}}. The docs example shows an array under the same key,
/// so both are accepted (the first item counts).
/// </summary>
internal sealed class ZendeskTicketMetricResponse
{
    public JsonElement? TicketMetric { get; set; }
}

/// <summary>PUT /api/v2/tickets/{id}: {"ticket": {"comment": {...}}}.</summary>
internal sealed class ZendeskTicketUpdateRequest
{
    public required ZendeskTicketUpdate Ticket { get; init; }
}

internal sealed class ZendeskTicketUpdate
{
    public required ZendeskCommentDto Comment { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CustomStatusId { get; init; }
}

internal sealed class ZendeskCommentDto
{
    public required string Body { get; init; }
    public bool Public { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? AuthorId { get; init; }
}

/// <summary>Zendesk's JSON: snake_case names, case-sensitive.</summary>
internal static class ZendeskJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = false,
    };
}
