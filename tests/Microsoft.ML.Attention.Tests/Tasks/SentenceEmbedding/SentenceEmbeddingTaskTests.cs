using Microsoft.Extensions.AI;
using Microsoft.ML.Attention.Tests.Estimators;

namespace Microsoft.ML.Attention.Tests.Tasks.SentenceEmbedding;

/// <summary>TransformerTask.SentenceEmbedding through the public pipeline: fine-tuning, the embedding generator, bf16 training, bad input.</summary>
public sealed class SentenceEmbeddingTaskTests
{
    [Fact]
    public void Fine_tuning_a_saved_model_on_King_James_to_Reina_Valera_pairs_raises_recall_at_1()
    {
        var ml = new MLContext(seed: 1);
        var rows = SentenceEmbeddingData.KjvToRv1909(24);
        var data = ml.Data.LoadFromEnumerable(rows);
        var pretrainOptions = TinyModels.MaskedLm();
        pretrainOptions.MaxSteps = 2;
        using var pretrained = ml.Transforms.AttentionEncoder(pretrainOptions)
            .Fit(TinyModels.Texts(ml, rows.SelectMany(r => new[] { r.Text, r.Positive })));
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention-se").FullName, "pretrained.zip");
        ml.Model.Save(pretrained, data.Schema, path);

        var options = SentenceEmbeddingData.TinyTask(maxSteps: 30, batchSize: 12);
        options.InitialModel = path;
        using var tuned = ml.Transforms.AttentionEncoder(options).Fit(data);

        double before = RecallAt1(pretrained, ml, rows);
        double after = RecallAt1(tuned, ml, rows);
        Assert.True(after >= before + 0.3, $"recall@1 of KJV among RV1909 {before:P1} from the saved model, {after:P1} after fine-tuning");
        File.Delete(path);
    }

    [Fact]
    public async Task AsEmbeddingGenerator_on_the_fine_tuned_model_gives_the_Transform_embeddings()
    {
        var ml = new MLContext(seed: 1);
        var rows = SentenceEmbeddingData.KjvToRv1909(8);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = ml.Transforms.AttentionEncoder(SentenceEmbeddingData.TinyTask(maxSteps: 2, batchSize: 4)).Fit(data);
        var expected = TinyModels.ReadVectors(model.Transform(data), "Embedding");

        using var generator = model.AsEmbeddingGenerator();
        var generated = await generator.GenerateAsync(rows.Select(r => r.Text));

        Assert.Equal(rows.Count, generated.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(expected[i].Length, generated[i].Vector.Length);
            var vector = generated[i].Vector.ToArray();
            Assert.All(Enumerable.Range(0, vector.Length), d => Assert.Equal(expected[i][d], vector[d], 1e-5f));
            Assert.Equal(1.0, Math.Sqrt(expected[i].Sum(v => (double)v * v)), 4);   // normalized by default
        }
    }

    [Fact]
    public void Fit_with_automatic_training_precision_runs_and_writes_finite_embeddings()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SentenceEmbeddingData.KjvToRv1909(8));
        var options = SentenceEmbeddingData.TinyTask(maxSteps: 2, batchSize: 4);
        options.TrainingPrecision = TrainingPrecision.Automatic;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        var vectors = TinyModels.ReadVectors(model.Transform(data), "Embedding");
        Assert.All(vectors, v => Assert.True(v.Length == 32 && v.All(float.IsFinite)));
    }

    [Fact]
    public void Fit_with_the_cached_loss_and_a_hard_negative_column_runs()
    {
        var ml = new MLContext(seed: 1);
        var verses = SentenceEmbeddingData.Verses(9);
        var rows = Enumerable.Range(0, 8).Select(i => new NegativeRow { Text = verses[i].Kjv, Positive = verses[i].Rv1909, Negative = verses[i + 1].Rv1909 }).ToList();
        var options = SentenceEmbeddingData.TinyTask(maxSteps: 2, batchSize: 8);
        options.SentenceEmbedding.NegativeColumnName = "Negative";
        options.SentenceEmbedding.CachedMiniBatchSize = 3;
        options.SentenceEmbedding.Symmetric = true;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(2, model.TrainingResult!.Steps);
    }

    [Fact]
    public void An_empty_positive_names_the_column_and_the_row()
    {
        var ml = new MLContext(seed: 1);
        var rows = SentenceEmbeddingData.KjvToRv1909(4);
        rows[2].Positive = " ";
        var error = Assert.ThrowsAny<Exception>(() => ml.Transforms.AttentionEncoder(SentenceEmbeddingData.TinyTask(maxSteps: 1, batchSize: 2)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Column 'Positive' is empty in training row 2", error.Message);
    }

    [Fact]
    public void A_missing_positive_column_is_named_before_training()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, ["In the beginning God created the heaven and the earth."]);
        var estimator = ml.Transforms.AttentionEncoder(SentenceEmbeddingData.TinyTask(maxSteps: 1));
        Assert.Contains("Positive", Assert.ThrowsAny<Exception>(() => estimator.GetOutputSchema(Contract.SchemaShapes.Of(data.Schema))).Message);
        Assert.Contains("Positive", Assert.ThrowsAny<Exception>(() => estimator.Fit(data)).Message);
    }

    [Fact]
    public void A_bad_loss_option_names_the_nested_option_and_its_value()
    {
        var ml = new MLContext(seed: 1);
        var options = SentenceEmbeddingData.TinyTask(maxSteps: 1);
        options.SentenceEmbedding.Scale = 0;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.AttentionEncoder(options));
        Assert.Contains("TransformerTextOptions.SentenceEmbedding.Scale must be a positive number; it is 0.", error.Message);
    }

    private sealed class NegativeRow
    {
        public string Text { get; set; } = "";
        public string Positive { get; set; } = "";
        public string Negative { get; set; } = "";
    }

    // Each anchor's (KJV) rank among all positives (RV1909) by cosine; recall@1 = share ranked first.
    private static double RecallAt1(TransformerTextTransformer model, MLContext ml, List<SentenceEmbeddingData.PairRow> rows)
    {
        var anchors = TinyModels.ReadVectors(model.Transform(TinyModels.Texts(ml, rows.Select(r => r.Text))), model.OutputColumnNames[0]);
        var positives = TinyModels.ReadVectors(model.Transform(TinyModels.Texts(ml, rows.Select(r => r.Positive))), model.OutputColumnNames[0]);
        int hits = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            var ranked = CandidateRanker.Rank(anchors[i], [.. positives.Select(p => (ReadOnlyMemory<float>)p)], topK: 1);
            hits += ranked[0].Index == i ? 1 : 0;
        }
        return (double)hits / rows.Count;
    }
}
