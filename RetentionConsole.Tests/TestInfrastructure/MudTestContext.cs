using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace RetentionConsole.Tests.TestInfrastructure;

/// <summary>
/// A bUnit context for MudBlazor components, set up as MudBlazor's own tests do: loose JS interop (MudBlazor calls
/// JS we do not need), no popover-provider check, instant snackbar transitions.
/// </summary>
public class MudTestContext : BunitContext
{
    public MudTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
            o.PopoverOptions.CheckForPopoverProvider = false;
        });
    }
}
