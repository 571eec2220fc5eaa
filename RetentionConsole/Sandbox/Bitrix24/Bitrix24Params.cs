using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RetentionConsole.Sandbox.Bitrix24;

/// <summary>
/// REST parameters as Bitrix24 (PHP) reads them: a JSON body, or query/form pairs with bracket keys
/// (<c>filter[&gt;ID]=5&amp;select[]=ID&amp;order[ID]=ASC</c>). Top-level names are matched case-insensitively, since the
/// official examples use both FILTER and filter.
/// </summary>
public static partial class Bitrix24Params
{
    [GeneratedRegex(@"\[([^\]]*)\]")]
    private static partial Regex Bracket();

    public static JsonObject FromQuery(string query)
    {
        var pairs = new List<(string, string)>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            pairs.Add((key, value));
        }

        return FromPairs(pairs);
    }

    public static JsonObject FromPairs(IEnumerable<(string Key, string Value)> pairs)
    {
        var root = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            var open = key.IndexOf('[', StringComparison.Ordinal);
            var name = (open < 0 ? key : key[..open]).ToLowerInvariant();
            var path = open < 0 ? [] : Bracket().Matches(key[open..]).Select(m => m.Groups[1].Value).ToList();
            if (path.Count == 0)
            {
                root[name] = value;
                continue;
            }

            JsonNode container = root[name] ??= path[0].Length == 0 ? new JsonArray() : new JsonObject();
            for (var i = 0; i < path.Count; i++)
            {
                var last = i == path.Count - 1;
                var segment = path[i];
                JsonNode? child = last ? JsonValue.Create(value) : path[i + 1].Length == 0 ? new JsonArray() : new JsonObject();
                switch (container)
                {
                    case JsonArray array:
                        array.Add(child);
                        break;
                    case JsonObject obj when last:
                        obj[segment] = child;
                        break;
                    case JsonObject obj:
                        child = obj[segment] ??= child;
                        break;
                }

                if (!last) container = child!;
            }
        }

        return root;
    }

    public static JsonObject FromJson(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return [];
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            throw new Bitrix24SimError(400, "INVALID_REQUEST", "Request body is not valid JSON.");
        }

        if (node is not JsonObject obj) throw new Bitrix24SimError(400, "INVALID_REQUEST", "Request body must be a JSON object.");
        var normalised = new JsonObject();
        foreach (var (key, value) in obj.ToList())
        {
            obj.Remove(key);
            normalised[key.ToLowerInvariant()] = value;
        }

        return normalised;
    }

    /// <summary>Merges <paramref name="extra"/> into <paramref name="target"/> (query parameters alongside a body).</summary>
    public static JsonObject Merge(JsonObject target, JsonObject extra)
    {
        foreach (var (key, value) in extra.ToList())
        {
            extra.Remove(key);
            target[key] ??= value;
        }

        return target;
    }
}
