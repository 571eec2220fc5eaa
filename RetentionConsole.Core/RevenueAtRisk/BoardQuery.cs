using System.Globalization;
using FluentValidation;

namespace RetentionConsole.Core.RevenueAtRisk;

public enum AccountSort
{
    Rar,
    Weighted,
    Arr,
    Name,
    Tier,
    Owner,
    Renewal,
    Tickets,
    Health,
}

public enum IssueSort
{
    Rar,
    Weighted,
    Accounts,
    Tickets,
    Oldest,
    Key,
    Title,
}

/// <summary>Filters shared by both leaderboards, the CSV export and the API.</summary>
public sealed record BoardFilter
{
    public string? Tier { get; init; }
    public string? Owner { get; init; }

    /// <summary>Renewal within this many days from today (accounts; issues: affecting such an account).</summary>
    public int? RenewalWithinDays { get; init; }
    public string? Category { get; init; }
    public decimal? MinRar { get; init; }
    public string? Search { get; init; }

    /// <summary>Accounts: include those not at risk. Issues: include resolved ones (no open tickets).</summary>
    public bool IncludeAll { get; init; }
}

public sealed record AccountBoardQuery(BoardFilter Filter, AccountSort Sort = AccountSort.Rar, bool Descending = true,
    int Page = 1, int PageSize = BoardQueryInput.DefaultPageSize);

public sealed record IssueBoardQuery(BoardFilter Filter, IssueSort Sort = IssueSort.Rar, bool Descending = true,
    int Page = 1, int PageSize = BoardQueryInput.DefaultPageSize);

/// <summary>
/// The query string of the board, the CSV export and the API, as text: validated by <see cref="BoardQueryInputValidator"/>
/// (the API answers 400 with its messages), parsed leniently by the board (a bad value falls back to the default).
/// </summary>
public sealed record BoardQueryInput
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;
    public const int MaxRenewalDays = 3650;

    public string? Tier { get; init; }
    public string? Owner { get; init; }
    public string? Renewal { get; init; }
    public string? Category { get; init; }
    public string? MinRar { get; init; }
    public string? Q { get; init; }
    public string? All { get; init; }
    public string? Sort { get; init; }
    public string? Dir { get; init; }
    public string? Page { get; init; }
    public string? PageSize { get; init; }

    public BoardFilter ToFilter() => new()
    {
        Tier = Blank(Tier),
        Owner = Blank(Owner),
        RenewalWithinDays = ParseInt(Renewal) is { } d and >= 1 and <= MaxRenewalDays ? d : null,
        Category = Blank(Category),
        MinRar = ParseDecimal(MinRar) is { } m and >= 0 ? m : null,
        Search = Blank(Q)?.Trim(),
        IncludeAll = ParseBool(All) ?? false,
    };

    public AccountBoardQuery ToAccountQuery() => new(ToFilter(),
        ParseEnum<AccountSort>(Sort) ?? AccountSort.Rar, Descending(), PageNumber(), Size());

    public IssueBoardQuery ToIssueQuery() => new(ToFilter(),
        ParseEnum<IssueSort>(Sort) ?? IssueSort.Rar, Descending(), PageNumber(), Size());

    private bool Descending() => !string.Equals(Dir, "asc", StringComparison.OrdinalIgnoreCase);
    private int PageNumber() => ParseInt(Page) is { } p and >= 1 ? p : 1;
    private int Size() => ParseInt(PageSize) is { } s and >= 1 and <= MaxPageSize ? s : DefaultPageSize;

    internal static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v;

    internal static int? ParseInt(string? v) =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

    internal static decimal? ParseDecimal(string? v) =>
        decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : null;

    internal static bool? ParseBool(string? v) => v?.ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    internal static T? ParseEnum<T>(string? v) where T : struct, Enum =>
        !string.IsNullOrWhiteSpace(v) && !v.Contains(',', StringComparison.Ordinal) && !int.TryParse(v, out _)
        && Enum.TryParse<T>(v, ignoreCase: true, out var e) && Enum.IsDefined(e) ? e : null;

    public static string SortName<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}

/// <summary>Clear messages for a bad board/API query; <typeparamref name="TSort"/> names the allowed sort keys.</summary>
public sealed class BoardQueryInputValidator<TSort> : AbstractValidator<BoardQueryInput> where TSort : struct, Enum
{
    public BoardQueryInputValidator()
    {
        var sorts = string.Join(", ", Enum.GetValues<TSort>().Select(BoardQueryInput.SortName));
        RuleFor(x => x.Renewal)
            .Must(v => BoardQueryInput.ParseInt(v) is >= 1 and <= BoardQueryInput.MaxRenewalDays)
            .When(x => x.Renewal is not null)
            .WithName("renewal").WithMessage($"renewal must be a whole number of days from 1 to {BoardQueryInput.MaxRenewalDays}.");
        RuleFor(x => x.MinRar)
            .Must(v => BoardQueryInput.ParseDecimal(v) is >= 0)
            .When(x => x.MinRar is not null)
            .WithName("minRar").WithMessage("minRar must be a number of 0 or more (reporting currency, e.g. 100000).");
        RuleFor(x => x.All)
            .Must(v => BoardQueryInput.ParseBool(v) is not null)
            .When(x => x.All is not null)
            .WithName("all").WithMessage("all must be true or false.");
        RuleFor(x => x.Sort)
            .Must(v => BoardQueryInput.ParseEnum<TSort>(v) is not null)
            .When(x => x.Sort is not null)
            .WithName("sort").WithMessage($"sort must be one of: {sorts}.");
        RuleFor(x => x.Dir)
            .Must(v => v is "asc" or "desc")
            .When(x => x.Dir is not null)
            .WithName("dir").WithMessage("dir must be asc or desc.");
        RuleFor(x => x.Page)
            .Must(v => BoardQueryInput.ParseInt(v) is >= 1)
            .When(x => x.Page is not null)
            .WithName("page").WithMessage("page must be a whole number of 1 or more.");
        RuleFor(x => x.PageSize)
            .Must(v => BoardQueryInput.ParseInt(v) is >= 1 and <= BoardQueryInput.MaxPageSize)
            .When(x => x.PageSize is not null)
            .WithName("pageSize").WithMessage($"pageSize must be a whole number from 1 to {BoardQueryInput.MaxPageSize}.");
        RuleFor(x => x.Q).MaximumLength(200).WithName("q").WithMessage("q (search) must be at most 200 characters.");
        RuleFor(x => x.Tier).MaximumLength(100).WithName("tier").WithMessage("tier must be at most 100 characters.");
        RuleFor(x => x.Owner).MaximumLength(200).WithName("owner").WithMessage("owner must be at most 200 characters.");
        RuleFor(x => x.Category).MaximumLength(64).WithName("category").WithMessage("category must be at most 64 characters.");
    }
}
