namespace Microsoft.ML.Attention.Samples;

/// <summary>Finds the repository's datasets/ folder (the samples run from the repository).</summary>
internal static class SampleData
{
    public static string FindDatasets()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "datasets");
            if (File.Exists(Path.Combine(dir.FullName, "MlNetAttention.sln")) && Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("Run the samples from a clone of the repository: its datasets/ folder was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Non-empty, non-heading lines of a WikiText-2 split.</summary>
    public static IEnumerable<string> WikiTextLines(string datasets, string split) =>
        File.ReadLines(Path.Combine(datasets, "lm", "wikitext2", split + ".txt"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('='));
}
