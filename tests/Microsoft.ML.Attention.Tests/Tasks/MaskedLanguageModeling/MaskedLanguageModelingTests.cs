using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Estimators;

public class MaskedLanguageModelingTests
{
    [Fact]
    public void Fit_on_real_text_lowers_validation_loss_clearly()
    {
        var ml = new MLContext(seed: 1);
        var train = TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 160));
        var validation = TinyModels.Texts(ml, TinyModels.WikiTextLines("test", 32));
        var options = TinyModels.MaskedLm(epochs: 3);
        options.ValidationSet = validation;
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("validation")) messages.Add(e.Message); };

        using var model = ml.Transforms.AttentionEncoder(options).Fit(train);

        var history = model.TrainingResult!;
        double before = history.InitialValidation!.Value.Loss;
        double after = history.EpochValidations[^1].Loss;
        Assert.True(after < before - 0.5, $"validation loss {before:F3} -> {after:F3}");
        Assert.Contains(messages, m => m.Contains("perplexity"));
    }

    [Fact]
    public void Transform_adds_an_embedding_vector_of_the_model_dimension()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 20));
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 2;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);

        var output = model.Transform(data);
        var column = output.Schema["Embedding"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 32), column.Type);
        var vectors = TinyModels.ReadVectors(output, "Embedding");
        Assert.Equal(20, vectors.Length);
        Assert.All(vectors, v => Assert.All(v, x => Assert.True(float.IsFinite(x))));
        Assert.NotEqual(vectors[0], vectors[1]);
    }

    [Fact]
    public void PredictionEngine_equals_batch_transform()
    {
        var ml = new MLContext(seed: 1);
        var texts = TinyModels.WikiTextLines("valid", 12);
        var data = TinyModels.Texts(ml, texts);
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 2;
        options.InferenceBatchSize = 5;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);

        var batch = TinyModels.ReadVectors(model.Transform(data), "Embedding");
        var engine = ml.Model.CreatePredictionEngine<TinyModels.TextRow, EmbeddingRow>(model);
        for (int i = 0; i < texts.Count; i++)
        {
            var single = engine.Predict(new TinyModels.TextRow { Text = texts[i] }).Embedding;
            Assert.Equal(batch[i].Length, single.Length);
            for (int d = 0; d < single.Length; d++)
                Assert.True(Math.Abs(batch[i][d] - single[d]) <= 1e-5, $"row {i} dim {d}: {batch[i][d]} vs {single[d]}");
        }
    }

    [Fact]
    public void Save_then_load_in_fresh_process_gives_identical_embeddings()
    {
        var ml = new MLContext(seed: 1);
        var texts = TinyModels.WikiTextLines("valid", 10).Concat([""]).ToList();
        var data = TinyModels.Texts(ml, texts);
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 3;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        var expected = TinyModels.ReadVectors(model.Transform(data), "Embedding");

        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "encoder.zip");
        ml.Model.Save(model, data.Schema, path);
        var rows = ModelProbeProcess.Run(path, texts, "Embedding");

        Assert.Equal(texts.Count, rows.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            var actual = rows[i]["Embedding"].Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(expected[i], actual);   // exact: maximum absolute difference 0
        }
    }

    [Fact]
    public void Save_then_load_in_same_process_keeps_tokenizer_and_config()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 10));
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 1;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "encoder.zip");
        ml.Model.Save(model, data.Schema, path);

        var reloaded = Assert.IsType<TransformerTextTransformer>(new MLContext().Model.Load(path, out var schema));
        Assert.Equal(model.Config, reloaded.Config);
        Assert.Equal(model.Tokenizer.Encode("lobster, 1920"), reloaded.Tokenizer.Encode("lobster, 1920"));
        Assert.Equal("Text", schema.Single().Name);
        reloaded.Dispose();
    }

    [Fact]
    public void Embeddings_feed_an_ml_net_trainer()
    {
        var ml = new MLContext(seed: 1);
        var rows = TinyModels.YelpRows(200);
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 20;
        // Multi-pass trainers read their input many times: cache the embeddings once, as ML.NET recommends.
        var pipeline = ml.Transforms.AttentionEncoder(options)
            .AppendCacheCheckpoint(ml)
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(featureColumnName: "Embedding"));

        var model = pipeline.Fit(data);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(data));

        Assert.InRange(metrics.Accuracy, 0.5, 1.0);
        Assert.True(double.IsFinite(metrics.LogLoss));
    }

    [Fact]
    public void Initial_model_continues_from_saved_weights()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 16));
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 2;
        using var first = ml.Transforms.AttentionEncoder(options).Fit(data);
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "encoder.zip");
        ml.Model.Save(first, data.Schema, path);

        var next = TinyModels.MaskedLm();
        next.MaxSteps = 1;
        next.LearningRate = 1e-9;
        next.WarmupFraction = 0;
        next.InitialModel = path;
        next.Model = next.Model with { ModelDimension = 48 };   // ignored: the initial model's shape is kept
        using var second = ml.Transforms.AttentionEncoder(next).Fit(data);

        Assert.Equal(first.Config, second.Config);
        var a = TinyModels.ReadVectors(first.Transform(data), "Embedding");
        var b = TinyModels.ReadVectors(second.Transform(data), "Embedding");
        Assert.True(a.Zip(b).All(p => p.First.Zip(p.Second).All(x => Math.Abs(x.First - x.Second) < 1e-3)));
    }

    private sealed class EmbeddingRow
    {
        [VectorType(32)]
        public float[] Embedding { get; set; } = [];
    }
}
