namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>One verse of datasets/parallel/bible/verses.tsv in its three translations (a column is empty where a translation has no text).</summary>
public sealed record Verse(string Book, int Chapter, int Number, string Kjv, string Web, string Rv1909)
{
    /// <summary>"Book chapter:verse", unique in the file.</summary>
    public string Id => $"{Book} {Chapter}:{Number}";
}

/// <summary>The aligned Bible translations and their split (datasets/README.md): test = Jonah, Esth, Phil, Titus, 1Pet; dev = Joel, Col; train = the rest.</summary>
public static class Bible
{
    public static readonly string[] TestBooks = ["Jonah", "Esth", "Phil", "Titus", "1Pet"];

    public static readonly string[] DevBooks = ["Joel", "Col"];

    public static List<Verse> Read()
    {
        string path = Path.Combine(FindRepoRoot(), "datasets", "parallel", "bible", "verses.tsv");
        return [.. File.ReadLines(path).Skip(1).Select(line => line.Split('\t')).Select(p => new Verse(p[0], int.Parse(p[1]), int.Parse(p[2]), p[3], p[4], p[5]))];
    }

    public static List<Verse> Split(IEnumerable<Verse> verses, string split) => split switch
    {
        "test" => [.. verses.Where(v => TestBooks.Contains(v.Book))],
        "dev" => [.. verses.Where(v => DevBooks.Contains(v.Book))],
        "train" => [.. verses.Where(v => !TestBooks.Contains(v.Book) && !DevBooks.Contains(v.Book))],
        _ => throw new ArgumentException($"Unknown split '{split}'; use test, dev or train.", nameof(split)),
    };

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "MlNetAttention.sln")))
                return d.FullName;
        }
        throw new DirectoryNotFoundException($"No folder above '{AppContext.BaseDirectory}' contains MlNetAttention.sln.");
    }
}
