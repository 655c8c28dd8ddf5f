using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Tasks.SentenceSimilarity;

/// <summary>TransformerTask.SentenceSimilarity through the public pipeline: regression that ML.NET evaluates, the catalog alias, bad input.</summary>
public sealed class SentenceSimilarityTaskTests
{
    [Fact]
    public void Regression_on_SST2_targets_is_evaluated_by_MLNet_and_correlates_on_held_out_phrases()
    {
        var ml = new MLContext(seed: 1);
        var rows = SentenceSimilarityData.Sst2(1400);
        var options = SentenceSimilarityData.TinyTask(maxSteps: 50);
        options.Tokenizer = Microsoft.ML.Attention.Tokenization.TokenizerKind.WordPiece;
        options.VocabularyPath = TestData.Path("vocab", "bert-base-uncased", "vocab.txt");
        options.Model = options.Model with { MaxSequenceLength = 48 };
        options.BatchSize = 32;
        options.LearningRate = 3e-3;
        using var model = ml.Regression.Trainers.AttentionSentenceSimilarity(options).Fit(ml.Data.LoadFromEnumerable(rows.Take(1000).ToList()));

        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows.Skip(1000).ToList()));
        var metrics = ml.Regression.Evaluate(scored, labelColumnName: "Label");
        var scores = scored.GetColumn<float>("Score").Select(v => (double)v).ToList();
        var labels = scored.GetColumn<float>("Label").Select(v => (double)v).ToList();
        double r = SentenceSimilarityTrainer.Pearson(scores, labels);
        // 400 held-out phrases: chance gives |r| < 0.1 (p < 0.05); the trainer's own test measured 0.39 after these 50 steps.
        Assert.True(r > 0.25, $"Pearson r {r:F3}; RSquared {metrics.RSquared:F3}, MSE {metrics.MeanSquaredError:F4}");
        Assert.True(double.IsFinite(metrics.RSquared) && metrics.MeanSquaredError < 0.25, $"MSE {metrics.MeanSquaredError:F4} (predicting 0.5 everywhere gives 0.25)");
    }

    [Fact]
    public void The_Score_column_carries_the_regression_annotations()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SentenceSimilarityData.Sst2(8));
        using var model = ml.Regression.Trainers.AttentionSentenceSimilarity(SentenceSimilarityData.TinyTask(maxSteps: 1)).Fit(data);
        var score = model.Transform(data).Schema["Score"];
        ReadOnlyMemory<char> kind = default;
        score.Annotations.GetValue("ScoreColumnKind", ref kind);
        Assert.Equal("Regression", kind.ToString());
        Assert.Equal(NumberDataViewType.Single, score.Type);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    public void A_non_finite_label_names_the_column_the_row_and_the_value(float label)
    {
        var ml = new MLContext(seed: 1);
        var rows = SentenceSimilarityData.Sst2(4);
        rows[3].Label = label;
        var error = Assert.ThrowsAny<Exception>(() => ml.Regression.Trainers.AttentionSentenceSimilarity(SentenceSimilarityData.TinyTask(maxSteps: 1))
            .Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains($"Column 'Label' is {label} in training row 3", error.Message);
    }

    [Fact]
    public void A_missing_second_text_column_is_named()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SentenceSimilarityData.Sst2(4));
        var estimator = ml.Regression.Trainers.AttentionSentenceSimilarity("Label", "Text", "Second");
        Assert.Contains("Second", Assert.ThrowsAny<Exception>(() => estimator.GetOutputSchema(Contract.SchemaShapes.Of(data.Schema))).Message);
        Assert.Contains("Second", Assert.ThrowsAny<Exception>(() => estimator.Fit(data)).Message);
    }

    [Fact]
    public void A_label_that_is_not_Single_is_named_with_its_type()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Estimators.TinyModels.YelpRows(4));   // Label is Boolean
        var error = Assert.ThrowsAny<Exception>(() => ml.Regression.Trainers.AttentionSentenceSimilarity(SentenceSimilarityData.TinyTask(maxSteps: 1)).Fit(data));
        Assert.Contains("Label", error.Message);
        Assert.Contains("Boolean", error.Message);
    }

    [Fact]
    public void The_catalog_alias_does_not_change_the_callers_options()
    {
        var ml = new MLContext(seed: 1);
        var options = new TransformerTextOptions { Task = TransformerTask.MaskedLanguageModeling };
        _ = ml.Regression.Trainers.AttentionSentenceSimilarity(options);
        Assert.Equal(TransformerTask.MaskedLanguageModeling, options.Task);
    }
}
