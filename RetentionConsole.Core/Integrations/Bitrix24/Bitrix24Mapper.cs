using System.Globalization;
using System.Text.Json;
using RetentionConsole.Core.Accounts;

namespace RetentionConsole.Core.Integrations.Bitrix24;

/// <summary>An upstream item that cannot be interpreted; it is logged, counted and skipped, never fatal.</summary>
public sealed class Bitrix24MalformedItemException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Bitrix24's own exchange rates (crm.currency.list): <c>AMOUNT / AMOUNT_CNT</c> units of the base currency per unit.
/// </summary>
public sealed class CurrencyRates
{
    private readonly Dictionary<string, decimal> _perUnit;

    public CurrencyRates(IReadOnlyDictionary<string, decimal> perUnitInBase, string? baseCurrency)
    {
        _perUnit = new Dictionary<string, decimal>(perUnitInBase, StringComparer.OrdinalIgnoreCase);
        BaseCurrency = baseCurrency;
    }

    public static CurrencyRates Empty { get; } = new(new Dictionary<string, decimal>(), null);

    public string? BaseCurrency { get; }
    public IReadOnlyDictionary<string, decimal> PerUnitInBase => _perUnit;

    /// <summary>The amount in <paramref name="to"/>, or null when either currency has no rate (never a silent 0).</summary>
    public decimal? Convert(decimal amount, string from, string to)
    {
        if (string.Equals(from, to, StringComparison.OrdinalIgnoreCase)) return amount;
        if (!_perUnit.TryGetValue(from, out var fromRate) || !_perUnit.TryGetValue(to, out var toRate) || toRate == 0) return null;
        return Math.Round(amount * fromRate / toRate, 2, MidpointRounding.AwayFromZero);
    }
}

/// <summary>Maps Bitrix24 wire shapes to domain types, parsing string-typed numbers and dates with the invariant culture.</summary>
internal static class Bitrix24Mapper
{
    public static T Read<T>(JsonElement item, string what) where T : class
    {
        if (item.ValueKind != JsonValueKind.Object) throw new Bitrix24MalformedItemException($"{what}: expected an object, got {item.ValueKind}.");
        try
        {
            return item.Deserialize<T>(Bitrix24Json.Options) ?? throw new Bitrix24MalformedItemException($"{what}: empty item.");
        }
        catch (JsonException ex)
        {
            var id = item.TryGetProperty("ID", out var idElement) ? idElement.ToString() : "?";
            throw new Bitrix24MalformedItemException($"{what} {id}: {ex.Message}", ex);
        }
    }

    public static CurrencyRates ToRates(IEnumerable<B24Currency> currencies)
    {
        var rates = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        string? baseCurrency = null;
        foreach (var c in currencies)
        {
            if (string.IsNullOrWhiteSpace(c.Currency)) continue;
            var code = c.Currency.Trim().ToUpperInvariant();
            var isBase = c.Base == "Y";
            if (isBase) baseCurrency ??= code;
            var amount = ParseDecimal(c.Amount);
            var count = ParseDecimal(c.AmountCnt) ?? 1m;
            if (amount is not > 0 || count <= 0) continue;
            // The official example lists a currency twice (a doc slip): the base entry, else the first one, wins.
            if (isBase || !rates.ContainsKey(code)) rates[code] = isBase ? 1m : amount.Value / count;
        }

        return new CurrencyRates(rates, baseCurrency);
    }

