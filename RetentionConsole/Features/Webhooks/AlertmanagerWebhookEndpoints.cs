using RetentionConsole.Core.Monitoring;

namespace RetentionConsole.Features.Webhooks;

/// <summary>POST /webhooks/alertmanager: Alertmanager's webhook receiver (payload version 4).</summary>
public static class AlertmanagerWebhookEndpoints
{
    public const string Path = "/webhooks/alertmanager";

    // Alertmanager groups are small; this only stops someone from streaming an endless body at us.
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapAlertmanagerWebhook(this IEndpointRouteBuilder app)
    {
        // Anonymous to the console's sign-in: the delivery carries Alertmanager's own credentials, checked below.
        app.MapPost(Path, ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("AlertmanagerWebhook")
            .WithSummary("Receives Alertmanager webhook notifications (bearer or basic credentials from Connectors:Alertmanager).")
            .WithTags("Webhooks");
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, AlertmanagerAuthenticator authenticator,
        AlertmanagerWebhookService alerts, CancellationToken ct)
    {
        // Closed by default: with no credentials configured every delivery is refused.
        if (!authenticator.IsAuthorized(request.Headers.Authorization.ToString()))
            return TypedResults.Json(new WebhookError("Missing or wrong Alertmanager credentials."), statusCode: StatusCodes.Status401Unauthorized);

        if (request.ContentLength > MaxBodyBytes)
            return TypedResults.Json(new WebhookError($"The payload is larger than {MaxBodyBytes} bytes."), statusCode: StatusCodes.Status413PayloadTooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return TypedResults.Json(new WebhookError($"The payload is larger than {MaxBodyBytes} bytes."), statusCode: StatusCodes.Status413PayloadTooLarge);
            buffer.Write(chunk, 0, read);
        }

        var result = await alerts.ReceiveAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        return result.Accepted
            ? TypedResults.Ok(new WebhookAccepted(result.Alerts, result.Inserted, result.Updated, result.Unchanged))
            : TypedResults.BadRequest(new WebhookError(result.Message));
    }

    public sealed record WebhookError(string Error);

    public sealed record WebhookAccepted(int Alerts, int Inserted, int Updated, int Unchanged);
}
