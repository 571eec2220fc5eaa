using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace RetentionConsole.Tests.TestInfrastructure;

/// <summary>
/// A bUnit context with MudBlazor's services set up as MudBlazor's own tests do: JS interop loose, no popover
/// provider required, snackbar transitions off.
/// </summary>
public class MudTestContext : BunitContext
{
    public MudTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.PopoverOptions.CheckForPopoverProvider = false;
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
        });
    }

    /// <summary>
    /// For components that read RendererInfo: render as on an interactive Blazor Server circuit. Call after the
    /// test's services are registered (the renderer resolves the service provider).
    /// </summary>
    public void UseInteractiveServerRenderer() =>
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
}
