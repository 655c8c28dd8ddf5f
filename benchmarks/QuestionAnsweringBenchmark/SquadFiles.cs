namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>The SQuAD v1.1 files of the repository's datasets/qa/squad-v1.1 folder (see datasets/README.md).</summary>
public static class SquadFiles
{
    private static readonly string Folder = Path.Combine(RepositoryRoot(), "datasets", "qa", "squad-v1.1");

    /// <summary>The training file: 11,877 questions of 44 SQuAD v1.1 train articles (Du et al. 2017 split).</summary>
    public static string Train => Path.Combine(Folder, "train-subset-du2017.json");

    /// <summary>The complete SQuAD v1.1 dev set: 10,570 questions, 1 to 6 gold answers each.</summary>
    public static string Dev => Path.Combine(Folder, "dev-v1.1.json");

    // The folder of MlNetAttention.sln above the working directory (dotnet run from the repository) or the binaries.
    private static string RepositoryRoot()
    {
        var candidates = new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory }
            .SelectMany(start => Ancestors(new DirectoryInfo(start)));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "MlNetAttention.sln")))
            ?? throw new DirectoryNotFoundException("No folder above the working directory or the binaries holds MlNetAttention.sln.");
    }

    private static IEnumerable<string> Ancestors(DirectoryInfo? directory)
    {
        for (; directory is not null; directory = directory.Parent)
            yield return directory.FullName;
    }
}
