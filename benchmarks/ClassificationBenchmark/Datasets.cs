namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>Reads the benchmark's data from the repository's datasets/ folder.</summary>
public static class Datasets
{
    /// <summary>The repository root: the first folder above the working directory or the binaries that holds MlNetAttention.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>UCI yelp_labelled.txt: sentence TAB 0/1.</summary>
    public static List<SentimentRow> Yelp() => ReadTsv(Path.Combine(Root, "datasets", "classification", "uci-sentiment", "yelp_labelled.txt"), skipHeader: false);

    /// <summary>SST-2 (GLUE): "train" (phrases) or "test" (the 872 labelled GLUE dev sentences).</summary>
    public static List<SentimentRow> Sst2(string split) => ReadTsv(Path.Combine(Root, "datasets", "classification", "sst2", split + ".tsv"), skipHeader: true);

    /// <summary>Non-empty, non-heading lines of WikiText-2 (valid and test splits).</summary>
    public static IEnumerable<string> WikiText() =>
        new[] { "valid", "test" }.SelectMany(split => File.ReadLines(Path.Combine(Root, "datasets", "lm", "wikitext2", split + ".txt")))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('='));

    /// <summary>The WordPiece vocabulary used by the transformer runs.</summary>
    public static string BertVocabulary => Path.Combine(Root, "datasets", "vocab", "bert-base-uncased", "vocab.txt");

    private static List<SentimentRow> ReadTsv(string path, bool skipHeader) =>
        File.ReadLines(path)
            .Skip(skipHeader ? 1 : 0)
            .Select(l => l.Split('\t'))
            .Where(p => p.Length == 2)
            .Select(p => new SentimentRow { Text = p[0].Trim(), Label = p[1].Trim() == "1" })
            .ToList();

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "MlNetAttention.sln")))
                    return d.FullName;
            }
        }
        throw new DirectoryNotFoundException("No folder above the working directory or the binaries holds MlNetAttention.sln.");
    }
}
