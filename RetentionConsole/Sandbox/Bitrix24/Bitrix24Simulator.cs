using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RetentionConsole.Sandbox.Bitrix24;

/// <summary>An error the simulated REST answers with: HTTP status and the <c>{error, error_description}</c> body.</summary>
public sealed class Bitrix24SimError(int status, string code, string description) : Exception(description)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

/// <summary>
/// Bitrix24 REST over <see cref="SandboxWorld"/>, in the shapes of ../shared/contracts/bitrix24: numbers and IDs as
/// strings, multi-fields as arrays, <c>total</c>/<c>next</c>, the <c>time</c> object, batch with result_error etc.,
/// empty maps as <c>[]</c>, and the leaky bucket (drains 2/s, blocks above 50) answering 503 QUERY_LIMIT_EXCEEDED.
/// Companies carry the user fields UF_CRM_TIER, UF_CRM_SERVICES (multiple), UF_CRM_ARR (money) and UF_CRM_RENEWAL (date).
/// Each owner of the world is a user (stable id <see cref="FirstOwnerUserId"/> + its index) whom companies are ASSIGNED_BY
/// and <c>user.get</c> returns (ID, NAME, LAST_NAME, EMAIL, ACTIVE as strings, in the list shape).
/// </summary>
public sealed partial class Bitrix24Simulator(SandboxWorld world, TimeProvider clock)
{
    public const string UserId = "1";
    public const string WebhookCode = "sandboxtoken";
    public const int PageSize = 50;
    public const int MaxBatch = 50;
    public const int FirstOwnerUserId = 10;

    // Dates are rendered in the portal's zone, as Bitrix24 does ("2024-08-30T02:00:00+02:00").
    private static readonly TimeSpan PortalOffset = TimeSpan.FromHours(3);
    private static readonly string[] MultiFields = ["PHONE", "EMAIL", "WEB", "IM"];
    private static readonly string[] MultipleUserFields = ["UF_CRM_SERVICES"];

    private readonly Lock _bucketGate = new();
    private double _level;
    private DateTimeOffset _lastDrain = DateTimeOffset.MinValue;

    /// <summary>Leaky bucket capacity (50 on non-Enterprise plans). Tests lower it to provoke QUERY_LIMIT_EXCEEDED.</summary>
    public double BucketCapacity { get; set; } = 50;

    public double DrainPerSecond { get; set; } = 2;

    /// <summary>When each request was accepted (sandbox clock), for tests that check the client's pace.</summary>
    public ConcurrentQueue<DateTimeOffset> RequestLog { get; } = new();

    /// <summary>Companies rendered with a broken EMAIL multi-field, for tests of malformed-item handling.</summary>
    public ConcurrentDictionary<long, bool> CorruptCompanies { get; } = new();

    /// <summary>
    /// Answer user.get with 401 insufficient_scope, as a webhook created without the "user" scope does (also inside a batch,
    /// where it lands in result_error); for tests of the owner-name fallback.
    /// </summary>
    public bool UserScopeMissing { get; set; }

    /// <summary>Requests answered with QUERY_LIMIT_EXCEEDED.</summary>
    public int Rejected { get; private set; }

    public bool IsAuthorized(string user, string token) => user == UserId && token == WebhookCode;

    /// <summary>Takes a slot in the leaky bucket; false means QUERY_LIMIT_EXCEEDED.</summary>
    public bool TryEnterBucket()
    {
        lock (_bucketGate)
        {
            var now = clock.GetUtcNow();
            if (_lastDrain != DateTimeOffset.MinValue)
                _level = Math.Max(0, _level - (now - _lastDrain).TotalSeconds * DrainPerSecond);
            _lastDrain = now;
            if (_level + 1 > BucketCapacity)
            {
                Rejected++;
                return false;
            }

            _level += 1;
            RequestLog.Enqueue(now);
            return true;
        }
    }

    /// <summary>Runs one REST method; throws <see cref="Bitrix24SimError"/> for errors.</summary>
    public JsonObject Execute(string method, JsonObject parameters)
    {
        var started = clock.GetUtcNow();
        var (result, total, next) = Run(method.ToLowerInvariant(), parameters, null);
        var body = new JsonObject { ["result"] = result };
        if (next is not null) body["next"] = next;
        if (total is not null) body["total"] = total;
        body["time"] = Time(started);
        return body;
    }

