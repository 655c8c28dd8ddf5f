using Microsoft.ML.Data;
using static Microsoft.ML.Attention.Tests.Estimators.TextClassificationData;

namespace Microsoft.ML.Attention.Tests.Estimators;

public class TextClassificationBadInputTests
{
    [Fact]
    public void Missing_label_column_names_the_column()
    {
        var ml = new MLContext(seed: 1);
        var options = Tiny(maxSteps: 1);
        options.TextClassification.LabelColumnName = "Sentiment";
        var data = ml.Data.LoadFromEnumerable(TinyModels.YelpRows(8));
        var error = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(options).Fit(data));
        Assert.Contains("Sentiment", error.Message);
    }

    [Fact]
    public void Label_of_a_wrong_type_names_the_column_and_the_expected_types()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Text = "good", Label = 1 }, new FloatLabelRow { Text = "bad", Label = 0 } });
        var error = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(Tiny(maxSteps: 1)).Fit(data));
        Assert.Contains("Label", error.Message);
        Assert.Contains("Boolean or Key", error.Message);
        Assert.Contains("Single", error.Message);
    }

    [Fact]
    public void A_single_class_in_the_training_data_is_a_clear_error()
    {
        var ml = new MLContext(seed: 1);
        var rows = TinyModels.YelpRows(20).Where(r => r.Label).ToList();
        var error = Assert.ThrowsAny<InvalidOperationException>(() => ml.Transforms.AttentionEncoder(Tiny(maxSteps: 1)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("single class", error.Message);
        Assert.Contains("Label", error.Message);
    }

    [Fact]
    public void Rows_with_a_missing_label_are_skipped_and_counted_in_the_log()
    {
        var ml = new MLContext(seed: 1);
        var rows = YelpCategories(30);
        var keys = ml.Transforms.Conversion.MapValueToKey("Category").Fit(ml.Data.LoadFromEnumerable(rows.Where(r => r.Category != "short").ToList()));
        var keyed = keys.Transform(ml.Data.LoadFromEnumerable(rows));   // "short" was not seen: key 0 (missing)
        int shortRows = rows.Count(r => r.Category == "short");
        var options = Tiny(maxSteps: 1);
        options.TextClassification.LabelColumnName = "Category";
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        using var model = ml.Transforms.AttentionEncoder(options).Fit(keyed);

        Assert.True(shortRows > 0);
        Assert.Contains(messages, m => m.Contains($"Skipped {shortRows} of {rows.Count} rows") && m.Contains("'Category'"));
    }

    [Fact]
    public void Unseen_label_at_prediction_time_still_gets_a_prediction_and_is_skipped_by_Evaluate()
    {
        var ml = new MLContext(seed: 1);
        var rows = YelpCategories(40).Where(r => r.Category != "short").ToList();
        var options = Tiny(maxSteps: 2);
        options.TextClassification.LabelColumnName = "Category";
        var model = ml.Transforms.Conversion.MapValueToKey("Category").Append(ml.Transforms.AttentionEncoder(options)).Fit(ml.Data.LoadFromEnumerable(rows));

        var test = rows.Take(6).Append(new CategoryRow { Text = "a label the model never saw", Category = "neutral" }).ToList();
        var output = model.Transform(ml.Data.LoadFromEnumerable(test));
        Assert.Equal(0u, output.GetColumn<uint>("Category").Last());
        Assert.InRange(output.GetColumn<uint>("PredictedLabel").Last(), 1u, 2u);
        var metrics = ml.MulticlassClassification.Evaluate(output, labelColumnName: "Category");
        Assert.Equal(6, metrics.ConfusionMatrix.Counts.Sum(row => row.Sum()));
    }

    [Fact]
    public void Classification_options_are_checked_with_their_names()
    {
        var ml = new MLContext(seed: 1);
        var output = Tiny();
        output.OutputColumnName = "Prediction";
        Assert.Contains("OutputColumnName", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(output)).Message);
        var pair = Tiny();
        pair.TextClassification.SecondTextColumnName = "Text";
        Assert.Contains("SecondTextColumnName", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(pair)).Message);
        var patience = Tiny();
        patience.EarlyStoppingPatience = -1;
        Assert.Contains("EarlyStoppingPatience", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(patience)).Message);
        var label = Tiny();
        label.TextClassification.LabelColumnName = " ";
        Assert.Contains("LabelColumnName", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(label)).Message);
    }

    [Fact]
    public void Missing_second_text_column_names_the_column()
    {
        var ml = new MLContext(seed: 1);
        var options = Tiny(maxSteps: 1);
        options.TextClassification.SecondTextColumnName = "Hypothesis";
        var error = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(TinyModels.YelpRows(8))));
        Assert.Contains("Hypothesis", error.Message);
    }
}
