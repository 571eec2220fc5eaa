using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using RetentionConsole.Core.Persistence;
using RetentionConsole.Core.RevenueAtRisk;

namespace RetentionConsole.Hosting;

/// <summary>Deterministic bench data (same seed, same rows) and the ticket changes the incremental measurement applies.</summary>
internal static class BenchData
{
    private static readonly string[] Tiers = ["Enterprise", "Mid-Market", "SMB"];
    private static readonly string[] Owners = ["Dana Whitfield", "Marco Ruiz", "Priya Nair", "Tom Becker", "Aiko Tanaka"];
    private static readonly (string Tag, string Subject)[] Frictions =
    [
        ("integration_failure", "Salesforce sync stopped importing contacts"),
        ("latency", "Dashboards take a minute to load"),
        ("outage", "API returns 503 for every request"),
        ("data_loss", "Yesterday's imports are missing"),
        ("bug", "Export button produces an empty file"),
    ];

    public sealed record Seeded(int OpenFriction);

    /// <summary>
    /// Inserts accounts and tickets with prepared statements in one transaction each (SQLite only). About 15 % of the
    /// tickets are open, 60 % are friction; friction tickets group by a Jira key (20 %), a problem ticket (20 %) or stand alone.
    /// </summary>
    public static async Task<Seeded> SeedDirectlyAsync(IDbContextFactory<RetentionDbContext> factory, BenchCommand.BenchOptions o, DateTime today)
    {
        var random = new Random(o.Seed);
        await using var db = await factory.CreateDbContextAsync();
        if (db is not SqliteRetentionDbContext) throw new InvalidOperationException("The bench runs on SQLite only.");
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();

        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using var insert = Command(connection, tx,
                "INSERT INTO Accounts (Id, Name, Tier, Owner, Arr, RenewalDateUtc, Services, Domains, Status, HealthScore, RevenueAtRisk, WeightedRevenueAtRisk, OpenFrictionTickets, IsAtRisk, SyncedUtc) " +
                "VALUES ($id, $name, $tier, $owner, $arr, $renewal, '', '', 'Active', NULL, 0, 0, 0, 0, $synced)",
                "$id", "$name", "$tier", "$owner", "$arr", "$renewal", "$synced");
            for (var id = 1; id <= o.Accounts; id++)
            {
                object arr = random.Next(10) == 0 ? DBNull.Value : (double)Math.Round((decimal)(5_000 * Math.Pow(100, random.NextDouble())), 0);
                object renewal = random.Next(10) == 0 ? DBNull.Value : today.AddDays(random.Next(-10, 400));
                await ExecuteAsync(insert, id, $"Company {id:D6}", Tiers[random.Next(Tiers.Length)], Owners[random.Next(Owners.Length)],
                    arr, renewal, today);
            }

            await tx.CommitAsync();
        }

        var openFriction = 0;
        var problems = Math.Max(1, o.Accounts / 20);
        var jiraKeys = Math.Max(1, o.Accounts / 10);
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using var insert = Command(connection, tx,
                "INSERT INTO Tickets (Id, Subject, Status, Priority, Type, ProblemId, Tags, OrganizationId, AccountId, CreatedUtc, UpdatedUtc, SolvedUtc, IsOpen, IsFriction, Category, JiraKey, IssueKey, SyncedUtc) " +
                "VALUES ($id, $subject, $status, 'normal', $type, $problem, $tags, NULL, $account, $created, $created, $solved, $open, $friction, $category, $jira, $issue, $created)",
                "$id", "$subject", "$status", "$type", "$problem", "$tags", "$account", "$created", "$solved", "$open", "$friction", "$category", "$jira", "$issue");
            for (long id = 1; id <= o.Tickets; id++)
            {
                var open = random.Next(100) < 15;
                var friction = random.Next(100) < 60;
                var created = today.AddMinutes(-random.Next(1, 365 * 24 * 60));
                object account = random.Next(20) == 0 ? DBNull.Value : random.Next(1, o.Accounts + 1);
                var (tag, subject) = Frictions[random.Next(Frictions.Length)];
                object type = DBNull.Value, problem = DBNull.Value, jira = DBNull.Value, issue = DBNull.Value;
                if (id <= problems)
                {
                    // The first tickets are the problem tickets incidents point at.
                    type = "problem";
                    friction = true;
                    issue = $"ZD-{id}";
                }
                else if (friction)
                {
                    var grouping = random.Next(10);
                    if (grouping < 2)
                    {
                        var key = $"ENG-{random.Next(1, jiraKeys + 1)}";
                        jira = key;
                        issue = key;
                    }
                    else if (grouping < 4)
                    {
                        var p = random.Next(1, problems + 1);
                        type = "incident";
                        problem = p;
                        issue = $"ZD-{p}";
                    }
                    else
                    {
                        issue = $"ZD-{id}";
                    }
                }

                if (open && friction && account is not DBNull) openFriction++;
                await ExecuteAsync(insert, id, friction ? subject : "How do I change my password?", open ? "open" : "solved", type, problem,
                    friction ? tag : "question", account, created, open ? DBNull.Value : created.AddHours(6), open, friction,
                    friction ? tag : DBNull.Value, jira, issue);
            }

            await tx.CommitAsync();
        }

        return new Seeded(openFriction);
    }

    /// <summary>Solves or reopens <paramref name="count"/> random tickets (a fifth also move to another Jira key), as a sync would.</summary>
    public static async Task<RiskChanges> ChangeTicketsAsync(IDbContextFactory<RetentionDbContext> factory, Random random, BenchCommand.BenchOptions o, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => (long)random.Next(1, Math.Max(2, o.Tickets + 1))).Distinct().ToList();
        var changes = new RiskChanges();
        await using var db = await factory.CreateDbContextAsync();
        var tickets = await db.Tickets.Where(t => ids.Contains(t.Id)).ToListAsync();
        foreach (var t in tickets)
        {
            changes.Account(t.AccountId);
            changes.Issue(t.IssueKey);
            t.IsOpen = !t.IsOpen;
            t.Status = t.IsOpen ? "open" : "solved";
            if (t.IsFriction && random.Next(5) == 0)
            {
                t.JiraKey = t.IssueKey = $"ENG-{random.Next(1, Math.Max(2, o.Accounts / 10))}";
                changes.Issue(t.IssueKey);
            }
        }

        await db.SaveChangesAsync();
        return changes;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction tx, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            command.Parameters.Add(p);
        }

        command.Prepare();
        return command;
    }

    private static Task<int> ExecuteAsync(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return command.ExecuteNonQueryAsync();
    }
}
