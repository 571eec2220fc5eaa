using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;

namespace RetentionConsole.Core.RevenueAtRisk;

public static class RevenueAtRiskRegistration
{
    public static IServiceCollection AddRevenueAtRisk(this IServiceCollection services)
    {
        services.AddOptions<RevenueAtRiskOptions>().BindConfiguration(RevenueAtRiskOptions.Section)
            .Configure<IConfiguration>((o, configuration) =>
                o.ReportingCurrency = (configuration[RevenueAtRiskOptions.ReportingCurrencyKey] is { Length: > 0 } c ? c : "USD").Trim().ToUpperInvariant())
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RevenueAtRiskOptions>, RevenueAtRiskOptionsValidator>();
        services.AddSingleton<RevenueAtRiskEngine>();
        services.AddSingleton<IRiskRecalculator>(sp => sp.GetRequiredService<RevenueAtRiskEngine>());
        services.AddSingleton<RiskBoardQueries>();
        return services;
    }
}

/// <summary>The scheduled full recompute: renewal weights move with the calendar, and it corrects any drift.</summary>
[DisallowConcurrentExecution]
public sealed class RevenueAtRiskRecalculationJob(RevenueAtRiskEngine engine) : IJob
{
    public const string Name = "revenue-at-risk-recalculation";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var result = await engine.RecalculateAllAsync(cancellationToken);
        context.Result = result.ToString();
    }
}
