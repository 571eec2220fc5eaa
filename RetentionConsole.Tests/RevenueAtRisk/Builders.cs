using RetentionConsole.Core.Accounts;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Tests.RevenueAtRisk;

/// <summary>Fluent builder for accounts: <c>new AccountBuilder().WithArr(120_000m).Build()</c>.</summary>
public sealed class AccountBuilder
{
    private static long _nextId = 10_000;
    private readonly Account _account;

    public AccountBuilder(long? id = null)
    {
        var accountId = id ?? Interlocked.Increment(ref _nextId);
        _account = new Account { Id = accountId, Name = $"Account {accountId}", Tier = "Enterprise", Owner = "Dana Whitfield", Arr = 100_000m };
    }

    public AccountBuilder Named(string name) { _account.Name = name; return this; }
    public AccountBuilder WithArr(decimal? arr) { _account.Arr = arr; return this; }
    public AccountBuilder WithUnknownArr() { _account.Arr = null; return this; }
    public AccountBuilder WithTier(string? tier) { _account.Tier = tier; return this; }
    public AccountBuilder WithOwner(string? owner) { _account.Owner = owner; return this; }
    public AccountBuilder RenewingOn(DateTime? utc) { _account.RenewalDateUtc = utc; return this; }
    public AccountBuilder WithHealth(int? score) { _account.HealthScore = score; return this; }
    public Account Build() => _account;
}

/// <summary>Fluent builder for Zendesk tickets as the connector stores them (IsOpen/IsFriction/IssueKey already classified).</summary>
public sealed class TicketBuilder
{
    private static long _nextId = 500_000;
    private readonly SupportTicket _ticket;
    private bool _issueKeySet;

    public TicketBuilder(long? id = null)
    {
        var ticketId = id ?? Interlocked.Increment(ref _nextId);
        _ticket = new SupportTicket
        {
            Id = ticketId, Subject = $"Ticket {ticketId}", Status = "open", IsOpen = true, IsFriction = true,
            Category = "integration_failure", Tags = "integration_failure",
            CreatedUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), UpdatedUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        };
    }

    public long Id => _ticket.Id;
    public TicketBuilder ForAccount(long? accountId) { _ticket.AccountId = accountId; return this; }
    public TicketBuilder ForAccount(Account account) => ForAccount(account.Id);
    public TicketBuilder WithSubject(string subject) { _ticket.Subject = subject; return this; }
    public TicketBuilder WithCategory(string? category) { _ticket.Category = category; return this; }
    public TicketBuilder InIssue(string key) { _ticket.IssueKey = key; _issueKeySet = true; return this; }
    public TicketBuilder WithJiraKey(string key) { _ticket.JiraKey = key; return InIssue(key); }
    public TicketBuilder IncidentOf(long problemId) { _ticket.Type = "incident"; _ticket.ProblemId = problemId; return InIssue($"ZD-{problemId}"); }
    public TicketBuilder AsProblem() { _ticket.Type = "problem"; return InIssue($"ZD-{_ticket.Id}"); }
    public TicketBuilder NotFriction() { _ticket.IsFriction = false; _ticket.Category = null; _ticket.Tags = ""; return this; }
    public TicketBuilder CreatedAt(DateTime utc) { _ticket.CreatedUtc = utc; _ticket.UpdatedUtc = utc; return this; }

    public TicketBuilder Solved()
    {
        _ticket.Status = "solved";
        _ticket.IsOpen = false;
        _ticket.SolvedUtc = _ticket.UpdatedUtc;
        return this;
    }

    public SupportTicket Build()
    {
        // As the classifier does on ingest: a friction ticket with no Jira key or problem stands alone.
        if (!_issueKeySet && _ticket.IsFriction) _ticket.IssueKey = $"ZD-{_ticket.Id}";
        return _ticket;
    }
}
