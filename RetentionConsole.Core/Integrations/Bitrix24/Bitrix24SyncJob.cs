using Quartz;

namespace RetentionConsole.Core.Integrations.Bitrix24;

/// <summary>Polls Bitrix24 (the backstop behind the webhook) every Connectors:Bitrix24:PollInterval.</summary>
[DisallowConcurrentExecution]
public sealed class Bitrix24SyncJob(Bitrix24Sync sync, Bitrix24Target target) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!target.IsConfigured)
        {
            context.Result = Bitrix24Target.NotConfiguredMessage;
            return;
        }

        var result = await sync.RunAsync(cancellationToken);
        context.Result = result.Summary;
    }
}
