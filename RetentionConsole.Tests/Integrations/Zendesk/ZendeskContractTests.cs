using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Refit;
using RetentionConsole.Core.Integrations.Zendesk;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Tests.Integrations.Zendesk;

/// <summary>Every Zendesk payload in ../shared/contracts/zendesk parsed into the connector's DTOs and mapped to domain types.</summary>
public sealed class ZendeskContractTests
{
    /// <summary>Serves one canned body for any request and remembers the requests.</summary>
    private sealed class CannedHandler(string body, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, string? Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request, request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }

    private static (ZendeskClient Client, CannedHandler Handler) ClientServing(string body, long? jiraField = null,
        HttpStatusCode status = HttpStatusCode.OK)
    {
        var handler = new CannedHandler(body, status);
        var http = new HttpClient(handler) { BaseAddress = new Uri("https://example.zendesk.com") };
        var settings = new RefitSettings(new SystemTextJsonContentSerializer(ZendeskJson.Options));
        var options = Options.Create(new ZendeskOptions { JiraKeyFieldId = jiraField, PerPage = 1000 });
        return (new ZendeskClient(RestService.For<IZendeskExportApi>(http, settings), RestService.For<IZendeskApi>(http, settings), options), handler);
    }

    private static JsonElement Element(string relative) => JsonDocument.Parse(Contracts.Text(relative)).RootElement.Clone();

    [Fact]
    public async Task IncrementalTicketsCursor_ParsesAndMaps()
    {
        var (client, handler) = ClientServing(Contracts.Text("zendesk/incremental-tickets-cursor.response-200.json"));

        var page = await client.ExportTicketsAsync(null, 1332034771, CancellationToken.None);

        var request = handler.Requests.Single().Request.RequestUri!;
        Assert.Equal("/api/v2/incremental/tickets/cursor.json", request.AbsolutePath);
        Assert.Contains("start_time=1332034771", request.Query);
        Assert.Contains("per_page=1000", request.Query);
        Assert.Contains("include=metric_sets", request.Query);
        Assert.DoesNotContain("cursor=", request.Query);
        Assert.Equal("MTU3NjYxMzUzOS4wfHw0Njd8", page.AfterCursor);
        Assert.True(page.EndOfStream);
        Assert.Empty(page.Malformed);
        var ticket = Assert.Single(page.Tickets);
        Assert.Equal(35436, ticket.Id);
        Assert.Equal("Help, my printer is on fire!", ticket.Subject);
        Assert.Equal("open", ticket.Status);
        Assert.Equal("high", ticket.Priority);
        Assert.Equal("incident", ticket.Type);
        Assert.Equal(9873764, ticket.ProblemId);
        Assert.Equal(509974, ticket.OrganizationId);
        Assert.Equal(["enterprise", "other_tag"], ticket.Tags);
        Assert.Equal(new DateTime(2009, 7, 20, 22, 55, 29, DateTimeKind.Utc), ticket.CreatedUtc);
        Assert.Equal(new DateTime(2011, 5, 5, 10, 38, 52, DateTimeKind.Utc), ticket.UpdatedUtc);
        Assert.Equal(DateTimeKind.Utc, ticket.UpdatedUtc.Kind);
        Assert.Null(ticket.Metrics); // no metric_sets sideload in the docs example
    }

    [Fact]
    public async Task IncrementalTicketsCursor_NextPage_SendsTheCursorNotStartTime()
    {
        var (client, handler) = ClientServing(Contracts.Text("zendesk/incremental-tickets-cursor.response-200.json"));

        await client.ExportTicketsAsync("MTU3NjYxMzUzOS4wfHw0Njd8", 0, CancellationToken.None);

        var query = handler.Requests.Single().Request.RequestUri!.Query;
        Assert.Contains("cursor=MTU3NjYxMzUzOS4wfHw0Njd8", query);
        Assert.DoesNotContain("start_time", query);
    }

