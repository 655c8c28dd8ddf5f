using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Estimators;

/// <summary>Tiny classification options and row types for the TextClassification tests.</summary>
internal static class TextClassificationData
{
    public sealed class CategoryRow
    {
        public string Text { get; set; } = "";
        public string Category { get; set; } = "";
    }

    public sealed class PairRow
    {
        public string Text { get; set; } = "";
        public string Second { get; set; } = "";
        public bool Label { get; set; }
    }

    public sealed class FloatLabelRow
    {
        public string Text { get; set; } = "";
        public float Label { get; set; }
    }

    public sealed class BinaryPrediction
    {
        public bool PredictedLabel { get; set; }
        public float Score { get; set; }
        public float Probability { get; set; }
    }

    public static TransformerTextOptions Tiny(int epochs = 1, int maxSteps = 0)
    {
        var options = TinyModels.MaskedLm(epochs);
        options.Task = TransformerTask.TextClassification;
        options.MaxSteps = maxSteps;
        return options;
    }

    /// <summary>Yelp rows (real sentences) with a three-way text label: "pos", "neg", and "short" for sentences under 25 characters.</summary>
    public static List<CategoryRow> YelpCategories(int count) =>
        TinyModels.YelpRows(count)
            .Select(r => new CategoryRow { Text = r.Text, Category = r.Text.Length < 25 ? "short" : r.Label ? "pos" : "neg" })
            .ToList();
}
