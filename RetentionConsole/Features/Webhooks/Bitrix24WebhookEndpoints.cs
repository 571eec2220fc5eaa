using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using RetentionConsole.Core.Integrations.Bitrix24;

namespace RetentionConsole.Features.Webhooks;

public static class Bitrix24WebhookEndpoints
{
    /// <summary>
    /// <c>POST /webhooks/bitrix24</c>: a Bitrix24 outgoing webhook (event handler). Bitrix24 posts
    /// application/x-www-form-urlencoded pairs <c>event=ONCRMDEALUPDATE&amp;data[FIELDS][ID]=123&amp;ts=…&amp;auth[application_token]=…</c>
    /// (the fields are documented on apidocs.bitrix24.com event pages; the form encoding is not in ../shared/contracts, so a
    /// JSON body of the same shape is accepted too). Authenticated by the application token only, not the console sign-in.
    /// </summary>
    public static IEndpointRouteBuilder MapBitrix24WebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/bitrix24", HandleAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("Bitrix24Webhook")
            .WithSummary("Bitrix24 outgoing webhook: fetches the named company, deal or contact and upserts it.")
            .WithTags("Webhooks");
        return app;
    }

    private sealed record Delivery(string? Event, string? Id, string? ApplicationToken);

    private static async Task<Results<Ok<WebhookAnswer>, UnauthorizedHttpResult, BadRequest<WebhookAnswer>, ProblemHttpResult>> HandleAsync(
        HttpRequest request, Bitrix24WebhookProcessor processor, ILoggerFactory loggers, CancellationToken ct)
    {
        Delivery delivery;
        try
        {
            delivery = await ReadAsync(request, ct);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or IOException)
        {
            return TypedResults.Unauthorized();
        }

        // Authenticate before looking at anything else; a bad or missing token changes nothing.
        if (!processor.IsAuthentic(delivery.ApplicationToken)) return TypedResults.Unauthorized();

        if (!Bitrix24WebhookProcessor.TryParseEvent(delivery.Event, out _, out _))
            return TypedResults.Ok(new WebhookAnswer("ignored", $"Event '{delivery.Event}' is not followed (companies, deals and contacts are)."));
        if (!long.TryParse(delivery.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            return TypedResults.BadRequest(new WebhookAnswer("rejected", "data[FIELDS][ID] must be a positive integer."));

        try
        {
            var outcome = await processor.HandleAsync(delivery.Event!, id, ct);
            return TypedResults.Ok(new WebhookAnswer(outcome.ToString().ToLowerInvariant(), null));
        }
        catch (Exception ex) when (ex is Bitrix24Exception or Bitrix24MalformedItemException or HttpRequestException or InvalidOperationException
                                       or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException)
        {
            // Polling is the backstop: the next sync picks the change up.
            loggers.CreateLogger(typeof(Bitrix24WebhookEndpoints)).LogWarning(ex, "Bitrix24 webhook {Event} {Id} could not be applied", delivery.Event, id);
            return TypedResults.Problem($"Could not fetch Bitrix24 record {id}: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    public sealed record WebhookAnswer(string Status, string? Message);

    private static async Task<Delivery> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            return new Delivery(form["event"].FirstOrDefault(), form["data[FIELDS][ID]"].FirstOrDefault(), form["auth[application_token]"].FirstOrDefault());
        }

        using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
        var root = doc.RootElement;
        static string? Text(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => e.GetRawText(),
            _ => null,
        };
        string? Path(params string[] names)
        {
            var e = root;
            foreach (var n in names)
            {
                if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(n, out e)) return null;
            }

            return Text(e);
        }

        return new Delivery(Path("event"), Path("data", "FIELDS", "ID"), Path("auth", "application_token"));
    }
}