    [Fact]
    public async Task IncrementalTickets_WithMetricSetsSideload_JoinsMetricsByTicketId()
    {
        var page = JsonNode.Parse(Contracts.Text("zendesk/incremental-tickets-cursor.response-200.json"))!.AsObject();
        var metric = JsonNode.Parse(Contracts.Text("zendesk/ticket-metric.object.json"))!.AsObject();
        metric["ticket_id"] = 35436;
        page["metric_sets"] = new JsonArray(metric);
        var (client, _) = ClientServing(page.ToJsonString());

        var ticket = Assert.Single((await client.ExportTicketsAsync(null, 0, CancellationToken.None)).Tickets);

        Assert.NotNull(ticket.Metrics);
        Assert.Equal(2391, ticket.Metrics.FirstReplyMinutesCalendar);
        Assert.Equal(737, ticket.Metrics.FirstReplyMinutesBusiness);
        Assert.Equal(2391, ticket.Metrics.ResolutionMinutesCalendar);
        Assert.Equal(737, ticket.Metrics.ResolutionMinutesBusiness);
        Assert.Equal(new DateTime(2011, 5, 9, 10, 38, 52, DateTimeKind.Utc), ticket.Metrics.SolvedUtc);
    }

    [Fact]
    public void IncrementalTicketsTime_TicketsParseIntoTheSameDtos()
    {
        var root = Element("zendesk/incremental-tickets-time.response-200.json");
        Assert.Equal(2, root.GetProperty("count").GetInt32());
        Assert.True(root.GetProperty("end_of_stream").GetBoolean());
        foreach (var item in root.GetProperty("tickets").EnumerateArray())
        {
            var snapshot = ZendeskMapper.ToSnapshot(ZendeskMapper.Deserialize<ZendeskTicketDto>(item, "ticket"), null, null);
            Assert.Equal(35436, snapshot.Id);
        }
    }

    [Fact]
    public void TicketObject_ParsesAndMaps_JiraKeyOnlyFromTheConfiguredFieldAndOnlyWhenItIsAKey()
    {
        var dto = ZendeskMapper.Deserialize<ZendeskTicketDto>(Element("zendesk/ticket.object.json"), "ticket");

        Assert.Equal(123, dto.CustomStatusId);
        Assert.Equal("web", dto.Via?.Channel);
        Assert.Equal([35334L, 234L], dto.CollaboratorIds);
        Assert.False(dto.HasIncidents);
        Assert.Equal(2, dto.CustomFields!.Count);
        Assert.Equal("745", dto.CustomFields[0].Value!.Value.GetString());
        // Field 27642 holds "745": not a Jira key, so no key; field 27648 holds "yes": not a key either.
        Assert.Null(ZendeskMapper.ToSnapshot(dto, 27642, null).JiraKey);
        Assert.Null(ZendeskMapper.ToSnapshot(dto, 27648, null).JiraKey);

        dto.CustomFields[0].Value = JsonDocument.Parse("\" eng-123 \"").RootElement.Clone();
        Assert.Equal("ENG-123", ZendeskMapper.ToSnapshot(dto, 27642, null).JiraKey);
        Assert.Null(ZendeskMapper.ToSnapshot(dto, null, null).JiraKey);
    }

    [Fact]
    public void TicketMetricObject_ParsesAndMaps()
    {
        var dto = ZendeskMapper.Deserialize<ZendeskTicketMetricDto>(Element("zendesk/ticket-metric.object.json"), "metric");

        Assert.Equal(4343, dto.TicketId);
        Assert.Equal(55, dto.Reopens);
        Assert.Equal(143460, dto.ReplyTimeInSeconds!.Calendar);
        Assert.Null(dto.ReplyTimeInSeconds.Business);
        Assert.Equal(2290, dto.OnHoldTimeInMinutes!.Calendar);
        var metrics = ZendeskMapper.ToSnapshot(dto);
        Assert.Equal(2391, metrics.FirstReplyMinutesCalendar);
        Assert.Equal(737, metrics.ResolutionMinutesBusiness);
    }

