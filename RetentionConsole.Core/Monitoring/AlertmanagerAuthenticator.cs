using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace RetentionConsole.Core.Monitoring;

/// <summary>
/// Checks the Authorization header of an Alertmanager delivery against the configured bearer token or basic
/// credentials. Comparisons are constant-time over SHA-256 digests, so neither content nor length leaks by timing.
/// </summary>
public sealed class AlertmanagerAuthenticator(IOptionsMonitor<AlertmanagerOptions> options)
{
    public bool IsConfigured => options.CurrentValue.IsConfigured;

    public bool IsAuthorized(string? authorizationHeader)
    {
        var o = options.CurrentValue;
        if (!o.IsConfigured || string.IsNullOrWhiteSpace(authorizationHeader)) return false;
        var header = authorizationHeader.Trim();
        if (o.HasBearer && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return SameSecret(header["Bearer ".Length..].Trim(), o.BearerToken!);
        if (o.HasBasic && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                return false;
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) return false;
            // Both halves are always compared (no short-circuit) so timing says nothing about which one was wrong.
            var userOk = SameSecret(decoded[..colon], o.Username!);
            var passwordOk = SameSecret(decoded[(colon + 1)..], o.Password!);
            return userOk & passwordOk;
        }

        return false;
    }

    private static bool SameSecret(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