    /// <summary>
    /// A company as an account. ARR and renewal are set here only when they come from company fields; the deal-based
    /// values are computed by <see cref="ArrCalculator"/>.
    /// </summary>
    public static Account ToAccount(B24Company c, Bitrix24Options options, CurrencyRates rates, out string? arrProblem)
    {
        arrProblem = null;
        var id = ParseId(c.Id) ?? throw new Bitrix24MalformedItemException($"company: ID '{c.Id}' is not a positive integer.");
        var account = new Account
        {
            Id = id,
            Name = Truncate(string.IsNullOrWhiteSpace(c.Title) ? $"Company #{id}" : c.Title.Trim(), 300),
            Owner = ParseId(c.AssignedById) is { } owner ? OwnerPlaceholder(owner) : null,
            OwnerId = ParseId(c.AssignedById),
            Domains = Truncate(string.Join(",", Domains(c.Email, c.Web)), 1000),
        };
        if (!string.IsNullOrWhiteSpace(options.TierField))
            account.Tier = FieldText(c.Extra, options.TierField) is { Length: > 0 } tier ? Truncate(tier, 100) : null;
        if (!string.IsNullOrWhiteSpace(options.ServicesField))
            account.Services = Truncate(string.Join(",", FieldList(c.Extra, options.ServicesField)), 1000);
        if (options.ArrSource == ArrSource.CompanyField && options.ArrField is { Length: > 0 } arrField)
        {
            var money = FieldText(c.Extra, arrField);
            if (!string.IsNullOrWhiteSpace(money))
            {
                var (amount, currency) = ParseMoney(money, options.ReportingCurrency)
                    ?? throw new Bitrix24MalformedItemException($"company {id}: {arrField} '{money}' is not an amount.");
                account.Arr = rates.Convert(amount, currency, options.ReportingCurrency);
                if (account.Arr is null) arrProblem = $"company {id}: no crm.currency.list rate to convert {currency} into {options.ReportingCurrency}; ARR left unknown.";
            }
        }

        if (options.RenewalDateField is { Length: > 0 } renewalField)
        {
            var text = FieldText(c.Extra, renewalField);
            if (!string.IsNullOrWhiteSpace(text))
                account.RenewalDateUtc = ParseDate(text) ?? throw new Bitrix24MalformedItemException($"company {id}: {renewalField} '{text}' is not a date.");
        }

        return account;
    }

    /// <summary>What an owner is shown as until (or when) user.get cannot name them.</summary>
    public static string OwnerPlaceholder(long userId) => $"user #{userId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The display name of user <paramref name="userId"/> from a user.get result (a list; a single object is accepted too):
    /// "NAME LAST_NAME", else EMAIL, else the placeholder when the user is not in the result or has neither.
    /// </summary>
    public static string OwnerName(JsonElement result, long userId)
    {
        var items = result.ValueKind switch
        {
            JsonValueKind.Array => result.EnumerateArray().ToList(),
            JsonValueKind.Object => [result],
            _ => [],
        };
        foreach (var item in items)
        {
            B24User user;
            try
            {
                user = Read<B24User>(item, "user");
            }
            catch (Bitrix24MalformedItemException)
            {
                continue;
            }

            if (ParseId(user.Id) != userId) continue;
            var name = string.Join(" ", new[] { user.Name, user.LastName }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()));
            if (name.Length > 0) return Truncate(name, 200);
            if (!string.IsNullOrWhiteSpace(user.Email)) return Truncate(user.Email.Trim(), 200);
        }

