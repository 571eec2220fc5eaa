using RetentionConsole.Core.Integrations.Zendesk;

namespace RetentionConsole.Features.Webhooks;

/// <summary>
/// POST /webhooks/zendesk: anonymous at the authentication layer (Zendesk cannot sign in) but verified by its HMAC
/// signature before anything is read; see <see cref="ZendeskWebhookProcessor"/>.
/// </summary>
public static class ZendeskWebhookEndpoints
{
    /// <summary>Zendesk ticket payloads are small; anything bigger is refused unread.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapZendeskWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/zendesk", HandleAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("ZendeskWebhook")
            .WithSummary("Zendesk webhook: a signed delivery naming a ticket makes RetentionConsole fetch and upsert that ticket now.")
            .WithTags("Webhooks");
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, ZendeskWebhookProcessor processor, CancellationToken ct)
    {
        // The signature covers the raw bytes, so the body is read as bytes before any parsing.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
                    detail: $"Zendesk webhook bodies are limited to {MaxBodyBytes} bytes.");
            buffer.Write(chunk, 0, read);
        }

        var result = await processor.HandleAsync(
            context.Request.Headers[ZendeskWebhookSignature.SignatureHeader].ToString(),
            context.Request.Headers[ZendeskWebhookSignature.TimestampHeader].ToString(),
            buffer.ToArray(), ct);

        return result.Status switch
        {
            ZendeskWebhookStatus.Unauthorized => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
                title: "Webhook delivery not authenticated", detail: result.Message),
            ZendeskWebhookStatus.BadRequest => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "Webhook body not understood", detail: result.Message),
            ZendeskWebhookStatus.Unavailable => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Zendesk unavailable", detail: result.Message),
            _ => TypedResults.Ok(new ZendeskWebhookResponse(result.Status.ToString(), result.Message, result.TicketId, result.Changed)),
        };
    }
}

public sealed record ZendeskWebhookResponse(string Status, string Message, long? TicketId, bool Changed);
