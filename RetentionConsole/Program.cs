using RetentionConsole.Hosting;

var builder = WebApplication.CreateBuilder(args);
var bench = BenchCommand.IsRequested(args);
if (bench && !BenchCommand.Configure(builder, args)) return 2;
builder.AddRetentionConsole();
if (bench) BenchCommand.AddProbes(builder.Services);

var app = builder.Build();
app.UseRetentionConsole();
await app.InitializeRetentionAsync();
if (bench) return await BenchCommand.RunAsync(app);
await app.RunAsync();
return 0;

/// <summary>Entry point; public so WebApplicationFactory&lt;Program&gt; can host it in tests.</summary>
public partial class Program;
