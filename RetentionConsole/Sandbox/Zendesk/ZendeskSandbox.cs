using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Integrations.Zendesk;

namespace RetentionConsole.Sandbox.Zendesk;

public sealed record ZendeskSandboxNote(long TicketId, string Body, bool Public, DateTime ReceivedUtc);

/// <summary>What the simulated Zendesk received (internal notes, for the /sandbox page) and test hooks.</summary>
public sealed class ZendeskSandboxState
{
    /// <summary>The custom field holding the Jira key when Connectors:Zendesk:JiraKeyFieldId is not set.</summary>
    public const long DefaultJiraKeyFieldId = 360000001;

    private readonly ConcurrentQueue<ZendeskSandboxNote> _notes = new();
    private readonly ConcurrentQueue<string> _rawTickets = new();

    public IReadOnlyList<ZendeskSandboxNote> Notes => _notes.ToArray();

    public void AddNote(ZendeskSandboxNote note) => _notes.Enqueue(note);

    /// <summary>Test hook: raw JSON items appended to the next ticket-export page (e.g. a malformed ticket).</summary>
    public void InjectRawTicket(string json) => _rawTickets.Enqueue(json);

    internal IEnumerable<string> TakeRawTickets()
    {
        while (_rawTickets.TryDequeue(out var raw)) yield return raw;
    }
}

/// <summary>
/// Simulated Zendesk Support API over <see cref="SandboxWorld"/>, in the shapes of ../shared/contracts/zendesk:
/// cursor-based incremental ticket export (opaque cursors, per_page, include=metric_sets, end_of_stream),
/// time-based incremental organization export, show ticket, ticket metrics and PUT ticket (comments).
/// Every path works with and without ".json". Basic auth is required ("{email}/token:{token}"; any values).
/// </summary>
public static class ZendeskSandbox
{
    public const string Upstream = "zendesk";
    private const long SecondCustomFieldId = 360000002;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private static readonly HashSet<string> Statuses = ["new", "open", "pending", "hold", "solved", "closed"];

    public static RouteGroupBuilder MapZendeskSandbox(this RouteGroupBuilder sandbox)
    {
        var api = sandbox.MapGroup("/zendesk/api/v2");
        foreach (var suffix in new[] { "", ".json" })
        {
            api.MapGet("/incremental/tickets/cursor" + suffix, ExportTicketsAsync);
            api.MapGet("/incremental/organizations" + suffix, ExportOrganizationsAsync);
            api.MapGet("/tickets/{id:long}" + suffix, ShowTicketAsync);
            api.MapGet("/tickets/{id:long}/metrics" + suffix, ShowMetricsAsync);
            api.MapPut("/tickets/{id:long}" + suffix, UpdateTicketAsync);
        }

        // What the simulated Zendesk received as comments (escalation notes), newest first.
        sandbox.MapGet("/zendesk/notes", (ZendeskSandboxState state) => TypedResults.Ok(state.Notes.Reverse().ToList()));
        return sandbox;
    }