    /// <summary>
    /// Runs one method. <paramref name="lists"/> (one batch's) keeps each filtered, sorted list the batch already built, so
    /// 49 pages of the same list in one batch cost one pass over the world, not 49 (a batch is answered at one instant).
    /// </summary>
    private (JsonNode? Result, int? Total, int? Next) Run(string method, JsonObject p, Dictionary<string, List<Dictionary<string, JsonNode?>>>? lists) => method switch
    {
        "batch" => (Batch(p), null, null),
        "crm.company.list" => List(method, p, lists, () => world.Read(w => Companies(w, w.Companies))),
        "crm.deal.list" => List(method, p, lists, () => world.Read(w => w.Deals.Select(Deal).ToList())),
        "crm.contact.list" => List(method, p, lists, () => world.Read(w => w.Contacts.Select(Contact).ToList())),
        "crm.company.get" => (Get(p, id => world.Read(w => Companies(w, w.Companies.Where(c => c.Id == id)).FirstOrDefault())), null, null),
        "crm.deal.get" => (Get(p, id => world.Read(w => w.Deals.FirstOrDefault(d => d.Id == id) is { } d ? Deal(d) : null)), null, null),
        "crm.contact.get" => (Get(p, id => world.Read(w => w.Contacts.FirstOrDefault(c => c.Id == id) is { } c ? Contact(c) : null)), null, null),
        "crm.currency.list" => (Currencies(), 0, null),
        "user.get" => Users(p, lists),
        _ => throw new Bitrix24SimError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!"),
    };

    // ---- entities -------------------------------------------------------------------------------------------

    private List<Dictionary<string, JsonNode?>> Companies(SandboxWorld w, IEnumerable<SimCompany> companies)
    {
        var today = clock.GetUtcNow().UtcDateTime.Date;
        var current = w.Deals.Where(d => d.StageSemantic == "S" && d.CategoryId == "1" && d.BeginDate.Date <= today && d.CloseDate.Date >= today)
            .ToLookup(d => d.CompanyId);
        return companies.Select(c => Company(c, current[c.Id].ToList())).ToList();
    }

