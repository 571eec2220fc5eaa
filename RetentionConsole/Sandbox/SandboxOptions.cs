using System.ComponentModel.DataAnnotations;

namespace RetentionConsole.Sandbox;

public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>Serves simulated Zendesk, Bitrix24, Jira, Prometheus and Customer.io under /sandbox inside the host.</summary>
    public bool Enabled { get; set; }

    /// <summary>Accounts (Bitrix24 companies) in the seeded data set.</summary>
    [Range(1, 100_000)]
    public int Accounts { get; set; } = 60;

    /// <summary>Tickets per account on average in the seeded data set.</summary>
    [Range(0, 1_000)]
    public double TicketsPerAccount { get; set; } = 6;

    /// <summary>Seed of the deterministic generator: the same seed gives the same world.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>How often the world changes on its own (tickets arrive and get solved, incidents, renewals). 0 = frozen.</summary>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromSeconds(20);
}
