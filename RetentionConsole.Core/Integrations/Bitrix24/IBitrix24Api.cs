using System.Text.Json;
using Refit;

namespace RetentionConsole.Core.Integrations.Bitrix24;

/// <summary>
/// Bitrix24 REST through an inbound webhook: the HttpClient's base address is <c>https://{portal}/rest/{user}/{code}</c>
/// and each method is <c>{method}.json</c>, POSTed as JSON like the official examples. Every call here only reads.
/// </summary>
internal interface IBitrix24Api
{
    [Post("/crm.company.list.json")]
    Task<B24Response<List<JsonElement>>> CompanyListAsync([Body] B24ListRequest request, CancellationToken ct);

    [Post("/crm.deal.list.json")]
    Task<B24Response<List<JsonElement>>> DealListAsync([Body] B24ListRequest request, CancellationToken ct);

    [Post("/crm.contact.list.json")]
    Task<B24Response<List<JsonElement>>> ContactListAsync([Body] B24ListRequest request, CancellationToken ct);

    [Post("/crm.currency.list.json")]
    Task<B24Response<List<B24Currency>>> CurrencyListAsync([Body] B24CurrencyListRequest request, CancellationToken ct);

    [Post("/crm.company.get.json")]
    Task<B24Response<JsonElement>> CompanyGetAsync([Body] B24GetRequest request, CancellationToken ct);

    [Post("/crm.deal.get.json")]
    Task<B24Response<JsonElement>> DealGetAsync([Body] B24GetRequest request, CancellationToken ct);

    [Post("/crm.contact.get.json")]
    Task<B24Response<JsonElement>> ContactGetAsync([Body] B24GetRequest request, CancellationToken ct);

    /// <summary>Up to 50 commands in one request; always HTTP 200, per-command failures in result_error.</summary>
    [Post("/batch.json")]
    Task<B24Response<B24BatchResult>> BatchAsync([Body] B24BatchRequest request, CancellationToken ct);
}
