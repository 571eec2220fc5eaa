using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using RetentionConsole.Core.Integrations.Zendesk;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Integrations.Zendesk;

public sealed class ZendeskOptionsTests
{
    [Fact]
    public void Startup_WithBaseUrlButNoCredentials_FailsWithMessagesNamingTheKeys()
    {
        using var app = new RetentionAppFactory()
            .With("Connectors:Zendesk:BaseUrl", "https://acme.zendesk.com")
            .With("Connectors:Zendesk:PollInterval", "00:00:00");

        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(ex is OptionsValidationException ? ex : ex.InnerException ?? ex);
        Assert.Contains(validation.Failures, f => f.Contains("Connectors:Zendesk:Email is required", StringComparison.Ordinal));
        Assert.Contains(validation.Failures, f => f.Contains("Connectors:Zendesk:ApiToken is required", StringComparison.Ordinal));
        Assert.Contains(validation.Failures, f => f.Contains("Connectors:Zendesk:PollInterval must be positive", StringComparison.Ordinal));
    }

    private sealed class FixedAddress : Core.Integrations.ISandboxAddress
    {
        public Uri BaseUri { get; } = new("http://127.0.0.1:5099/");
    }

    private static ZendeskConnection Connection(string? baseUrl, bool sandbox) => new(
        Options.Create(new ZendeskOptions { BaseUrl = baseUrl, Email = "agent@acme.com", ApiToken = "tok" }),
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Sandbox:Enabled"] = sandbox ? "true" : "false" }).Build(),
        new FixedAddress());

    [Fact]
    public void Connection_PrefersBaseUrl_ThenSandbox_ElseOff()
    {
        var real = Connection("https://acme.zendesk.com/", sandbox: true);
        Assert.Equal(new Uri("https://acme.zendesk.com"), real.BaseUri);
        Assert.False(real.UsesSandbox);
        Assert.Equal("agent@acme.com", real.Email);

        var sandbox = Connection(null, sandbox: true);
        Assert.Equal("http://127.0.0.1:5099/sandbox/zendesk", sandbox.BaseUri!.ToString());
        Assert.True(sandbox.IsConfigured);

        var off = Connection(null, sandbox: false);
        Assert.False(off.IsConfigured);
        Assert.Null(off.BaseUri);
        Assert.StartsWith("Zendesk not configured", off.Description);
    }

    [Fact]
    public void Validator_AndAuthHeader_FollowTheContract()
    {
        var validator = new ZendeskOptionsValidator();
        Assert.True(validator.Validate(null, new ZendeskOptions()).Succeeded);
        Assert.True(validator.Validate(null, new ZendeskOptions { BaseUrl = "https://acme.zendesk.com", Email = "a@b.c", ApiToken = "t" }).Succeeded);
        Assert.False(validator.Validate(null, new ZendeskOptions { BaseUrl = "acme.zendesk.com", Email = "a@b.c", ApiToken = "t" }).Succeeded);
        Assert.False(validator.Validate(null, new ZendeskOptions { JiraKeyFieldId = 0 }).Succeeded);
        Assert.True(validator.Validate(null, new ZendeskOptions { ExportRequestsPerMinute = 30 }).Succeeded);
        foreach (var rate in new[] { 0, -5, 1001 })
        {
            var result = validator.Validate(null, new ZendeskOptions { ExportRequestsPerMinute = rate });
            Assert.False(result.Succeeded);
            Assert.Contains(result.Failures!, f => f.StartsWith("Connectors:Zendesk:ExportRequestsPerMinute must be between 1 and 1000", StringComparison.Ordinal));
        }

        Assert.Equal("Basic", ZendeskAuthHandler.Header("agent@acme.com", "tok").Scheme);
        Assert.Equal("agent@acme.com/token:tok", System.Text.Encoding.UTF8.GetString(
            Convert.FromBase64String(ZendeskAuthHandler.Header("agent@acme.com", "tok").Parameter!)));
    }
}