    private Dictionary<string, JsonNode?> Company(SimCompany c, List<SimDeal> current)
    {
        var corrupt = CorruptCompanies.ContainsKey(c.Id);
        return new Dictionary<string, JsonNode?>
        {
            ["ID"] = Str(c.Id),
            ["TITLE"] = c.Title,
            ["COMPANY_TYPE"] = "CUSTOMER",
            ["INDUSTRY"] = "IT",
            ["EMPLOYEES"] = "EMPLOYEES_2",
            ["CURRENCY_ID"] = "USD",
            ["REVENUE"] = "0.00",
            ["OPENED"] = "Y",
            ["ASSIGNED_BY_ID"] = Str(OwnerId(c.Owner)),
            ["CREATED_BY_ID"] = "1",
            ["MODIFY_BY_ID"] = "1",
            ["DATE_CREATE"] = Timestamp(c.CreatedUtc),
            ["DATE_MODIFY"] = Timestamp(c.ModifiedUtc),
            ["LEAD_ID"] = null,
            ["ORIGINATOR_ID"] = null,
            ["ORIGIN_ID"] = null,
            ["PHONE"] = Multi(c.Id * 10 + 1, "WORK", $"+1555{c.Id:0000000}", "PHONE"),
            ["EMAIL"] = corrupt ? JsonValue.Create("broken") : Multi(c.Id * 10 + 2, "WORK", $"info@{c.EmailDomain}", "EMAIL"),
            ["WEB"] = Multi(c.Id * 10 + 3, "WORK", $"https://www.{c.WebDomain}", "WEB"),
            ["UF_CRM_TIER"] = c.Tier,
            ["UF_CRM_SERVICES"] = new JsonArray(c.Services.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            ["UF_CRM_ARR"] = current.Count == 0 ? "" : $"{Money(current.Sum(d => d.Amount))}|{current[0].Currency}",
            ["UF_CRM_RENEWAL"] = current.Count == 0 ? "" : Date(current.Max(d => d.CloseDate)),
        };
    }

    private static Dictionary<string, JsonNode?> Deal(SimDeal d) => new()
    {
        ["ID"] = Str(d.Id),
        ["TITLE"] = d.Title,
        ["TYPE_ID"] = "SALE",
        ["STAGE_ID"] = d.StageId,
        ["PROBABILITY"] = d.StageSemantic == "S" ? "100" : d.StageSemantic == "F" ? "0" : "50",
        ["CURRENCY_ID"] = d.Currency,
        ["OPPORTUNITY"] = Money(d.Amount),
        ["IS_MANUAL_OPPORTUNITY"] = "Y",
        ["TAX_VALUE"] = "0.00",
        ["LEAD_ID"] = null,
        ["COMPANY_ID"] = Str(d.CompanyId),
        ["CONTACT_ID"] = null,
        ["QUOTE_ID"] = null,
        ["BEGINDATE"] = Date(d.BeginDate),
        ["CLOSEDATE"] = Date(d.CloseDate),
        ["ASSIGNED_BY_ID"] = "1",
        ["CREATED_BY_ID"] = "1",
        ["MODIFY_BY_ID"] = "1",
        ["DATE_CREATE"] = Timestamp(d.ModifiedUtc),
        ["DATE_MODIFY"] = Timestamp(d.ModifiedUtc),
        ["OPENED"] = "Y",
        ["CLOSED"] = d.StageSemantic is "S" or "F" ? "Y" : "N",
        ["CATEGORY_ID"] = d.CategoryId,
        ["STAGE_SEMANTIC_ID"] = d.StageSemantic,
        ["IS_NEW"] = "N",
        ["IS_RECURRING"] = "N",
        ["IS_RETURN_CUSTOMER"] = "Y",
        ["IS_REPEATED_APPROACH"] = "N",
        ["SOURCE_ID"] = "SELF",
        ["ORIGINATOR_ID"] = null,
        ["ORIGIN_ID"] = null,
    };

    private static Dictionary<string, JsonNode?> Contact(SimContact c) => new()
    {
        ["ID"] = Str(c.Id),
        ["NAME"] = c.Name,
        ["SECOND_NAME"] = null,
        ["LAST_NAME"] = c.LastName,
        ["POST"] = null,
        ["COMPANY_ID"] = Str(c.CompanyId),
        ["OPENED"] = "Y",
        ["EXPORT"] = "Y",
        ["ASSIGNED_BY_ID"] = "1",
        ["DATE_CREATE"] = Timestamp(c.ModifiedUtc),
        ["DATE_MODIFY"] = Timestamp(c.ModifiedUtc),
        ["EMAIL"] = Multi(c.Id * 10 + 5, "WORK", c.Email, "EMAIL"),
    };

    private static JsonArray Currencies() =>
    [
        Currency("USD", "1.0000", "Y", "100", "US Dollar", "$#"),
        Currency("EUR", "1.0800", "N", "200", "Euro", "&euro;#"),
        Currency("GBP", "1.2700", "N", "300", "British Pound Sterling", "&pound;#"),
    ];

    private static JsonObject Currency(string code, string amount, string isBase, string sort, string name, string format) => new()
    {
        ["CURRENCY"] = code,
        ["AMOUNT_CNT"] = "1",
        ["AMOUNT"] = amount,
        ["SORT"] = sort,
        ["BASE"] = isBase,
        ["FULL_NAME"] = name,
        ["LID"] = "en",
        ["FORMAT_STRING"] = format,
        ["DEC_POINT"] = ".",
        ["THOUSANDS_SEP"] = ",",
        ["DECIMALS"] = "2",
        ["DATE_UPDATE"] = "2024-01-29T12:28:40+03:00",
    };

    // Bitrix24 users behind ASSIGNED_BY_ID: one stable id per owner name of this world (names outside the seeded list,
    // should a test world add one, get the next free id on first sight).
    private readonly ConcurrentDictionary<string, int> _extraOwnerIds = new();

    public int OwnerId(string owner)
    {
        var index = SandboxWorld.OwnerNames.ToList().IndexOf(owner);
        return index >= 0
            ? FirstOwnerUserId + index
            : _extraOwnerIds.GetOrAdd(owner, _ => FirstOwnerUserId + SandboxWorld.OwnerNames.Count + _extraOwnerIds.Count);
    }

    /// <summary>The e-mail the simulated user of <paramref name="owner"/> has.</summary>
    public static string OwnerEmail(string owner) => owner.ToLowerInvariant().Replace(' ', '.') + "@sandbox-portal.example";

    /// <summary>
    /// user.get: the owners as users, filtered by the top-level ID (the official example's form) and/or filter/FILTER,
    /// paged by 50 with total/next like the other list methods.
    /// </summary>
    private (JsonNode Result, int? Total, int? Next) Users(JsonObject p, Dictionary<string, List<Dictionary<string, JsonNode?>>>? lists)
    {
        if (UserScopeMissing)
            throw new Bitrix24SimError(401, "insufficient_scope", "The request requires higher privileges than provided by the webhook token");
        var query = p.DeepClone().AsObject();
        var filter = query["filter"] as JsonObject ?? new JsonObject();
        foreach (var field in new[] { "id", "name", "last_name", "email", "active" })
        {
            if (query[field] is { } value && query.Remove(field)) filter[field.ToUpperInvariant()] = value;
        }

        query["filter"] = filter;
        query.Remove("order"); // user.get's order is a direction ("ASC"), not a field map: users come by ID.
        var owners = world.Read(w => w.Companies.Select(c => c.Owner).ToList());
        return List("user.get", query, lists, () => SandboxWorld.OwnerNames.Concat(owners).Distinct(StringComparer.Ordinal)
            .Select(User).OrderBy(u => long.Parse(Scalar(u["ID"])!, CultureInfo.InvariantCulture)).ToList());
    }

    private Dictionary<string, JsonNode?> User(string owner)
    {
        var space = owner.IndexOf(' ', StringComparison.Ordinal);
        return new Dictionary<string, JsonNode?>
        {
            ["ID"] = Str(OwnerId(owner)),
            ["ACTIVE"] = "Y",
            ["NAME"] = space < 0 ? owner : owner[..space],
            ["LAST_NAME"] = space < 0 ? "" : owner[(space + 1)..],
            ["SECOND_NAME"] = "",
            ["EMAIL"] = OwnerEmail(owner),
            ["WORK_POSITION"] = "Account manager",
            ["UF_DEPARTMENT"] = new JsonArray(JsonValue.Create(1)),
        };
    }

    private static JsonArray Multi(long id, string valueType, string value, string typeId) =>
    [
        new JsonObject { ["ID"] = Str(id), ["VALUE_TYPE"] = valueType, ["VALUE"] = value, ["TYPE_ID"] = typeId },
    ];

    // ---- list / get ------------------------------------------------------------------------------------------

    private (JsonNode Result, int? Total, int? Next) List(string method, JsonObject p, Dictionary<string, List<Dictionary<string, JsonNode?>>>? lists,
        Func<List<Dictionary<string, JsonNode?>>> rows)
    {
        var key = $"{method}|{p["filter"]?.ToJsonString()}|{p["order"]?.ToJsonString()}";
        if (lists is null || !lists.TryGetValue(key, out var filtered))
        {
            filtered = Sort(rows().Where(r => Matches(r, p["filter"] as JsonObject)).ToList(), p["order"] as JsonObject);
            if (lists is not null) lists[key] = filtered;
        }

        var start = (int)(ParseNumber(Scalar(p["start"])) ?? 0);
        var select = Strings(p["select"]);
        var fast = start < 0; // start=-1: no count, total 0, no next (the "fast paging" mode)
        var offset = Math.Max(0, start);
        var page = filtered.Skip(offset).Take(PageSize).Select(r => Project(r, select)).ToArray();
        var next = !fast && offset + PageSize < filtered.Count ? offset + PageSize : (int?)null;
        return (new JsonArray(page), fast ? 0 : filtered.Count, next);
    }

    private static JsonNode Get(JsonObject p, Func<long, Dictionary<string, JsonNode?>?> find)
    {
        var idText = Scalar(p["id"]);
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            throw new Bitrix24SimError(400, "", "ID is not defined or invalid.");
        var row = find(id) ?? throw new Bitrix24SimError(400, "", "Not found");
        // *.get returns every field, multi-fields included.
        return Project(row, [], everything: true);
    }

    /// <summary>select: '*' = standard fields, 'UF_*' = single user fields, multi-fields only by name; empty = '*' + 'UF_*'.</summary>
    private static JsonObject Project(Dictionary<string, JsonNode?> row, IReadOnlyList<string> select, bool everything = false)
    {
        var all = select.Count == 0;
        var set = select.Select(s => s.ToUpperInvariant()).ToHashSet();
        var result = new JsonObject();
        foreach (var (key, value) in row)
        {
            var multi = MultiFields.Contains(key);
            var uf = key.StartsWith("UF_", StringComparison.Ordinal);
            var multipleUf = MultipleUserFields.Contains(key);
            var include = everything || set.Contains(key)
                          || (!multi && !uf && (all || set.Contains("*")))
                          || (uf && !multipleUf && (all || set.Contains("UF_*")));
            if (include) result[key] = value?.DeepClone();
        }

        return result;
    }

    private static readonly string[] Prefixes = ["!@", ">=", "<=", "!=", "=%", "%=", "@", ">", "<", "!", "=", "%"];

    private static bool Matches(Dictionary<string, JsonNode?> row, JsonObject? filter)
    {
        if (filter is null) return true;
        foreach (var (rawKey, node) in filter)
        {
            var prefix = Prefixes.FirstOrDefault(p => rawKey.StartsWith(p, StringComparison.Ordinal)) ?? "";
            var field = rawKey[prefix.Length..].ToUpperInvariant();
            var actual = row.TryGetValue(field, out var v) ? Scalar(v) : null;
            var values = node is JsonArray or JsonObject ? Strings(node) : [Scalar(node) ?? ""];
            var first = values.FirstOrDefault() ?? "";
            var ok = prefix switch
            {
                "@" => values.Any(x => Compare(actual, x) == 0),
                "!@" => values.All(x => Compare(actual, x) != 0),
                ">" => actual is not null && Compare(actual, first) > 0,
                ">=" => actual is not null && Compare(actual, first) >= 0,
                "<" => actual is not null && Compare(actual, first) < 0,
                "<=" => actual is not null && Compare(actual, first) <= 0,
                "!" or "!=" => Compare(actual, first) != 0,
                "%" or "=%" or "%=" => actual is not null && actual.Contains(first.Trim('%'), StringComparison.OrdinalIgnoreCase),
                _ => Compare(actual, first) == 0,
            };
            if (!ok) return false;
        }

        return true;
    }

    private static List<Dictionary<string, JsonNode?>> Sort(List<Dictionary<string, JsonNode?>> rows, JsonObject? order)
    {
        var keys = order?.Select(o => (Field: o.Key.ToUpperInvariant(), Desc: string.Equals(Scalar(o.Value), "DESC", StringComparison.OrdinalIgnoreCase))).ToList()
                   ?? [];
        if (keys.Count == 0) keys.Add(("ID", false));
        var sorted = rows.ToList();
        sorted.Sort((a, b) =>
        {
            foreach (var (field, desc) in keys)
            {
                var c = Compare(a.TryGetValue(field, out var x) ? Scalar(x) : null, b.TryGetValue(field, out var y) ? Scalar(y) : null);
                if (c != 0) return desc ? -c : c;
            }

            return 0;
        });
        return sorted;
    }

    /// <summary>Numbers compare as numbers, dates as instants, the rest as case-insensitive text.</summary>
    private static int Compare(string? a, string? b)
    {
        if (a is null || b is null) return a is null ? (b is null ? 0 : -1) : 1;
        if (ParseNumber(a) is { } x && ParseNumber(b) is { } y) return x.CompareTo(y);
        if (a.Length >= 10 && b.Length >= 10 && DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var da)
            && DateTimeOffset.TryParse(b, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var db))
            return da.CompareTo(db);
        return string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
    }

