using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Refit;

namespace RetentionConsole.Core.Integrations.Bitrix24;

/// <summary>A Bitrix24 error: the HTTP status and the <c>{error, error_description}</c> body (code often empty).</summary>
public sealed class Bitrix24Exception(string message, HttpStatusCode? status = null, string? code = null, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;
    public string? Code { get; } = code;

    internal static Bitrix24Exception From(ApiException ex)
    {
        B24Error? body = null;
        try
        {
            if (!string.IsNullOrWhiteSpace(ex.Content)) body = JsonSerializer.Deserialize<B24Error>(ex.Content, Bitrix24Json.Options);
        }
        catch (JsonException)
        {
            // Not a Bitrix24 error body (a proxy page, a truncated response): report the status alone.
        }

        var code = string.IsNullOrEmpty(body?.Error) ? null : body.Error;
        var description = body?.ErrorDescription is { Length: > 0 } d ? d : ex.ReasonPhrase;
        return new Bitrix24Exception($"Bitrix24 answered {(int)ex.StatusCode}{(code is null ? "" : " " + code)}: {description}", ex.StatusCode, code, ex);
    }
}

/// <summary>Where the connector points: the configured webhook URL, else the in-process sandbox, else nowhere (off).</summary>
public sealed class Bitrix24Target(IOptions<Bitrix24Options> options, IConfiguration configuration, IServiceProvider services)
{
    public const string SandboxUserId = "1";
    public const string SandboxWebhookCode = "sandboxtoken";

    /// <summary>Base URI ending in "/", or null when the connector is off.</summary>
    public Uri? BaseUri
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(options.Value.WebhookUrl)) return new Uri(options.Value.WebhookUrl.TrimEnd('/') + "/");
            if (!IsSandbox) return null;
            var sandbox = services.GetService<ISandboxAddress>();
            return sandbox is null ? null : new Uri(sandbox.BaseUri, $"sandbox/bitrix24/rest/{SandboxUserId}/{SandboxWebhookCode}/");
        }
    }

    public bool IsSandbox => string.IsNullOrWhiteSpace(options.Value.WebhookUrl) && configuration.GetValue<bool>("Sandbox:Enabled");

    public bool IsConfigured => BaseUri is not null;

    /// <summary>What the Integrations page and job messages say when the connector is off.</summary>
    public static string NotConfiguredMessage =>
        $"Bitrix24 is not configured: set {Bitrix24Options.Section}:WebhookUrl (or enable the sandbox with Sandbox:Enabled).";
}

/// <summary>
/// The Bitrix24 limit is a leaky bucket of 2 requests/s per portal (contracts, "Limits"): one limiter shared by the sync
/// and the webhooks. Waits are summed and reported as RateLimitWait events by whoever commits next.
/// </summary>
public sealed class Bitrix24Throttle(TimeProvider clock)
{
    public const int RequestsPerSecond = 2;
    private long _waitTicks;
    private int _waits;

    public RequestRateLimiter Limiter { get; } = new(RequestsPerSecond, TimeSpan.FromSeconds(1), clock);

    internal Task OnWaitAsync(TimeSpan waited)
    {
        Interlocked.Add(ref _waitTicks, waited.Ticks);
        Interlocked.Increment(ref _waits);
        return Task.CompletedTask;
    }

    /// <summary>The waits since the last call, resetting the counters.</summary>
    public (TimeSpan Total, int Count) TakeWaits() =>
        (TimeSpan.FromTicks(Interlocked.Exchange(ref _waitTicks, 0)), Interlocked.Exchange(ref _waits, 0));
}

/// <summary>
/// QUERY_LIMIT_EXCEEDED is documented as HTTP 503, but third parties report it with 200 or 429 too: detect it by the
/// body code and present it as 503 so the retry strategy backs off. Only small bodies are inspected (a real result
/// page is far larger than the ~70-byte error), so result pages are not buffered twice.
/// </summary>
internal sealed class QueryLimitDetectingHandler : DelegatingHandler
{
    internal const string QueryLimitExceeded = "QUERY_LIMIT_EXCEEDED";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests && response.Content.Headers.ContentLength is <= 512)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Contains(QueryLimitExceeded, StringComparison.Ordinal)) response.StatusCode = HttpStatusCode.ServiceUnavailable;
        }

        return response;
    }
}

/// <summary>Builds batch command strings: <c>method?key=value&amp;...</c>, keys in PHP bracket form, URL-encoded.</summary>
internal static class Bitrix24Command
{
    public const int MaxBatchCommands = 50;
    public const int PageSize = 50;

    public static string Build(string method, IEnumerable<(string Key, string Value)> parameters)
    {
        var query = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            query.Append(query.Length == 0 ? '?' : '&');
            query.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return method + query;
    }

    public static string List(string method, IEnumerable<(string Field, string Value)> filter, IEnumerable<string> select, int start)
    {
        var parameters = new List<(string, string)> { ("order[ID]", "ASC") };
        parameters.AddRange(filter.Select(f => ($"filter[{f.Field}]", f.Value)));
        parameters.AddRange(select.Select(s => ("select[]", s)));
        parameters.Add(("start", start.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Build(method, parameters);
    }
}

/// <summary>Calls the Refit client and turns Bitrix24 error bodies into <see cref="Bitrix24Exception"/>.</summary>
internal sealed class Bitrix24Client(IBitrix24Api api)
{
    public async Task<B24BatchResult> BatchAsync(IReadOnlyDictionary<string, string> commands, CancellationToken ct)
    {
        if (commands.Count is 0 or > Bitrix24Command.MaxBatchCommands)
            throw new ArgumentOutOfRangeException(nameof(commands), $"A batch takes 1 to {Bitrix24Command.MaxBatchCommands} commands.");
        try
        {
            var response = await api.BatchAsync(new B24BatchRequest { Halt = 0, Cmd = new Dictionary<string, string>(commands) }, ct);
            return response.Result ?? throw new Bitrix24Exception("Bitrix24 batch answered without a result.");
        }
        catch (ApiException ex)
        {
            throw Bitrix24Exception.From(ex);
        }
        catch (JsonException ex)
        {
            throw new Bitrix24Exception($"Bitrix24 batch answered with a body that is not valid JSON: {ex.Message}", inner: ex);
        }
    }
}
