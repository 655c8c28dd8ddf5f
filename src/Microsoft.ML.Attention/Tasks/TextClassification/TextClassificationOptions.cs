namespace Microsoft.ML.Attention;

/// <summary>
/// The settings of <see cref="TransformerTask.TextClassification"/> (<see cref="TransformerTextOptions.TextClassification"/>): the label
/// column, the second text of a sentence pair, and whether the encoder is frozen. Every property documents its default; the estimator
/// checks them when it is created.
/// </summary>
public sealed class TextClassificationOptions
{
    /// <summary>
    /// The label column: a key (multiclass, e.g. from <c>MapValueToKey</c>) or a Boolean (binary). Rows whose key is missing (0) are
    /// skipped for training. Default: <c>"Label"</c>.
    /// </summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// The second text column of a sentence pair (encoded as <c>[Bos] first [Eos] second [Eos]</c>, token types 0 then 1). Default:
    /// <c>null</c> (single text).
    /// </summary>
    public string? SecondTextColumnName { get; set; }

    /// <summary>Train only the classification head and keep the encoder's weights (useful with an initial model). Default: <c>false</c>.</summary>
    public bool FreezeEncoder { get; set; }
}