    private static async Task ExportTicketsAsync(HttpContext ctx, SandboxWorld world, SandboxFaults faults, ZendeskSandboxState state,
        IOptions<ZendeskOptions> options)
    {
        if (!await AdmitAsync(ctx, faults)) return;
        var q = ctx.Request.Query;
        if (!TryPerPage(q["per_page"], out var perPage))
        {
            await ErrorAsync(ctx, 400, "InvalidPaginationParameter", "per_page must be between 1 and 1000.");
            return;
        }

        long afterSequence;
        long startTime;
        if (!string.IsNullOrEmpty(q["cursor"]))
        {
            if (!TryDecodeCursor(q["cursor"]!, out afterSequence, out startTime))
            {
                await ErrorAsync(ctx, 400, "InvalidPaginationParameter", "cursor is invalid.");
                return;
            }
        }
        else if (long.TryParse(q["start_time"], NumberStyles.None, CultureInfo.InvariantCulture, out startTime))
        {
            afterSequence = 0;
        }
        else
        {
            await ErrorAsync(ctx, 400, "InvalidValue", "start_time (Unix seconds) or cursor is required.");
            return;
        }

        var withMetrics = (q["include"].ToString() ?? "").Split(',').Contains("metric_sets");
        var fieldId = options.Value.JiraKeyFieldId ?? ZendeskSandboxState.DefaultJiraKeyFieldId;
        var baseUrl = BaseUrl(ctx);
        var body = world.Read(w =>
        {
            // One pass counts what is left and finds the newest change; the page itself is a partial sort (OrderBy+Take
            // selects the first perPage without sorting the rest), so a full export stays linear per page.
            var updatedFrom = DateTime.UnixEpoch.AddSeconds(startTime);
            var remaining = 0;
            var newest = afterSequence;
            foreach (var t in w.Tickets)
            {
                if (t.Sequence > newest) newest = t.Sequence;
                if (t.Sequence > afterSequence && t.UpdatedUtc >= updatedFrom) remaining++;
            }

            var page = w.Tickets.Where(t => t.Sequence > afterSequence && t.UpdatedUtc >= updatedFrom)
                .OrderBy(t => t.Sequence).Take(perPage).ToList();
            var problemsWithIncidents = ProblemsWithIncidents(w, page);
            var last = page.Count > 0 ? page[^1].Sequence : newest;
            var cursor = EncodeCursor(last, startTime);
            var root = new JsonObject
            {
                ["tickets"] = new JsonArray(page.Select(t => (JsonNode)TicketJson(t, baseUrl, fieldId, problemsWithIncidents)).ToArray()),
                ["after_url"] = $"{baseUrl}/api/v2/incremental/tickets/cursor.json?cursor={Uri.EscapeDataString(cursor)}",
                ["after_cursor"] = cursor,
                ["before_url"] = null,
                ["before_cursor"] = null,
                ["end_of_stream"] = remaining <= perPage,
            };
            if (withMetrics) root["metric_sets"] = new JsonArray(page.Select(t => (JsonNode)MetricJson(t, baseUrl)).ToArray());
            return root;
        });
        foreach (var raw in state.TakeRawTickets()) body["tickets"]!.AsArray().Add(JsonNode.Parse(raw));
        await WriteAsync(ctx, 200, body);
    }

    private static async Task ExportOrganizationsAsync(HttpContext ctx, SandboxWorld world, SandboxFaults faults)
    {
        if (!await AdmitAsync(ctx, faults)) return;
        var q = ctx.Request.Query;
        if (!long.TryParse(q["start_time"], NumberStyles.None, CultureInfo.InvariantCulture, out var startTime))
        {
            await ErrorAsync(ctx, 400, "InvalidValue", "start_time (Unix seconds) is required.");
            return;
        }

        if (!TryPerPage(q["per_page"], out var perPage))
        {
            await ErrorAsync(ctx, 400, "InvalidPaginationParameter", "per_page must be between 1 and 1000.");
            return;
        }

        var baseUrl = BaseUrl(ctx);
        var body = world.Read(w =>
        {
            var candidates = w.Organizations.Where(o => Unix(o.UpdatedUtc) >= startTime)
                .OrderBy(o => o.UpdatedUtc).ThenBy(o => o.Id).ToList();
            var page = candidates.Take(perPage).ToList();
            // Items sharing the last second all go in this page, so end_time (the next start_time) moves forward.
            if (page.Count > 0)
            {
                var lastSecond = Unix(page[^1].UpdatedUtc);
                page.AddRange(candidates.Skip(page.Count).TakeWhile(o => Unix(o.UpdatedUtc) == lastSecond));
            }

            var endTime = page.Count > 0 ? Unix(page[^1].UpdatedUtc) : startTime;
            var endOfStream = candidates.Count == page.Count;
            return new JsonObject
            {
                ["count"] = page.Count,
                ["end_of_stream"] = endOfStream,
                ["end_time"] = endTime,
                ["next_page"] = endOfStream ? null : $"{baseUrl}/api/v2/incremental/organizations.json?per_page={perPage}&start_time={endTime}",
                ["organizations"] = new JsonArray(page.Select(o => (JsonNode)OrganizationJson(o, baseUrl)).ToArray()),
            };
        });
        await WriteAsync(ctx, 200, body);
    }

