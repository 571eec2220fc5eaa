using System.Net.Http.Headers;
using System.Text;

namespace RetentionConsole.Core.Integrations.Zendesk;

/// <summary>API-token basic auth: user "{email}/token", password the token.</summary>
internal sealed class ZendeskAuthHandler(ZendeskConnection connection) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = Header(connection.Email, connection.ApiToken);
        return base.SendAsync(request, cancellationToken);
    }

    public static AuthenticationHeaderValue Header(string email, string token) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}/token:{token}")));
}
