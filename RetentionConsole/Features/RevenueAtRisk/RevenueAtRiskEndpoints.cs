using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Features.RevenueAtRisk;

public sealed record AccountResponse(long Id, string Name, string? Tier, string? Owner, string Status, decimal? Arr, bool ArrKnown,
    DateTime? RenewalDateUtc, int? DaysToRenewal, decimal RevenueAtRisk, decimal WeightedRevenueAtRisk, bool IsAtRisk,
    int OpenFrictionTickets, int? HealthScore, string Currency, IReadOnlyList<ContactResponse> Contacts,
    IReadOnlyList<TicketRow> OpenTickets, IReadOnlyList<IssueBoardRow> EngineeringIssues, IReadOnlyList<TrendPoint> Trend);

public sealed record ContactResponse(long Id, string Name, string? Email);

public sealed record IssueResponse(string Key, string Title, string? JiraKey, string? Category, decimal RevenueAtRisk,
    decimal WeightedRevenueAtRisk, int AffectedAccountCount, int AffectedAccountsUnknownArr, int OpenTickets,
    DateTime? OldestOpenTicketUtc, int? OldestOpenTicketAgeDays, IReadOnlyList<AffectedAccountRow> AffectedAccounts);

public sealed record RiskPage<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize, int PageCount, string Currency);

/// <summary>The read-only revenue-at-risk API (/api/v1) and the CSV downloads of the board's filtered views.</summary>
public static class RevenueAtRiskEndpoints
{
    private static readonly BoardQueryInputValidator<AccountSort> AccountQueryValidator = new();
    private static readonly BoardQueryInputValidator<IssueSort> IssueQueryValidator = new();

    public static IEndpointRouteBuilder MapRevenueAtRiskEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization().WithTags("Revenue at risk");
        api.MapGet("/summary", SummaryAsync).WithName("GetRiskSummary")
            .WithSummary("Portfolio revenue at risk, accounts at risk, renewals at risk in 90 days, open friction tickets, data freshness.");
        api.MapGet("/accounts", AccountsAsync).WithName("ListAccounts")
            .WithSummary("Accounts leaderboard: filters tier, owner, renewal (days), category, minRar, q, all; sort, dir, page, pageSize.");
        api.MapGet("/accounts/{id:long}", AccountAsync).WithName("GetAccount")
            .WithSummary("One account: ARR (null = unknown), renewal, revenue at risk, contacts, open tickets, engineering issues, trend.");
        api.MapGet("/engineering-issues", IssuesAsync).WithName("ListEngineeringIssues")
            .WithSummary("Engineering-issues leaderboard with the affected accounts of each issue; same filters as /accounts.");

        var export = app.MapGroup("/export").RequireAuthorization().ExcludeFromDescription();
        export.MapGet("/accounts.csv", ExportAccounts).WithName("ExportAccountsCsv");
        export.MapGet("/engineering-issues.csv", ExportIssues).WithName("ExportIssuesCsv");
        return app;
    }

    private static async Task<Ok<RiskSummary>> SummaryAsync(RiskBoardQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.SummaryAsync(ct));

    private static async Task<Results<Ok<RiskPage<AccountBoardRow>>, ValidationProblem>> AccountsAsync(
        [AsParameters] BoardQueryInput input, RiskBoardQueries queries, CancellationToken ct)
    {
        if (Invalid(AccountQueryValidator, input) is { } problem) return problem;
        var page = await queries.AccountsAsync(input.ToAccountQuery(), ct);
        return TypedResults.Ok(new RiskPage<AccountBoardRow>(page.Items, page.Total, page.Page, page.PageSize, page.PageCount, queries.Currency));
    }

    private static async Task<Results<Ok<AccountResponse>, NotFound>> AccountAsync(long id, RiskBoardQueries queries, CancellationToken ct)
    {
        var detail = await queries.AccountAsync(id, ct);
        if (detail is null) return TypedResults.NotFound();
        var a = detail.Account;
        return TypedResults.Ok(new AccountResponse(a.Id, a.Name, a.Tier, a.Owner, a.Status.ToString(), a.Arr, a.Arr is not null,
            a.RenewalDateUtc, detail.DaysToRenewal, a.RevenueAtRisk, a.WeightedRevenueAtRisk, a.IsAtRisk, a.OpenFrictionTickets,
            a.HealthScore, queries.Currency, detail.Contacts.Select(c => new ContactResponse(c.Id, c.Name, c.Email)).ToList(),
            detail.OpenTickets, detail.Issues, detail.Trend));
    }

    private static async Task<Results<Ok<RiskPage<IssueResponse>>, ValidationProblem>> IssuesAsync(
        [AsParameters] BoardQueryInput input, RiskBoardQueries queries, CancellationToken ct)
    {
        if (Invalid(IssueQueryValidator, input) is { } problem) return problem;
        var page = await queries.IssuesAsync(input.ToIssueQuery(), ct);
        var affected = await queries.AffectedAccountsAsync(page.Items.Select(i => i.Key).ToList(), ct);
        var items = page.Items.Select(i => new IssueResponse(i.Key, i.Title, i.JiraKey, i.Category, i.RevenueAtRisk,
            i.WeightedRevenueAtRisk, i.AffectedAccounts, i.AffectedAccountsUnknownArr, i.OpenTickets, i.OldestOpenTicketUtc,
            i.OldestOpenTicketAgeDays, affected[i.Key].ToList())).ToList();
        return TypedResults.Ok(new RiskPage<IssueResponse>(items, page.Total, page.Page, page.PageSize, page.PageCount, queries.Currency));
    }

    private static Results<PushStreamHttpResult, ValidationProblem> ExportAccounts(
        [AsParameters] BoardQueryInput input, RiskBoardQueries queries, TimeProvider clock)
    {
        if (Invalid(AccountQueryValidator, input) is { } problem) return problem;
        var query = input.ToAccountQuery();
        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, Csv.Encoding, bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
            await writer.WriteLineAsync(Csv.AccountsHeader);
            await foreach (var row in queries.AllAccountsAsync(query)) await writer.WriteLineAsync(Csv.AccountLine(row));
        }, "text/csv; charset=utf-8", FileName("accounts-at-risk", clock));
    }

    private static Results<PushStreamHttpResult, ValidationProblem> ExportIssues(
        [AsParameters] BoardQueryInput input, RiskBoardQueries queries, TimeProvider clock)
    {
        if (Invalid(IssueQueryValidator, input) is { } problem) return problem;
        var query = input.ToIssueQuery();
        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, Csv.Encoding, bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
            await writer.WriteLineAsync(Csv.IssuesHeader);
            await foreach (var row in queries.AllIssuesAsync(query)) await writer.WriteLineAsync(Csv.IssueLine(row));
        }, "text/csv; charset=utf-8", FileName("engineering-issues", clock));
    }

    private static string FileName(string what, TimeProvider clock) =>
        $"{what}-{clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv";

    private static ValidationProblem? Invalid(IValidator<BoardQueryInput> validator, BoardQueryInput input)
    {
        var result = validator.Validate(input);
        return result.IsValid
            ? null
            : TypedResults.ValidationProblem(
                result.Errors.GroupBy(e => e.PropertyName, StringComparer.OrdinalIgnoreCase)
                    .ToDictionary(g => char.ToLowerInvariant(g.Key[0]) + g.Key[1..], g => g.Select(e => e.ErrorMessage).ToArray()),
                detail: string.Join(" ", result.Errors.Select(e => e.ErrorMessage)),
                title: "The query is not valid.");
    }
}
