namespace RetentionConsole.Sandbox;

// The simulated upstream state shared by every simulator: Bitrix24 companies/contacts/deals, Zendesk
// organizations/tickets, and service incidents for Prometheus. Deterministic for a seed; mutated only under the lock.

public sealed record SimCompany(long Id, string Title, string Tier, string Owner, string WebDomain, string EmailDomain,
    string[] Services, DateTime CreatedUtc)
{
    public DateTime ModifiedUtc { get; set; } = CreatedUtc;
}

public sealed record SimContact(long Id, long CompanyId, string Name, string LastName, string Email, DateTime ModifiedUtc);

public sealed class SimDeal
{
    public long Id { get; init; }
    public long CompanyId { get; init; }
    public string Title { get; init; } = "";
    public string CategoryId { get; init; } = "1";

    /// <summary>"P" in progress, "S" won, "F" lost.</summary>
    public string StageSemantic { get; set; } = "S";
    public string StageId { get; set; } = "C1:WON";
    public decimal Amount { get; set; }
    public string Currency { get; init; } = "USD";
    public DateTime BeginDate { get; init; }
    public DateTime CloseDate { get; init; }
    public DateTime ModifiedUtc { get; set; }
}

public sealed class SimOrganization
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string? ExternalId { get; init; }
    public string[] DomainNames { get; init; } = [];
    public DateTime CreatedUtc { get; init; }
    public DateTime UpdatedUtc { get; set; }
}

public sealed class SimTicket
{
    public long Id { get; init; }
    public string Subject { get; init; } = "";
    public string Description { get; init; } = "";
    public string Status { get; set; } = "new";
    public string? Priority { get; init; }
    public string? Type { get; init; }
    public long? ProblemId { get; init; }
    public string[] Tags { get; init; } = [];
    public long? OrganizationId { get; init; }
    public string? JiraKey { get; set; }
    public DateTime CreatedUtc { get; init; }
    public DateTime UpdatedUtc { get; set; }
    public DateTime? SolvedUtc { get; set; }
    public int? FirstReplyMinutes { get; set; }

    /// <summary>Bumped on every change (Zendesk's generated_timestamp); the incremental export orders by it.</summary>
    public long Sequence { get; set; }
}

public sealed record SimIncident(string Service, DateTime StartedUtc, double LatencyMs)
{
    public DateTime? EndedUtc { get; set; }
}

public sealed class SandboxWorld
{
    public static readonly string[] AllServices = ["core-api", "integrations", "reporting", "data-sync", "webhooks"];
    public static readonly string[] Tiers = ["Enterprise", "Mid-Market", "SMB"];
    private static readonly string[] Owners = ["Dana Whitfield", "Marco Ruiz", "Priya Nair", "Tom Becker", "Aiko Tanaka"];

