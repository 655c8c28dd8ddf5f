namespace Microsoft.ML.Attention.Samples;

/// <summary>The repository's shipped data (datasets/, see datasets/README.md): the samples run from a clone of the repository.</summary>
public static class SampleData
{
    private static readonly Lazy<string> Folder = new(FindDatasets);

    /// <summary>The datasets/ folder beside MlNetAttention.sln, above the working directory or the binaries.</summary>
    public static string Datasets => Folder.Value;

    /// <summary>A file under datasets/, e.g. <c>Path("lm", "tinyshakespeare", "input.txt")</c>.</summary>
    public static string PathOf(params string[] parts) => System.IO.Path.Combine([Datasets, .. parts]);

    /// <summary>UCI yelp reviews (Kotzias et al. 2015): 1,000 sentences, half positive; label 1 = positive.</summary>
    public static IEnumerable<(string Text, bool Positive)> YelpReviews() =>
        File.ReadLines(PathOf("classification", "uci-sentiment", "yelp_labelled.txt"))
            .Select(line => line.Split('\t'))
            .Where(parts => parts.Length == 2)
            .Select(parts => (parts[0], parts[1].Trim() == "1"));

    private static string FindDatasets()
    {
        var starts = new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory };
        foreach (string start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = System.IO.Path.Combine(dir.FullName, "datasets");
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "MlNetAttention.sln")) && Directory.Exists(candidate))
                    return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            $"Run the samples from a clone of the repository: no datasets/ folder beside MlNetAttention.sln above {starts[0]} or {starts[1]}.");
    }
}
