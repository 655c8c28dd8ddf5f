namespace Microsoft.ML.Attention.Tests;

/// <summary>Finds files under the repository's datasets/ folder (tests never read anything outside the repository).</summary>
public static class TestData
{
    private static readonly Lazy<string> _root = new(FindRoot);

    /// <summary>The folder that holds MlNetAttention.sln.</summary>
    public static string RepoRoot => _root.Value;

    /// <summary>A path under datasets/.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([RepoRoot, "datasets", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MlNetAttention.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("No folder holding MlNetAttention.sln above " + AppContext.BaseDirectory);
    }
}
