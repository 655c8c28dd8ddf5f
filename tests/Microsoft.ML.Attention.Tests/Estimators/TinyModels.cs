using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;

using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Estimators;

/// <summary>Tiny, fast, deterministic options and a few real rows for estimator tests.</summary>
internal static class TinyModels
{
    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public sealed class LabeledRow
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }

    public static TransformerTextOptions MaskedLm(int epochs = 1) => new()
    {
        Task = TransformerTask.MaskedLanguageModeling,
        Tokenizer = TokenizerKind.Character,
        Model = new TransformerConfig
        {
            ModelDimension = 32,
            LayerCount = 1,
            HeadCount = 2,
            MaxSequenceLength = 64,
            Dropout = 0,
            AttentionDropout = 0,
        },
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 2e-3,
        Seed = 1,
        LogEverySteps = 0,
        Device = TransformerDevice.Cpu,
    };

    /// <summary>Non-empty, non-heading lines of WikiText-2 (a real corpus), in file order.</summary>
    public static List<string> WikiTextLines(string split, int count) =>
        File.ReadLines(TestData.Path("lm", "wikitext2", split + ".txt"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('='))
            .Take(count)
            .ToList();

    /// <summary>The first <paramref name="count"/> rows of UCI yelp_labelled.txt (sentence, 0/1).</summary>
    public static List<LabeledRow> YelpRows(int count) =>
        File.ReadLines(TestData.Path("classification", "uci-sentiment", "yelp_labelled.txt"))
            .Select(l => l.Split('\t'))
            .Where(p => p.Length == 2)
            .Take(count)
            .Select(p => new LabeledRow { Text = p[0], Label = p[1].Trim() == "1" })
            .ToList();

    public static IDataView Texts(MLContext ml, IEnumerable<string> texts) =>
        ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }).ToList());

    public static float[][] ReadVectors(IDataView data, string column)
    {
        return data.GetColumn<float[]>(column).ToArray();
    }
}
