using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionConsole.Core.Integrations.Bitrix24;
using RetentionConsole.Sandbox.Bitrix24;

namespace RetentionConsole.Tests.Integrations.Bitrix24;

/// <summary>Every payload in ../shared/contracts/bitrix24 parses into the connector's DTOs and maps to domain types.</summary>
public sealed class Bitrix24ContractTests
{
    private static readonly string Dir = Path.Combine(TestInfrastructure.ContractFiles.Directory, "bitrix24");

    private static string Read(string name) => File.ReadAllText(Path.Combine(Dir, name));

    private static T Parse<T>(string name) => JsonSerializer.Deserialize<T>(Read(name), Bitrix24Json.Options)!;

    private static readonly Bitrix24Options Options = new();

    private static readonly Dictionary<string, Action> Checks = new()
    {
        ["crm.company.list.response-200.json"] = () =>
        {
            var r = Parse<B24Response<List<JsonElement>>>("crm.company.list.response-200.json");
            Assert.Equal(1, r.Total);
            Assert.Null(r.Next);
            Assert.Equal(1769499459, r.Time!.OperatingResetAt);
            var company = Bitrix24Mapper.Read<B24Company>(r.Result![0], "company");
            Assert.Equal("+19998887766", company.Phone![0].Value);
            var account = Bitrix24Mapper.ToAccount(company, Options, CurrencyRates.Empty, out var problem);
            Assert.Null(problem);
            Assert.Equal(2919, account.Id);
            Assert.Equal("Crossroads", account.Name);
            Assert.Equal("user #811", account.Owner);
            Assert.Null(account.Arr);
        },
        ["crm.company.list.request.json"] = () =>
        {
            // The official request uses upper-case ORDER/FILTER/SELECT: the sandbox reads it like Bitrix24 does.
            var p = Bitrix24Params.FromJson(Read("crm.company.list.request.json"));
            Assert.Equal("CUSTOMER", p["filter"]!["COMPANY_TYPE"]!.GetValue<string>());
            Assert.Equal(3, p["select"]!.AsArray().Count);
        },
        ["crm.company.list.error-400.json"] = () => AssertError("crm.company.list.error-400.json", "", "Access denied."),
        ["crm.deal.list.error-400.json"] = () => AssertError("crm.deal.list.error-400.json", "", "Parameter 'filter' must be array."),
        ["error.generic.json"] = () => AssertError("error.generic.json", "ERROR_HANDLER_ALREADY_EXIST", "Handler already exists!"),
        ["crm.deal.list.response-200.json"] = () =>
        {
            var r = Parse<B24Response<List<JsonElement>>>("crm.deal.list.response-200.json");
            Assert.Equal(6, r.Total);
            Assert.Null(r.Next);
            var deals = r.Result!.Select(d => Bitrix24Mapper.ToDeal(Bitrix24Mapper.Read<B24Deal>(d, "deal"), CurrencyRates.Empty, "USD")).ToList();
            Assert.Equal([37L, 38, 39, 40, 41, 42], deals.Select(d => d.Id));
            Assert.Equal(19999.99m, deals[0].Amount);
            Assert.All(deals, d => Assert.Equal("1", d.CategoryId));
            Assert.Null(deals[0].BeginDateUtc);
        },
        ["crm.deal.get.response-200.json"] = () =>
        {
            var r = Parse<B24Response<JsonElement>>("crm.deal.get.response-200.json");
            var dto = Bitrix24Mapper.Read<B24Deal>(r.Result, "deal");
            Assert.Equal("Hello world!", dto.Extra!["UF_CRM_1721244482250"].GetString());
            var rates = Bitrix24Mapper.ToRates(Parse<B24Response<List<B24Currency>>>("crm.currency.list.response-200.json").Result!);
            var deal = Bitrix24Mapper.ToDeal(dto, rates, "USD");
            Assert.Equal(410, deal.Id);
            Assert.Equal(9, deal.AccountId);
            Assert.Equal("0", deal.CategoryId);
            Assert.Equal("P", deal.StageSemantic);
            Assert.Equal(1_000_000.00m, deal.Amount);
            Assert.Equal("EUR", deal.Currency);
            Assert.Equal(78_320_000m, deal.AmountReporting); // EUR 78.32 per unit of the (USD) base
            // "2024-08-30T02:00:00+02:00" is the calendar date 30 Aug 2024, whatever the offset.
            Assert.Equal(new DateTime(2024, 8, 30, 0, 0, 0, DateTimeKind.Utc), deal.BeginDateUtc);
            Assert.Equal(new DateTime(2024, 9, 9, 0, 0, 0, DateTimeKind.Utc), deal.CloseDateUtc);
            Assert.Equal(new DateTime(2024, 8, 30, 12, 29, 0, DateTimeKind.Utc), deal.ModifiedUtc);
        },
        ["crm.currency.list.response-200.json"] = () =>
        {
            var r = Parse<B24Response<List<B24Currency>>>("crm.currency.list.response-200.json");
            Assert.Equal(0, r.Total);
            var rates = Bitrix24Mapper.ToRates(r.Result!);
            Assert.Equal("USD", rates.BaseCurrency);
            Assert.Equal(1m, rates.PerUnitInBase["USD"]); // the duplicated USD entry (a doc slip) does not override the base
            Assert.Equal(78.32m, rates.PerUnitInBase["EUR"]);
            Assert.Equal(32.20m, rates.PerUnitInBase["CAD"]);
            Assert.Equal(243.23m, rates.Convert(100m, "EUR", "CAD"));
        },
        ["batch.response-200.json"] = () =>
        {
            var r = Parse<B24Response<B24BatchResult>>("batch.response-200.json");
            Assert.Equal(["get_user", "get_department"], r.Result!.Result.Keys);
            Assert.Empty(r.Result.ResultError);
            Assert.Equal(1, r.Result.ResultTotal["get_department"]);
            Assert.Empty(r.Result.ResultNext);
            Assert.Equal(2, r.Result.ResultTime.Count);
            Assert.Equal("DEMO", r.Result.Result["get_department"][0].GetProperty("NAME").GetString());
        },
        ["batch.error-halt0.json"] = () =>
        {
            var r = Parse<B24Response<B24BatchResult>>("batch.error-halt0.json");
            Assert.Empty(r.Result!.Result);
            Assert.Equal(["get_user", "get_department"], r.Result.ResultError.Keys);
            Assert.Equal("insufficient_scope", r.Result.ResultError["get_user"].Error);
            Assert.Empty(r.Result.ResultTotal);
            Assert.Empty(r.Result.ResultTime);
        },
        ["batch.error-halt1.json"] = () =>
        {
            var r = Parse<B24Response<B24BatchResult>>("batch.error-halt1.json");
            Assert.Single(r.Result!.ResultError);
        },
        ["batch.request.independent.json"] = () => AssertBatchRequestRoundTrips("batch.request.independent.json", 3),
        ["batch.request.linked.json"] = () =>
        {
            AssertBatchRequestRoundTrips("batch.request.linked.json", 2);
            // The sandbox resolves $result[...] references like the real batch.
            var p = Bitrix24Params.FromJson(Read("batch.request.linked.json"));
            Assert.Contains("$result[get_user]", p["cmd"]!["get_department"]!.GetValue<string>(), StringComparison.Ordinal);
        },
        ["time-object.json"] = () =>
        {
            var time = JsonSerializer.Deserialize<B24Time>(JsonDocument.Parse(Read("time-object.json")).RootElement.GetProperty("time"), Bitrix24Json.Options)!;
            Assert.Equal(1757425271, time.OperatingResetAt);
            Assert.Equal(0.6726338863372803, time.Operating);
            Assert.Equal("2025-09-09T16:31:11+03:00", time.DateStart);
        },
        ["userfieldconfig.list.response-200-with-next.json"] = () =>
        {
            var r = Parse<B24Response<JsonElement>>("userfieldconfig.list.response-200-with-next.json");
            Assert.Equal(50, r.Next);
            Assert.Equal(94, r.Total);
        },
    };

