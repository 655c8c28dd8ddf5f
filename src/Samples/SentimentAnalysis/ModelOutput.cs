using Microsoft.ML.Data;

namespace SentimentAnalysis;

/// <summary>What the model writes for one review.</summary>
public sealed class ModelOutput
{
    /// <summary>true = positive.</summary>
    [ColumnName("PredictedLabel")]
    public bool PredictedLabel { get; set; }

    /// <summary>The probability that the review is positive.</summary>
    [ColumnName("Probability")]
    public float Probability { get; set; }

    /// <summary>The raw score (logit).</summary>
    [ColumnName("Score")]
    public float Score { get; set; }
}
