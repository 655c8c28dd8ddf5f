namespace Microsoft.ML.Attention;

/// <summary>
/// The settings of <see cref="TransformerTask.SentenceSimilarity"/> (<see cref="TransformerTextOptions.SentenceSimilarity"/>): the score
/// column and the second text of a pair. Every property documents its default; the estimator checks them when it is created.
/// </summary>
public sealed class SentenceSimilarityOptions
{
    /// <summary>
    /// The target score column (<c>Single</c>, as ML.NET's regression trainers read it). A non-finite value is an error naming the column,
    /// the row and the value. Default: <c>"Label"</c>.
    /// </summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// The second text column of a sentence pair (encoded as <c>[Bos] first [Eos] second [Eos]</c>, token types 0 then 1: a cross-encoder).
    /// Default: <c>null</c> (single-text regression).
    /// </summary>
    public string? SecondTextColumnName { get; set; }
}
