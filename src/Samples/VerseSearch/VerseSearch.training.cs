using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Samples;

namespace VerseSearch;

/// <summary>
/// Training: all-MiniLM-L6-v2 (English only: zero-shot it finds the right Spanish verse for 11 % of English ones) fine-tuned on
/// King James ↔ Reina-Valera 1909 verse pairs of the training books with in-batch negatives (TransformerTask.SentenceEmbedding), so
/// that a verse and its translation get nearby embeddings. The test books (Jonah, Esther, Philippians, Titus, 1 Peter) are never
/// trained on: they are what the app searches.
/// </summary>
public static partial class VerseSearchModel
{
    /// <summary>The books searched, never trained on (the split of datasets/README.md; Joel and Colossians are the dev books, also left out).</summary>
    public static readonly string[] TestBooks = ["Jonah", "Esth", "Phil", "Titus", "1Pet"];

    private static readonly string[] DevBooks = ["Joel", "Col"];

    /// <summary>One verse: "Book chapter:verse", its King James text and its Reina-Valera 1909 text.</summary>
    public sealed record Verse(string Reference, string English, string Spanish);

    /// <summary>Training pairs: a seeded random slice of the training books' verses (32 in quick mode, 2,400 otherwise).</summary>
    public static List<ModelInput> LoadTrainingPairs(bool quick)
    {
        var verses = ReadVerses().Where(v => !TestBooks.Contains(Book(v)) && !DevBooks.Contains(Book(v))).ToArray();
        new Random(1).Shuffle(verses);
        return [.. verses.Take(quick ? 32 : 2_400).Select(v => new ModelInput { English = v.English, Spanish = v.Spanish })];
    }

    /// <summary>The verses to search: Titus (46 verses) in quick mode, else the five test books (469).</summary>
    public static List<Verse> LoadSearchVerses(bool quick) =>
        [.. ReadVerses().Where(v => quick ? Book(v) == "Titus" : TestBooks.Contains(Book(v)))];

    /// <summary>
    /// Fine-tunes the encoder on <paramref name="pairs"/>: English anchors, Spanish positives, the other rows of a batch as negatives
    /// (symmetric: Spanish → English too). One pass over the pairs, 16 a step (8 in quick mode); verses are cut to 64 tokens.
    /// </summary>
    public static TransformerTextTransformer BuildPipeline(MLContext mlContext, IReadOnlyList<ModelInput> pairs, bool quick)
    {
        var options = new TransformerTextOptions
        {
            Task = TransformerTask.SentenceEmbedding,
            InitialModel = MiniLmFiles.ModelPath,                     // the pretrained weights and vocabulary
            TextColumnName = nameof(ModelInput.English),               // the anchors, and the column the saved model embeds
            OutputColumnName = "Embedding",
            SentenceEmbedding = { PositiveColumnName = nameof(ModelInput.Spanish), Symmetric = true },
            MaxSequenceLength = 64,
            BatchSize = quick ? 8 : 16,
            Epochs = 1,
            LearningRate = 1e-4,
            TrainingPrecision = TrainingPrecision.Automatic,          // bf16 matrix products where the CPU has them
            Seed = 1,
        };
        return mlContext.Transforms.AttentionEncoder(options).Fit(mlContext.Data.LoadFromEnumerable(pairs));
    }

    /// <summary>Saves the fine-tuned encoder to <paramref name="path"/>.</summary>
    public static void SaveModel(MLContext mlContext, ITransformer model, string path) =>
        mlContext.Model.Save(model, mlContext.Data.LoadFromEnumerable(Array.Empty<ModelInput>()).Schema, path);

    private static string Book(Verse verse) => verse.Reference[..verse.Reference.IndexOf(' ')];

    // datasets/parallel/bible/verses.tsv: Book, Chapter, Verse, KJV, WEB, RV1909 (a column is empty where a translation has no text).
    private static IEnumerable<Verse> ReadVerses() =>
        File.ReadLines(SampleData.PathOf("parallel", "bible", "verses.tsv")).Skip(1)
            .Select(line => line.Split('\t'))
            .Where(p => p[3].Length > 0 && p[5].Length > 0)
            .Select(p => new Verse($"{p[0]} {p[1]}:{p[2]}", p[3], p[5]));
}
