namespace Microsoft.ML.Attention;

/// <summary>What <see cref="TransformerTextEstimator"/> trains during <c>Fit</c> and what its transformer writes during <c>Transform</c>.</summary>
public enum TransformerTask
{
    /// <summary>
    /// Pretrains a bidirectional encoder with the masked-language-modelling objective (BERT) on the text column.
    /// <c>Transform</c> writes a sentence embedding (mask-aware mean of the last hidden states) into the output column.
    /// </summary>
    MaskedLanguageModeling,
}
