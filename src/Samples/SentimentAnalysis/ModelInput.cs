using Microsoft.ML.Data;

namespace SentimentAnalysis;

/// <summary>One review: what the model reads (and, for training, its label).</summary>
public sealed class ModelInput
{
    [ColumnName("Text")]
    public string Text { get; set; } = "";

    /// <summary>true = positive. Read by training and evaluation only.</summary>
    [ColumnName("Label")]
    public bool Label { get; set; }
}
