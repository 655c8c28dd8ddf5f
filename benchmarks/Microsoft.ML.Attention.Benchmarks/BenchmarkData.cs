namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>Finds the repository's datasets/ folder (the benchmarks run from the repository).</summary>
internal static class BenchmarkData
{
    public static string FindDatasets()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "datasets");
            if (File.Exists(Path.Combine(dir.FullName, "MlNetAttention.sln")) && Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("Run the benchmarks from a clone of the repository: its datasets/ folder was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The text of tiny shakespeare (nanoGPT's shakespeare_char corpus).</summary>
    public static string TinyShakespeare(string datasets) => File.ReadAllText(Path.Combine(datasets, "lm", "tinyshakespeare", "input.txt"));
}