    // ---- batch -----------------------------------------------------------------------------------------------

    [GeneratedRegex(@"\$result\[([^\]]+)\]((?:\[[^\]]*\])*)")]
    private static partial Regex ResultReference();

    private JsonObject Batch(JsonObject p)
    {
        if (p["cmd"] is not JsonObject cmd || cmd.Count == 0) throw new Bitrix24SimError(400, "", "Parameter 'cmd' is required.");
        if (cmd.Count > MaxBatch) throw new Bitrix24SimError(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded");
        var halt = Scalar(p["halt"]) is "1" or "true" or "Y";
        var results = new JsonObject();
        var errors = new JsonObject();
        var totals = new JsonObject();
        var nexts = new JsonObject();
        var times = new JsonObject();
        var lists = new Dictionary<string, List<Dictionary<string, JsonNode?>>>(StringComparer.Ordinal);
        foreach (var (key, node) in cmd)
        {
            var command = Scalar(node) ?? "";
            var started = clock.GetUtcNow();
            try
            {
                command = ResultReference().Replace(command, m => Uri.EscapeDataString(Resolve(results, m.Groups[1].Value, m.Groups[2].Value)));
                var q = command.IndexOf('?', StringComparison.Ordinal);
                var method = (q < 0 ? command : command[..q]).Trim().ToLowerInvariant();
                if (method == "batch") throw new Bitrix24SimError(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage");
                var parameters = Bitrix24Params.FromQuery(q < 0 ? "" : command[(q + 1)..]);
                var (result, total, next) = Run(method, parameters, lists);
                results[key] = result;
                if (total is not null) totals[key] = total;
                if (next is not null) nexts[key] = next;
                times[key] = Time(started);
            }
            catch (Bitrix24SimError ex)
            {
                errors[key] = new JsonObject { ["error"] = ex.Code, ["error_description"] = ex.Message };
                if (halt) break;
            }
        }

        return new JsonObject
        {
            ["result"] = EmptyAsArray(results),
            ["result_error"] = EmptyAsArray(errors),
            ["result_total"] = EmptyAsArray(totals),
            ["result_next"] = EmptyAsArray(nexts),
            ["result_time"] = EmptyAsArray(times),
        };
    }

    private static string Resolve(JsonObject results, string key, string path)
    {
        JsonNode? node = results[key];
        foreach (Match m in Regex.Matches(path, @"\[([^\]]*)\]"))
        {
            var part = m.Groups[1].Value;
            node = node switch
            {
                JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                JsonObject o => o[part],
                _ => null,
            };
        }

        return Scalar(node) ?? "";
    }

    // PHP's json_encode turns an empty associative array into [] (contracts: batch.error-halt0.json).
    private static JsonNode EmptyAsArray(JsonObject map) => map.Count == 0 ? new JsonArray() : map;

    // ---- helpers ---------------------------------------------------------------------------------------------

    public JsonObject Time(DateTimeOffset started)
    {
        var finished = clock.GetUtcNow();
        var start = started.ToUnixTimeMilliseconds() / 1000.0;
        var finish = Math.Max(start, finished.ToUnixTimeMilliseconds() / 1000.0) + 0.0021;
        return new JsonObject
        {
            ["start"] = start,
            ["finish"] = finish,
            ["duration"] = finish - start,
            ["processing"] = 0.0015,
            ["date_start"] = started.ToOffset(PortalOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["date_finish"] = finished.ToOffset(PortalOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["operating_reset_at"] = finished.ToUnixTimeSeconds() + 600,
            ["operating"] = 0,
        };
    }

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Money(decimal v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    // A "date" field: midnight of that calendar date in the portal zone.
    private static string Date(DateTime d) =>
        new DateTimeOffset(DateTime.SpecifyKind(d.Date, DateTimeKind.Unspecified), PortalOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Timestamp(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(PortalOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    internal static string? Scalar(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    private static List<string> Strings(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(Scalar).Where(s => s is not null).Select(s => s!).ToList(),
        JsonObject o => o.Select(kv => Scalar(kv.Value)).Where(s => s is not null).Select(s => s!).ToList(),
        JsonValue v when Scalar(v) is { } s => [s],
        _ => [],
    };

    private static decimal? ParseNumber(string? s) =>
        decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d : null;
}
