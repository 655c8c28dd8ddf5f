namespace Microsoft.ML.Attention.Tests;

/// <summary>Locates the repository's datasets/ folder, so tests read the copies committed with the code.</summary>
public static class TestData
{
    /// <summary>The folder that holds MlNetAttention.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>A path under datasets/, e.g. <c>Path("vocab", "bert-base-uncased", "vocab.txt")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([RepoRoot, "datasets", .. parts]);

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "MlNetAttention.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above '{AppContext.BaseDirectory}' contains MlNetAttention.sln.");
    }
}
