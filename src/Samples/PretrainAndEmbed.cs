using System.Diagnostics;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Samples;

/// <summary>
/// Pretrains a small encoder with masked language modelling on WikiText-2, turns sentences into embeddings, trains an ML.NET
/// classifier on the embeddings of UCI yelp reviews, and saves + reloads the whole pipeline.
/// </summary>
internal static class PretrainAndEmbed
{
    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public static void Run(string datasets)
    {
        var ml = new MLContext(seed: 1);
        ml.Log += (_, e) =>
        {
            if (e.Source.Contains("TransformerTextEstimator") && (e.Message.Contains("validation") || e.Message.Contains("step") || e.Message.Contains("parameters")))
                Console.WriteLine("  " + e.Message);
        };

        var corpus = SampleData.WikiTextLines(datasets, "valid").Take(1500).Select(t => new TextRow { Text = t }).ToList();
        var heldOut = SampleData.WikiTextLines(datasets, "test").Take(200).Select(t => new TextRow { Text = t }).ToList();
        var options = new TransformerTextOptions
        {
            Task = TransformerTask.MaskedLanguageModeling,
            TextColumnName = "Text",
            OutputColumnName = "Embedding",
            Tokenizer = TokenizerKind.WordPiece,
            VocabularyPath = Path.Combine(datasets, "vocab", "bert-base-uncased", "vocab.txt"),
            Model = new TransformerConfig { ModelDimension = 128, LayerCount = 2, HeadCount = 4, MaxSequenceLength = 128 },
            Epochs = 2,
            BatchSize = 32,
            LearningRate = 1e-3,
            LogEverySteps = 25,
            ValidationSet = ml.Data.LoadFromEnumerable(heldOut),
        };

        Console.WriteLine($"1. Pretraining a masked-LM encoder on {corpus.Count} WikiText-2 lines");
        var watch = Stopwatch.StartNew();
        using var encoder = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(corpus));
        Console.WriteLine($"   done in {watch.Elapsed.TotalSeconds:F0} s");

        string path = Path.Combine(Path.GetTempPath(), "mlnet-attention-encoder.zip");
        ml.Model.Save(encoder, ml.Data.LoadFromEnumerable(corpus).Schema, path);
        Console.WriteLine($"2. Saved the encoder to {path} ({new FileInfo(path).Length / 1024} KB)");

        var reviews = SampleData.YelpReviews(datasets);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(reviews), testFraction: 0.2, seed: 1);
        var reloaded = ml.Model.Load(path, out _);
        var classifier = ml.Transforms.CopyColumns("Features", "Embedding")
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression());
        // SDCA reads its input many times: cache the embeddings once instead of re-encoding every pass.
        var embeddedTrain = ml.Data.Cache(reloaded.Transform(split.TrainSet));
        var model = classifier.Fit(embeddedTrain);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(reloaded.Transform(split.TestSet)));
        Console.WriteLine($"3. SDCA logistic regression on the reloaded encoder's embeddings (yelp, 80/20): accuracy {metrics.Accuracy:P1}, AUC {metrics.AreaUnderRocCurve:F3}");

        var first = ml.Data.CreateEnumerable<EmbeddingRow>(reloaded.Transform(ml.Data.LoadFromEnumerable(reviews.Take(1))), reuseRowObject: false).First();
        Console.WriteLine($"4. \"{reviews[0].Text}\" -> [{string.Join(", ", first.Embedding.Take(4).Select(v => v.ToString("F3")))}, ...] ({first.Embedding.Length} values)");
    }

    private sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }
}
