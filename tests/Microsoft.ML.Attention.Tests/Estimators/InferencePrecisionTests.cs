using System.IO.Compression;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using TorchSharp;
using static Microsoft.ML.Attention.Tests.Estimators.TextClassificationData;

namespace Microsoft.ML.Attention.Tests.Estimators;

/// <summary>
/// <see cref="InferencePrecision.BFloat16"/> (the fast path) against <see cref="InferencePrecision.Float32"/> (the reference).
/// Both models come from the same seed: training is float32 whatever the inference precision, so their weights are the same.
/// </summary>
public class InferencePrecisionTests
{
    [Fact]
    public void BFloat16_embeddings_are_within_bf16_rounding_of_float32_ones()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 48));
        using var reference = ml.Transforms.AttentionEncoder(Encoder(InferencePrecision.Float32)).Fit(data);
        using var fast = ml.Transforms.AttentionEncoder(Encoder(InferencePrecision.BFloat16)).Fit(data);

        var expected = TinyModels.ReadVectors(reference.Transform(data), "Embedding");
        var actual = TinyModels.ReadVectors(fast.Transform(data), "Embedding");

        Assert.Equal(InferencePrecision.BFloat16, fast.InferencePrecision);
        Assert.Equal(expected.Length, actual.Length);
        double largestDifference = 0;
        for (int row = 0; row < expected.Length; row++)
        {
            double norm = Math.Sqrt(expected[row].Sum(v => (double)v * v));
            double difference = expected[row].Zip(actual[row], (e, a) => Math.Abs((double)e - a)).Max();
            largestDifference = Math.Max(largestDifference, difference);
            Assert.True(Cosine(expected[row], actual[row]) >= 0.999, $"row {row}: cosine {Cosine(expected[row], actual[row])}");
            Assert.True(difference <= 0.02 * norm, $"row {row}: max abs diff {difference} with norm {norm}");
        }
        Assert.True(largestDifference > 0, "the bfloat16 model gave float32's exact values: it did not run in bfloat16");
    }

    [Fact]
    public void BFloat16_classifier_predicts_the_float32_label_on_real_rows()
    {
        var ml = new MLContext(seed: 1);
        var rows = TinyModels.YelpRows(600);
        var train = ml.Data.LoadFromEnumerable(rows.Take(480).ToList());
        var data = ml.Data.LoadFromEnumerable(rows.Skip(480).ToList());
        using var reference = ml.Transforms.AttentionEncoder(Classifier(InferencePrecision.Float32)).Fit(train);
        using var fast = ml.Transforms.AttentionEncoder(Classifier(InferencePrecision.BFloat16)).Fit(train);

        var expected = reference.Transform(data).GetColumn<float>("Score").ToArray();
        var actual = fast.Transform(data).GetColumn<float>("Score").ToArray();
        var predicted = fast.Transform(data).GetColumn<bool>("PredictedLabel").ToArray();

        Assert.Equal(expected.Length, actual.Length);
        int agreeing = 0;
        for (int row = 0; row < expected.Length; row++)
        {
            Assert.True(Math.Abs(expected[row] - actual[row]) <= 0.05 + 0.02 * Math.Abs(expected[row]),
                $"row {row}: logit {actual[row]} against float32's {expected[row]}");
            Assert.Equal(actual[row] > 0, predicted[row]);
            if ((expected[row] > 0) == predicted[row])
                agreeing++;
        }
        Assert.True(agreeing >= expected.Length - 2, $"{agreeing} of {expected.Length} rows agree");
    }

    [Fact]
    public void BFloat16_PredictionEngine_is_within_bf16_rounding_of_batch_Transform()
    {
        var ml = new MLContext(seed: 1);
        var texts = TinyModels.WikiTextLines("valid", 12);
        var data = TinyModels.Texts(ml, texts);
        using var model = ml.Transforms.AttentionEncoder(Encoder(InferencePrecision.BFloat16, maxSteps: 2)).Fit(data);
        var batch = TinyModels.ReadVectors(model.Transform(data), "Embedding");

        var engine = ml.Model.CreatePredictionEngine<TinyModels.TextRow, EmbeddingRow>(model);

        for (int row = 0; row < texts.Count; row++)
        {
            var single = engine.Predict(new TinyModels.TextRow { Text = texts[row] }).Embedding;
            Assert.True(Cosine(batch[row], single) >= 0.999, $"row {row}: cosine {Cosine(batch[row], single)}");
        }
    }

    [Fact]
    public void Save_then_load_keeps_BFloat16_and_its_embeddings()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 10));
        using var model = ml.Transforms.AttentionEncoder(Encoder(InferencePrecision.BFloat16, maxSteps: 2)).Fit(data);
        var expected = TinyModels.ReadVectors(model.Transform(data), "Embedding");
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "encoder.zip");
        ml.Model.Save(model, data.Schema, path);

        using var reloaded = Assert.IsType<TransformerTextTransformer>(new MLContext().Model.Load(path, out _));

        Assert.Equal(InferencePrecision.BFloat16, reloaded.InferencePrecision);
        Assert.Equal(expected, TinyModels.ReadVectors(reloaded.Transform(data), "Embedding"));
    }

    [Fact]
    public void Model_saved_without_an_inference_stream_loads_as_Float32()
    {
        // A model of the format before checksums (a committed fixture), with its Inference.bin removed: as written before the option
        // existed. (In today's format a missing stream is reported as tampering by the checksums.)
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "encoder.zip");
        File.Copy(Fixtures.SavedModelFixture.All.Single(f => f.Name == "masked-lm-embeddings").ModelPath, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            zip.Entries.Single(e => e.Name == "Inference.bin").Delete();

        using var reloaded = Assert.IsType<TransformerTextTransformer>(new MLContext().Model.Load(path, out _));

        Assert.Equal(InferencePrecision.Float32, reloaded.InferencePrecision);
    }

    [Fact]
    public void Disposing_a_BFloat16_model_releases_its_copy_of_the_weights()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 16));
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var model = ml.Transforms.AttentionEncoder(Encoder(InferencePrecision.BFloat16, maxSteps: 2)).Fit(data);
        long afterFit = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        TinyModels.ReadVectors(model.Transform(data), "Embedding");
        Assert.Equal(afterFit, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        model.Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Undefined_precision_names_the_option_and_value()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyModels.MaskedLm();
        options.InferencePrecision = (InferencePrecision)7;

        var error = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(options));

        Assert.Contains("InferencePrecision", error.Message);
        Assert.Contains("7", error.Message);
    }

    private static TransformerTextOptions Encoder(InferencePrecision precision, int maxSteps = 6)
    {
        var options = TinyModels.MaskedLm();
        options.Model = options.Model with { LayerCount = 2 };
        options.MaxSteps = maxSteps;
        options.InferencePrecision = precision;
        return options;
    }

    private static TransformerTextOptions Classifier(InferencePrecision precision)
    {
        var options = Tiny(epochs: 4);
        options.Tokenizer = TokenizerKind.WordPiece;
        options.VocabularyPath = TestData.Path("vocab", "bert-base-uncased", "vocab.txt");
        options.Model = options.Model with { LayerCount = 2, MaxSequenceLength = 48 };
        options.InferencePrecision = precision;
        return options;
    }

    private sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(normA * normB);
    }
}
