using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Tests.Tickets;

public sealed class AccountMatcherTests
{
    private static readonly AccountMatcher Matcher = new([
        (101, "acme.example,acme-mail.example"),
        (102, "www.globex.example"),
        (103, "shared.example"),
        (104, "shared.example"),
    ]);

    [Fact]
    public void ExternalId_EqualToACompanyId_Matches() =>
        Assert.Equal((101L, OrganizationMatch.ExternalId), Matcher.Match("101", ["unrelated.example"]));

    [Fact]
    public void ExternalId_ThatIsNoCompany_FallsBackToDomain() =>
        Assert.Equal((102L, OrganizationMatch.Domain), Matcher.Match("ABC198", ["Globex.example"]));

    [Fact]
    public void Domain_MatchesAnyOfTheAccountsDomains_CaseAndWwwInsensitive()
    {
        Assert.Equal((101L, OrganizationMatch.Domain), Matcher.Match(null, ["ACME-MAIL.example"]));
        Assert.Equal((102L, OrganizationMatch.Domain), Matcher.Match(null, ["www.globex.example."]));
    }

    [Fact]
    public void Domain_SharedByTwoAccounts_MatchesNeither() =>
        Assert.Equal((null, OrganizationMatch.None), Matcher.Match(null, ["shared.example"]));

    [Fact]
    public void Nothing_Matches_Unmatched() =>
        Assert.Equal((null, OrganizationMatch.None), Matcher.Match("999", ["nobody.example"]));
}
