namespace Microsoft.ML.Attention;

/// <summary>
/// How a word's prediction is made from the predictions of its sub-word tokens: Hugging Face's token-classification aggregation
/// strategies <c>first</c>, <c>average</c> and <c>max</c> (its <c>simple</c> is <see cref="First"/> followed by entity grouping:
/// <see cref="TokenClassificationOptions.AddEntities"/>). The values are saved in models and never renumbered.
/// </summary>
public enum TokenAggregation
{
    /// <summary>The word takes its first sub-word's label and probability (the sub-word the label is trained on). The default.</summary>
    First = 0,

    /// <summary>The sub-words' probability vectors are averaged; the word takes the label with the highest mean probability.</summary>
    Average = 1,

    /// <summary>The word takes the label and probability of the sub-word whose most probable label has the highest probability.</summary>
    Max = 2,
}
