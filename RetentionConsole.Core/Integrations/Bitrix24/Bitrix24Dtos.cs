using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetentionConsole.Core.Integrations.Bitrix24;

// Wire shapes of the Bitrix24 REST API (../shared/contracts/bitrix24). Bitrix24 sends numbers and IDs in CRM entities as
// JSON strings, so every scalar is kept as a string here and parsed with the invariant culture in Bitrix24Mapper.

internal static class Bitrix24Json
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
        };
        options.Converters.Add(new LenientStringConverter());
        return options;
    }
}

/// <summary>The documented string-typed numbers sometimes arrive as real numbers or booleans; read either as text.</summary>
internal sealed class LenientStringConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => reader.TryGetDecimal(out var d) ? d.ToString(CultureInfo.InvariantCulture) : reader.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonTokenType.True => "Y",
        JsonTokenType.False => "N",
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string or number, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>PHP serialises an empty associative array as <c>[]</c>: a map that may arrive as an array (also indexed lists).</summary>
internal sealed class MapOrArrayConverter<T> : JsonConverter<Dictionary<string, T>>
{
    public override Dictionary<string, T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return map;
            case JsonTokenType.StartArray:
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    map[(index++).ToString(CultureInfo.InvariantCulture)] = JsonSerializer.Deserialize<T>(ref reader, options)!;
                return map;
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    map[key] = JsonSerializer.Deserialize<T>(ref reader, options)!;
                }

                return map;
            default:
                throw new JsonException($"Expected an object or array, found {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, T> value, JsonSerializerOptions options)
    {
        if (value.Count == 0)
        {
            writer.WriteStartArray();
            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject();
        foreach (var (k, v) in value)
        {
            writer.WritePropertyName(k);
            JsonSerializer.Serialize(writer, v, options);
        }

        writer.WriteEndObject();
    }
}

/// <summary>The <c>time</c> object present in every response.</summary>
internal sealed class B24Time
{
    [JsonPropertyName("start")] public double Start { get; set; }
    [JsonPropertyName("finish")] public double Finish { get; set; }
    [JsonPropertyName("duration")] public double Duration { get; set; }
    [JsonPropertyName("processing")] public double Processing { get; set; }
    [JsonPropertyName("date_start")] public string? DateStart { get; set; }
    [JsonPropertyName("date_finish")] public string? DateFinish { get; set; }
    [JsonPropertyName("operating_reset_at")] public long? OperatingResetAt { get; set; }
    [JsonPropertyName("operating")] public double? Operating { get; set; }
}

/// <summary>Success envelope <c>{result, total?, next?, time}</c>.</summary>
internal sealed class B24Response<T>
{
    [JsonPropertyName("result")] public T? Result { get; set; }
    [JsonPropertyName("total")] public int? Total { get; set; }
    [JsonPropertyName("next")] public int? Next { get; set; }
    [JsonPropertyName("time")] public B24Time? Time { get; set; }
}

/// <summary>Error body <c>{error, error_description}</c>; the code is often an empty string for method-level errors.</summary>
internal sealed class B24Error
{
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("error_description")] public string? ErrorDescription { get; set; }
}

internal sealed class B24ListRequest
{
    [JsonPropertyName("order")] public Dictionary<string, string>? Order { get; set; }
    [JsonPropertyName("filter")] public Dictionary<string, string>? Filter { get; set; }
    [JsonPropertyName("select")] public string[]? Select { get; set; }
    [JsonPropertyName("start")] public int Start { get; set; }
}

internal sealed class B24GetRequest
{
    [JsonPropertyName("id")] public required string Id { get; set; }
}

internal sealed class B24CurrencyListRequest
{
    [JsonPropertyName("order")] public Dictionary<string, string>? Order { get; set; }
}

internal sealed class B24BatchRequest
{
    [JsonPropertyName("halt")] public int Halt { get; set; }
    [JsonPropertyName("cmd")] public required Dictionary<string, string> Cmd { get; set; }
}

/// <summary>The <c>result</c> of a batch call. Every map may be <c>[]</c> when empty.</summary>
internal sealed class B24BatchResult
{
    [JsonPropertyName("result"), JsonConverter(typeof(MapOrArrayConverter<JsonElement>))]
    public Dictionary<string, JsonElement> Result { get; set; } = [];

    [JsonPropertyName("result_error"), JsonConverter(typeof(MapOrArrayConverter<B24Error>))]
    public Dictionary<string, B24Error> ResultError { get; set; } = [];

    [JsonPropertyName("result_total"), JsonConverter(typeof(MapOrArrayConverter<int>))]
    public Dictionary<string, int> ResultTotal { get; set; } = [];