    private static async Task ShowTicketAsync(HttpContext ctx, long id, SandboxWorld world, SandboxFaults faults, IOptions<ZendeskOptions> options)
    {
        if (!await AdmitAsync(ctx, faults)) return;
        var fieldId = options.Value.JiraKeyFieldId ?? ZendeskSandboxState.DefaultJiraKeyFieldId;
        var baseUrl = BaseUrl(ctx);
        var ticket = world.Read(w => w.Tickets.FirstOrDefault(t => t.Id == id) is { } t
            ? TicketJson(t, baseUrl, fieldId, w.Tickets.Where(x => x.ProblemId is not null).Select(x => x.ProblemId!.Value).ToHashSet())
            : null);
        if (ticket is null) await ErrorAsync(ctx, 404, "RecordNotFound", "Not found");
        else await WriteAsync(ctx, 200, new JsonObject { ["ticket"] = ticket });
    }

    private static async Task ShowMetricsAsync(HttpContext ctx, long id, SandboxWorld world, SandboxFaults faults)
    {
        if (!await AdmitAsync(ctx, faults)) return;
        var baseUrl = BaseUrl(ctx);
        var metric = world.Read(w => w.Tickets.FirstOrDefault(t => t.Id == id) is { } t ? MetricJson(t, baseUrl) : null);
        if (metric is null) await ErrorAsync(ctx, 404, "RecordNotFound", "Not found");
        else await WriteAsync(ctx, 200, new JsonObject { ["ticket_metric"] = metric });
    }

    private static async Task UpdateTicketAsync(HttpContext ctx, long id, SandboxWorld world, SandboxFaults faults, ZendeskSandboxState state,
        IOptions<ZendeskOptions> options, TimeProvider clock)
    {
        if (!await AdmitAsync(ctx, faults)) return;
        JsonNode? request;
        try
        {
            request = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
        }
        catch (JsonException)
        {
            await ErrorAsync(ctx, 400, "InvalidJSON", "The request body is not valid JSON.");
            return;
        }

        var comment = request?["ticket"]?["comment"];
        var text = comment?["body"] is JsonValue b && b.TryGetValue<string>(out var s) ? s : null;
        if (string.IsNullOrWhiteSpace(text))
        {
            await WriteAsync(ctx, 422, new JsonObject
            {
                ["error"] = "RecordInvalid",
                ["description"] = "Record validation errors",
                ["details"] = new JsonObject
                {
                    ["base"] = new JsonArray(new JsonObject { ["description"] = "Comment body can't be blank", ["error"] = "BlankValue" }),
                },
            });
            return;
        }

        var isPublic = comment?["public"] is not JsonValue p || !p.TryGetValue<bool>(out var pub) || pub;
        var status = request?["ticket"]?["status"] is JsonValue st && st.TryGetValue<string>(out var sv) && Statuses.Contains(sv) ? sv : null;
        var now = clock.GetUtcNow().UtcDateTime;
        var fieldId = options.Value.JiraKeyFieldId ?? ZendeskSandboxState.DefaultJiraKeyFieldId;
        var baseUrl = BaseUrl(ctx);
        JsonObject? ticket = null;
        world.Write(w =>
        {
            if (w.Tickets.FirstOrDefault(t => t.Id == id) is not { } t) return;
            if (status is not null) t.Status = status;
            t.UpdatedUtc = now;
            t.Sequence = w.NextSequence();
            ticket = TicketJson(t, baseUrl, fieldId, w.Tickets.Where(x => x.ProblemId is not null).Select(x => x.ProblemId!.Value).ToHashSet());
        });
        if (ticket is null)
        {
            await ErrorAsync(ctx, 404, "RecordNotFound", "Not found");
            return;
        }

        state.AddNote(new ZendeskSandboxNote(id, text, isPublic, now));
        await WriteAsync(ctx, 200, new JsonObject
        {
            ["ticket"] = ticket,
            ["audit"] = new JsonObject
            {
                ["id"] = id * 1000 + state.Notes.Count,
                ["ticket_id"] = id,
                ["created_at"] = Iso(now),
                ["author_id"] = 900001,
                ["events"] = new JsonArray(new JsonObject
                {
                    ["id"] = id * 1000 + state.Notes.Count + 1, ["type"] = "Comment", ["body"] = text, ["public"] = isPublic,
                }),
            },
        });
    }

