using System.Text.Json.Nodes;

namespace RetentionConsole.Sandbox.Bitrix24;

public static class Bitrix24SandboxEndpoints
{
    /// <summary>
    /// <c>/sandbox/bitrix24/rest/{user}/{code}/{method}[.json]</c>, GET with a query string or POST with a JSON or form
    /// body, as the inbound webhook URL accepts them. Faults queued for "bitrix24" come first, then the webhook code,
    /// then the leaky bucket.
    /// </summary>
    public static IEndpointRouteBuilder MapBitrix24Sandbox(this IEndpointRouteBuilder sandbox)
    {
        sandbox.MapMethods("/bitrix24/rest/{user}/{token}/{method}", [HttpMethods.Get, HttpMethods.Post], HandleAsync);
        return sandbox;
    }

    private static async Task HandleAsync(HttpContext context, string user, string token, string method,
        SandboxFaults faults, Bitrix24Simulator simulator)
    {
        if (await faults.ApplyAsync("bitrix24", context)) return;
        if (!simulator.IsAuthorized(user, token))
        {
            await WriteAsync(context, 401, Error("NO_AUTH_FOUND", "Wrong authorization data"));
            return;
        }

        if (!simulator.TryEnterBucket())
        {
            await WriteAsync(context, 503, Error("QUERY_LIMIT_EXCEEDED", "Too many requests"));
            return;
        }

        var name = method.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? method[..^5] : method;
        try
        {
            var parameters = Bitrix24Params.FromQuery(context.Request.QueryString.Value ?? "");
            if (HttpMethods.IsPost(context.Request.Method))
            {
                if (context.Request.HasFormContentType)
                {
                    var form = await context.Request.ReadFormAsync(context.RequestAborted);
                    var pairs = form.SelectMany(f => f.Value.Select(v => (f.Key, v ?? "")));
                    parameters = Bitrix24Params.Merge(Bitrix24Params.FromPairs(pairs), parameters);
                }
                else
                {
                    using var reader = new StreamReader(context.Request.Body);
                    parameters = Bitrix24Params.Merge(Bitrix24Params.FromJson(await reader.ReadToEndAsync(context.RequestAborted)), parameters);
                }
            }

            await WriteAsync(context, 200, simulator.Execute(name, parameters));
        }
        catch (Bitrix24SimError ex)
        {
            await WriteAsync(context, ex.Status, Error(ex.Code, ex.Message));
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonObject Error(string code, string description) => new() { ["error"] = code, ["error_description"] = description };

    private static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var bytes = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString(Json));
        // A known length, as PHP sends it (lets clients inspect small error bodies without buffering result pages).
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