    [JsonPropertyName("result_next"), JsonConverter(typeof(MapOrArrayConverter<int>))]
    public Dictionary<string, int> ResultNext { get; set; } = [];

    [JsonPropertyName("result_time"), JsonConverter(typeof(MapOrArrayConverter<B24Time>))]
    public Dictionary<string, B24Time> ResultTime { get; set; } = [];
}

/// <summary>A multi-field value (EMAIL, WEB, PHONE, IM).</summary>
internal sealed class B24MultiField
{
    [JsonPropertyName("ID")] public string? Id { get; set; }
    [JsonPropertyName("VALUE_TYPE")] public string? ValueType { get; set; }
    [JsonPropertyName("VALUE")] public string? Value { get; set; }
    [JsonPropertyName("TYPE_ID")] public string? TypeId { get; set; }
}

internal sealed class B24Company
{
    [JsonPropertyName("ID")] public string? Id { get; set; }
    [JsonPropertyName("TITLE")] public string? Title { get; set; }
    [JsonPropertyName("COMPANY_TYPE")] public string? CompanyType { get; set; }
    [JsonPropertyName("INDUSTRY")] public string? Industry { get; set; }
    [JsonPropertyName("ASSIGNED_BY_ID")] public string? AssignedById { get; set; }
    [JsonPropertyName("DATE_MODIFY")] public string? DateModify { get; set; }
    [JsonPropertyName("EMAIL")] public List<B24MultiField>? Email { get; set; }
    [JsonPropertyName("WEB")] public List<B24MultiField>? Web { get; set; }
    [JsonPropertyName("PHONE")] public List<B24MultiField>? Phone { get; set; }

    /// <summary>User fields (UF_CRM_*) and anything else selected: any JSON type.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class B24Deal
{
    [JsonPropertyName("ID")] public string? Id { get; set; }
    [JsonPropertyName("TITLE")] public string? Title { get; set; }
    [JsonPropertyName("COMPANY_ID")] public string? CompanyId { get; set; }
    [JsonPropertyName("CATEGORY_ID")] public string? CategoryId { get; set; }
    [JsonPropertyName("STAGE_ID")] public string? StageId { get; set; }
    [JsonPropertyName("STAGE_SEMANTIC_ID")] public string? StageSemanticId { get; set; }
    [JsonPropertyName("OPPORTUNITY")] public string? Opportunity { get; set; }
    [JsonPropertyName("CURRENCY_ID")] public string? CurrencyId { get; set; }
    [JsonPropertyName("BEGINDATE")] public string? BeginDate { get; set; }
    [JsonPropertyName("CLOSEDATE")] public string? CloseDate { get; set; }
    [JsonPropertyName("CLOSED")] public string? Closed { get; set; }
    [JsonPropertyName("DATE_MODIFY")] public string? DateModify { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class B24Contact
{
    [JsonPropertyName("ID")] public string? Id { get; set; }
    [JsonPropertyName("NAME")] public string? Name { get; set; }
    [JsonPropertyName("SECOND_NAME")] public string? SecondName { get; set; }
    [JsonPropertyName("LAST_NAME")] public string? LastName { get; set; }
    [JsonPropertyName("COMPANY_ID")] public string? CompanyId { get; set; }
    [JsonPropertyName("EMAIL")] public List<B24MultiField>? Email { get; set; }
    [JsonPropertyName("DATE_MODIFY")] public string? DateModify { get; set; }
}

internal sealed class B24Currency
{
    [JsonPropertyName("CURRENCY")] public string? Currency { get; set; }
    [JsonPropertyName("AMOUNT_CNT")] public string? AmountCnt { get; set; }
    [JsonPropertyName("AMOUNT")] public string? Amount { get; set; }
    [JsonPropertyName("BASE")] public string? Base { get; set; }
    [JsonPropertyName("SORT")] public string? Sort { get; set; }
    [JsonPropertyName("FULL_NAME")] public string? FullName { get; set; }
    [JsonPropertyName("DATE_UPDATE")] public string? DateUpdate { get; set; }
}

/// <summary>
/// A user from <c>user.get</c>. NOT covered by ../shared/contracts (no captured payload): the shape follows the official
/// method page (ID, NAME, LAST_NAME, EMAIL, ACTIVE — ACTIVE shown there as a JSON boolean), so every field is optional and
/// read as text, and a missing or odd field falls back instead of failing the item.
/// </summary>
internal sealed class B24User
{
    [JsonPropertyName("ID")] public string? Id { get; set; }
    [JsonPropertyName("NAME")] public string? Name { get; set; }
    [JsonPropertyName("LAST_NAME")] public string? LastName { get; set; }
    [JsonPropertyName("EMAIL")] public string? Email { get; set; }
    [JsonPropertyName("ACTIVE")] public string? Active { get; set; }
}