    /// <summary>Faults first (tests), then credentials like Zendesk: no or malformed auth → 401.</summary>
    private static async Task<bool> AdmitAsync(HttpContext ctx, SandboxFaults faults)
    {
        if (await faults.ApplyAsync(Upstream, ctx)) return false;
        ctx.Response.Headers["X-Rate-Limit"] = "700";
        ctx.Response.Headers["X-Rate-Limit-Remaining"] = "699";
        if (IsAuthenticated(ctx.Request.Headers.Authorization.ToString())) return true;
        await ErrorAsync(ctx, 401, "Couldn't authenticate you", null);
        return false;
    }

    internal static bool IsAuthenticated(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.Ordinal)) return header.Length > "Bearer ".Length;
        if (!header.StartsWith("Basic ", StringComparison.Ordinal)) return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var separator = decoded.IndexOf("/token:", StringComparison.Ordinal);
            return separator > 0 && decoded.Length > separator + "/token:".Length;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The problem tickets among <paramref name="page"/> that have incidents (has_incidents); scans only when the page has problems.</summary>
    private static HashSet<long> ProblemsWithIncidents(SandboxWorld w, IReadOnlyCollection<SimTicket> page)
    {
        var problems = page.Where(t => t.Type == "problem").Select(t => t.Id).ToHashSet();
        if (problems.Count == 0) return problems;
        var withIncidents = new HashSet<long>();
        foreach (var t in w.Tickets)
        {
            if (t.ProblemId is { } id && problems.Contains(id)) withIncidents.Add(id);
        }

        return withIncidents;
    }

    private static JsonObject TicketJson(SimTicket t, string baseUrl, long jiraFieldId, HashSet<long> problemsWithIncidents) => new()
    {
        ["url"] = $"{baseUrl}/api/v2/tickets/{t.Id}.json",
        ["id"] = t.Id,
        ["external_id"] = null,
        ["via"] = new JsonObject { ["channel"] = "web", ["source"] = new JsonObject { ["from"] = new JsonObject(), ["to"] = new JsonObject(), ["rel"] = null } },
        ["created_at"] = Iso(t.CreatedUtc),
        ["updated_at"] = Iso(t.UpdatedUtc),
        ["generated_timestamp"] = Unix(t.UpdatedUtc),
        ["type"] = t.Type,
        ["subject"] = t.Subject,
        ["raw_subject"] = t.Subject,
        ["description"] = t.Description,
        ["priority"] = t.Priority,
        ["status"] = t.Status,
        ["recipient"] = "support@sandbox.example",
        ["requester_id"] = 20_000_000 + (t.OrganizationId ?? 0) % 1000,
        ["submitter_id"] = 20_000_000 + (t.OrganizationId ?? 0) % 1000,
        ["assignee_id"] = t.Status == "new" ? null : 900001,
        ["organization_id"] = t.OrganizationId,
        ["group_id"] = 98738,
        ["collaborator_ids"] = new JsonArray(),
        ["follower_ids"] = new JsonArray(),
        ["email_cc_ids"] = new JsonArray(),
        ["problem_id"] = t.ProblemId,
        ["has_incidents"] = problemsWithIncidents.Contains(t.Id),
        ["is_public"] = true,
        ["due_at"] = null,
        ["tags"] = new JsonArray(t.Tags.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
        ["custom_fields"] = new JsonArray(
            new JsonObject { ["id"] = jiraFieldId, ["value"] = t.JiraKey },
            new JsonObject { ["id"] = SecondCustomFieldId, ["value"] = null }),
        ["satisfaction_rating"] = null,
        ["sharing_agreement_ids"] = new JsonArray(),
        ["from_messaging_channel"] = false,
    };

    private static JsonObject MetricJson(SimTicket t, string baseUrl)
    {
        var solvedMinutes = t.SolvedUtc is { } solved ? (int?)Math.Max(0, (int)(solved - t.CreatedUtc).TotalMinutes) : null;
        return new JsonObject
        {
            ["url"] = $"{baseUrl}/api/v2/ticket_metrics/{t.Id + 5_000_000}.json",
            ["id"] = t.Id + 5_000_000,
            ["ticket_id"] = t.Id,
            ["created_at"] = Iso(t.CreatedUtc),
            ["updated_at"] = Iso(t.UpdatedUtc),
            ["group_stations"] = 1,
            ["assignee_stations"] = t.Status == "new" ? 0 : 1,
            ["reopens"] = 0,
            ["replies"] = t.FirstReplyMinutes is null ? 0 : 1,
            ["assignee_updated_at"] = null,
            ["requester_updated_at"] = Iso(t.CreatedUtc),
            ["status_updated_at"] = Iso(t.UpdatedUtc),
            ["initially_assigned_at"] = t.Status == "new" ? null : Iso(t.CreatedUtc),
            ["assigned_at"] = t.Status == "new" ? null : Iso(t.CreatedUtc),
            ["solved_at"] = t.SolvedUtc is { } s ? Iso(s) : null,
            ["latest_comment_added_at"] = Iso(t.UpdatedUtc),
            ["custom_status_updated_at"] = Iso(t.UpdatedUtc),
            // Unreplied: the duration object is there with null values; unsolved: the resolution objects are null.
            ["reply_time_in_minutes"] = Duration(t.FirstReplyMinutes),
            ["first_resolution_time_in_minutes"] = solvedMinutes is null ? null : Duration(solvedMinutes),
            ["full_resolution_time_in_minutes"] = solvedMinutes is null ? null : Duration(solvedMinutes),
            ["agent_wait_time_in_minutes"] = Duration(0),
            ["requester_wait_time_in_minutes"] = Duration(0),
            ["on_hold_time_in_minutes"] = Duration(0),
        };
    }

    /// <summary>{calendar, business}: business minutes are roughly a third of calendar ones (8 of 24 hours).</summary>
    private static JsonObject Duration(int? calendar) => new() { ["calendar"] = calendar, ["business"] = calendar / 3 };

    private static JsonObject OrganizationJson(SimOrganization o, string baseUrl) => new()
    {
        ["url"] = $"{baseUrl}/api/v2/organizations/{o.Id}.json",
        ["id"] = o.Id,
        ["name"] = o.Name,
        ["shared_tickets"] = false,
        ["shared_comments"] = false,
        ["external_id"] = o.ExternalId,
        ["created_at"] = Iso(o.CreatedUtc),
        ["updated_at"] = Iso(o.UpdatedUtc),
        ["domain_names"] = new JsonArray(o.DomainNames.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
        ["details"] = "",
        ["notes"] = "",
        ["group_id"] = null,
        ["tags"] = new JsonArray(),
        ["organization_fields"] = new JsonObject(),
    };

    // Opaque to clients, like Zendesk's: base64url of the position in the change stream and the export's start_time.
    internal static string EncodeCursor(long sequence, long startTime) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"v1|{sequence}|{startTime}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static bool TryDecodeCursor(string cursor, out long sequence, out long startTime)
    {
        sequence = 0;
        startTime = 0;
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|');
            return parts.Length == 3 && parts[0] == "v1"
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out startTime);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryPerPage(string? value, out int perPage)
    {
        perPage = 1000;
        if (string.IsNullOrEmpty(value)) return true;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out perPage) && perPage is >= 1 and <= 1000;
    }

    private static string BaseUrl(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}/sandbox/zendesk";

    private static long Unix(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds();

    private static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static Task ErrorAsync(HttpContext ctx, int status, string error, string? description)
    {
        var body = new JsonObject { ["error"] = error };
        if (description is not null) body["description"] = description;
        return WriteAsync(ctx, status, body);
    }

    private static async Task WriteAsync(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await ctx.Response.WriteAsync(body.ToJsonString(Json), ctx.RequestAborted);
    }
}
