using RetentionConsole.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddRetentionConsole();

var app = builder.Build();
app.UseRetentionConsole();
await app.InitializeRetentionAsync();
await app.RunAsync();

/// <summary>Entry point; public so WebApplicationFactory&lt;Program&gt; can host it in tests.</summary>
public partial class Program;
