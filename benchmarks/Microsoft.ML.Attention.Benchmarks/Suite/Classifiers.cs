using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// The two classifiers of the inference and memory sections, trained on SST-2 rows (their speed does not depend on how well they
/// are trained): <c>TextClassification</c> with a 4-layer, d = 256, 4-head encoder (WordPiece, T ≤ 128), and ML.NET's
/// bag-of-words pipeline (<c>FeaturizeText</c> + <c>SdcaLogisticRegression</c>).
/// </summary>
internal static class Classifiers
{
    public sealed class Sentence
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    /// <summary>The score column of both binary classifiers.</summary>
    public sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    /// <summary>The first <paramref name="count"/> labelled rows of datasets/classification/sst2/train.tsv.</summary>
    public static List<Sentence> Sst2(string datasets, int count) =>
        File.ReadLines(Path.Combine(datasets, "classification", "sst2", "train.tsv"))
            .Skip(1)
            .Select(line => line.Split('\t'))
            .Select(parts => new Sentence { Text = parts[0].Trim(), Label = parts[1].Trim() == "1" })
            .Take(count)
            .ToList();

    public static TransformerTextOptions EncoderOptions(string datasets) => new()
    {
        Task = TransformerTask.TextClassification,
        Tokenizer = TokenizerKind.WordPiece,
        VocabularyPath = Path.Combine(datasets, "vocab", "bert-base-uncased", "vocab.txt"),
        Model = new TransformerConfig { ModelDimension = 256, LayerCount = 4, HeadCount = 4, MaxSequenceLength = 128, Dropout = 0, AttentionDropout = 0 },
        Epochs = 1,
        BatchSize = 16,
        Seed = 1,
        LogEverySteps = 0,
        Device = TransformerDevice.Cpu,
    };

    public static ITransformer Encoder(MLContext ml, string datasets, IDataView training) =>
        ml.Transforms.AttentionEncoder(EncoderOptions(datasets)).Fit(training);

    public static ITransformer BagOfWords(MLContext ml, IDataView training) =>
        ml.Transforms.Text.FeaturizeText("Features", "Text")
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression())
            .Fit(training);
}
