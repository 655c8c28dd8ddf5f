namespace Microsoft.ML.Attention;

/// <summary>The masking of <see cref="TransformerTask.MaskedLanguageModeling"/> (<see cref="TransformerTextOptions.MaskedLanguageModeling"/>).</summary>
public sealed class MaskedLanguageModelingOptions
{
    /// <summary>Fraction of the tokens selected for prediction (of those 80% masked, 10% random, 10% kept; BERT's recipe). Default: 0.15; in (0, 1).</summary>
    public double MaskProbability { get; set; } = 0.15;
}
