using Quartz;

namespace RetentionConsole.Core.Integrations.Zendesk;

/// <summary>Polls Zendesk (the backstop behind webhooks). Off — and saying so — when Zendesk is not configured.</summary>
[DisallowConcurrentExecution]
public sealed class ZendeskSyncJob(ZendeskSync sync) : IJob
{
    public const string Name = ConnectorNames.ZendeskSyncJob;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var result = await sync.SyncAsync(cancellationToken);
        context.Result = result.Message;
    }
}
