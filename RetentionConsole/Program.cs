using RetentionConsole.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (BenchCommand.IsRequested(args)) BenchCommand.UseScratchDatabase(builder);
builder.AddRetentionConsole();

var app = builder.Build();
app.UseRetentionConsole();
await app.InitializeRetentionAsync();
if (BenchCommand.IsRequested(args)) return await BenchCommand.RunAsync(app, args);
await app.RunAsync();
return 0;

/// <summary>Entry point; public so WebApplicationFactory&lt;Program&gt; can host it in tests.</summary>
public partial class Program;
