using Microsoft.Extensions.Options;
using RetentionConsole.Core.Tickets;

namespace RetentionConsole.Tests.Tickets;

public sealed class TicketClassifierTests
{
    private static TicketClassifier Classifier(TicketOptions? options = null)
    {
        options ??= new TicketOptions();
        new TicketOptionsDefaults().PostConfigure(null, options);
        return new TicketClassifier(Options.Create(options));
    }

    private static TicketSnapshot Ticket(long id = 10, string status = "open", string? type = null, long? problemId = null,
        string? jiraKey = null, params string[] tags) => new()
    {
        Id = id, Status = status, Type = type, ProblemId = problemId, JiraKey = jiraKey, Tags = tags,
        CreatedUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), UpdatedUtc = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc),
    };

    [Theory]
    [InlineData("new", true)]
    [InlineData("open", true)]
    [InlineData("pending", true)]
    [InlineData("hold", true)]
    [InlineData("solved", false)]
    [InlineData("closed", false)]
    [InlineData("deleted", false)]
    public void Classify_OpenStatuses(string status, bool open) =>
        Assert.Equal(open, Classifier().Classify(Ticket(status: status, tags: "bug")).IsOpen);

    [Theory]
    [InlineData("integration_failure", "IntegrationFailure")]
    [InlineData("latency", "Latency")]
    [InlineData("outage", "Outage")]
    [InlineData("data_loss", "DataLoss")]
    [InlineData("bug", "CodeDefect")]
    public void Classify_DefaultFrictionTags_MapToCategories(string tag, string category)
    {
        var c = Classifier().Classify(Ticket(tags: ["enterprise", tag]));
        Assert.True(c.IsFriction);
        Assert.Equal(category, c.Category);
        Assert.Equal("ZD-10", c.IssueKey); // stands alone
    }

    [Fact]
    public void Classify_QuestionWithoutFrictionTags_IsNotFriction_AndBelongsToNoIssue()
    {
        var c = Classifier().Classify(Ticket(type: "question", tags: "how_to"));
        Assert.False(c.IsFriction);
        Assert.Null(c.Category);
        Assert.Null(c.IssueKey);
    }

    [Theory]
    [InlineData("problem")]
    [InlineData("incident")]
    public void Classify_ProblemAndIncidentTypes_AreFriction_WithTheDefaultCategory(string type)
    {
        var c = Classifier().Classify(Ticket(type: type));
        Assert.True(c.IsFriction);
        Assert.Equal("Other", c.Category);
    }

    [Fact]
    public void GroupingKey_JiraKeyWins_ThenProblem_ThenTheTicketItself()
    {
        var classifier = Classifier();
        Assert.Equal("ENG-123", classifier.Classify(Ticket(type: "incident", problemId: 7, jiraKey: "ENG-123")).IssueKey);
        Assert.Equal("ZD-7", classifier.Classify(Ticket(type: "incident", problemId: 7)).IssueKey);
        Assert.Equal("ZD-7", classifier.Classify(Ticket(id: 7, type: "problem")).IssueKey);
        Assert.Equal("ENG-9", classifier.Classify(Ticket(type: "incident", problemId: 7), problemJiraKey: "ENG-9").IssueKey);
        Assert.Equal("ZD-10", classifier.Classify(Ticket(tags: "latency")).IssueKey);
        Assert.Equal("OPS-1", classifier.Classify(Ticket(type: "question", jiraKey: "OPS-1")).IssueKey);
    }

    [Fact]
    public void Configuration_ReplacesFrictionTags_AndRemapsCategories()
    {
        var options = new TicketOptions { FrictionTags = ["Sync_Broken", "latency"] };
        options.Categories["sync_broken"] = "IntegrationFailure";
        options.Categories["latency"] = "Performance";
        var classifier = Classifier(options);

        Assert.Equal("IntegrationFailure", classifier.Classify(Ticket(tags: "sync_broken")).Category);
        Assert.Equal("Performance", classifier.Classify(Ticket(tags: "latency")).Category);
        Assert.False(classifier.Classify(Ticket(tags: "bug")).IsFriction); // no longer configured
        // First configured tag present decides.
        Assert.Equal("IntegrationFailure", classifier.Classify(Ticket(tags: ["latency", "sync_broken"])).Category);
    }
}