    private static void AssertError(string name, string code, string description)
    {
        var e = Parse<B24Error>(name);
        Assert.Equal(code, e.Error);
        Assert.Equal(description, e.ErrorDescription);
    }

    private static void AssertBatchRequestRoundTrips(string name, int commands)
    {
        var request = Parse<B24BatchRequest>(name);
        Assert.Equal(0, request.Halt);
        Assert.Equal(commands, request.Cmd.Count);
        var again = JsonNode.Parse(JsonSerializer.Serialize(request, Bitrix24Json.Options))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Read(name)), again));
    }

    public static TheoryData<string> Payloads()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Dir, "*.json").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Payload_ParsesIntoDtos_AndMaps(string name)
    {
        Assert.True(Checks.TryGetValue(name, out var check), $"No contract check for {name}: add one.");
        check();
    }

    [Fact]
    public void SandboxResponses_HaveTheContractShapes()
    {
        using var host = new Bitrix24TestHost(accounts: 60);
        _ = host.Services;
        var deals = host.Simulator.Execute("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { ["CATEGORY_ID"] = "1" } });
        var contractDeal = JsonNode.Parse(Read("crm.deal.get.response-200.json"))!["result"]!.AsObject();
        var deal = deals["result"]!.AsArray()[0]!.AsObject();
        // Same field names as the official deal (user fields aside), every scalar a string or null as Bitrix24 sends them.
        Assert.Empty(deal.Select(kv => kv.Key).Except(contractDeal.Select(kv => kv.Key)));
        Assert.All(deal, kv => Assert.True(kv.Value is null || kv.Value.GetValueKind() == JsonValueKind.String, kv.Key));
        Assert.Equal(JsonValueKind.Number, deals["total"]!.GetValueKind());
        Assert.Equal(50, deals["next"]!.GetValue<int>());
        var contractTime = JsonNode.Parse(Read("time-object.json"))!["time"]!.AsObject().Select(kv => kv.Key);
        Assert.Equal(contractTime.Order(), deals["time"]!.AsObject().Select(kv => kv.Key).Order());

        var batch = host.Simulator.Execute("batch", Bitrix24Params.FromJson("""{"halt":0,"cmd":{"a":"crm.deal.get?id=999999","b":"batch"}}"""));
        var result = batch["result"]!.AsObject();
        Assert.Equal(JsonValueKind.Array, result["result"]!.GetValueKind()); // empty map serialised as []
        Assert.Equal("Not found", result["result_error"]!["a"]!["error_description"]!.GetValue<string>());
        Assert.Equal("ERROR_BATCH_METHOD_NOT_ALLOWED", result["result_error"]!["b"]!["error"]!.GetValue<string>());
        // And the connector's DTO reads it.
        var dto = JsonSerializer.Deserialize<B24Response<B24BatchResult>>(batch.ToJsonString(), Bitrix24Json.Options)!;
        Assert.Equal(2, dto.Result!.ResultError.Count);

        var linked = host.Simulator.Execute("batch", Bitrix24Params.FromJson(Read("batch.request.linked.json").Replace("user.current", "crm.deal.get?id=1").Replace("department.get?ID=$result[get_user][UF_DEPARTMENT][0]", "crm.company.get?id=$result[get_user][COMPANY_ID]")));
        Assert.Equal(host.World.Read(w => w.Deals.Single(d => d.Id == 1).CompanyId).ToString(System.Globalization.CultureInfo.InvariantCulture),
            linked["result"]!["result"]!["get_department"]!["ID"]!.GetValue<string>());
    }
}