    /// <summary>The account owners companies are assigned to (the Bitrix24 simulator gives each a stable user id).</summary>
    public static IReadOnlyList<string> OwnerNames => Owners;
    private static readonly string[] NameA = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Pied", "Soylent",
        "Tyrell", "Cyberdyne", "Wonka", "Gringotts", "Oscorp", "Monarch", "Aperture", "Massive", "Nakatomi", "Duff"];
    private static readonly string[] NameB = ["Logistics", "Health", "Retail", "Energy", "Labs", "Foods", "Media", "Finance", "Motors", "Travel",
        "Systems", "Analytics", "Freight", "Insurance", "Pharma"];
    private static readonly string[] First = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn"];
    private static readonly string[] Last = ["Smith", "Garcia", "Chen", "Müller", "Okafor", "Kowalski", "Silva", "Novak", "Haddad", "Ito"];
    private static readonly (string Subject, string Tag, string? Type)[] Frictions =
    [
        ("Salesforce sync stopped importing contacts", "integration_failure", null),
        ("Webhook deliveries failing with 502", "integration_failure", null),
        ("Dashboard takes 30 seconds to load", "latency", null),
        ("API responses slow since this morning", "latency", null),
        ("App unreachable for our whole team", "outage", null),
        ("Records missing after yesterday's import", "data_loss", null),
        ("Export produces corrupted CSV", "bug", null),
        ("Report totals do not match", "bug", null),
    ];
    private static readonly string[] Questions = ["How do I add a user?", "Invoice copy request", "Change our billing address", "Training session request"];

    private readonly object _gate = new();
    private readonly Random _random;
    private long _nextTicketId = 1000;
    private long _nextDealId = 1;
    private long _sequence;

    public SandboxWorld(SandboxOptions options, DateTime nowUtc)
    {
        _random = new Random(options.Seed);
        Generate(options, nowUtc);
    }

    public object Gate => _gate;
    public List<SimCompany> Companies { get; } = [];
    public List<SimContact> Contacts { get; } = [];
    public List<SimDeal> Deals { get; } = [];
    public List<SimOrganization> Organizations { get; } = [];
    public List<SimTicket> Tickets { get; } = [];
    public List<SimIncident> Incidents { get; } = [];

    /// <summary>Runs <paramref name="read"/> under the world's lock (simulators read consistent snapshots).</summary>
    public T Read<T>(Func<SandboxWorld, T> read)
    {
        lock (_gate) return read(this);
    }

    public void Write(Action<SandboxWorld> write)
    {
        lock (_gate) write(this);
    }

    public long NextSequence() => ++_sequence;

    private void Generate(SandboxOptions options, DateTime now)
    {
        var today = now.Date;
        for (var i = 1; i <= options.Accounts; i++)
        {
            var name = $"{Pick(NameA)} {Pick(NameB)}" + (i > NameA.Length * NameB.Length / 4 ? $" {i}" : "");
            var slug = new string(name.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());
            var tier = i % 10 == 0 ? "Enterprise" : i % 3 == 0 ? "Mid-Market" : _random.Next(4) == 0 ? "Enterprise" : "SMB";
            var services = AllServices.Where((_, n) => n == 0 || _random.Next(2) == 0).ToArray();
            var company = new SimCompany(i, name, tier, Pick(Owners), $"{slug}.example", $"{slug}.example", services,
                now.AddDays(-_random.Next(200, 900)));
            Companies.Add(company);

            for (var c = 0; c < 1 + _random.Next(3); c++)
            {
                var first = Pick(First);
                var last = Pick(Last);
                Contacts.Add(new SimContact(i * 10 + c, i, first, last,
                    $"{first.ToLowerInvariant()}.{NormalizeAscii(last)}@{company.EmailDomain}", company.CreatedUtc));
            }

            // One current contract deal: ARR $10k–$600k by tier, term of one year covering today.
            var arr = tier switch
            {
                "Enterprise" => _random.Next(150, 601),
                "Mid-Market" => _random.Next(40, 200),
                _ => _random.Next(10, 60),
            } * 1000m;
            var begin = today.AddDays(-_random.Next(1, 365));
            var currency = i % 7 == 0 ? "EUR" : "USD";
            Deals.Add(new SimDeal
            {
                Id = _nextDealId++, CompanyId = i, Title = $"{name} subscription", StageSemantic = "S", StageId = "C1:WON",
                Amount = currency == "EUR" ? Math.Round(arr / 1.08m, 0) : arr, Currency = currency,
                BeginDate = begin, CloseDate = begin.AddYears(1).AddDays(-1), ModifiedUtc = company.CreatedUtc,
            });

            // Zendesk organization: most join by external_id, some by domain only, every 25th matches nothing.
            Organizations.Add(new SimOrganization
            {
                Id = 360_000_000 + i,
                Name = name,
                ExternalId = i % 25 == 0 ? null : i % 6 == 0 ? null : i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                DomainNames = i % 25 == 0 ? [$"{slug}-legacy.example"] : [company.WebDomain],
                CreatedUtc = company.CreatedUtc,
                UpdatedUtc = company.CreatedUtc,
            });
        }

        // A few problem tickets shared by several accounts (one defect, many customers).
        var problems = new List<SimTicket>();
        for (var p = 0; p < Math.Max(1, options.Accounts / 15); p++)
        {
            var (subject, tag, _) = Frictions[_random.Next(Frictions.Length)];
            var problem = NewTicket(Organizations[_random.Next(Organizations.Count)].Id, $"[Problem] {subject}", tag, "problem", null,
                now.AddDays(-_random.Next(2, 20)), p % 2 == 0 ? $"ENG-{100 + p}" : null);
            problems.Add(problem);
        }

        var total = (int)(options.Accounts * options.TicketsPerAccount);
        for (var t = 0; t < total; t++)
        {
            var org = Organizations[_random.Next(Organizations.Count)];
            var created = now.AddMinutes(-_random.Next(10, 60 * 24 * 60));
            var roll = _random.NextDouble();
            SimTicket ticket;
            if (roll < 0.15 && problems.Count > 0)
            {
                var problem = problems[_random.Next(problems.Count)];
                ticket = NewTicket(org.Id, problem.Subject.Replace("[Problem] ", ""), problem.Tags[0], "incident", problem.Id, created, null);
            }
            else if (roll < 0.55)
            {
                var (subject, tag, type) = Frictions[_random.Next(Frictions.Length)];
                ticket = NewTicket(org.Id, subject, tag, type, null, created, null);
            }
            else
            {
                ticket = NewTicket(org.Id, Pick(Questions), "how_to", "question", null, created, null);
            }

            // Older tickets are mostly solved.
            if (created < now.AddDays(-7) && _random.NextDouble() < 0.8) Solve(ticket, created.AddHours(_random.Next(1, 96)));
        }

        Incidents.Add(new SimIncident("integrations", now.AddMinutes(-30), 450));
    }

    public SimTicket NewTicket(long? organizationId, string subject, string tag, string? type, long? problemId, DateTime created, string? jiraKey)
    {
        var ticket = new SimTicket
        {
            Id = _nextTicketId++,
            Subject = subject,
            Description = $"Customer reports: {subject}.",
            Status = _random.Next(3) switch { 0 => "new", 1 => "open", _ => "pending" },
            Priority = _random.Next(4) switch { 0 => "urgent", 1 => "high", 2 => "normal", _ => "low" },
            Type = type,
            ProblemId = problemId,
            Tags = [tag],
            OrganizationId = organizationId,
            JiraKey = jiraKey,
            CreatedUtc = created,
            UpdatedUtc = created,
            FirstReplyMinutes = _random.Next(3) == 0 ? null : _random.Next(5, 600),
            Sequence = NextSequence(),
        };
        Tickets.Add(ticket);
        return ticket;
    }

    public void Solve(SimTicket ticket, DateTime at)
    {
        ticket.Status = "solved";
        ticket.SolvedUtc = at;
        ticket.UpdatedUtc = at;
        ticket.Sequence = NextSequence();
    }

    /// <summary>One step of the living world: a ticket arrives, one gets solved, incidents and deals move.</summary>
    public void Tick(DateTime now)
    {
        lock (_gate)
        {
            var org = Organizations[_random.Next(Organizations.Count)];
            var (subject, tag, type) = Frictions[_random.Next(Frictions.Length)];
            NewTicket(org.Id, subject, tag, type, null, now, null);

            var open = Tickets.Where(t => t.Status is "new" or "open" or "pending" or "hold").ToList();
            if (open.Count > 0 && _random.NextDouble() < 0.6) Solve(open[_random.Next(open.Count)], now);

            var active = Incidents.Where(i => i.EndedUtc is null).ToList();
            if (active.Count > 0 && _random.NextDouble() < 0.3) active[_random.Next(active.Count)].EndedUtc = now;
            else if (active.Count == 0 && _random.NextDouble() < 0.3)
                Incidents.Add(new SimIncident(Pick(AllServices), now, 300 + _random.Next(400)));

            // Now and then a contract renews (won) or is lost at its end date.
            if (_random.NextDouble() < 0.1)
            {
                var company = Companies[_random.Next(Companies.Count)];
                var current = Deals.Where(d => d.CompanyId == company.Id && d.StageSemantic == "S").MaxBy(d => d.CloseDate);
                if (current is not null)
                {
                    var lost = _random.NextDouble() < 0.3;
                    Deals.Add(new SimDeal
                    {
                        Id = _nextDealId++, CompanyId = company.Id, Title = $"{company.Title} renewal",
                        StageSemantic = lost ? "F" : "S", StageId = lost ? "C1:LOSE" : "C1:WON",
                        Amount = lost ? current.Amount : Math.Round(current.Amount * (decimal)(0.8 + _random.NextDouble() * 0.4), 0),
                        Currency = current.Currency, BeginDate = current.CloseDate.AddDays(1), CloseDate = current.CloseDate.AddYears(1),
                        ModifiedUtc = now,
                    });
                }
            }
        }
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    private static string NormalizeAscii(string s) =>
        new(s.ToLowerInvariant().Replace("ü", "ue").Where(char.IsAsciiLetterOrDigit).ToArray());
}