    [Fact]
    public void TicketMetric_NullDurations_AreNull()
    {
        var json = JsonNode.Parse(Contracts.Text("zendesk/ticket-metric.object.json"))!.AsObject();
        json["reply_time_in_minutes"] = new JsonObject { ["calendar"] = null, ["business"] = null };
        json["full_resolution_time_in_minutes"] = null;
        json["solved_at"] = null;

        var metrics = ZendeskMapper.ToSnapshot(ZendeskMapper.Deserialize<ZendeskTicketMetricDto>(JsonDocument.Parse(json.ToJsonString()).RootElement, "metric"));

        Assert.Null(metrics.FirstReplyMinutesCalendar);
        Assert.Null(metrics.ResolutionMinutesCalendar);
        Assert.Null(metrics.ResolutionMinutesBusiness);
        Assert.Null(metrics.SolvedUtc);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the docs example of "Show ticket metrics" carries an array under ticket_metric
    public async Task ShowTicket_WithMetricsResponse_ObjectOrArray_Maps(bool metricAsArray)
    {
        var ticket = JsonNode.Parse(Contracts.Text("zendesk/ticket.object.json"))!;
        var metric = JsonNode.Parse(Contracts.Text("zendesk/ticket-metric.object.json"))!.AsObject();
        metric["ticket_id"] = 35436;
        var handler = new RoutingHandler(new()
        {
            ["/api/v2/tickets/35436.json"] = new JsonObject { ["ticket"] = ticket }.ToJsonString(),
            ["/api/v2/tickets/35436/metrics.json"] = new JsonObject { ["ticket_metric"] = metricAsArray ? new JsonArray(metric) : metric }.ToJsonString(),
        });
        var http = new HttpClient(handler) { BaseAddress = new Uri("https://example.zendesk.com") };
        var settings = new RefitSettings(new SystemTextJsonContentSerializer(ZendeskJson.Options));
        var client = new ZendeskClient(RestService.For<IZendeskExportApi>(http, settings), RestService.For<IZendeskApi>(http, settings),
            Options.Create(new ZendeskOptions()));

        var snapshot = await client.GetTicketAsync(35436, CancellationToken.None);

        Assert.NotNull(snapshot);
        Assert.Equal("open", snapshot.Status);
        Assert.Equal(2391, snapshot.Metrics!.FirstReplyMinutesCalendar);
        Assert.Null(await client.GetTicketAsync(1, CancellationToken.None)); // 404 → unknown ticket
    }

    private sealed class RoutingHandler(Dictionary<string, string> bodies) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(bodies.TryGetValue(request.RequestUri!.AbsolutePath, out var body)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"error":"RecordNotFound","description":"Not found"}""") });
    }

    [Fact]
    public async Task IncrementalOrganizations_ParsesAndMaps()
    {
        var (client, handler) = ClientServing(Contracts.Text("zendesk/incremental-organizations.response-200.json"));

        var page = await client.ExportOrganizationsAsync(0, CancellationToken.None);

        Assert.Equal("/api/v2/incremental/organizations.json", handler.Requests.Single().Request.RequestUri!.AbsolutePath);
        Assert.Equal(1601357503, page.EndTime);
        Assert.True(page.EndOfStream);
        var org = Assert.Single(page.Organizations);
        Assert.Equal(4112492, org.Id);
        Assert.Equal("Groablet Enterprises", org.Name);
        Assert.Equal("ABC198", org.ExternalId);
        Assert.Equal(["remain.com"], org.Domains);
        Assert.Equal(new DateTime(2018, 11, 14, 0, 54, 22, DateTimeKind.Utc), org.UpdatedUtc);
    }

    [Fact]
    public void OrganizationObject_ParsesAndMaps()
    {
        var dto = ZendeskMapper.Deserialize<ZendeskOrganizationDto>(Element("zendesk/organization.object.json"), "organization");

        Assert.Null(dto.GroupId);
        Assert.Equal(5.2m, dto.OrganizationFields!["org_decimal"].GetDecimal());
        var org = ZendeskMapper.ToSnapshot(dto);
        Assert.Equal(35436, org.Id);
        Assert.Equal("ABC123", org.ExternalId);
        Assert.Equal(["example.com", "test.com"], org.Domains);
    }

    [Fact]
    public async Task AddInternalNote_SendsTheContractShape_WithPublicFalse_Once()
    {
        var (client, handler) = ClientServing("""{"ticket":{"id":35436},"audit":{"id":1}}""");

        await client.AddInternalNoteAsync(35436, "Escalated as ENG-7", CancellationToken.None);

        var (request, body) = handler.Requests.Single();
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal("/api/v2/tickets/35436.json", request.RequestUri!.AbsolutePath);
        var sent = JsonNode.Parse(body!)!;
        var contract = JsonNode.Parse(Contracts.Text("zendesk/update-ticket-add-comment.request.json"))!;
        // Same envelope and comment keys as the documented request.
        Assert.Equal(contract["ticket"]!["comment"]!.AsObject().Select(p => p.Key).Order(), sent["ticket"]!["comment"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal("Escalated as ENG-7", sent["ticket"]!["comment"]!["body"]!.GetValue<string>());
        Assert.False(sent["ticket"]!["comment"]!["public"]!.GetValue<bool>());
        Assert.Null(sent["ticket"]!["status"]);
    }

    [Fact]
    public async Task AddInternalNote_Error_ThrowsWithZendesksMessage()
    {
        var (client, _) = ClientServing("""{"error":"RecordInvalid","description":"Record validation errors","details":{"base":[{"description":"Too many comments","error":"TooMany"}]}}""",
            status: HttpStatusCode.UnprocessableEntity);

        var ex = await Assert.ThrowsAsync<ZendeskApiException>(() => client.AddInternalNoteAsync(1, "x", CancellationToken.None));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Status);
        Assert.Contains("RecordInvalid: Record validation errors", ex.Message);
    }

    [Fact]
    public void ErrorText_PlainTextBodies_AreKept()
    {
        Assert.Equal("You have exceeded the rate limit for this endpoint.", ZendeskClient.ErrorText("You have exceeded the rate limit for this endpoint."));
        Assert.Equal("Couldn't authenticate you", ZendeskClient.ErrorText("""{"error":"Couldn't authenticate you"}"""));
    }

    [Fact]
    public void MalformedTicket_IsRejectedWithAClearMessage()
    {
        var json = JsonNode.Parse(Contracts.Text("zendesk/ticket.object.json"))!.AsObject();
        json["status"] = "exploded";
        var dto = ZendeskMapper.Deserialize<ZendeskTicketDto>(JsonDocument.Parse(json.ToJsonString()).RootElement, "ticket");
        var ex = Assert.Throws<ZendeskMalformedItemException>(() => ZendeskMapper.ToSnapshot(dto, null, null));
        Assert.Contains("unknown status 'exploded'", ex.Message);

        json["status"] = "open";
        json["created_at"] = "yesterday";
        Assert.Throws<ZendeskMalformedItemException>(() =>
            ZendeskMapper.Deserialize<ZendeskTicketDto>(JsonDocument.Parse(json.ToJsonString()).RootElement, "ticket"));
    }

    [Fact]
    public void WebhookEvent_SignatureTestVector_Verifies()
    {
        var body = Contracts.Bytes("zendesk/webhook-event.user.group_membership_created.json");
        const string secret = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==";
        const string signature = "10IqYzYTLHRftNsNE+im0DeOM6/JactIRuy0XCHJ9B8=";

        Assert.True(ZendeskWebhookSignature.Verify(secret, "1234", body, signature));
        Assert.Equal(signature, ZendeskWebhookSignature.Compute(secret, "1234", body));
        Assert.False(ZendeskWebhookSignature.Verify(secret, "1235", body, signature));
        Assert.False(ZendeskWebhookSignature.Verify(secret, "1234", body[..^1], signature)); // without the trailing newline
        Assert.False(ZendeskWebhookSignature.Verify(Convert.ToBase64String(Encoding.UTF8.GetBytes("other")), "1234", body, signature));
        Assert.False(ZendeskWebhookSignature.Verify(secret, "1234", body, "not base64!"));
        // A user event names no ticket.
        Assert.Null(ZendeskWebhookProcessor.TicketIdOf(JsonDocument.Parse(body).RootElement));
    }
}
