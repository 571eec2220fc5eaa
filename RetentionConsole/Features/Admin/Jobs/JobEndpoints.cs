using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RetentionConsole.Core.Jobs;
using RetentionConsole.Hosting;

namespace RetentionConsole.Features.Admin.Jobs;

public sealed record JobRunAccepted(string Job, string Status);

public static class JobEndpoints
{
    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/jobs").RequireAuthorization(AuthRegistration.AdminPolicy).WithTags("Jobs");
        group.MapPost("/{name}/run", RunAsync).WithName("RunJob").WithSummary("Runs a job now (Admin). 409 when it is already running.");
        return app;
    }

    private static async Task<Results<Accepted<JobRunAccepted>, NotFound<ProblemResponse>, Conflict<ProblemResponse>>> RunAsync(
        string name, JobService jobs, ClaimsPrincipal user, CancellationToken ct)
    {
        return await jobs.RunNowAsync(name, user.Identity?.Name ?? "api", ct) switch
        {
            RunNowResult.Started => TypedResults.Accepted($"/api/v1/jobs/{name}", new JobRunAccepted(name, "started")),
            RunNowResult.AlreadyRunning => TypedResults.Conflict(new ProblemResponse($"Job '{name}' is already running.")),
            _ => TypedResults.NotFound(new ProblemResponse($"No job named '{name}'.")),
        };
    }
}

public sealed record ProblemResponse(string Error);
