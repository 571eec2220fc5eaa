namespace RetentionConsole.Tests.TestInfrastructure;

/// <summary>Waits for a condition that another thread (a job, a circuit) makes true. The limit only stops a hung test.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, string what, int maxSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(maxSeconds);
        while (true)
        {
            var value = await probe();
            if (value is not null && (value is not bool b || b)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for: {what}");
            await Task.Delay(50);
        }
    }
}
