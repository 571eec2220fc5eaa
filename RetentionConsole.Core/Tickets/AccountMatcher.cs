using System.Globalization;

namespace RetentionConsole.Core.Tickets;

public enum OrganizationMatch
{
    None,
    ExternalId,
    Domain,
}

/// <summary>
/// Joins Zendesk organizations to accounts (DESIGN.md): organization.external_id equals the Bitrix24 company id,
/// else one of its domain_names equals an account's e-mail/web domain. A domain shared by several accounts matches
/// none of them (a wrong join is worse than a visible unmatched organization).
/// </summary>
public sealed class AccountMatcher
{
    private readonly HashSet<long> _accountIds = [];
    private readonly Dictionary<string, long?> _byDomain = new(StringComparer.Ordinal);

    /// <param name="accounts">Every account's id and its comma-separated domains.</param>
    public AccountMatcher(IEnumerable<(long Id, string Domains)> accounts)
    {
        foreach (var (id, domains) in accounts)
        {
            _accountIds.Add(id);
            foreach (var domain in SplitDomains(domains))
            {
                // Ambiguous domains are remembered as null so they never match.
                _byDomain[domain] = _byDomain.TryGetValue(domain, out var existing) && existing != id ? null : id;
            }
        }
    }

    public (long? AccountId, OrganizationMatch By) Match(string? externalId, IEnumerable<string> domains)
    {
        if (!string.IsNullOrWhiteSpace(externalId)
            && long.TryParse(externalId.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && _accountIds.Contains(id))
        {
            return (id, OrganizationMatch.ExternalId);
        }

        foreach (var domain in domains.Select(NormaliseDomain))
        {
            if (domain.Length > 0 && _byDomain.TryGetValue(domain, out var account) && account is not null)
                return (account, OrganizationMatch.Domain);
        }

        return (null, OrganizationMatch.None);
    }

    public static IEnumerable<string> SplitDomains(string? domains) =>
        (domains ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(NormaliseDomain).Where(d => d.Length > 0);

    public static string NormaliseDomain(string domain)
    {
        var d = domain.Trim().TrimEnd('.').ToLowerInvariant();
        var at = d.LastIndexOf('@');
        if (at >= 0) d = d[(at + 1)..];
        return d.StartsWith("www.", StringComparison.Ordinal) ? d[4..] : d;
    }
}