        return OwnerPlaceholder(userId);
    }

    /// <summary>A contract deal; <see cref="ContractDeal.AmountReporting"/> stays null when the currency has no rate.</summary>
    public static ContractDeal ToDeal(B24Deal d, CurrencyRates rates, string reportingCurrency)
    {
        var id = ParseId(d.Id) ?? throw new Bitrix24MalformedItemException($"deal: ID '{d.Id}' is not a positive integer.");
        var amount = string.IsNullOrWhiteSpace(d.Opportunity) ? 0m
            : ParseDecimal(d.Opportunity) ?? throw new Bitrix24MalformedItemException($"deal {id}: OPPORTUNITY '{d.Opportunity}' is not a number.");
        var currency = string.IsNullOrWhiteSpace(d.CurrencyId) ? reportingCurrency : d.CurrencyId.Trim().ToUpperInvariant();
        return new ContractDeal
        {
            Id = id,
            AccountId = ParseId(d.CompanyId),
            Title = Truncate(d.Title ?? "", 500),
            CategoryId = string.IsNullOrWhiteSpace(d.CategoryId) ? "0" : d.CategoryId.Trim(),
            StageSemantic = string.IsNullOrWhiteSpace(d.StageSemanticId) ? "P" : d.StageSemanticId.Trim().ToUpperInvariant(),
            Amount = amount,
            Currency = Truncate(currency, 8),
            AmountReporting = rates.Convert(amount, currency, reportingCurrency),
            BeginDateUtc = OptionalDate(d.BeginDate, id, "BEGINDATE"),
            CloseDateUtc = OptionalDate(d.CloseDate, id, "CLOSEDATE"),
            ModifiedUtc = ParseTimestamp(d.DateModify) ?? DateTime.MinValue.ToUniversalTime(),
        };
    }

    public static Contact ToContact(B24Contact c)
    {
        var id = ParseId(c.Id) ?? throw new Bitrix24MalformedItemException($"contact: ID '{c.Id}' is not a positive integer.");
        var name = string.Join(" ", new[] { c.Name, c.SecondName, c.LastName }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()));
        var email = c.Email?.Select(e => e.Value?.Trim()).FirstOrDefault(v => v is not null && v.Contains('@', StringComparison.Ordinal));
        return new Contact
        {
            Id = id,
            AccountId = ParseId(c.CompanyId),
            Name = Truncate(name.Length > 0 ? name : $"Contact #{id}", 300),
            Email = email is null ? null : Truncate(email.ToLowerInvariant(), 320),
        };
    }

    /// <summary>Lower-case domains of the company's e-mail addresses and web sites (www. dropped), in order, distinct.</summary>
    public static IEnumerable<string> Domains(IEnumerable<B24MultiField>? emails, IEnumerable<B24MultiField>? webs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in emails ?? [])
        {
            var value = e.Value?.Trim() ?? "";
            var at = value.LastIndexOf('@');
            if (at < 0 || at == value.Length - 1) continue;
            var domain = value[(at + 1)..].TrimEnd('.', '>').ToLowerInvariant();
            if (IsDomain(domain) && seen.Add(domain)) yield return domain;
        }

        foreach (var w in webs ?? [])
        {
            var value = w.Value?.Trim() ?? "";
            if (value.Length == 0) continue;
            if (!value.Contains("://", StringComparison.Ordinal)) value = "http://" + value;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)) continue;
            var host = uri.IdnHost.ToLowerInvariant();
            if (host.StartsWith("www.", StringComparison.Ordinal)) host = host[4..];
            if (IsDomain(host) && seen.Add(host)) yield return host;
        }
    }

    private static bool IsDomain(string s) => s.Length is > 2 and <= 253 && s.Contains('.', StringComparison.Ordinal) && !s.Contains(' ', StringComparison.Ordinal);

    /// <summary>Bitrix24 money fields read "amount|CURRENCY"; plain numbers are taken in the reporting currency.</summary>
    internal static (decimal Amount, string Currency)? ParseMoney(string text, string defaultCurrency)
    {
        var parts = text.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        decimal? amount = null;
        string? currency = null;
        foreach (var part in parts)
        {
            if (amount is null && ParseDecimal(part) is { } value) amount = value;
            else if (currency is null && part.Length == 3 && part.All(char.IsAsciiLetter)) currency = part.ToUpperInvariant();
        }

        return amount is null ? null : (amount.Value, currency ?? defaultCurrency);
    }

    internal static string? FieldText(Dictionary<string, JsonElement>? extra, string field)
    {
        if (extra is null || !extra.TryGetValue(field, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()?.Trim(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "Y",
            JsonValueKind.False => "N",
            // A multiple field: its first value.
            JsonValueKind.Array => value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())
                .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim(),
            _ => null,
        };
    }

    internal static IEnumerable<string> FieldList(Dictionary<string, JsonElement>? extra, string field)
    {
        if (extra is null || !extra.TryGetValue(field, out var value)) return [];
        var items = value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText()),
            JsonValueKind.String => (value.GetString() ?? "").Split([',', ';'], StringSplitOptions.None),
            JsonValueKind.Number => [value.GetRawText()],
            _ => [],
        };
        return items.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    internal static long? ParseId(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;

    internal static decimal? ParseDecimal(string? text) =>
        decimal.TryParse(text?.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>A date field ("2024-08-30T02:00:00+02:00"): the calendar date as written, as a UTC midnight.</summary>
    internal static DateTime? ParseDate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            return DateTime.SpecifyKind(value.Date, DateTimeKind.Utc);
        // Date fields can also arrive in the portal's display format (dd.MM.yyyy).
        return DateTime.TryParseExact(text.Trim(), ["dd.MM.yyyy", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? DateTime.SpecifyKind(d.Date, DateTimeKind.Utc)
            : null;
    }

    internal static DateTime? ParseTimestamp(string? text) =>
        DateTimeOffset.TryParse(text?.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value.UtcDateTime : null;

    private static DateTime? OptionalDate(string? text, long id, string field) =>
        string.IsNullOrWhiteSpace(text) ? null
            : ParseDate(text) ?? throw new Bitrix24MalformedItemException($"deal {id}: {field} '{text}' is not a date.");

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
